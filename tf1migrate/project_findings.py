"""The findings a module gets from the project index alone (no syntax tree needed).

TFM410 (training code that creates variables) and TFM304/TFM305 (variable-creating code
that is not wrapped, and why) are facts of the index, reported at the lines the index
recorded. The engine adds them to every rewrite; `tf1migrate.triage` answers with them
alone for a file the rewrite provably leaves as it is. `project` is the `ProjectIndex` or
the module's `ModuleView` (same accessors). No LibCST here.
"""

from __future__ import annotations

from typing import Any

from tf1migrate.types import Finding, Options, Severity


def project_findings(project: Any, module: str, path: str, options: Options) -> list[Finding]:
    """TFM410, then TFM304/TFM305, for `module` (shown at `path`)."""
    return training_findings(project, module, path, options) + decision_findings(
        project, module, path, options
    )


def training_findings(project: Any, module: str, path: str, options: Options) -> list[Finding]:
    if not options.enables("TFM410"):
        return []
    found = []
    for key in sorted(project.training_code):
        key_module, qualname = key.split(":", 1)
        if key_module != module:
            continue
        reasons = ", ".join(project.training_reasons.get(key, ()))
        found.append(Finding(path, project.lines.get(key, 1), 0, "TFM410", (
            f"`{qualname}` creates variables but is training code ({reasons}): it is not wrapped; "
            "move its model part into a function (which gets a layer) and write the training "
            "loop in TF2 around that layer"
        ), Severity.WARNING))
    return found


def _score_text(decision: Any) -> str:
    if any(item.veto for item in decision.evidence):
        return f"score {decision.score}, vetoed"
    return f"score {decision.score}, below the threshold of 2"


def decision_findings(project: Any, module: str, path: str, options: Options) -> list[Finding]:
    """No silent skips: every variable-creating callable not wrapped says why (TFM304/305)."""
    found = []
    for decision in project.decisions_in(module):
        if decision.wrapped:
            continue
        if decision.verdict == "not-a-layer":
            rule, severity = "TFM305", Severity.WARNING
        else:
            rule, severity = "TFM304", Severity.INFO
        if not options.enables(rule):
            continue
        why = decision.explain()
        if rule == "TFM305":
            message = (
                f"`{decision.qualname}` creates TF1 variables but no layer was generated: "
                f"{why}. What to do: {decision.advice or 'move its forward pass into a function taking tensors (which gets a layer)'}"
            )
        else:
            message = (
                f"`{decision.qualname}` creates TF1 variables and is not wrapped "
                f"({_score_text(decision)}: {why}); it runs inside the layer of its caller. "
                "List it under `wrap = [...]` to get a layer of its own"
            )
        found.append(Finding(path, decision.line, 0, rule, message, severity))
    return found
