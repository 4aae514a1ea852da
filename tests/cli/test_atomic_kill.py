"""SIGKILL an in-place run at random moments: every file is always either its original or
its migrated form, byte for byte, and the next run removes any temp file left behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import TF1_MODEL
from tf1migrate.sourcefile import TEMP_SUFFIX

pytestmark = pytest.mark.slow

FILES = 60
BUDGET_SECONDS = 20.0
PADDING = "".join(f"# padding line {i} keeps each write from being instant\n" for i in range(200))


def _migrate(root: Path, jobs: int = 1) -> subprocess.Popen:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "tf1migrate", "migrate", "--quiet", "--jobs", str(jobs), str(root)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_runs_never_leave_a_half_written_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / ".git").mkdir()
    originals = {}
    for i in range(FILES):
        path = root / "pkg" / f"model_{i:03d}.py"
        text = TF1_MODEL.replace("def model(", f"def model_{i}(") + PADDING
        path.write_text(text)
        originals[path] = text.encode()

    # One complete run gives the migrated form of every file (and warms the cache, so the
    # killed runs below spend their time writing).
    reference = tmp_path / "reference"
    subprocess.run(["cp", "-a", str(root), str(reference)], check=True)
    started = time.monotonic()
    assert _migrate(reference, jobs=os.cpu_count() or 1).wait(timeout=300) == 0
    migrated = {root / p.relative_to(reference): p.read_bytes() for p in reference.rglob("*.py")}
    assert all(migrated[p] != originals[p] for p in originals), "the engine changed nothing to migrate"
    subprocess.run(["cp", "-a", str(reference / ".tf1migrate_cache"), str(root)], check=True)
    t0 = time.monotonic()
    assert _migrate(root).wait(timeout=300) == 0  # warm: how long a cached in-place run takes
    duration = max(time.monotonic() - t0, 0.3)

    rng = random.Random(7)
    kills = 0
    mixed_states = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    while time.monotonic() < deadline and kills < 40:
        for path, data in originals.items():
            path.write_bytes(data)
        process = _migrate(root)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        done = 0
        for path in originals:
            data = path.read_bytes()
            assert data in (originals[path], migrated[path]), f"{path.name} is neither original nor migrated"
            done += data == migrated[path]
        mixed_states += 0 < done < FILES

    assert kills >= 10, f"only {kills} kills in the time budget (setup took {t0 - started:.1f} s)"
    assert mixed_states >= 1, "no kill landed in the middle of the write phase"
    assert _migrate(root).wait(timeout=300) == 0
    assert all(path.read_bytes() == migrated[path] for path in originals)
    assert not list(root.rglob(f"*{TEMP_SUFFIX}")), "temp files survived the next run"
