"""Fold a layer's child answers into its status, counts and messages."""

from __future__ import annotations

from typing import Any

from tf1migrate.verify.compare import Comparison, compare_variables, compare_with_checkpoint
from tf1migrate.verify.model import ReferenceKind, Status, VariableInfo
from tf1migrate.verify.planning import LayerPlan
from tf1migrate.verify.schedule import RunSettings
from tf1migrate.verify.specs import render_snippet


def conclude(plan: LayerPlan, settings: RunSettings) -> None:
    result = plan.result
    children = [o for o in (plan.reference, plan.migrated) if o is not None]
    if children:  # wall time: the two children overlap when no numerics are run
        ended = max(o.started + o.seconds for o in children)
        result.seconds = ended - min(o.started for o in children)
    result.reference = reference_kind(settings)
    failures = [
        f"{side} child failed {outcome.error}"
        for side, outcome in (("reference", plan.reference), ("migrated", plan.migrated))
        if outcome is not None and not outcome.ok
    ]
    if failures or plan.migrated is None:
        result.status = Status.ERROR
        result.messages += failures or ["the migrated child did not run"]
        if failures and plan.spec is not None and plan.spec.source != "pyproject":
            # the inputs were read from the code, not given: they may be what failed
            result.messages.append(
                f"the inputs were inferred from the code ({plan.spec.source}); if they are what "
                f"failed, add a spec to {plan.pyproject}:\n{render_snippet(plan.target, plan.spec)}"
            )
        return
    answer = plan.migrated.result
    migrated = variables(answer["variables"])
    result.variables = len(migrated)
    result.params = sum(_size(v.shape) for v in migrated)
    comparison: Comparison
    if settings.checkpoint is not None:
        comparison = compare_with_checkpoint(variables(answer["checkpoint_variables"]), migrated)
        result.checkpoint_load = answer.get("checkpoint_load")
        if comparison.ignored:
            ignored = len(comparison.ignored)
            result.messages.append(f"{ignored} checkpoint entries outside this layer ignored")
    else:
        assert plan.reference is not None
        comparison = compare_variables(variables(plan.reference.result["variables"]), migrated)
    result.missing, result.unexpected = comparison.missing, comparison.unexpected
    result.names_ok = not comparison.missing and not comparison.unexpected
    result.messages += comparison.messages + comparison.notes
    numerics = answer.get("numerics")
    if numerics is not None:
        result.max_abs_diff = numerics.get("max_abs_diff")
        result.messages += numerics.get("messages", []) + numerics.get("notes", [])
    mismatch = not comparison.ok or bool(numerics and numerics.get("messages"))
    result.status = Status.MISMATCH if mismatch else Status.VERIFIED


def reference_kind(settings: RunSettings) -> ReferenceKind:
    if settings.checkpoint is not None:
        return ReferenceKind.CHECKPOINT
    if settings.graph_mode == "tf-keras":
        return ReferenceKind.GRAPH_TF_KERAS
    return ReferenceKind.GRAPH_TF1COMPAT


def variables(records: list[dict[str, Any]]) -> list[VariableInfo]:
    return [VariableInfo.from_json(r) for r in records]


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= max(dim, 0)
    return size
