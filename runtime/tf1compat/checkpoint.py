"""Name-based TF1 checkpoints: load one into a decorated layer/module, or write one.

A TF1 ``tf.compat.v1.train.Saver`` checkpoint maps variable names (``model/h0/attn/w``) to
tensors. The decorator keeps exactly those names (``tf1_variables``), so loading is a name
match; nothing relies on ``variable.name``, which Keras and tf.function may change.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

import tensorflow as tf

from tf1compat.tracking import tf1_variables

#: A rename: ``{checkpoint name or name component: our name or component}`` or a callable
#: ``checkpoint name -> our name`` (``None`` skips the entry).
Rename = Union[Mapping[str, str], Callable[[str], Union[str, None]]]

# Entries a checkpoint holds that are not model variables.
_BOOKKEEPING = re.compile(r"^_CHECKPOINTABLE_OBJECT_GRAPH$|(^|/)\.ATTRIBUTES/")


@dataclass(frozen=True)
class ShapeMismatch:
    """A variable whose checkpoint entry has another shape or dtype."""

    name: str
    checkpoint_name: str
    expected: tuple[int | None, ...]
    found: tuple[int, ...]
    expected_dtype: str
    found_dtype: str

    def __str__(self) -> str:
        return (
            f"{self.name} (checkpoint {self.checkpoint_name}): expected {self.expected_dtype}"
            f"{list(self.expected)}, checkpoint has {self.found_dtype}{list(self.found)}"
        )


@dataclass(frozen=True)
class CheckpointReport:
    """What :func:`load_tf1_checkpoint` did, by TF1 name.

    ``loaded``: variables restored; ``missing``: variables with no checkpoint entry;
    ``unexpected``: checkpoint entries no variable asked for (optimizer slots,
    ``global_step``, ...); ``shape_mismatched``: entries whose shape or dtype differ.
    """

    loaded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    shape_mismatched: list[ShapeMismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every variable was restored."""
        return not self.missing and not self.shape_mismatched

    def __str__(self) -> str:
        lines = [f"loaded {len(self.loaded)} variable(s)"]
        if self.missing:
            lines.append("missing from the checkpoint: " + ", ".join(self.missing))
        if self.shape_mismatched:
            lines.append("shape/dtype mismatch: " + "; ".join(map(str, self.shape_mismatched)))
        if self.unexpected:
            lines.append("unused checkpoint entries: " + ", ".join(self.unexpected))
        return "\n".join(lines)


def load_tf1_checkpoint(
    obj: Any, path: str | os.PathLike, *, strict: bool = True, rename: Rename | None = None
) -> CheckpointReport:
    """Restore ``obj``'s TF1 variables from a name-based checkpoint; report what matched.

    ``obj`` must have been called (or built) once so its variables exist. ``path`` is a
    checkpoint prefix or a directory (its latest checkpoint). With ``strict`` (default) a
    missing or mismatched variable raises ``ValueError`` and nothing is assigned.
    ``rename`` maps checkpoint names to ours, as whole names or name components, e.g.
    ``{"weights": "kernel", "biases": "bias"}`` for TF <= 1.1 checkpoints.

    Example::

        layer(tf.zeros([1, 16], tf.int32))  # create the variables
        report = tf1compat.load_tf1_checkpoint(layer, "run1/model.ckpt-1000")
        print(report.unexpected)            # e.g. ['global_step', 'model/wte/Adam']
    """
    variables = tf1_variables(obj)
    if not variables:
        raise ValueError(
            f"{obj!r} has no TF1 variables yet: call it (or build it) once before loading."
        )
    reader = tf.train.load_checkpoint(os.fspath(path))
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
    entries = sorted(name for name in shapes if not _BOOKKEEPING.search(name))

    ours_to_checkpoint: dict[str, str] = {}
    for checkpoint_name in entries:
        target = _apply_rename(checkpoint_name, rename)
        if target is not None and target in variables:
            ours_to_checkpoint.setdefault(target, checkpoint_name)

    loaded, missing, mismatched = [], [], []
    for name, variable in variables.items():
        checkpoint_name = ours_to_checkpoint.get(name)
        if checkpoint_name is None:
            missing.append(name)
            continue
        found_shape = tuple(shapes[checkpoint_name])
        found_dtype = dtypes[checkpoint_name].base_dtype
        if not variable.shape.is_compatible_with(found_shape) or (
            found_dtype != variable.dtype.base_dtype
        ):
            mismatched.append(
                ShapeMismatch(
                    name,
                    checkpoint_name,
                    tuple(variable.shape.as_list()),
                    found_shape,
                    variable.dtype.base_dtype.name,
                    found_dtype.name,
                )
            )
            continue
        loaded.append(name)
    used = set(ours_to_checkpoint.values())
    report = CheckpointReport(
        loaded=loaded,
        missing=missing,
        unexpected=[name for name in entries if name not in used],
        shape_mismatched=mismatched,
    )
    if strict and not report.ok:
        raise ValueError(f"TF1 checkpoint {os.fspath(path)!r} does not fit {obj!r}:\n{report}")
    for name in loaded:
        variables[name].assign(reader.get_tensor(ours_to_checkpoint[name]))
    return report


def save_tf1_checkpoint(obj: Any, path: str | os.PathLike) -> str:
    """Write ``obj``'s TF1 variables under their TF1 names; returns the checkpoint prefix.

    The files (``<path>.index``, ``<path>.data-*``, and a ``checkpoint`` state file in the
    directory) are what ``tf.compat.v1.train.Saver`` writes, so a TF1 graph restores them
    with ``Saver().restore(sess, path)``. Runs eagerly.

    Example::

        prefix = tf1compat.save_tf1_checkpoint(layer, "export/model.ckpt")
        tf.train.list_variables(prefix)     # [('model/h0/attn/w', [768, 2304]), ...]
    """
    if not tf.executing_eagerly():
        raise RuntimeError("save_tf1_checkpoint runs eagerly; in a TF1 graph use a Saver.")
    variables = tf1_variables(obj)
    if not variables:
        raise ValueError(f"{obj!r} has no TF1 variables to save: call it once first.")
    prefix = os.path.abspath(os.fspath(path))
    os.makedirs(os.path.dirname(prefix) or ".", exist_ok=True)
    names = sorted(variables)
    tf.raw_ops.SaveV2(
        prefix=prefix,
        tensor_names=names,
        shape_and_slices=[""] * len(names),
        tensors=[tf.convert_to_tensor(variables[name]) for name in names],
    )
    tf.compat.v1.train.update_checkpoint_state(os.path.dirname(prefix), prefix)
    return prefix


def _apply_rename(checkpoint_name: str, rename: Rename | None) -> str | None:
    if rename is None:
        return checkpoint_name
    if callable(rename):
        return rename(checkpoint_name)
    if checkpoint_name in rename:
        return rename[checkpoint_name]
    return "/".join(rename.get(part, part) for part in checkpoint_name.split("/"))
