"""Compare a reference's variables with the migrated layer's: names, shapes, dtypes, trainable.

Every difference becomes one message naming the variable. A missing or unexpected name is
shown with its closest counterpart on the other side (difflib), so an off-by-one
uniquification (``dense_1/kernel`` vs ``dense/kernel``) or a renamed scope is obvious.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from tf1migrate.verify.model import VariableInfo

#: Checkpoint entries that belong to training, not to the model (optimizer slots, counters).
_BOOKKEEPING = re.compile(
    r"(^|/)(global_step|beta[12]_power|Adam(_\d+)?|Momentum|RMSProp(_\d+)?|Adagrad|Ftrl(_\d+)?|"
    r"ExponentialMovingAverage|_CHECKPOINTABLE_OBJECT_GRAPH)$"
)


@dataclass
class Comparison:
    """The outcome of comparing two variable lists."""

    missing: list[str] = field(default_factory=list)  # reference names absent from migrated *
    unexpected: list[str] = field(default_factory=list)  # migrated names absent from reference *
    # * against a checkpoint the loader's sense: missing = layer variables with no entry,
    #   unexpected = entries in the layer's scopes that no variable asks for
    messages: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # checkpoint entries outside this layer
    notes: list[str] = field(default_factory=list)  # differences that are not mismatches

    @property
    def ok(self) -> bool:
        return not self.messages


def closest(name: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    return matches[0] if matches else None


def compare_variables(
    reference: list[VariableInfo],
    migrated: list[VariableInfo],
    *,
    reference_label: str = "reference",
) -> Comparison:
    """Names must be equal sets; for shared names, shape, dtype and trainable must agree."""
    ref = {v.name: v for v in reference}
    new = {v.name: v for v in migrated}
    result = Comparison(
        missing=sorted(set(ref) - set(new)),
        unexpected=sorted(set(new) - set(ref)),
    )
    for name in result.missing:
        hint = closest(name, result.unexpected) or closest(name, list(new))
        near = _near("closest in the migrated layer", hint, new)
        result.messages.append(f"missing variable {name}{_describe(ref[name])}{near}")
    for name in result.unexpected:
        hint = closest(name, result.missing) or closest(name, list(ref))
        near = _near(f"closest in the {reference_label}", hint, ref)
        result.messages.append(f"unexpected variable {name}{_describe(new[name])}{near}")
    in_collection: list[str] = []  # created not trainable, in TF1's trainable collection
    out_of_collection: list[str] = []  # created trainable, not in it (frozen?)
    for name in sorted(set(ref) & set(new)):
        result.messages += _attribute_differences(ref[name], new[name], reference_label)
        collection = ref[name].in_trainable_collection
        if collection is not None and new[name].trainable == ref[name].trainable:
            (in_collection if collection else out_of_collection).append(name)
    result.notes += _collection_notes(in_collection, out_of_collection)
    return result


def _collection_notes(in_collection: list[str], out_of_collection: list[str]) -> list[str]:
    """Variables created with one trainable flag but put in (or taken out of) TF1's trainable
    collection: the migrated layer follows the flag they were created with, the TF1 optimizer
    followed the collection. Worth saying once, not a mismatch (a checkpoint holds neither)."""
    notes = []
    if in_collection:
        notes.append(
            f"{_count(in_collection)} created not trainable but in the TF1 graph's trainable "
            "collection (variables_collections?); the migrated layer keeps them not trainable: "
            f"{_some(in_collection)}"
        )
    if out_of_collection:
        notes.append(
            f"{_count(out_of_collection)} created trainable but not in the TF1 graph's trainable "
            "collection (removed to freeze them?); the migrated layer trains them, freeze them "
            f"there if that was meant: {_some(out_of_collection)}"
        )
    return notes


def _count(names: list[str]) -> str:
    return "1 variable" if len(names) == 1 else f"{len(names)} variables"


def _some(names: list[str], shown: int = 4) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def compare_with_checkpoint(
    checkpoint: list[VariableInfo], migrated: list[VariableInfo]
) -> Comparison:
    """Every migrated variable must be in the checkpoint with its shape and dtype.

    Checkpoint entries the layer lacks count against it only inside the layer's own top-level
    scopes (a dropped bias); other entries (other layers, optimizer slots, ``global_step``) are
    listed as ignored: one checkpoint usually holds a whole training run.
    """
    scopes = {v.name.split("/", 1)[0] for v in migrated if "/" in v.name}
    names = {v.name for v in migrated}
    relevant, ignored = [], []
    for var in checkpoint:
        own_scope = var.name.split("/", 1)[0] in scopes or var.name in names
        if own_scope and not _BOOKKEEPING.search(var.name):
            relevant.append(var)
        else:
            ignored.append(var.name)
    in_checkpoint = {v.name: v for v in relevant}
    in_layer = {v.name: v for v in migrated}
    result = Comparison(
        missing=sorted(set(in_layer) - set(in_checkpoint)),  # as the loader says: no entry to load
        unexpected=sorted(set(in_checkpoint) - set(in_layer)),
        ignored=sorted(ignored),
    )
    for name in result.missing:
        hint = closest(name, result.unexpected) or closest(name, list(in_checkpoint))
        near = _near("closest checkpoint entry", hint, in_checkpoint)
        described = f"{name}{_describe(in_layer[name])}"
        result.messages.append(f"missing from the checkpoint: {described}{near}")
    for name in result.unexpected:
        hint = closest(name, result.missing) or closest(name, list(in_layer))
        near = _near("closest in the migrated layer", hint, in_layer)
        described = f"{name}{_describe(in_checkpoint[name])}"
        what = "unexpected checkpoint entry in the layer's scope"
        result.messages.append(f"{what}: {described}{near}")
    for name in sorted(set(in_checkpoint) & set(in_layer)):
        result.messages += _attribute_differences(in_checkpoint[name], in_layer[name], "checkpoint")
    return result


def _attribute_differences(ref: VariableInfo, new: VariableInfo, label: str) -> list[str]:
    messages = []
    if ref.shape != new.shape:
        hint = " (transposed?)" if sorted(ref.shape) == sorted(new.shape) else ""
        shapes = f"{list(ref.shape)} in the {label}, {list(new.shape)} migrated"
        messages.append(f"{ref.name}: shape {shapes}{hint}")
    if ref.dtype != new.dtype and "unknown" not in (ref.dtype, new.dtype):
        messages.append(f"{ref.name}: dtype {ref.dtype} in the {label}, {new.dtype} migrated")
    if ref.trainable is not None and new.trainable is not None and ref.trainable != new.trainable:
        messages.append(
            f"{ref.name}: {'trainable' if ref.trainable else 'not trainable'} in the {label}, "
            f"{'trainable' if new.trainable else 'not trainable'} migrated"
        )
    return messages


def _near(what: str, hint: str | None, variables: dict[str, VariableInfo]) -> str:
    return f" ({what}: {hint}{_describe(variables.get(hint))})" if hint else ""


def _describe(var: VariableInfo | None) -> str:
    return f" {list(var.shape)}" if var is not None else ""
