"""Reporters turn a `RunResult` into text for people (rich) or machines (JSON, SARIF…).

Each format lives in its own module and is imported only when asked for, so a plain
`--check` run does not pay for rich or XML at start-up.
"""

from __future__ import annotations

import difflib
import importlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from tf1migrate.types import FileResult, FileStatus, Finding, RunResult

FORMATS = ("text", "json", "markdown", "sarif", "github", "junit")
_MODULES = {"json": "json_"}


def load(fmt: str) -> Any:
    """The reporter module for `fmt` (each exposes `render(result, **kwargs) -> str`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return importlib.import_module(f"tf1migrate.reporters.{_MODULES.get(fmt, fmt)}")


def all_findings(result: RunResult) -> list[Finding]:
    """Run-level and per-file findings in one deterministic order."""
    return sorted([*result.findings, *(f for r in result.files for f in r.findings)])


def summary_counts(result: RunResult) -> dict[str, Any]:
    """The figures every summary shows (files by status, wraps, upgrades, rules, debt)."""
    status = Counter(r.status for r in result.files)
    return {
        "files_scanned": len(result.files),
        "files_changed": status[FileStatus.CHANGED],
        "files_unchanged": status[FileStatus.UNCHANGED],
        "files_errored": status[FileStatus.ERROR],
        "files_skipped": status[FileStatus.SKIPPED],
        "functions_wrapped": sum(len(r.layers) for r in result.files),
        "symbols_upgraded": sum(r.upgrades for r in result.files),
        "tf1_debt": sum(r.tf1_debt for r in result.files),
        "findings_by_rule": dict(sorted(Counter(f.rule for f in all_findings(result)).items())),
        "seconds": round(result.seconds, 3),
    }


def unified_diff(file: FileResult) -> str:
    """`git diff`-style patch of one changed file ('' when unchanged)."""
    if file.original is None or file.migrated is None:
        return ""
    lines = difflib.unified_diff(
        file.original.splitlines(keepends=True),
        file.migrated.splitlines(keepends=True),
        fromfile=f"a/{file.path}",
        tofile=f"b/{file.path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def changed_files(files: Sequence[FileResult]) -> list[FileResult]:
    return [f for f in files if f.status == FileStatus.CHANGED]
