"""A pull-request comment: summary, TF1 debt, per-file collapsible diffs, findings, layers.

Written for GitHub-flavoured Markdown (`<details>` blocks, ```diff fences). Long diffs are
cut so the comment stays under GitHub's 65,536-character limit.
"""

from __future__ import annotations

from typing import Any

from tf1migrate.reporters import all_findings, changed_files, summary_counts, unified_diff, verify_records
from tf1migrate.types import RunResult

MAX_DIFF_CHARS = 6_000
MAX_COMMENT_CHARS = 60_000


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fence(text: str, lang: str = "diff") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def render(result: RunResult, verify: Any = None, **_: Any) -> str:
    counts = summary_counts(result)
    verb = "changed" if result.mode == "write" else "would change"
    out = ["## tf1migrate report", ""]
    out += [
        "| files scanned | " + verb + " | unchanged | errored | functions wrapped | symbols upgraded | TF1 debt |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {counts['files_scanned']} | {counts['files_changed']} | {counts['files_unchanged']} | "
        f"{counts['files_errored']} | {counts['functions_wrapped']} | {counts['symbols_upgraded']} | "
        f"{counts['tf1_debt']} |",
        "",
    ]
    debt = sorted((f for f in result.files if f.tf1_debt), key=lambda f: (-f.tf1_debt, f.path))
    out += ["### TF1 debt", ""]
    if debt:
        out += ["TF1 constructs still left after migration (watch this fall):", "",
                "| file | TF1 debt |", "|---|---:|"]
        out += [f"| `{_cell(f.path)}` | {f.tf1_debt} |" for f in debt]
        out += [f"| **total** | **{counts['tf1_debt']}** |", ""]
    else:
        out += ["No TF1 constructs left. :tada:", ""]

    changed = changed_files(result.files)
    if changed:
        out += [f"### Files that {verb}", ""]
        for f in changed:
            diff = unified_diff(f)
            if len(diff) > MAX_DIFF_CHARS:
                diff = diff[:MAX_DIFF_CHARS] + "\n... diff truncated; run `tf1migrate migrate --diff` locally\n"
            summary = f"<code>{f.path}</code> ({len(f.layers)} wrapped, {f.upgrades} upgraded)"
            out += ["<details>", f"<summary>{summary}</summary>", "", _fence(diff), "", "</details>", ""]

    layers = [(f.path, g) for f in result.files for g in f.layers]
    if layers:
        out += ["### Generated layers", "", "| file | class | wraps | base | scope |", "|---|---|---|---|---|"]
        out += [
            f"| `{_cell(path)}` | `{g.class_name}` | `{g.function}` | `{g.base}` | {('`' + g.scope + '`') if g.scope else ''} |"
            for path, g in layers
        ]
        out.append("")

    findings = all_findings(result)
    if findings:
        out += ["### Findings", "", "| location | rule | message |", "|---|---|---|"]
        out += [f"| `{_cell(f'{f.path}:{f.line}:{f.col}')}` | {f.rule} | {_cell(f.message)} |" for f in findings]
        out.append("")

    records = verify_records(verify)
    if records:
        out += ["### Verification", "", "| layer | result | details |", "|---|---|---|"]
        out += [f"| `{_cell(str(r['name']))}` | {r['status']} | {_cell(str(r['message']))} |" for r in records]
        out.append("")

    text = "\n".join(out)
    if len(text) > MAX_COMMENT_CHARS:
        text = text[:MAX_COMMENT_CHARS] + "\n\n... report truncated; see the CI artifact for the full output\n"
    return text
