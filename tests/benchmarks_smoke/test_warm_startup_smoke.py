"""Smoke run of the warm-cache/start-up benchmark (without the TensorFlow-importing peer)."""

from __future__ import annotations

import json

from benchmarks import warm_startup


def test_tiny_run_hits_the_cache(tmp_path):
    only = [warm_startup.WARM_RERUN, warm_startup.ONE_FILE_ALONE, warm_startup.PYTHON_FLOOR]
    warm_startup.main(["--files", "16", "--lines", "900", "--repeat", "1", "--only", ",".join(only),
                       "--out-dir", str(tmp_path)])
    data = json.loads((tmp_path / "warm_startup-latest.json").read_text())
    assert data["prime"]["error"] is None
    for name in only:
        (run,) = data["runs"][name]
        assert run["error"] is None and run["returncode"] in (0, 1), run
    warm = data["runs"][warm_startup.WARM_RERUN][0]
    assert warm["details"].get("cached") == 16, warm["details"]


def test_check_after_migrate_finds_the_written_files_cached(tmp_path):
    only = [warm_startup.CHECK_AFTER_FIX]
    warm_startup.main(["--files", "16", "--lines", "900", "--repeat", "1", "--small-files", "16",
                       "--only", ",".join(only), "--out-dir", str(tmp_path)])
    data = json.loads((tmp_path / "warm_startup-latest.json").read_text())
    (fix,) = data["fixes_before_check"]
    assert fix["error"] is None and fix["details"]["statuses"].get("changed"), fix
    (check,) = data["runs"][warm_startup.CHECK_AFTER_FIX]
    assert check["error"] is None and check["returncode"] == 0, check  # nothing left to do
    assert check["details"]["cached"] == data["small_files"] == 16, check["details"]
    assert [row[0] for row in data["guards"]][-1].startswith("--check right after migrate")
