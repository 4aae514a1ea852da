"""The bad-input matrix: every problem is one clear line naming its file, in ONE run with
good files that still get migrated; exit code 2; no traceback without --verbose."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import TF1_MODEL
from tests.cli.test_notebooks import MAGIC_FORMS, _notebook
from tf1migrate import passes, runner, sourcefile
from tf1migrate.cli import main
from tf1migrate.sourcefile import TEMP_SUFFIX

LATIN1 = "# -*- coding: latin-1 -*-\n" + TF1_MODEL + "AUTHOR = 'Jürgen Müller'\n"
#: ~1,500 nested parentheses segfaulted LibCST's parser (exit 139); CPython rejects >200.
DEEP_PARENS = "import tensorflow as tf\nx = " + "(" * 1500 + "tf.constant(1)" + ")" * 1500 + "\n"
#: A 5,000-term sum took LibCST 92 s and then a RecursionError; CPython rejects it at once.
SUM_5000 = "import tensorflow as tf\nx = " + " + ".join(f"tf.constant({i})" for i in range(5000)) + "\n"

IS_ROOT = os.geteuid() == 0


def _make_unwritable(directory: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory in which no file can be created (root ignores modes: use the immutable bit)."""
    if not IS_ROOT:
        directory.chmod(0o555)
        request.addfinalizer(lambda: directory.chmod(0o755))
        return
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(directory)], capture_output=True).returncode == 0:
        request.addfinalizer(lambda: subprocess.run(["chattr", "-i", str(directory)], check=False))
        return
    real = sourcefile.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):  # noqa: A002 - mirrors tempfile's signature
        if dir is not None and Path(dir) == directory:
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(sourcefile.tempfile, "mkstemp", refuse)


