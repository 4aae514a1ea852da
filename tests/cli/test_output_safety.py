"""Never write a bad rewrite, never run the user's code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import TF1_MODEL
from tf1migrate.cli import main
from tf1migrate.runner import run_migrate
from tf1migrate.types import FileStatus


def test_a_rewrite_failing_the_engine_check_leaves_the_file_and_names_the_rule(make_repo, fake_engine) -> None:
    source = TF1_MODEL + "# FAKE_INTERNAL_ERROR\n"
    root = make_repo({"bad.py": source, "good.py": TF1_MODEL})
    result = run_migrate([root], mode="write", jobs=1)
    bad, good = result.files
    assert bad.status == FileStatus.ERROR and (root / "bad.py").read_text() == source
    (finding,) = bad.findings
    assert finding.rule == "TFM006" and "TFM201" in finding.message and "--ignore TFM201" in finding.message
    assert good.status == FileStatus.CHANGED and (root / "good.py").read_text() != TF1_MODEL


def test_output_that_does_not_compile_is_never_written(make_repo, fake_engine) -> None:
    source = TF1_MODEL + "# FAKE_BAD_OUTPUT\n"
    root = make_repo({"a.py": source})
    (result,) = run_migrate([root], mode="write", jobs=1).files
    assert result.status == FileStatus.ERROR
    assert result.findings[0].rule == "TFM006" and "does not compile" in result.findings[0].message
    assert (root / "a.py").read_text() == source


EVIL = '''import pathlib, sys
pathlib.Path(__file__).with_name("IMPORTED").write_text("user code ran")
sys.exit(3)
'''


def test_user_code_with_import_side_effects_is_never_imported(make_repo, engine, monkeypatch) -> None:
    from tf1migrate import runner

    monkeypatch.setattr(runner, "DEFAULT_STAGES", engine)
    root = make_repo({
        "evil.py": EVIL,
        "pkg/__init__.py": "import evil\n",
        "pkg/model.py": "import evil\nfrom pkg import helpers\n" + TF1_MODEL,
        "pkg/helpers.py": EVIL,
        "conftest.py": EVIL,
        "setup.py": EVIL,
    })
    for flags in (["--check"], ["--diff"], []):
        result = CliRunner().invoke(main, ["migrate", str(root), "--jobs", "1", "--no-cache", *flags])
        assert result.exit_code in (0, 1), result.output
        assert not (root / "IMPORTED").exists() and not (root / "pkg" / "IMPORTED").exists()
    assert not {"evil", "pkg", "pkg.model", "setup"} & set(sys.modules)
    assert "tf1compat" in (root / "pkg" / "model.py").read_text()


@pytest.mark.parametrize(("count", "jobs"), [(8, 2), (8, 1), (2, 1), (1, 1)])
def test_a_worker_that_dies_is_pinned_on_its_file_and_the_others_finish(
    make_repo, fake_engine, count, jobs
) -> None:
    files = {f"m{i:02d}.py": TF1_MODEL.replace("model", f"model{i}") for i in range(count)}
    files[f"m{count // 2:02d}.py"] += "# FAKE_WORKER_CRASH\n"
    root = make_repo(files)
    result = run_migrate([root], mode="check", jobs=jobs, use_cache=False)
    errors = {Path(f.path).name: f.findings[0].message for f in result.files if f.status == FileStatus.ERROR}
    assert list(errors) == [f"m{count // 2:02d}.py"] and "worker process died" in errors[f"m{count // 2:02d}.py"]
    assert sum(f.status == FileStatus.CHANGED for f in result.files) == count - 1


def test_a_bad_rule_pack_is_one_configuration_finding(make_repo, fake_engine) -> None:
    root = make_repo({"a.py": TF1_MODEL, "bad_pack.toml": "layers = 1\n"})
    result = CliRunner().invoke(main, ["migrate", "--check", "--rules", str(root / "bad_pack.toml"), str(root)])
    assert result.exit_code == 2
    (line,) = [x for x in result.output.splitlines() if "TFM008" in x and ":" in x]
    assert "bad rule pack" in line and "bad_pack.toml" in line and "Traceback" not in result.output


def _broken_link(summaries, options, rules):
    raise LookupError("the index is broken")


def test_an_index_that_cannot_be_built_is_one_finding(make_repo, monkeypatch) -> None:
    from dataclasses import replace

    from tf1migrate import runner

    monkeypatch.setattr(runner, "DEFAULT_STAGES", replace(runner.DEFAULT_STAGES, link=_broken_link))
    root = make_repo({"a.py": TF1_MODEL, "b.py": TF1_MODEL})
    result = CliRunner().invoke(main, ["migrate", "--no-cache", str(root)])
    assert result.exit_code == 2
    assert result.output.count("TFM006") == 2  # the finding line and its count in the summary
    assert "internal error while building the project index (LookupError" in result.output
    assert (root / "a.py").read_text() == TF1_MODEL


def test_code_python_rejects_already_is_not_blamed_on_the_rewrite(make_repo, fake_engine) -> None:
    """`return` outside a function parses (LibCST) but never compiled: the runner's check
    only refuses rewrites that *introduce* a compile error."""
    root = make_repo({"script.py": TF1_MODEL + "return\n", "nb_style.py": TF1_MODEL + "await x\n"})
    result = run_migrate([root], mode="check", jobs=1)
    assert [f.status for f in result.files] == [FileStatus.CHANGED, FileStatus.CHANGED]
