"""Output for people: findings as `path:line:col RULE message`, diffs, a summary table.

Colour and the progress bar only on a terminal, never with NO_COLOR or --quiet, so piped
output is plain and stable. Plain output is written without rich at all: pre-commit pipes
our output, and importing rich would be most of a warm run's start-up.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from tf1migrate.reporters import all_findings, changed_files, summary_counts, unified_diff
from tf1migrate.types import Finding, RunResult, Severity

#: Fewer files than this finish before a progress bar is worth drawing.
PROGRESS_MIN_FILES = 10
_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow"}
_DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}


@dataclass
class PlainConsole:
    """The part of rich's Console we use, for streams that get no colour."""

    file: IO[str]
    is_terminal: bool = False
    no_color: bool = True


def make_console(file: IO[str] | None = None, *, stderr: bool = False) -> Any:
    """A rich Console on a colour terminal, else a PlainConsole on the same stream."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    if not stream.isatty() or "NO_COLOR" in os.environ:
        return PlainConsole(stream)
    from rich.console import Console

    return Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True, emoji=False)


def _colour(console: Any) -> bool:
    return not isinstance(console, PlainConsole) and console.is_terminal and not console.no_color


@contextmanager
def progress_bar(console: Any, enabled: bool) -> Iterator[Any]:
    """A `progress(stage, done, total)` callback drawing a bar, or a no-op when disabled."""
    if not enabled or not _colour(console):
        yield lambda stage, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if total < PROGRESS_MIN_FILES:
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def print_diff(console: Any, diff: str) -> None:
    if not _colour(console):
        console.file.write(diff)
        console.file.flush()
        return
    for line in diff.splitlines():
        style = "bold" if line.startswith(("+++", "---")) else _DIFF_STYLE.get(line[:1])
        console.print(line, style=style, markup=False, highlight=False)


def render(result: RunResult, **_: Any) -> str:
    """Plain text (no colour) for --output-file."""
    buffer = io.StringIO()
    report(result, PlainConsole(buffer), show_diff=result.mode == "diff")
    return buffer.getvalue()


def report(
    result: RunResult, console: Any, *, show_diff: bool = False, quiet: bool = False,
    statistics: bool = False, decisions: bool = False,
) -> None:
    """Findings (or, with `statistics`, a count per rule), then diffs (in diff mode), then,
    with `decisions` (--verbose), why each variable-creating callable is or is not a layer,
    then the summary table (not with --quiet, which drops only the table: every finding
    stays)."""
    if show_diff:
        for file in changed_files(result.files):
            print_diff(console, unified_diff(file))
    if statistics:
        lines = _statistics(all_findings(result))
    else:
        lines = [
            (_location(f), f.rule, _STYLE.get(f.severity), f" {f.message}")
            for f in all_findings(result)
        ]
    if result.mode == "check":
        lines += [("would migrate ", file.path, None, "") for file in changed_files(result.files)]
    _write_lines(console, lines)
    if decisions:
        from tf1migrate.reporters.decisions import render_files

        explained = render_files(result.files)
        if explained:
            console.file.write("\nWhy each variable-creating callable is or is not a layer:\n")
            console.file.write("".join(line + "\n" for line in explained))
    if not quiet:
        _write_summary(console, _summary_rows(result))


def _location(f: Finding) -> str:
    """`path:line:col ` (both from 1, as in SARIF and GitHub annotations, so editors jump
    to the right character) — or `tf1migrate: ` for run-level findings."""
    return "tf1migrate: " if f.path.startswith("<") else f"{f.path}:{f.line}:{f.col + 1} "


def _statistics(findings: list[Finding]) -> list[tuple[str, str, str | None, str]]:
    """`COUNT  RULE  summary` per rule, most frequent first (like `ruff --statistics`)."""
    counts: dict[str, int] = {}
    worst: dict[str, Severity] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
        if f.severity == Severity.ERROR or f.rule not in worst:
            worst[f.rule] = f.severity
    if not counts:
        return []
    width = len(str(max(counts.values())))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        (f"{n:>{width}}  ", rule, _STYLE.get(worst[rule]), f"  {_summary_of(rule)}".rstrip())
        for rule, n in ordered
    ]


def _summary_of(rule: str) -> str:
    from tf1migrate import catalog

    try:
        return str(catalog.get(rule).summary)
    except KeyError:  # a user rule pack's id, or a run-level one the catalog does not list
        return ""


def _summary_rows(result: RunResult) -> list[tuple[str, str]]:
    """(value, label) rows: files by status, wraps, upgrades, debt, findings by rule, time."""
    counts = summary_counts(result)
    rows = [
        (counts["files_scanned"], "files scanned"),
        (counts["files_changed"], "files changed" if result.mode == "write" else "files would change"),
        (counts["files_unchanged"], "unchanged"),
        (counts["files_errored"], "errored"),
        (counts["functions_wrapped"], "functions wrapped"),
        (counts["symbols_upgraded"], "symbols upgraded"),
        (counts["tf1_debt"], "TF1 debt left"),
    ]
    if counts["files_skipped"]:
        rows.insert(4, (counts["files_skipped"], "skipped"))
    rows += [(n, rule) for rule, n in counts["findings_by_rule"].items()]
    rows.append((f"{result.seconds:.2f} s", "time"))
    return [(str(value), label) for value, label in rows]


def _write_summary(console: Any, rows: list[tuple[str, str]]) -> None:
    width = max(len(value) for value, _ in rows)
    text = "".join(f"{value:>{width}}  {label}\n" for value, label in rows)
    if _colour(console):
        console.print(text, end="", highlight=False, markup=False)
    else:
        console.file.write(text)
        console.file.flush()


def _write_lines(console: Any, lines: list[tuple[str, str, str | None, str]]) -> None:
    """Many lines at once: rich renders line by line (~1 ms each), too slow for 3,000 findings."""
    if not lines:
        return
    if _colour(console):
        from rich.text import Text

        text = Text()
        for head, middle, style, tail in lines:
            text.append(head)
            text.append(middle, style=style or "")
            text.append(tail + "\n")
        console.print(text, end="", highlight=False, soft_wrap=True)
        return
    console.file.write("".join(f"{head}{middle}{tail}\n" for head, middle, _, tail in lines))
    console.file.flush()
