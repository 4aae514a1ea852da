"""Child processes: captured output, the stage of a failure, and no orphans after Ctrl-C.

The user modules here misbehave before importing TensorFlow, so each child costs only a
Python start-up.
"""

from __future__ import annotations

import threading
import time

from tf1migrate.verify import workers
from tf1migrate.verify.workers import run_child


def migrated_job(root, module: str) -> dict:
    return {
        "kind": "migrated", "module": module, "import_root": str(root), "cwd": str(root),
        "class_name": "Layer", "args": {}, "init_params": [], "call_params": [],
        "inputs": {}, "training": [False], "has_training": False, "seed": 0,
    }


def test_output_is_captured_and_the_failure_names_its_stage(tmp_path):
    (tmp_path / "noisy.py").write_text("print('hello from user code')\nraise KeyError('vocab')\n")
    outcome = run_child(migrated_job(tmp_path, "noisy"), tmp_path / "work", timeout=60, memory_limit_mb=None)
    assert not outcome.ok
    assert outcome.error.startswith("while importing noisy: KeyError: 'vocab'")
    assert 'File "' in outcome.error and "noisy.py" in outcome.error  # last traceback lines
    assert "hello from user code" in outcome.stdout_tail


def test_os_exit_without_result_is_reported(tmp_path):
    (tmp_path / "quits.py").write_text("import os\nos._exit(0)\n")
    outcome = run_child(migrated_job(tmp_path, "quits"), tmp_path / "work", timeout=60, memory_limit_mb=None)
    assert not outcome.ok and "without writing a result" in outcome.error


def test_kill_all_leaves_no_child_running(tmp_path):
    (tmp_path / "spins.py").write_text("while True:\n    pass\n")
    outcomes = []
    thread = threading.Thread(
        target=lambda: outcomes.append(
            run_child(migrated_job(tmp_path, "spins"), tmp_path / "work", timeout=120, memory_limit_mb=None)
        )
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not workers._live and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # let it reach the loop
    workers.kill_all()
    thread.join(timeout=20)
    assert not thread.is_alive()
    (outcome,) = outcomes
    assert not outcome.ok and "SIGKILL" in outcome.error
    assert not workers._live
