"""Why each variable-creating callable is, or is not, a layer: the plan's evidence, for people.

Shown by `tf1migrate migrate --verbose` (after the findings) and `tf1migrate explain
FILE[::CALLABLE]`; the JSON report carries the same records (`files[].decisions`). The
scoring itself is documented in `tf1migrate.plan`.
"""

from __future__ import annotations

from collections.abc import Iterable

from tf1migrate.types import CallableDecision, FileResult

_VERDICTS = {
    "helper": "not wrapped: it runs inside the layer of the code that calls it",
    "not-a-layer": "not wrapped: no layer can be made of it",
    "skipped": "not wrapped: skipped by configuration or comment",
}


def render(path: str, decision: CallableDecision) -> list[str]:
    """`path:line callable: verdict (score)` then one line per piece of evidence."""
    vetoed = any(item.veto for item in decision.evidence)
    if decision.wrapped:
        layer = f" in `{decision.layer}`" if decision.layer else ""
        head = f"wrapped{layer}"
    else:
        head = _VERDICTS.get(decision.verdict, decision.verdict)
    score = f"score {decision.score}, threshold {decision.threshold}"
    if vetoed and not decision.wrapped:
        score += ", vetoed"
    lines = [f"{path}:{decision.line} {decision.callable}: {head} ({score})"]
    for item in decision.evidence:
        weight = "veto" if item.veto else f"{item.points:+d}"
        lines.append(f"    {weight:>4}  {item.reason}")
        if item.veto and item.advice:
            lines.append(f"          what to do: {item.advice}")
    return lines


def render_files(files: Iterable[FileResult]) -> list[str]:
    lines: list[str] = []
    for file in files:
        for decision in file.decisions:
            lines += render(file.path, decision)
    return lines
