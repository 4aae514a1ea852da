"""The command lines of the tools being compared, resolved the way a user would run them,
and the checks that a run really did its job (an exit code alone proves little).

Console scripts are taken from this interpreter's scripts directory (not a pyenv/venv shim,
whose own start-up would be billed to the tool), falling back to ``python -m``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

from benchmarks.measure import Measurement


def _console_script(name: str, module: str) -> list[str]:
    found = shutil.which(name, path=sysconfig.get_path("scripts"))
    return [found] if found else [sys.executable, "-m", module]


def tf1migrate(*args: str) -> list[str]:
    return [*_console_script("tf1migrate", "tf1migrate"), *args]


def tf_upgrade_v2(*args: str) -> list[str]:
    return [*_console_script("tf_upgrade_v2", "tensorflow.tools.compatibility.tf_upgrade_v2_main"),
            *args]


def parse_bound(*paths: str | Path, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", "benchmarks.parse_bound", "--jobs", str(jobs), *map(str, paths)]


def child_env(**extra: str) -> dict[str, str]:
    """The environment for measured children: quiet TensorFlow, no colour, no GPU probing,
    this checkout importable (``benchmarks`` is not an installed package), and Keras 3 unless
    a caller asks for tf-keras (an inherited ``TF_USE_LEGACY_KERAS`` would swap the baseline)."""
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)
    repo = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH", "")) if p)
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": "", "NO_COLOR": "1"})
    env.update(extra)
    return env


Check = Callable[[Path, Measurement], tuple[str | None, dict[str, object]]]


def check_tf1migrate_report(files: int, name: str = "report.json") -> Check:
    """A tf1migrate run counts only if its JSON report covers every file (exit 1 means
    "changes pending", but it is also what a crash looks like). Keeps the report's summary."""

    def check(scratch: Path, _m: Measurement) -> tuple[str | None, dict[str, object]]:
        path = scratch / name
        if not path.exists():
            return "no JSON report written", {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            return f"unreadable JSON report: {exc}", {}
        details = report_details(data)
        seen = details.get("files_reported")
        if not isinstance(seen, int) or seen < files:
            internal = [f.get("message", "") for f in data.get("findings", [])
                        if isinstance(f, dict) and f.get("severity") == "error"]
            why = f"report covers {seen} of {files} files"
            return (f"{why} ({internal[0][:120]})" if internal else why), details
        return None, details

    return check


def report_details(data: object) -> dict[str, object]:
    """What a tf1migrate JSON report says about the run: files, statuses, cache hits."""
    details: dict[str, object] = {}
    if not isinstance(data, dict):
        return details
    entries = data.get("files")
    if isinstance(entries, list):
        details["files_reported"] = len(entries)
        statuses: dict[str, int] = {}
        cached = 0
        for entry in entries:
            if isinstance(entry, dict):
                status = str(entry.get("status"))
                statuses[status] = statuses.get(status, 0) + 1
                cached += bool(entry.get("cached"))
        details["statuses"] = statuses
        details["cached"] = cached
    summary = data.get("summary")
    if isinstance(summary, dict):
        details["summary"] = {k: v for k, v in summary.items() if isinstance(v, (int, float))}
        if "files_reported" not in details and isinstance(summary.get("files_scanned"), int):
            details["files_reported"] = summary["files_scanned"]
    return details


def check_stdout_count(pattern: str, files: int) -> Check:
    """For tools that print how many files they did: that number must cover the corpus."""

    def check(scratch: Path, m: Measurement) -> tuple[str | None, dict[str, object]]:
        text = m.stdout_tail
        report_txt = scratch / "report.txt"
        if report_txt.exists():
            text += report_txt.read_text(encoding="utf-8", errors="replace")[:4000]
        found = re.search(pattern, text)
        if not found:
            return "did not say how many files it processed", {}
        count = int(found.group(1))
        if count < files:
            return f"processed {count} of {files} files", {"files_reported": count}
        return None, {"files_reported": count}

    return check
