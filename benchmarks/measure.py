"""Run one command as a child process and measure it: wall time, CPU time, peak RSS.

Measured with ``os.wait4`` on the child, so the figures belong to that command alone (not to
earlier children of the harness, as ``RUSAGE_CHILDREN`` deltas would be for peak RSS). On
Linux the rusage of a reaped child covers the child and every descendant it reaped, so CPU
time includes worker processes, and ``ru_maxrss`` is the peak of the largest single process
in the tree: for a pool of workers, the peak RSS *per worker* (or of the parent, if larger).
The kernel also folds the *harness's* RSS at fork time into the child's ``ru_maxrss``, so
measure from a small parent (``python -m benchmarks.X`` never imports TensorFlow itself).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_mb: float  # largest single process of the tree
    returncode: int
    timed_out: bool = False
    error: str | None = None  # the contender's own check of its output failed
    details: dict[str, object] = field(default_factory=dict)  # what the check read off
    stdout_tail: str = ""
    stderr_tail: str = ""
    load_1min: float | None = None  # the machine's 1-minute load average when it started

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "cpu_s": self.cpu_s}


def _tail(path: Path, limit: int = 2000) -> str:
    data = path.read_bytes()
    return data[-limit:].decode("utf-8", errors="replace")


def run_measured(
    command: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 1800.0,
    keep_stdout: bool = False,
) -> tuple[Measurement, str]:
    """Run ``command`` to completion; return its measurement and (if asked) its full stdout.

    Output goes to temporary files, not pipes, so a chatty child never blocks and the
    harness does no work while the child runs.
    """
    with tempfile.TemporaryDirectory(prefix="tf1bench-run-") as tmp:
        out_path, err_path = Path(tmp, "stdout"), Path(tmp, "stderr")
        with out_path.open("wb") as out, err_path.open("wb") as err:
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(command), cwd=cwd, env=dict(env) if env is not None else None,
                stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            )
            timed_out = threading.Event()

            def kill_on_timeout() -> None:
                timed_out.set()
                proc.kill()

            killer = threading.Timer(timeout_s, kill_on_timeout)  # a hung child cannot hang us
            killer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                killer.cancel()
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it is reaped
        measurement = Measurement(
            wall_s=wall,
            user_s=usage.ru_utime,
            sys_s=usage.ru_stime,
            peak_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports KiB
            returncode=proc.returncode,
            timed_out=timed_out.is_set(),
            stdout_tail=_tail(out_path),
            stderr_tail=_tail(err_path),
            load_1min=load,
        )
        stdout = out_path.read_text(encoding="utf-8", errors="replace") if keep_stdout else ""
    return measurement, stdout


@dataclass(frozen=True)
class Contender:
    """One command line to compare; ``argv(scratch)`` builds it inside a fresh scratch dir."""

    name: str
    argv: Callable[[Path], list[str]]
    ok_codes: frozenset[int] = frozenset({0})
    cwd: Path | None = None
    env: Mapping[str, str] | None = None
    # reads the scratch dir and the measurement; returns (why the run failed or None, details)
    check: Callable[[Path, Measurement], tuple[str | None, dict[str, object]]] | None = None


def alternate(
    contenders: Sequence[Contender], repeat: int, *, timeout_s: float = 1800.0,
    before_each: Callable[[Contender], None] | None = None,
) -> dict[str, list[Measurement]]:
    """Run every contender ``repeat`` times, rotating the order each round.

    Rotation means no contender always runs first (cold page cache) or right after the
    heaviest one, and round ``i`` of every contender ran under the same machine load, which
    is what makes per-round ratios fair on a busy machine.
    """
    results: dict[str, list[Measurement]] = {c.name: [] for c in contenders}
    for round_no in range(repeat):
        shift = round_no % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            if before_each is not None:
                before_each(contender)
            with tempfile.TemporaryDirectory(prefix="tf1bench-scratch-") as scratch:
                measurement, _ = run_measured(contender.argv(Path(scratch)), cwd=contender.cwd,
                                              env=contender.env, timeout_s=timeout_s)
                if contender.check is not None and not measurement.timed_out:
                    problem, details = contender.check(Path(scratch), measurement)
                    measurement = replace(measurement, error=problem, details=details)
            results[contender.name].append(measurement)
    return results


def load_range(runs: dict[str, list[Measurement]]) -> str:
    """"load 2.1–6.9 (1-min average over the runs)": how busy the machine was meanwhile."""
    loads = [m.load_1min for ms in runs.values() for m in ms if m.load_1min is not None]
    if not loads:
        return "load unknown"
    return f"load {min(loads):.1f}–{max(loads):.1f} (1-minute average at the start of each run)"


def succeeded(contender: Contender, measurement: Measurement) -> bool:
    return (not measurement.timed_out and measurement.error is None
            and measurement.returncode in contender.ok_codes)


def failure_reason(measurement: Measurement) -> str:
    """One line saying why a run failed, for a table cell."""
    if measurement.timed_out:
        return "timed out"
    if measurement.error:
        return measurement.error
    tail = (measurement.stderr_tail or measurement.stdout_tail).strip().splitlines()
    return f"exit {measurement.returncode}: {tail[-1] if tail else 'no output'}"
