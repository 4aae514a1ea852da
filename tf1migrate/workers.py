"""Guarded worker processes: hostile input never takes down a run.

Every file's parse and rewrite runs in a worker process, even for one file with
`--jobs 1` (the pre-commit case), under a per-file time budget and a memory cap. A worker
that overruns is killed; one that dies (a segfault in a native parser, the OOM killer)
is replaced. Either way that file gets one answer, a `Failure`, and the other files go
on. Inside a worker the task runs on a thread with a large stack and a raised recursion
limit, so code CPython accepts (a 2,000-term sum) is never too deep for LibCST.

Workers are forked where that is safe (Linux, no other thread in this process: start-up
in milliseconds, nothing to pickle) and spawned otherwise.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Self, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")

#: Stack of the thread a task runs on, and the recursion limit there (LibCST recurses
#: once or more per nesting level of the code; CPython accepts ~3,000 levels).
TASK_STACK_BYTES = 512 * 1024 * 1024
TASK_RECURSION_LIMIT = 60_000
DEFAULT_SECONDS = 30.0
DEFAULT_MEMORY_MB = 768


@dataclass(frozen=True)
class Budget:
    """What one file may cost: wall seconds, and memory a worker may grow by (MB)."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass(frozen=True)
class Failure:
    """A task that gave no answer. `kind`: "timeout", "memory", "crash" or "error"."""

    kind: str
    detail: str

    def describe(self, budget: Budget) -> str:
        """A phrase for the finding: what happened, in the user's terms."""
        if self.kind == "timeout":
            return (
                f"took longer than the {budget.seconds:g} s budget per file (raise "
                "file-timeout in [tool.tf1migrate] to allow more)"
            )
        if self.kind == "memory":
            return (
                f"needed more than the {budget.memory_mb} MB memory budget per file (raise "
                "file-memory-mb in [tool.tf1migrate] to allow more)"
            )
        if self.kind == "crash":
            return f"its worker process died ({self.detail})"
        return self.detail


class GuardedPool(Generic[Item, Answer]):
    """Runs `task(item)` for many items in up to `jobs` guarded workers.

    `task` must be a module-level function when workers are spawned; forked workers
    inherit it as it is (tests may pass a closure).
    """

    def __init__(self, task: Callable[[Item], Answer], jobs: int, budget: Budget) -> None:
        self.task = task
        self.jobs = max(1, jobs)
        self.budget = budget
        self._workers: list[_Worker] = []

    def map(
        self, items: Sequence[Item], progress: Callable[[], None] = lambda: None
    ) -> list[Answer | Failure]:
        """Answers in the order of `items`; a `Failure` for each item that gave none."""
        answers: list[Answer | Failure | None] = [None] * len(items)
        pending = deque(range(len(items)))
        busy: dict[int, tuple[_Worker, float]] = {}  # item index -> worker, deadline
        try:
            while pending or busy:
                while pending and len(busy) < min(self.jobs, len(items)):
                    worker = self._idle_worker(busy)
                    index = pending.popleft()
                    if worker.send(items[index]):
                        busy[index] = (worker, time.monotonic() + self.budget.seconds)
                    else:  # died between tasks (or could not take this one)
                        answers[index] = worker.failure()
                        self._retire(worker)
                        progress()
                self._collect(busy, answers, progress)
        finally:
            for worker, _ in busy.values():
                self._retire(worker)
        return [a if a is not None else Failure("error", "no answer") for a in answers]

    def _collect(
        self,
        busy: dict[int, tuple[_Worker, float]],
        answers: list[Answer | Failure | None],
        progress: Callable[[], None],
    ) -> None:
        """Wait for the first answer, death or overrun among the busy workers."""
        now = time.monotonic()
        timeout = max(0.0, min(deadline for _, deadline in busy.values()) - now)
        handles: list[Any] = []
        for worker, _ in busy.values():
            handles += [worker.conn, worker.process.sentinel]
        ready = set(wait(handles, timeout))
        now = time.monotonic()
        for index, (worker, deadline) in list(busy.items()):
            if worker.conn in ready or worker.process.sentinel in ready:
                answer = worker.receive()
                if isinstance(answer, Failure) and answer.kind == "crash":
                    self._retire(worker)
            elif now >= deadline:
                answer = Failure("timeout", f"over {self.budget.seconds:g} s")
                self._retire(worker)
            else:
                continue
            answers[index] = answer
            del busy[index]
            progress()

    def _idle_worker(self, busy: dict[int, tuple[_Worker, float]]) -> _Worker:
        working = {id(worker) for worker, _ in busy.values()}
        for worker in self._workers:
            if id(worker) not in working:
                return worker
        worker = _Worker(self.task, self.budget)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        if worker in self._workers:
            self._workers.remove(worker)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _context() -> Any:
    """fork where it is safe and cheap, else spawn."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, task: Callable[[Any], Any], budget: Budget) -> None:
        parent, child = multiprocessing.Pipe()
        self.conn: Connection = parent
        self.process = _context().Process(
            target=serve, args=(child, task, budget.memory_mb), daemon=True
        )
        self.process.start()
        child.close()

    def send(self, item: Any) -> bool:
        try:
            self.conn.send(item)
        except (OSError, ValueError):
            return False
        return True

    def receive(self) -> Any:
        try:
            kind, value = self.conn.recv()
        except (EOFError, OSError):
            return self.failure()
        if kind == "ok":
            return value
        return Failure(kind, value)

    def failure(self) -> Failure:
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            detail = f"killed by {name}"
            if -code == signal.SIGKILL:
                detail += ", perhaps by the system for using too much memory"
        else:
            detail = f"exit code {code}"
        return Failure("crash", detail)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


# ------------------------------------------------------------------------ worker side


def serve(conn: Connection, task: Callable[[Any], Any], memory_mb: int) -> None:
    """Worker main: answer items from `conn` on a big-stack thread until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a native crash here is the parent's one-line finding
    sys.setrecursionlimit(TASK_RECURSION_LIMIT)
    threading.stack_size(TASK_STACK_BYTES)
    thread = threading.Thread(target=_loop, args=(conn, task, memory_mb), daemon=True)
    thread.start()
    thread.join()
    conn.close()
    os._exit(0)  # no atexit handlers or buffers inherited from a forked parent


def _loop(conn: Connection, task: Callable[[Any], Any], memory_mb: int) -> None:
    _cap_memory(memory_mb)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        try:
            answer: tuple[str, Any] = ("ok", task(item))
        except MemoryError:
            answer = ("memory", "out of memory")
        except BaseException as exc:  # noqa: BLE001 - one file's problem, reported as such
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except MemoryError:
            conn.send(("memory", "out of memory"))
        except (OSError, ValueError):
            return
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be pickled
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _cap_memory(memory_mb: int) -> None:
    """Let this process's address space grow by at most `memory_mb` from here on."""
    try:
        import resource

        with open("/proc/self/statm") as handle:
            size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: only the time budget applies
