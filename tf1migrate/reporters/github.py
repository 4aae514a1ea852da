"""GitHub Actions workflow commands: one `::warning`/`::error` annotation per finding."""

from __future__ import annotations

from typing import Any

from tf1migrate.reporters import all_findings, changed_files
from tf1migrate.types import RunResult, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, **_: Any) -> str:
    lines = []
    for f in all_findings(result):
        where = "" if f.path.startswith("<") else (  # run-level findings have no file
            f"file={_escape_property(f.path)},line={f.line},col={f.col + 1},"
        )
        lines.append(
            f"::{_LEVEL[f.severity]} {where}title={_escape_property(f.rule)}::"
            f"{_escape_data(f'{f.rule} {f.message}')}"
        )
    if result.mode != "write":
        for f in changed_files(result.files):
            lines.append(
                f"::warning file={_escape_property(f.path)},line=1,title=tf1migrate::"
                f"{_escape_data('would be migrated: run `tf1migrate migrate` on this file')}"
            )
    return "".join(line + "\n" for line in lines)