def _make_unreadable(path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file we may not read (root reads anything: make the open fail as the OS would)."""
    if not IS_ROOT:
        path.chmod(0)
        request.addfinalizer(lambda: path.chmod(0o644))
        return
    real = sourcefile._open_binary

    def refuse(candidate):
        if Path(candidate) == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real(candidate)

    monkeypatch.setattr(sourcefile, "_open_binary", refuse)


@pytest.fixture
def matrix(make_repo, tmp_path: Path, request, monkeypatch):
    crlf = TF1_MODEL.replace("\n", "\r\n")
    mixed = "import tensorflow as tf\r\n\n\ndef helper(x):\n    return tf.layers.dense(x, 3)\r\n"
    root = make_repo({
        "good.py": TF1_MODEL,
        "syntax.py": "def broken(:\n    pass\n",
        "py2.py": 'import tensorflow as tf\nprint "training"\n',
        "latin1.py": LATIN1.encode("latin-1"),
        "bom.py": b"\xef\xbb\xbf" + TF1_MODEL.encode(),
        "crlf.py": crlf.encode(),
        "mixed.py": mixed.encode(),
        "tabs.py": TF1_MODEL.replace("    ", "\t"),
        "empty.py": b"",
        "binary.py": bytes(range(256)) * 4,
        "unreadable.py": TF1_MODEL,
        "readonly/model.py": TF1_MODEL,
        "changed.py": TF1_MODEL,
        "deep_parens.py": DEEP_PARENS,
        "sum_5000.py": SUM_5000,
        "magics.ipynb": _notebook(TF1_MODEL, *(f"{m}\ny = tf.layers.dense(x, 2)" for m in MAGIC_FORMS.values())),
    })
    big = root / "generated_big.py"
    with big.open("w") as handle:
        handle.write("DATA = [\n")
        line = "    0.1234567890123456789,\n"
        handle.write(line * (10_000_000 // len(line) + 1))
        handle.write("]\n")
    outside = tmp_path / "elsewhere.py"
    outside.write_text(TF1_MODEL)
    os.symlink(root / "good.py", root / "link_inside.py")
    os.symlink(outside, root / "link_outside.py")
    os.symlink(root / "loop_b", root / "loop_a")
    os.symlink(root / "loop_a", root / "loop_b")
    _make_unreadable(root / "unreadable.py", request, monkeypatch)
    _make_unwritable(root / "readonly", request, monkeypatch)

    # Someone saves changed.py while we are migrating it.
    real_task = runner._migrate_task

    def edit_then_migrate(engine, blob, unit, verbose):
        if unit[2].endswith("changed.py"):
            (root / "changed.py").write_text(TF1_MODEL + "# edited meanwhile\n")
        return real_task(engine, blob, unit, verbose)

    monkeypatch.setattr(runner, "_migrate_task", edit_then_migrate)
    originals = {p: p.read_bytes() for p in root.rglob("*.py") if p.is_file() and not p.is_symlink()
                 and p.name != "unreadable.py"}
    return root, originals


EXPECTED = {  # file → (rule, words the message must contain)
    "syntax.py": ("TFM001", "does not parse"),
    "deep_parens.py": ("TFM001", "does not parse: too many nested parentheses"),
    "sum_5000.py": ("TFM001", "does not parse: too deeply nested for Python"),
    "py2.py": ("TFM002", "looks like Python 2: run 2to3 (or pyupgrade) first"),
    "binary.py": ("TFM003", "binary"),
    "unreadable.py": ("TFM003", "cannot read"),
    "generated_big.py": ("TFM003", "max-file-size"),
    "model.py": ("TFM004", "cannot create a temporary file"),
    "changed.py": ("TFM005", "changed on disk"),
    "link_outside.py": ("TFM007", "outside the project"),
    "loop_a": ("TFM007", "loop"),
    "loop_b": ("TFM007", "loop"),
    "missing.py": ("TFM007", "does not exist"),
}


def test_bad_input_matrix_in_one_run(matrix, engine, monkeypatch) -> None:
    root, originals = matrix
    monkeypatch.setattr(runner, "DEFAULT_STAGES", engine)
    result = CliRunner().invoke(main, ["migrate", str(root), str(root / "missing.py"), "--jobs", "1", "--no-cache"])
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out

    finding_lines = [line for line in out.splitlines() if re.match(r"\S+:\d+:\d+ TFM0", line)]
    for name, (rule, words) in EXPECTED.items():
        lines = [line for line in finding_lines if Path(line.split(":", 1)[0]).name == name]
        assert len(lines) == 1, (name, lines, out)
        assert rule in lines[0] and words in lines[0], lines[0]
    assert len(finding_lines) == len(EXPECTED), finding_lines

    # The problem files are byte-identical; the concurrent edit survived.
    for name in ("syntax.py", "py2.py", "binary.py", "empty.py", "generated_big.py", "readonly/model.py",
                 "deep_parens.py", "sum_5000.py"):
        assert (root / name).read_bytes() == originals[root / name], name
    assert (root / "changed.py").read_text().endswith("# edited meanwhile\n")

    # The good files were migrated and keep their byte-level properties.
    def migrated(name: str) -> bytes:
        data = (root / name).read_bytes()
        assert data != originals[root / name], f"{name} was not migrated"
        assert b"tf.layers.dense" not in data, name
        return data

    assert migrated("good.py").decode() != TF1_MODEL
    latin1 = migrated("latin1.py")
    assert "Jürgen Müller".encode("latin-1") in latin1 and latin1.decode("latin-1").startswith("# -*- coding: latin-1")
    assert migrated("bom.py").startswith(b"\xef\xbb\xbf")
    crlf = migrated("crlf.py")
    assert crlf.count(b"\n") == crlf.count(b"\r\n")
    mixed = migrated("mixed.py")
    # Each original line keeps its own terminator.
    assert mixed.startswith(b"import tensorflow as tf\r\n")
    assert b"\n\ndef helper(x):\n" in mixed and b"layers.dense(x, 3)\r\n" in mixed
    assert b"\t" in migrated("tabs.py")
    for name in ("good.py", "latin1.py", "bom.py", "crlf.py", "mixed.py", "tabs.py"):
        compile((root / name).read_bytes(), name, "exec")
    cells = json.loads((root / "magics.ipynb").read_text(encoding="utf-8"))["cells"][1:]
    for magic, cell in zip(MAGIC_FORMS.values(), cells, strict=True):  # back byte-exact, code migrated
        source = "".join(cell["source"])
        assert source.startswith(magic + "\n") and "tf.layers" not in source[len(magic):], source
    assert (root / "link_inside.py").is_symlink()  # written through, not replaced by a copy
    assert not [p for p in root.rglob(f"*{TEMP_SUFFIX}")]


def test_verbose_adds_tracebacks_for_internal_errors_only(make_repo, fake_engine) -> None:
    root = make_repo({"a.py": "x = 1  # FAKE_INTERNAL_ERROR\n", "b.py": "def f(:\n"})
    quiet = CliRunner().invoke(main, ["migrate", str(root), "--jobs", "1"])
    loud = CliRunner().invoke(main, ["migrate", str(root), "--jobs", "1", "--verbose", "--no-cache"])
    assert quiet.exit_code == loud.exit_code == 2
    assert "Traceback" not in quiet.output
    assert "Traceback" in loud.output


# ------------------------------------------------------------------ hostile input, real processes


def _run_cli(*args: str, cwd: Path, timeout: float = 300) -> tuple[int, str, float, int]:
    """(exit code, output, wall seconds, peak RSS in MB of the largest process of the tree)."""
    env = {**os.environ, "NO_COLOR": "1"}
    log = cwd / "cli-output.txt"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "tf1migrate", *args], cwd=cwd, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)  # rusage covers the workers it reaped
    finally:
        killer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, log.read_text(), time.monotonic() - started, usage.ru_maxrss // 1024


@pytest.mark.parametrize("company", [(), ("good.py",)], ids=["alone", "with-a-good-file"])
def test_deep_nesting_is_a_parse_finding_even_alone_with_one_job(tmp_path: Path, company) -> None:
    """The pre-commit case: one or two files, --jobs 1. No segfault; the good file is done."""
    (tmp_path / "deep.py").write_text(DEEP_PARENS)
    (tmp_path / "good.py").write_text(TF1_MODEL)
    code, out, _, _ = _run_cli("migrate", "--check", "--no-cache", "--jobs", "1", "deep.py", *company,
                               cwd=tmp_path)
    assert code == 2, out
    (line,) = [x for x in out.splitlines() if "TFM0" in x and x.startswith("deep.py:")]
    assert "TFM001 does not parse: too many nested parentheses" in line
    assert ("would migrate good.py" in out) == bool(company), out


def test_a_worker_that_segfaults_is_one_finding_and_the_run_goes_on(make_repo, monkeypatch) -> None:
    """A native crash (SIGSEGV in the parser) with one job: that file's finding, the rest done."""
    from dataclasses import replace

    monkeypatch.setattr(runner, "DEFAULT_STAGES", replace(runner.DEFAULT_STAGES, rewrite=_segfault_on_marker))
    root = make_repo({"a.py": TF1_MODEL + "# SEGFAULT\n", "b.py": TF1_MODEL})
    result = runner.run_migrate([root], mode="check", jobs=1, use_cache=False)
    by_name = {Path(f.path).name: f for f in result.files}
    (finding,) = by_name["a.py"].findings
    assert finding.rule == "TFM006" and "killed by SIGSEGV" in finding.message, finding
    assert by_name["b.py"].status.value == "changed"


def _segfault_on_marker(source: str, **kwargs):
    if "# SEGFAULT" in source:
        import ctypes

        ctypes.string_at(0)  # a real segmentation fault, as a native parser would have
    return passes.rewrite(source, **kwargs)


def test_a_file_over_the_time_budget_is_one_finding(make_repo, monkeypatch) -> None:
    from dataclasses import replace

    monkeypatch.setattr(runner, "DEFAULT_STAGES", replace(runner.DEFAULT_STAGES, rewrite=_hang_on_marker))
    root = make_repo({"a.py": TF1_MODEL + "# HANG\n", "b.py": TF1_MODEL,
                      "pyproject.toml": "[tool.tf1migrate]\nfile-timeout = 2\n"})
    started = time.monotonic()
    result = CliRunner().invoke(main, ["migrate", "--check", "--no-cache", "--jobs", "1", str(root)])
    assert time.monotonic() - started < 60
    assert result.exit_code == 2, result.output
    (line,) = [x for x in result.output.splitlines() if "TFM009" in x and "a.py:" in x]
    assert "took longer than the 2 s budget per file" in line
    assert "would migrate" in result.output and "b.py" in result.output


def _hang_on_marker(source: str, **kwargs):
    if "# HANG" in source:
        time.sleep(600)
    return passes.rewrite(source, **kwargs)


def _generated_tf1(size: int) -> str:
    """A generated TF1 module of about `size` bytes: many small variable-creating blocks."""
    parts, total, i = ["import tensorflow as tf\n"], 0, 0
    while total < size:
        block = (f"\n\ndef block_{i}(x, units={i % 7 + 1}):\n"
                 f"    with tf.variable_scope('block_{i}'):\n"
                 f"        w = tf.get_variable('w', [int(x.shape[-1]), units])\n"
                 f"        return tf.nn.relu(tf.matmul(x, w) + tf.layers.dense(x, units))\n")
        parts.append(block)
        total += len(block)
        i += 1
    return "".join(parts)


@pytest.mark.slow
def test_a_10_mb_tf1_file_is_reported_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """9 GB and minutes before; now it is migrated or reported, under 1 GB per process."""
    (tmp_path / "generated.py").write_text(_generated_tf1(10_000_000))
    (tmp_path / "good.py").write_text(TF1_MODEL)
    (tmp_path / "pyproject.toml").write_text("[tool.tf1migrate]\nmax-file-size = 20000000\n")
    code, out, seconds, rss = _run_cli("migrate", "--check", "--no-cache", "--jobs", "1", ".", cwd=tmp_path)
    assert code == 2, out
    (line,) = [x for x in out.splitlines() if x.startswith("generated.py:")]
    assert "TFM009" in line and "memory budget" in line, line
    assert "would migrate good.py" in out
    assert rss < 1024, f"peak RSS {rss} MB"
    assert seconds < 120, f"{seconds:.0f} s"
