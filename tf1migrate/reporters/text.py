"""Output for people: findings as `path:line:col RULE message`, diffs, a summary table.

Colour and the progress bar only on a terminal (and never with NO_COLOR or --quiet),
so piped output is plain and stable.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import IO, Any, Iterator

from rich.console import Console
from rich.table import Table

from tf1migrate.reporters import all_findings, changed_files, summary_counts, unified_diff
from tf1migrate.types import RunResult, Severity

#: Fewer files than this finish before a progress bar is worth drawing.
PROGRESS_MIN_FILES = 10


def make_console(file: IO[str] | None = None, *, stderr: bool = False) -> Console:
    stream = file or (sys.stderr if stderr else sys.stdout)
    color = stream.isatty() and "NO_COLOR" not in os.environ
    return Console(
        file=stream, no_color=not color, force_terminal=color or None, highlight=False,
        soft_wrap=True, emoji=False, color_system="auto" if color else None,
    )


@contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[Any]:
    """A `progress(stage, done, total)` callback drawing a bar, or a no-op when disabled."""
    if not enabled or not console.is_terminal:
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


def print_diff(console: Console, diff: str) -> None:
    if not console.is_terminal or console.no_color:
        console.out(diff, end="", highlight=False)
        return
    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.splitlines():
        style = "bold" if line.startswith(("+++", "---")) else styles.get(line[:1])
        console.print(line, style=style, markup=False, highlight=False)


def render(result: RunResult, **_: Any) -> str:
    """Plain text (no colour) for --output-file."""
    import io

    buffer = io.StringIO()
    report(result, make_console(buffer), show_diff=result.mode == "diff")
    return buffer.getvalue()


def report(
    result: RunResult, console: Console, *, show_diff: bool = False, quiet: bool = False
) -> None:
    """Findings, then diffs (in diff mode), then the summary table (not with --quiet)."""
    if show_diff:
        for file in changed_files(result.files):
            print_diff(console, unified_diff(file))
    lines = [
        (f"{f.path}:{f.line}:{f.col} ", f.rule, _STYLE.get(f.severity), f" {f.message}")
        for f in all_findings(result)
        if not (quiet and f.severity == Severity.INFO)
    ]
    if result.mode == "check":
        lines += [("would migrate ", file.path, None, "") for file in changed_files(result.files)]
    _write_lines(console, lines)
    if quiet:
        return
    counts = summary_counts(result)
    verb = "changed" if result.mode == "write" else "would change"
    table = Table(title=None, show_header=False, box=None, pad_edge=False)
    table.add_column(justify="right")
    table.add_column()
    rows = [
        ("files scanned", counts["files_scanned"]),
        (f"files {verb}" if result.mode != "write" else "files changed", counts["files_changed"]),
        ("unchanged", counts["files_unchanged"]),
        ("errored", counts["files_errored"]),
        ("functions wrapped", counts["functions_wrapped"]),
        ("symbols upgraded", counts["symbols_upgraded"]),
        ("TF1 debt left", counts["tf1_debt"]),
    ]
    if counts["files_skipped"]:
        rows.insert(4, ("skipped", counts["files_skipped"]))
    for rule, n in counts["findings_by_rule"].items():
        rows.append((rule, n))
    rows.append(("time", f"{result.seconds:.2f} s"))
    for label, value in rows:
        table.add_row(str(value), label)
    console.print(table)


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def _write_lines(console: Console, lines: list[tuple[str, str, str | None, str]]) -> None:
    """Many lines at once: rich renders line by line (~1 ms each), too slow for 3,000 findings."""
    if not lines:
        return
    if console.is_terminal and not console.no_color:
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


