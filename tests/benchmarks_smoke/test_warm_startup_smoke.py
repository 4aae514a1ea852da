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
