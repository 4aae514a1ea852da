"""Run one unit of work in a child process: timeout, memory limit, captured output.

User code may print, crash (``os.abort()``), hang or allocate without bound. Each job runs
``python -m tf1migrate.verify.child <job.json>`` in its own session; the child sets its own
``RLIMIT_AS`` before importing anything heavy (no ``preexec_fn``: the parent runs jobs from
threads), writes ``result.json`` in its work directory, and the parent kills the whole
process group when the timeout expires. The parent never imports TensorFlow.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

TAIL_LINES = 12
_SIGNAL_NAMES = {int(s): s.name for s in signal.Signals}
_live: set[subprocess.Popen[bytes]] = set()  # children not yet reaped, for kill_all()
_live_lock = threading.Lock()
# TensorFlow's start-up chatter (glog lines such as "I0000 00:00:17... cudart_stub.cc:31]"),
# dropped from output tails so the user's own last lines are what a report shows.
_TF_NOISE = re.compile(r"^([IWEF]\d{4} \d\d:\d\d:\d\d|WARNING: All log messages before absl)")


@dataclass
class ChildOutcome:
    """What came back from one child: its result document, or why there is none."""

    ok: bool
    result: dict[str, Any]
    error: str | None  # one paragraph for the report: cause plus the last traceback lines
    seconds: float
    stdout_tail: str
    stderr_tail: str
    started: float = 0.0  # time.monotonic() at start, to measure a layer's wall time


def run_child(
    job: dict[str, Any],
    workdir: Path,
    *,
    timeout: float,
    memory_limit_mb: int | None,
    env: dict[str, str] | None = None,
) -> ChildOutcome:
    """Run ``job`` (see child.py for its keys) in a fresh interpreter and collect its answer."""
    workdir.mkdir(parents=True, exist_ok=True)
    job = dict(job, workdir=str(workdir), memory_limit_mb=memory_limit_mb)
    job_file = workdir / "job.json"
    job_file.write_text(json.dumps(job))
    result_file = workdir / "result.json"
    result_file.unlink(missing_ok=True)
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    started = time.monotonic()
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "tf1migrate.verify.child", str(job_file)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=child_env,
            cwd=job.get("cwd") or str(workdir),
            start_new_session=True,
        )
        with _live_lock:
            _live.add(process)
        timed_out = False
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
            returncode = process.wait()
        finally:
            with _live_lock:
                _live.discard(process)
    seconds = time.monotonic() - started
    outcome = partial(ChildOutcome, started=started)
    stdout_tail = _tail(workdir / "stdout.txt")
    stderr_tail = _tail(workdir / "stderr.txt")
    result: dict[str, Any] = {}
    if result_file.exists():
        try:
            result = json.loads(result_file.read_text())
        except json.JSONDecodeError:
            result = {}
    if timed_out:
        last = stderr_tail or stdout_tail
        error = f"timed out after {timeout:g} s (killed); last output:\n{last}"
        return outcome(False, result, error.rstrip(), seconds, stdout_tail, stderr_tail)
    if result.get("status") == "error":
        error = result.get("error", "failed")
        return outcome(False, result, error, seconds, stdout_tail, stderr_tail)
    if returncode != 0 or result.get("status") != "ok":
        error = _describe_exit(returncode, memory_limit_mb)
        error += f":\n{stderr_tail}" if stderr_tail else ""
        return outcome(False, result, error, seconds, stdout_tail, stderr_tail)
    return outcome(True, result, None, seconds, stdout_tail, stderr_tail)


def _describe_exit(returncode: int, memory_limit_mb: int | None) -> str:
    if returncode < 0:
        name = _SIGNAL_NAMES.get(-returncode, f"signal {-returncode}")
        hint = " (abort: a crash in native code, or memory exhausted)" if name == "SIGABRT" else ""
        if name == "SIGKILL":
            hint = " (killed: out of memory?)"
        return f"child crashed with {name}{hint}"
    if returncode == 0:
        return "child exited without writing a result (did user code call sys.exit/os._exit?)"
    limit = f" (memory limit {memory_limit_mb} MB)" if memory_limit_mb else ""
    return f"child exited with status {returncode}{limit}"


def kill_all() -> None:
    """Kill every running child (the user pressed Ctrl-C: children in their own sessions
    would not see the terminal's SIGINT and would run on)."""
    with _live_lock:
        running = list(_live)
    for process in running:
        _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the child and anything it started (it leads its own session on POSIX)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except ProcessLookupError:
        pass


def _tail(path: Path, lines: int = TAIL_LINES) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 16384))
            text = fh.read().decode(errors="replace")
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if line.strip() and not _TF_NOISE.match(line)]
    return "\n".join(kept[-lines:])


