"""Child-process entry point: ``python -m tf1migrate.verify.child <job.json>``.

Applies the memory limit first, then runs the job's kind (``reference`` or ``migrated``)
and writes ``result.json`` next to the job file: ``{"status": "ok", ...}`` or
``{"status": "error", "stage": ..., "error": <exception and last traceback lines>}``.
Anything the user's code does (print, raise, ``sys.exit``) is contained here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

TRACEBACK_LINES = 12
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_KERAS_WRAPPED = re.compile(
    r"Exception encountered when calling [^\n]*\n\n(.*?)\n\nArguments received by", re.S
)


class Stage:
    """The step a child is in, so an error report can say "while importing" or "while calling"."""

    def __init__(self) -> None:
        self.name = "starting"

    def __call__(self, name: str) -> None:
        self.name = name


def main(job_file: str) -> int:
    job = json.loads(Path(job_file).read_text())
    from tf1migrate.verify.childlib import apply_memory_limit

    apply_memory_limit(job.get("memory_limit_mb"))
    if job["kind"] != "batch":
        _write_result(Path(job["workdir"]) / "result.json", run_item(job))
        return 0
    # a batch: one interpreter, one TensorFlow import, the layers one after the other; the
    # parent watches `current` to time each layer and re-runs what follows a crash
    current = Path(job["workdir"]) / "current"
    for index, item in enumerate(job["items"]):
        _write_result(current, {"index": index, "started": time.time()})
        payload = run_item(item)
        _write_result(Path(item["workdir"]) / "result.json", payload)
        if payload.pop("restart", False):
            break  # this layer left the interpreter unfit for the next (eager disabled)
    return 0


def run_item(job: dict[str, Any]) -> dict[str, Any]:
    """One layer's job: its result document, or the error with the stage it happened in."""
    stage = Stage()
    started = time.time()
    if job.get("cwd"):
        os.chdir(job["cwd"])
    try:
        result = _run(job, stage)
        payload: dict[str, Any] = {"status": "ok", **result}
    except BaseException as exc:  # user code may raise anything, including SystemExit
        error = describe_exception(
            exc, stage.name, user_root=job.get("import_root"), side=job.get("kind", "")
        )
        payload = {"status": "error", "stage": stage.name, "error": error}
        payload["restart"] = bool(getattr(exc, "tf1migrate_restart", False))
    payload.update(started=started, seconds=time.time() - started)
    done = job.get("done_marker")
    if done:  # a reference: tell the migrated side waiting for these weights
        ok = payload["status"] == "ok"
        _write_result(Path(done), {"ok": ok, "result": payload if ok else None})
    return payload


def _run(job: dict[str, Any], stage: Stage) -> dict[str, Any]:
    if job["kind"] == "reference":
        from tf1migrate.verify.reference_child import run_reference

        return run_reference(job, stage)
    if job["kind"] == "migrated":
        from tf1migrate.verify.migrated_child import run_migrated

        return run_migrated(job, stage)
    raise ValueError(f"unknown job kind {job['kind']!r}")


def describe_exception(
    exc: BaseException, stage: str, user_root: str | None = None, side: str = ""
) -> str:
    """``while <stage>: <Type>: <message> (<file>:<line>)`` on one line, naming the user's file
    where it raised (relative to ``user_root``), plus the last lines of the traceback."""
    rest: list[str] = []
    if isinstance(exc, MemoryError):
        headline = f"while {stage}: MemoryError (the memory limit was reached)"
    elif isinstance(exc, SystemExit):
        headline = f"while {stage}: user code called sys.exit({exc.code!r})"
    else:
        message = clean_message(str(exc)).splitlines()
        headline = f"while {stage}: {type(exc).__name__}: {message[0] if message else ''}".rstrip()
        rest = message[1:]
    where = user_location(exc, user_root)
    if where:
        headline += f" ({where})"
    text = str(exc)
    if "'tf1compat' has no attribute 'contrib'" in text:
        headline += (
            " (tf1compat.contrib is a subpackage: the migrated module needs `import "
            "tf1compat.contrib`)"
        )
    elif "contrib" in text and isinstance(exc, AttributeError | ImportError):
        if side == "migrated":
            headline += (
                " (the migrated code still uses tensorflow.contrib, which TF 2 does not have: "
                "tf1compat.contrib / tf1compat.slim stand in for it; run tf1migrate migrate on "
                "this file again or rewrite that import)"
            )
        elif importlib.util.find_spec("tf_slim") is None:
            headline += (
                " (tf.contrib is gone in TF 2: pip install 'tf1migrate[verify-reference]' for "
                "tf-slim, or verify this layer against a TF1 checkpoint)"
            )
        elif "counterpart" not in headline:
            headline += " (tf.contrib is gone in TF 2: verify this layer against a TF1 checkpoint)"
    frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip().splitlines()
    return "\n".join([headline, *rest, *frames[-TRACEBACK_LINES:]])


def user_location(exc: BaseException, user_root: str | None) -> str | None:
    """``model.py:12``: the innermost traceback frame in the user's tree (or the file a
    SyntaxError is about), relative to that tree; None when no frame is the user's."""
    if user_root is None:
        return None
    root = os.path.realpath(user_root)

    def relative(filename: str | None) -> str | None:
        if not filename:
            return None
        path = os.path.realpath(filename)
        if not path.startswith(root + os.sep) or f"{os.sep}site-packages{os.sep}" in path:
            return None
        return os.path.relpath(path, root)

    if isinstance(exc, SyntaxError):
        found = relative(exc.filename)
        if found is not None:
            return f"{found}:{exc.lineno}"
    location = None
    for frame in traceback.extract_tb(exc.__traceback__):
        found = relative(frame.filename)
        if found is not None:
            location = f"{found}:{frame.lineno}"
    return location


def clean_message(message: str) -> str:
    """Drop terminal colours and the wrapping Keras adds around an exception from ``call``."""
    message = _ANSI.sub("", message)
    keras_wrapped = _KERAS_WRAPPED.search(message)
    if keras_wrapped:
        message = keras_wrapped.group(1)
    return message.strip()


def _write_result(path: Path, payload: dict[str, Any]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload))
    os.replace(temporary, path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
