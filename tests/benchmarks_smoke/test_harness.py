"""The measuring and reporting harness every benchmark shares."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.measure import Contender, alternate, run_measured, succeeded

ROOT = Path(__file__).resolve().parents[2]


_MEASURE_IN_A_SMALL_PARENT = """
import json, sys
from benchmarks.measure import run_measured
big, out = run_measured([sys.executable, "-c",
                         "b = bytearray(150_000_000); sum(range(3_000_000)); print('done')"],
                        keep_stdout=True)
small, _ = run_measured([sys.executable, "-c", "pass"])
print(json.dumps({"rc": big.returncode, "out": out.strip(), "timed_out": big.timed_out,
                  "big_mb": big.peak_rss_mb, "cpu": big.cpu_s, "wall": big.wall_s,
                  "small_mb": small.peak_rss_mb}))
"""


def test_measures_the_child_alone_with_its_peak_rss_and_cpu():
    # Linux folds the parent's RSS at fork time into the child's ru_maxrss, so the harness
    # must run in a small parent (as `python -m benchmarks.X` does), not in a pytest worker
    # that has imported TensorFlow.
    proc = subprocess.run([sys.executable, "-c", _MEASURE_IN_A_SMALL_PARENT],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=True)
    m = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (m["rc"], m["out"], m["timed_out"]) == (0, "done", False)
    assert m["big_mb"] >= 150
    assert 0 < m["cpu"] <= m["wall"] * 1.5
    assert m["small_mb"] < 100  # not the previous child's peak


def test_a_hung_child_is_killed_at_the_timeout():
    m, _ = run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert m.timed_out and m.wall_s < 10


def test_alternate_rotates_the_order_and_applies_checks(tmp_path):
    log = tmp_path / "order"
    script = "import sys; open(sys.argv[1], 'a').write(sys.argv[2])"

    def contender(name: str, fail: bool = False) -> Contender:
        return Contender(name, lambda scratch: [sys.executable, "-c", script, str(log), name],
                         check=lambda scratch, m: ("said no", {}) if fail else (None, {"ok": 1}))

    field = [contender("a"), contender("b"), contender("c", fail=True)]
    runs = alternate(field, repeat=3)
    assert log.read_text() == "abc" + "bca" + "cab"
    assert all(succeeded(field[0], m) and m.details == {"ok": 1} for m in runs["a"])
    assert not any(succeeded(field[2], m) for m in runs["c"])
    assert runs["c"][0].error == "said no"


def test_spread_and_markdown_table():
    spread = report.Spread.of([3.0, 1.0, 2.0])
    assert (spread.median, spread.low, spread.high, spread.n) == (2.0, 1.0, 3.0, 3)
    assert spread.fmt() == "2 ±50%"
    assert report.Spread.of([12345.0]).fmt() == "12,345"
    table = report.markdown_table(["tool", "files/s"], [["a", "1.5"], ["bb", "failed"]])
    assert table.splitlines() == ["| tool | files/s |", "| ---- | ------: |",
                                  "| a    |     1.5 |", "| bb   |  failed |"]


def test_emit_writes_json_with_the_machine(tmp_path, capsys):
    path = report.emit("demo", "Demo", ["| a |"], {"value": report.Spread.of([1.0])}, tmp_path)
    data = json.loads(Path(path).read_text())
    assert data["value"]["median"] == 1.0
    assert data["machine"]["cores"] >= 1 and "versions" in data["machine"]
    assert (tmp_path / "demo-latest.json").exists()
    assert "## Demo" in capsys.readouterr().out
