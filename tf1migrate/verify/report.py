"""Reporters for a `VerifyResult`: a rich table for people; JSON, Markdown, JUnit XML for CI.

Each reporter is a pure function of the result (strings out), so the CLI decides where the
text goes. The table's columns: layer, reference kind, vars, params, names ✓/✗, numerics
max-abs-diff, time; details (what differs, the TOML to add) follow below it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from rich.console import Console
from rich.table import Table

from tf1migrate.verify.model import LayerResult, Status, VerifyResult

_STATUS_STYLE = {
    Status.VERIFIED: "green",
    Status.MISMATCH: "red",
    Status.NOT_VERIFIED: "yellow",
    Status.ERROR: "bold red",
}


def names_mark(layer: LayerResult) -> str:
    return "–" if layer.names_ok is None else ("✓" if layer.names_ok else "✗")


def numerics_cell(layer: LayerResult) -> str:
    return "–" if layer.max_abs_diff is None else f"{layer.max_abs_diff:.2e}"


def summary_line(result: VerifyResult) -> str:
    counts = result.counts()
    parts = [f"{counts[s.value]} {s.value}" for s in Status if counts[s.value]]
    return f"{len(result.layers)} layer(s): {', '.join(parts) or 'none'} in {result.seconds:.1f} s"


def print_table(result: VerifyResult, console: Console) -> None:
    """The human report: the table, then what differs per layer, then the summary."""
    table = Table(title="tf1migrate verify")
    for column, justify in (
        ("layer", "left"), ("status", "left"), ("reference", "left"), ("vars", "right"),
        ("params", "right"), ("names", "center"), ("max abs diff", "right"), ("time", "right"),
    ):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for layer in result.layers:
        table.add_row(
            layer.layer,
            f"[{_STATUS_STYLE[layer.status]}]{layer.status.value}[/]",
            layer.reference.value,
            str(layer.variables),
            f"{layer.params:,}",
            names_mark(layer),
            numerics_cell(layer),
            f"{layer.seconds:.1f} s",
        )
    console.print(table)
    for layer in result.layers:
        if layer.messages:
            heading = f"\n[bold]{layer.layer}[/] ({layer.path}:{layer.line}) {layer.status.value}:"
            console.print(heading, highlight=False)
            for message in layer.messages:
                text = "  • " + message.replace("\n", "\n    ")
                console.print(text, markup=False, highlight=False)
    for message in result.messages:
        console.print(f"note: {message}", markup=False, highlight=False)
    console.print(summary_line(result), highlight=False)


def render_table(result: VerifyResult, width: int = 120) -> str:
    """`print_table` as plain text."""
    buffer = io.StringIO()
    print_table(result, Console(file=buffer, width=width, force_terminal=False, color_system=None))
    return buffer.getvalue()


def render_json(result: VerifyResult) -> str:
    return result.to_json()


def render_markdown(result: VerifyResult) -> str:
    lines = [
        "## tf1migrate verify",
        "",
        "| layer | status | reference | vars | params | names | max abs diff | time |",
        "|---|---|---|---:|---:|:---:|---:|---:|",
    ]
    for layer in result.layers:
        lines.append(
            f"| `{layer.layer}` | {layer.status.value} | {layer.reference.value} | "
            f"{layer.variables} | {layer.params:,} | {names_mark(layer)} | "
            f"{numerics_cell(layer)} | {layer.seconds:.1f} s |"
        )
    lines += ["", summary_line(result)]
    for layer in result.layers:
        if layer.messages:
            lines += ["", f"### `{layer.layer}` — {layer.status.value}", ""]
            for message in layer.messages:
                if "\n" in message:
                    head, _, body = message.partition("\n")
                    block = [f"  {line}" for line in body.splitlines()]
                    lines += [f"- {head}", "", "  ```", *block, "  ```"]
                else:
                    lines.append(f"- {message}")
    if result.messages:
        lines += ["", *[f"> {m}" for m in result.messages]]
    return "\n".join(lines) + "\n"


def render_junit(result: VerifyResult) -> str:
    """One testcase per layer: mismatch → failure, error → error, not verified → skipped."""
    suites = ET.Element("testsuites")
    suites.append(junit_suite(result, "tf1migrate-verify"))
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'


def junit_suite(result: VerifyResult, name: str) -> ET.Element:
    """The layers as one JUnit ``testsuite``: for ``verify --output-format junit`` and for
    the codemod's JUnit file after ``migrate --verify`` (the one writer of both)."""
    counts = result.counts()
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(result.layers)),
        failures=str(counts[Status.MISMATCH.value]),
        errors=str(counts[Status.ERROR.value]),
        skipped=str(counts[Status.NOT_VERIFIED.value]),
        time=f"{result.seconds:.3f}",
    )
    for layer in result.layers:
        case = ET.SubElement(
            suite, "testcase", classname=layer.layer.split(":")[0], name=layer.layer,
            file=layer.path, line=str(layer.line), time=f"{layer.seconds:.3f}",
        )
        detail = "\n".join(layer.messages)
        first = layer.messages[0].splitlines()[0] if layer.messages else layer.status.value
        if layer.status is Status.MISMATCH:
            ET.SubElement(case, "failure", message=first).text = detail
        elif layer.status is Status.ERROR:
            ET.SubElement(case, "error", message=first).text = detail
        elif layer.status is Status.NOT_VERIFIED:
            ET.SubElement(case, "skipped", message=first).text = detail
        else:
            ET.SubElement(case, "system-out").text = (
                f"reference: {layer.reference.value}; {layer.variables} variables; "
                f"max abs diff {numerics_cell(layer)}"
            )
    return suite


RENDERERS = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "junit": render_junit,
}


# ------------------------------------------------- `tf1migrate migrate --verify` reports
# The codemod's reporters know nothing of verify: after a migration with ``--verify`` the
# CLI renders the codemod's report, then hands it here to add the verification results in
# that format (one JSON document, one JUnit file, one Markdown comment).


def records(result: VerifyResult) -> list[dict[str, object]]:
    """One record per layer for the codemod report's ``verify`` key (report-v1 schema):
    name, status, the first line of each message, seconds."""
    return [
        {
            "name": layer.layer,
            "status": layer.status.value,
            "message": "; ".join(m.splitlines()[0] for m in layer.messages if m),
            "seconds": float(layer.seconds),
        }
        for layer in result.layers
    ]


def attach(output_format: str, codemod_report: str, result: VerifyResult) -> str:
    """The codemod's report in ``output_format`` with the verification results added; formats
    with no place for them (SARIF, GitHub annotations, text) are returned unchanged."""
    if output_format == "json":
        import json

        data = json.loads(codemod_report)
        data["verify"] = records(result)
        return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
    if output_format == "junit":
        root = ET.fromstring(codemod_report)
        root.append(junit_suite(result, "tf1migrate.verify"))
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
    if output_format == "markdown":
        from tf1migrate.reporters.markdown import REPORT_CUT

        if not result.layers or codemod_report.endswith(REPORT_CUT):
            return codemod_report
        rows = [
            f"| `{_cell(str(r['name']))}` | {r['status']} | {_cell(str(r['message']))} |"
            for r in records(result)
        ]
        table = ["### Verification", "", "| layer | result | details |", "|---|---|---|"]
        return codemod_report + "\n" + "\n".join([*table, *rows, ""])
    return codemod_report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
