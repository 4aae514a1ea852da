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


#: Run the CLI with `os.replace` of one chosen file held on a lock the test owns: the temp
#: file is written and synced, the original not yet replaced. That is the write window.
BLOCKED_WRITER = """
import fcntl, os, sys
real_replace = os.replace
target, lock, ready = sys.argv[1:4]

def replace(src, dst, *args, **kwargs):
    if os.path.basename(str(dst)) == target:
        open(ready, "w").close()
        with open(lock) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # blocks: the test holds it, then kills us
    return real_replace(src, dst, *args, **kwargs)

os.replace = replace
sys.argv = ["tf1migrate", *sys.argv[4:]]
from tf1migrate.cli import main
main()
"""


def test_a_kill_inside_the_write_window_leaves_originals_and_a_temp_file_the_next_run_removes(
    tmp_path: Path,
) -> None:
    import fcntl

    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    names = ["a_first.py", "b_blocked.py", "c_last.py"]
    for name in names:
        (root / name).write_text(TF1_MODEL.replace("def model(", f"def model_{name[0]}("))
    originals = {name: (root / name).read_bytes() for name in names}
    lock, ready = tmp_path / "write.lock", tmp_path / "ready"
    lock.write_text("")
    with lock.open() as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        process = subprocess.Popen(
            [sys.executable, "-c", BLOCKED_WRITER, "b_blocked.py", str(lock), str(ready),
             "migrate", "--quiet", "--jobs", "1", "--no-cache", "--allow-dirty", str(root)],
            env={**os.environ, "NO_COLOR": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the writer never reached b_blocked.py"
            time.sleep(0.05)
        temps = list(root.glob(f"*{TEMP_SUFFIX}"))
        assert len(temps) == 1 and temps[0].name.startswith(".b_blocked.py."), temps
        process.send_signal(signal.SIGKILL)
        process.wait()

    assert (root / "a_first.py").read_bytes() != originals["a_first.py"]  # written before
    compile((root / "a_first.py").read_bytes(), "a_first.py", "exec")
    assert (root / "b_blocked.py").read_bytes() == originals["b_blocked.py"]  # never half-written
    assert (root / "c_last.py").read_bytes() == originals["c_last.py"]  # never reached
    assert len(list(root.glob(f"*{TEMP_SUFFIX}"))) == 1  # the kill left the synced temp file

    again = subprocess.run([sys.executable, "-m", "tf1migrate", "migrate", "--quiet", "--jobs", "1",
                            "--allow-dirty", str(root)], env={**os.environ, "NO_COLOR": "1"},
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert all((root / name).read_bytes() != originals[name] for name in names)
    assert not list(root.glob(f"*{TEMP_SUFFIX}")), "the next run removes what the kill left"
