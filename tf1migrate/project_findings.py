"""The findings a module gets from the project index alone (no syntax tree needed).

TFM410 (training code that creates variables), TFM304/TFM305 (variable-creating code
that is not wrapped, and why) and TFM306 (tf.contrib imports and calls that keep a wrapped
model from running as migrated) are facts of the index, reported at the lines the index
recorded; so are the decision records (`decision_records`, the `explain` view). The engine adds them to every rewrite; `tf1migrate.triage` answers with them
alone for a file the rewrite provably leaves as it is. `project` is the `ProjectIndex` or
the module's `ModuleView` (same accessors). No LibCST here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tf1migrate.types import CallableDecision, Finding, Options, Severity, Weighed


def project_findings(project: Any, module: str, path: str, options: Options) -> list[Finding]:
    """TFM410, then TFM304/TFM305, then TFM306, for `module` (shown at `path`)."""
    return (
        training_findings(project, module, path, options)
        + decision_findings(project, module, path, options)
        + blocker_findings(project, module, path, options)
    )


def decision_records(
    decisions: Sequence[Any], classes: Mapping[str, str]
) -> tuple[CallableDecision, ...]:
    """The plan's decisions for one file, with the class each wrapped callable got
    (`classes`: wrapped qualname -> generated class, made by this run or an earlier one)."""
    from tf1migrate.plan import THRESHOLD

    records = []
    for decision in decisions:
        wrapped = decision.qualname.removesuffix(".__init__")
        records.append(CallableDecision(
            callable=decision.qualname,
            line=decision.line,
            wrapped=decision.wrapped,
            verdict=decision.verdict,
            score=decision.score,
            threshold=THRESHOLD,
            evidence=tuple(
                Weighed(item.reason, item.points, item.veto, item.advice)
                for item in decision.evidence
            ),
            layer=classes.get(wrapped) if decision.wrapped else None,
        ))
    return tuple(records)


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


def _shown(items: Sequence[str], limit: int = 4) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def blocker_findings(project: Any, module: str, path: str, options: Options) -> list[Finding]:
    """TFM306: what keeps a wrapped model from running as migrated, and what to do."""
    if not options.enables("TFM306"):
        return []
    found = []
    for blocker in project.import_blockers.get(module, ()):
        uses = _shown([f"`{symbol}` (line {line})" for symbol, line in blocker.unmapped])
        verb = "has" if len(blocker.unmapped) == 1 else "have"
        layers = (
            f"; the layers it keeps from running as migrated: {_shown(list(blocker.affected))}"
            if blocker.affected else ""
        )
        found.append(Finding(path, blocker.line, 0, "TFM306", (
            f"the tf.contrib import of `{blocker.local}` ({blocker.symbol}) stays: {uses} {verb} "
            "no mapping, so importing this module fails on TF2 (there is no tensorflow.contrib), "
            f"and so does importing any module that imports it{layers}. What to do: replace "
            "those uses with TF2 code (their TFM403 findings say what they are), or import "
            "the contrib module inside the function that needs it"
        ), Severity.WARNING))
    for root in project.roots_in(module):
        reasons = []
        for blocker in project.blocked_roots.get(root.key, ()):
            where = (
                "its module" if blocker.module == module
                else f"`{blocker.module}`, which its module imports,"
            )
            symbol, line = blocker.unmapped[0]
            reasons.append(
                f"{where} keeps its tf.contrib import of `{blocker.local}` ({blocker.path}:"
                f"{blocker.line}) for the unmapped `{symbol}` (line {line}), so it cannot be "
                "imported on TF2"
            )
        calls = project.contrib_blockers.get(root.key, ())
        if calls:
            shown = _shown([f"`{symbol}` ({where}:{line})" for symbol, where, line in calls])
            reasons.append(f"its code calls {shown}, which TF2 does not have")
        if reasons:
            from tf1migrate.generate import wrapped_name  # a file with roots: LibCST's loaded

            what = wrapped_name(root)
            found.append(Finding(path, project.lines.get(root.key, 1), 0, "TFM306", (
                f"the layer of `{what}` cannot run as migrated: "
                f"{'; '.join(reasons)}. What to do: replace the tf.contrib uses with TF2 code "
                "(see their TFM403 findings), then migrate again"
            ), Severity.WARNING))
    return found
