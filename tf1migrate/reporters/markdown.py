"""A pull-request comment: summary, TF1 debt, per-file collapsible diffs, findings, layers.

Written for GitHub-flavoured Markdown (`<details>` blocks, ```diff fences). Long diffs are
cut so the comment stays under GitHub's 65,536-character limit.
"""

from __future__ import annotations

from typing import Any

from tf1migrate.reporters import (
    all_findings,
    changed_files,
    summary_counts,
    unified_diff,
)
from tf1migrate.types import RunResult

MAX_DIFF_CHARS = 6_000
MAX_COMMENT_CHARS = 60_000
DIFF_CUT = "\n... diff truncated; run `tf1migrate migrate --diff` locally\n"
REPORT_CUT = "\n\n... report truncated; see the CI artifact for the full output\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str | None) -> str:
    return f"`{_cell(text)}`" if text else ""


def _fence(text: str, lang: str = "diff") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def _summary(result: RunResult, counts: dict[str, Any], verb: str) -> list[str]:
    header = ["files scanned", verb, "unchanged", "errored", "functions wrapped",
              "symbols upgraded", "TF1 debt"]
    keys = ["files_scanned", "files_changed", "files_unchanged", "files_errored",
            "functions_wrapped", "symbols_upgraded", "tf1_debt"]
    return _table(header, [[str(counts[k]) for k in keys]], ["---:"] * len(header))


def _debt(result: RunResult, total: int) -> list[str]:
    files = sorted((f for f in result.files if f.tf1_debt), key=lambda f: (-f.tf1_debt, f.path))
    if not files:
        return ["### TF1 debt", "", "No TF1 constructs left. :tada:", ""]
    rows = [[_code(f.path), str(f.tf1_debt)] for f in files] + [["**total**", f"**{total}**"]]
    intro = ["### TF1 debt", "", "TF1 constructs still left after migration (watch this fall):", ""]
    return intro + _table(["file", "TF1 debt"], rows, ["---", "---:"])


def _diffs(result: RunResult, verb: str) -> list[str]:
    changed = changed_files(result.files)
    if not changed:
        return []
    out = [f"### Files that {verb}", ""]
    for f in changed:
        diff = unified_diff(f)
        if len(diff) > MAX_DIFF_CHARS:
            diff = diff[:MAX_DIFF_CHARS] + DIFF_CUT
        summary = f"<code>{f.path}</code> ({len(f.layers)} wrapped, {f.upgrades} upgraded)"
        out += ["<details>", f"<summary>{summary}</summary>", "", _fence(diff), "", "</details>"]
        out.append("")
    return out


def render(result: RunResult, **_: Any) -> str:
    counts = summary_counts(result)
    verb = "changed" if result.mode == "write" else "would change"
    out = ["## tf1migrate report", ""]
    out += _summary(result, counts, verb)
    out += _debt(result, counts["tf1_debt"])
    out += _diffs(result, verb)
    layers = [[_code(f.path), _code(g.class_name), _code(g.function), _code(g.base), _code(g.scope)]
              for f in result.files for g in f.layers]
    if layers:
        out += ["### Generated layers", ""]
        out += _table(["file", "class", "wraps", "base", "scope"], layers)
    findings = [[_code(f"{f.path}:{f.line}:{f.col + 1}"), f.rule, _cell(f.message)]
                for f in all_findings(result)]
    if findings:
        out += ["### Findings", ""] + _table(["location", "rule", "message"], findings)
    text = "\n".join(out)
    return text[:MAX_COMMENT_CHARS] + REPORT_CUT if len(text) > MAX_COMMENT_CHARS else text
