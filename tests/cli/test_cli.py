"""The command line: exit codes (in-process and as a real process), flags, config errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import TF1_MODEL
from tf1migrate import cli, runner
from tf1migrate.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def use_engine(engine, monkeypatch):
    monkeypatch.setattr(runner, "DEFAULT_STAGES", engine)
    return engine


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_then_write_then_check(make_repo, use_engine) -> None:
    root = make_repo({"model.py": TF1_MODEL, "clean.py": "x = 1\n"})
    pending = invoke("migrate", "--check", str(root))
    assert pending.exit_code == 1, pending.output
    assert "would migrate repo/model.py" in pending.output and "clean.py" not in pending.output
    assert (root / "model.py").read_text() == TF1_MODEL
    written = invoke("migrate", str(root))
    assert written.exit_code == 0, written.output
    assert (root / "model.py").read_text() != TF1_MODEL
    assert invoke("migrate", "--check", str(root)).exit_code == 0


def test_diff_prints_a_patch_and_writes_nothing(make_repo, use_engine) -> None:
    root = make_repo({"model.py": TF1_MODEL})
    result = invoke("migrate", "--diff", str(root))
    assert result.exit_code == 1
    assert "--- a/repo/model.py\n+++ b/repo/model.py\n" in result.output
    assert "-    return tf.layers.dense(x, 3, name=\"out\")" in result.output
    assert (root / "model.py").read_text() == TF1_MODEL


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--diff", "--check"], "cannot be combined"), (["--verify", "--check"], "--verify"),
     (["--output-format", "xml"], "Invalid value"), (["--jobs", "0"], "Invalid value")],
)
def test_usage_errors_exit_2(make_repo, args, needle) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    result = invoke("migrate", *args, str(root))
    assert result.exit_code == 2 and needle in result.output


def test_unknown_config_key_exits_2_naming_it(make_repo) -> None:
    root = make_repo({"a.py": "x = 1\n", "pyproject.toml": "[tool.tf1migrate]\ntarget = 'keras'\nwrapp = ['m:f']\n"})
    result = invoke("migrate", "--check", str(root))
    assert result.exit_code == 2
    assert "TFM008 unknown key 'wrapp'" in result.output and "Traceback" not in result.output


def test_cli_flags_override_config(make_repo, fake_engine) -> None:
    layer_call = "import tensorflow as tf\ny = tf.layers.dense(x, 3)\n"
    root = make_repo({"a.py": layer_call, "pyproject.toml": "[tool.tf1migrate]\nignore = ['TFM201']\n"})
    assert invoke("migrate", "--check", "--jobs", "1", str(root)).exit_code == 0  # config: TFM201 ignored
    assert invoke("migrate", "--check", "--jobs", "1", "--ignore", "TFM401", str(root)).exit_code == 1  # flag wins


def test_per_file_ignores_apply_to_matching_files_only(make_repo, fake_engine) -> None:
    layer_call = "import tensorflow as tf\ny = tf.layers.dense(x, 3)\n"
    root = make_repo({"legacy/a.py": layer_call, "b.py": layer_call,
                      "pyproject.toml": "[tool.tf1migrate.per-file-ignores]\n\"legacy/*\" = [\"TFM201\"]\n"})
    result = invoke("migrate", "--check", "--jobs", "1", "--output-format", "json", str(root))
    statuses = {f["path"]: f["status"] for f in json.loads(result.stdout)["files"]}
    assert statuses == {"repo/b.py": "changed", "repo/legacy/a.py": "unchanged"}


def test_single_file_run_still_uses_the_project_index(tmp_path: Path, use_engine) -> None:
    """ops.py helpers are only called by model.py roots: passed alone, they are not wrapped."""
    if use_engine is not runner.DEFAULT_STAGES or not (REPO / "fixtures/repos/dcgan/ops.py").exists():
        pytest.skip("needs the real engine and the dcgan fixture")
    repo = tmp_path / "dcgan"
    shutil.copytree(REPO / "fixtures/repos/dcgan", repo)
    in_project = invoke("migrate", "--diff", "--jobs", "1", "--output-format", "json", str(repo / "ops.py"))
    (ops,) = json.loads(in_project.stdout)["files"]
    assert ops["layers"] == [], ops["layers"]
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(repo / "ops.py", alone / "ops.py")
    isolated = invoke("migrate", "--diff", "--jobs", "1", "--output-format", "json", str(alone / "ops.py"))
    assert json.loads(isolated.stdout)["files"][0]["layers"], "without the index the helpers look like roots"


def test_parallel_run_matches_serial_run(make_repo, use_engine) -> None:
    files = {f"m{i:02d}.py": TF1_MODEL.replace("model", f"model{i}") for i in range(10)}
    root = make_repo(files)
    serial = invoke("migrate", "--diff", "--no-cache", "--jobs", "1", "--output-format", "json", str(root))
    parallel = invoke("migrate", "--diff", "--no-cache", "--jobs", "2", "--output-format", "json", str(root))
    strip = lambda out: [{k: v for k, v in f.items()} for f in json.loads(out)["files"]]  # noqa: E731
    assert strip(serial.stdout) == strip(parallel.stdout)
    assert [f["path"] for f in strip(parallel.stdout)] == sorted(f"repo/{n}" for n in files)


def test_verify_without_tensorflow_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(cli, "_tensorflow_missing", lambda: True)
    result = invoke("verify", ".")
    assert result.exit_code == 2
    assert "pip install 'tf1migrate[verify]'" in result.output


def test_rules_and_explain() -> None:
    listing = invoke("rules")
    assert listing.exit_code == 0
    ids = [line.split()[0] for line in listing.output.splitlines()]
    assert {"TFM001", "TFM201", "TFM301", "TFM401"} <= set(ids)
    explained = invoke("explain", "tfm201")
    assert explained.exit_code == 0
    assert explained.output.startswith("TFM201: ") and "Before:" in explained.output and "After:" in explained.output
    unknown = invoke("explain", "TFM999")
    assert unknown.exit_code == 2 and "tf1migrate rules" in unknown.output


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "tf1migrate", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_exit_codes_of_a_real_process(make_repo) -> None:
    root = make_repo({"model.py": TF1_MODEL})
    assert _run("--version", cwd=root).stdout.startswith("tf1migrate, version ")
    assert _run("migrate", "--check", "model.py", cwd=root).returncode == 1
    assert _run("migrate", "model.py", cwd=root).returncode == 0
    assert _run("migrate", "--check", "model.py", cwd=root).returncode == 0
    missing = _run("migrate", "--check", "nope.py", cwd=root)
    assert missing.returncode == 2 and "nope.py:1:1 TFM007 path does not exist" in missing.stdout
    assert "Traceback" not in missing.stdout + missing.stderr


def test_migrate_never_imports_tensorflow_or_notebook_support(make_repo) -> None:
    root = make_repo({"model.py": TF1_MODEL})
    probe = (
        "import sys\nfrom tf1migrate.cli import main\n"
        "try:\n    main(['migrate', '--check', '--no-cache', 'model.py'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'nbformat', 'jsonschema') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_ctrl_c_is_one_line_and_exit_130(make_repo, monkeypatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_migrate", interrupted)
    result = invoke("migrate", str(make_repo({"a.py": "x = 1\n"})))
    assert result.exit_code == 130
    assert result.output == "tf1migrate: interrupted; every file is either as it was or fully migrated\n"


def test_explicit_config_file_is_used_instead_of_searching(make_repo, tmp_path: Path) -> None:
    root = make_repo({"a.py": "x = 1\n", "pyproject.toml": "[tool.tf1migrate]\ntarget = 'keras'\n"})
    other = tmp_path / "strict.toml"
    other.write_text("[tool.tf1migrate]\nno-such-key = 1\n")
    result = invoke("migrate", "--check", "--config", str(other), str(root))
    assert result.exit_code == 2 and "unknown key 'no-such-key'" in result.output