def run_batch(
    jobs: list[dict[str, Any]],
    workdir: Path,
    *,
    memory_limit_mb: int | None,
    env: dict[str, str] | None = None,
) -> list[ChildOutcome]:
    """Run many layer jobs in one interpreter (one TensorFlow import), one outcome per job.

    Each job carries its own ``workdir`` and ``timeout``. The parent watches which job the
    child is on: a job that outlives its timeout is killed with the whole child, a job that
    crashes the child (abort, signal, ``os._exit``) gets that error, and the jobs after it run
    again in a fresh child, so one bad layer costs the others nothing but a restart.
    """
    outcomes: list[ChildOutcome | None] = [None] * len(jobs)
    pending = list(range(len(jobs)))
    attempt = 0
    while pending:
        attempt += 1
        batch_dir = workdir / f"batch-{attempt}"
        blamed = _run_batch_once(
            [jobs[i] for i in pending], batch_dir, memory_limit_mb=memory_limit_mb, env=env
        )
        still: list[int] = []
        for position, index in enumerate(pending):
            outcome = _item_outcome(jobs[index])
            if outcome is None and position == blamed[0]:
                outcome = blamed[1]
            if outcome is None:
                still.append(index)  # after a crash, or a layer asked for a fresh interpreter
            else:
                outcomes[index] = outcome
        if still == pending:  # no progress at all: give up on the first one
            outcomes[still[0]] = ChildOutcome(
                False, {}, "the batch child exited without running a layer", 0.0, "", ""
            )
            still = still[1:]
        for index in range(len(jobs)):
            _release_waiters(jobs[index], outcomes[index])
        pending = still
    return [o for o in outcomes if o is not None]


def _release_waiters(job: dict[str, Any], outcome: ChildOutcome | None) -> None:
    """A reference that died without saying so still tells its migrated layer it is over."""
    marker = job.get("done_marker")
    if marker and outcome is not None and not outcome.ok and not Path(marker).exists():
        Path(marker).write_text(json.dumps({"ok": False, "result": None}))


def _item_outcome(job: dict[str, Any]) -> ChildOutcome | None:
    """A job's outcome from the result its child wrote, or None when it wrote none."""
    result_file = Path(job["workdir"]) / "result.json"
    if not result_file.exists():
        return None
    try:
        result = json.loads(result_file.read_text())
    except json.JSONDecodeError:
        return None
    started, seconds = result.pop("started", time.time()), result.pop("seconds", 0.0)
    ok = result.get("status") == "ok"
    error = None if ok else result.get("error", "failed")
    return ChildOutcome(ok, result, error, seconds, "", "", started=started)


def _run_batch_once(
    jobs: list[dict[str, Any]],
    batch_dir: Path,
    *,
    memory_limit_mb: int | None,
    env: dict[str, str] | None,
) -> tuple[int | None, ChildOutcome | None]:
    """One child over ``jobs``: (position of the job it died on, that job's outcome), or
    (None, None) when it ended cleanly."""
    batch_dir.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        Path(job["workdir"]).mkdir(parents=True, exist_ok=True)
        (Path(job["workdir"]) / "result.json").unlink(missing_ok=True)
    items = [dict(job, memory_limit_mb=memory_limit_mb) for job in jobs]
    batch = {
        "kind": "batch", "workdir": str(batch_dir), "items": items, "memory_limit_mb": memory_limit_mb
    }
    job_file = batch_dir / "job.json"
    job_file.write_text(json.dumps(batch))
    current_file = batch_dir / "current"
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    stdout_path, stderr_path = batch_dir / "stdout.txt", batch_dir / "stderr.txt"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "tf1migrate.verify.child", str(job_file)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=child_env,
            cwd=jobs[0].get("cwd") or str(batch_dir),
            start_new_session=True,
        )
        with _live_lock:
            _live.add(process)
        position, position_started = 0, time.time()
        timed_out = False
        try:
            while True:
                try:
                    returncode = process.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    pass
                seen = _current(current_file)
                if seen is not None and seen[0] != position:
                    position, position_started = seen
                elif seen is not None:
                    position_started = seen[1]
                if time.time() - position_started > float(jobs[position]["timeout"]):
                    timed_out = True
                    _kill_group(process)
                    returncode = process.wait()
                    break
        finally:
            with _live_lock:
                _live.discard(process)
    seen = _current(current_file)
    if seen is not None:
        position, position_started = seen
    if _item_outcome(jobs[position]) is not None and not timed_out:
        return None, None  # it ended cleanly, or between two layers
    seconds = time.time() - position_started
    stdout_tail, stderr_tail = _tail(stdout_path), _tail(stderr_path)
    if timed_out:
        last = stderr_tail or stdout_tail
        limit = float(jobs[position]["timeout"])
        error = f"timed out after {limit:g} s (killed); last output:\n{last}"
    else:
        error = _describe_exit(returncode, memory_limit_mb)
        error += f":\n{stderr_tail}" if stderr_tail else ""
    outcome = ChildOutcome(
        False, {}, error.rstrip(), seconds, stdout_tail, stderr_tail, started=position_started
    )
    return position, outcome


def _current(path: Path) -> tuple[int, float] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return int(data["index"]), float(data["started"])
