"""Small things a user trips on: -q, stdin, 1-based columns, --statistics, --exit-zero,
the explain examples and the README quick start."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import TF1_MODEL
from tf1migrate.cli import main

REPO = Path(__file__).resolve().parents[2]
SESSION = "import tensorflow as tf\nsess = tf.Session()\n"  # TFM401 at line 2, column 8 (from 1)


def _cli(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_quiet_drops_the_summary_but_keeps_every_finding(make_repo) -> None:
    root = make_repo({"model.py": TF1_MODEL})
    loud = _cli("migrate", "--check", "--no-cache", str(root))
    quiet = _cli("migrate", "--check", "--no-cache", "-q", str(root))
    findings = [line for line in loud.output.splitlines() if re.match(r"\S+:\d+:\d+ TFM", line)]
    assert any("TFM301" in line for line in findings)  # an info finding, hidden by -q before
    assert findings == [
        line for line in quiet.output.splitlines() if re.match(r"\S+:\d+:\d+ TFM", line)
    ]
    assert "files scanned" in loud.output and "files scanned" not in quiet.output


def test_stdin_dash_migrates_to_stdout(make_repo) -> None:
    result = _cli("migrate", "-", stdin=SESSION.encode())
    assert result.exit_code == 0, result.output
    assert (
        "sess = tf.compat.v1.Session()" in result.stdout and "does not exist" not in result.output
    )
    assert "-:2:8 TFM401" in result.stderr


def test_stdin_filename_migrates_the_buffer_as_that_project_file(make_repo) -> None:
    root = make_repo({"pkg/__init__.py": "", "pkg/model.py": "x = 1\n"})
    name = str(root / "pkg" / "model.py")
    result = _cli("migrate", "-", "--stdin-filename", name, "--no-cache", stdin=TF1_MODEL.encode())
    assert result.exit_code == 0, result.output
    assert "class ModelLayer" in result.stdout  # the buffer, not the file on disk, was migrated
    assert f"{name}:4:1 TFM301" in result.stderr or re.search(
        r"model\.py:4:1 TFM301", result.stderr
    )
    assert (root / "pkg" / "model.py").read_text() == "x = 1\n"  # nothing written


def test_stdin_diff_and_check_exit_1_and_write_nothing(make_repo) -> None:
    diff = _cli(
        "migrate", "-", "--diff", "--stdin-filename", "new_buffer.py", stdin=SESSION.encode()
    )
    assert diff.exit_code == 1
    assert "+++ b/new_buffer.py" in diff.stdout and "new_buffer.py:2:8 TFM401" in diff.stderr
    check = _cli("migrate", "-", "--check", stdin=SESSION.encode())
    assert check.exit_code == 1 and check.stdout == ""
    assert not Path("new_buffer.py").exists()


def test_stdin_cannot_be_mixed_with_paths(make_repo) -> None:
    result = _cli("migrate", "-", "other.py", stdin=b"")
    assert result.exit_code == 2 and "cannot be combined with other paths" in result.output


def test_columns_count_from_1_in_every_format(make_repo) -> None:
    root = make_repo({"s.py": SESSION})
    text = _cli("migrate", "--check", "--no-cache", str(root / "s.py"))
    assert re.search(r"s\.py:2:8 TFM401", text.output), text.output
    data = json.loads(
        _cli("migrate", "--check", "--output-format", "json", str(root / "s.py")).stdout
    )
    (finding,) = [f for file in data["files"] for f in file["findings"] if f["rule"] == "TFM401"]
    assert (finding["line"], finding["col"]) == (2, 8)
    sarif = json.loads(
        _cli("migrate", "--check", "--output-format", "sarif", str(root / "s.py")).stdout
    )
    regions = [
        loc["physicalLocation"]["region"]
        for run in sarif["runs"]
        for r in run["results"]
        if r["ruleId"] == "TFM401"
        for loc in r["locations"]
    ]
    assert regions == [{"startLine": 2, "startColumn": 8}]
    github = _cli("migrate", "--check", "--output-format", "github", str(root / "s.py")).stdout
    assert "line=2,col=8,title=TFM401" in github


def test_statistics_counts_each_rule_once(make_repo) -> None:
    root = make_repo({"a.py": SESSION, "b.py": SESSION + "other = tf.Session()\n"})
    result = _cli("migrate", "--check", "--statistics", "-q", "--no-cache", str(root))
    assert result.exit_code == 1
    assert (
        "3  TFM401  tf.Session / InteractiveSession: TF2 runs eagerly."
        in result.output.splitlines()
    )
    assert "TFM401 tf.Session:" not in result.output  # counts instead of each finding


def test_exit_zero_turns_pending_changes_into_success_but_not_errors(make_repo) -> None:
    root = make_repo({"a.py": SESSION, "broken.py": "def f(:\n"})
    assert _cli("migrate", "--diff", "--exit-zero", str(root / "a.py")).exit_code == 0
    assert _cli("migrate", "--diff", "--exit-zero", str(root)).exit_code == 2


def test_explain_examples_import_what_they_use() -> None:
    from tf1migrate import catalog

    for rule in catalog.all_rules():
        shown = _cli("explain", rule.id).output
        after = shown.split("After:", 1)[-1]
        if "tf1compat." in after:
            assert "import tf1compat" in after, (rule.id, after)


def _bash_blocks(section: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", section, re.DOTALL)


def test_readme_quick_start_is_two_commands_that_succeed(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    install, tests = (block.strip() for block in _bash_blocks(section))
    assert tests == "python -m pytest -n auto"
    assert tests in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install.startswith('python -m pip install -e ".[test]" && tf1migrate ')
    command = install.split("&& tf1migrate ", 1)[1].split()
    monkeypatch.chdir(REPO)
    result = _cli(*command)
    assert result.exit_code == 0, result.output
    assert "+++ b/fixtures/repos/gpt2/" in result.stdout  # the diff is shown


def test_stdin_keeps_stdout_for_the_code_when_a_report_is_asked_for(make_repo, tmp_path) -> None:
    mixed = _cli("migrate", "-", "--output-format", "json", stdin=SESSION.encode())
    assert mixed.exit_code == 2 and "--output-file" in mixed.output
    report = tmp_path / "report.json"
    split = _cli(
        "migrate",
        "-",
        "--output-format",
        "json",
        "--output-file",
        str(report),
        stdin=SESSION.encode(),
    )
    assert split.exit_code == 0 and split.stdout.startswith(
        "import tensorflow as tf\nsess = tf.compat.v1"
    )
    assert json.loads(report.read_text())["files"][0]["path"] == "-"
