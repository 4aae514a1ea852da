"""The checks that decide whether a measured run did its job (exit codes alone prove little:
tf1migrate exits 1 both for "changes pending" and for a crash)."""

from __future__ import annotations

import json

from benchmarks import tools
from benchmarks.measure import Measurement


def _measurement(stdout: str = "", stderr: str = "") -> Measurement:
    return Measurement(1.0, 0.5, 0.1, 50.0, 1, stdout_tail=stdout, stderr_tail=stderr)


def test_tf1migrate_report_must_cover_every_file(tmp_path):
    check = tools.check_tf1migrate_report(files=3)
    assert check(tmp_path, _measurement())[0] == "no JSON report written"

    (tmp_path / "report.json").write_text(json.dumps({
        "files": [], "summary": {"files_scanned": 0},
        "findings": [{"severity": "error", "message": "internal error: cannot load the engine"}],
    }))
    problem, _ = check(tmp_path, _measurement())
    assert problem == "report covers 0 of 3 files (internal error: cannot load the engine)"

    (tmp_path / "report.json").write_text(json.dumps({
        "files": [{"status": "changed", "cached": True}, {"status": "unchanged"},
                  {"status": "changed"}],
        "summary": {"files_scanned": 3, "seconds": 1.5},
    }))
    problem, details = check(tmp_path, _measurement())
    assert problem is None
    assert details["statuses"] == {"changed": 2, "unchanged": 1}
    assert details["cached"] == 1 and details["summary"] == {"files_scanned": 3, "seconds": 1.5}


def test_unreadable_report_is_a_failure(tmp_path):
    (tmp_path / "report.json").write_text("{ not json")
    problem, _ = tools.check_tf1migrate_report(files=1)(tmp_path, _measurement())
    assert problem is not None and problem.startswith("unreadable JSON report")


def test_printed_file_count_must_cover_the_corpus(tmp_path):
    check = tools.check_stdout_count(r"Converted (\d+) files", files=10)
    assert check(tmp_path, _measurement("nothing useful"))[0] == \
        "did not say how many files it processed"
    (tmp_path / "report.txt").write_text("TensorFlow 2.0 Upgrade Script\nConverted 7 files\n")
    assert check(tmp_path, _measurement())[0] == "processed 7 of 10 files"
    (tmp_path / "report.txt").write_text("Converted 10 files\n")
    assert check(tmp_path, _measurement()) == (None, {"files_reported": 10})


def test_children_get_keras3_unless_asked(monkeypatch):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    assert "TF_USE_LEGACY_KERAS" not in tools.child_env()
    assert tools.child_env(TF_USE_LEGACY_KERAS="1")["TF_USE_LEGACY_KERAS"] == "1"
