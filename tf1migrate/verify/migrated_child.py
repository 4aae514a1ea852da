"""Migrated child: instantiate the generated wrapper (Keras 3), call it eagerly, report.

It lists ``tf1compat.tf1_variables(layer)``; with a reference's npz files it assigns the
reference weights by TF1 name and compares every output on the same inputs; with a
checkpoint it lists the checkpoint's variables and loads it with
``tf1compat.load_tf1_checkpoint`` (loaded / missing / unexpected).
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from tf1migrate.verify.childlib import (
    as_instance,
    build_arguments,
    compare_outputs,
    evaluate_args,
    flatten_outputs,
    import_user_module,
    make_inputs,
    variable_record,
)


def run_migrated(job: dict[str, Any], stage) -> dict[str, Any]:
    stage(f"importing {job['module']}")  # first: it imports TensorFlow and tf1compat itself
    module = import_user_module(
        job["import_root"],
        job["module"],
        job.get("argv0", job["module"]),
        job.get("flags"),
        job.get("package"),
    )
    stage("importing TensorFlow")
    import tensorflow as tf

    import tf1compat

    if not tf.executing_eagerly():
        raise _EagerDisabled(
            f"importing {job['module']} disabled eager execution (tf.disable_v2_behavior() or "
            "disable_eager_execution() at import time?): migrated code must run eagerly; "
            "remove that call"
        )
    tf.keras.backend.clear_session()  # an earlier layer of this batch leaves no names behind
    stage("evaluating the configuration arguments")
    wanted = {name: expr for name, expr in job["args"].items() if name in job["init_params"]}
    kwargs = evaluate_args(module, wanted)
    as_instance(module, job, kwargs)
    values = evaluate_args(module, job.get("call_args") or {})  # configuration `call` takes
    arrays = make_inputs(job["inputs"], job["seed"])  # the reference makes the same ones
    stage(f"constructing {job['class_name']}")
    layer = getattr(module, job["class_name"])(**kwargs)
    call = _Caller(tf, layer, arrays, job, values)
    stage(f"calling {job['class_name']}")
    with contextlib.nullcontext() if job.get("numerics") else zero_initial_values(tf):
        call(job["training"][0] if job["training"] else False)
    variables = tf1compat.tf1_variables(layer)
    records = [
        variable_record(name, var.shape.as_list(), var.dtype.base_dtype.name, bool(var.trainable))
        for name, var in variables.items()
    ]
    result: dict[str, Any] = {"variables": records}
    if job.get("checkpoint"):
        stage("reading the checkpoint")
        result["checkpoint_variables"] = _checkpoint_variables(tf, job["checkpoint"])
        stage("loading the checkpoint")
        report = tf1compat.load_tf1_checkpoint(layer, job["checkpoint"], strict=False)
        result["checkpoint_load"] = _report_dict(report)
    reference = _wait_for_reference(job, stage) if job.get("reference_done") else {}
    if reference.get("weights"):
        call = _Caller(tf, layer, dict(np.load(reference["inputs"])), job, values)
        result["numerics"] = _numerics(tf, call, variables, reference, job, stage)
    return result


class _EagerDisabled(RuntimeError):
    """User code turned eager execution off: no later layer can run in this interpreter."""

    tf1migrate_restart = True


def zero_initial_values(tf: Any) -> Any:
    """For names and shapes only, start variables at zeros instead of running the
    initializers: nobody reads those values (a checkpoint load overwrites them), and 124M
    random draws are most of the time GPT-2-small takes. Variables whose initial value is
    not a (initializer, shape, dtype=...) partial keep it."""

    def creator(next_creator, **kwargs):
        initial = kwargs.get("initial_value")
        if isinstance(initial, functools.partial) and initial.args and "dtype" in initial.keywords:
            shape, dtype = initial.args[0], initial.keywords["dtype"]
            if isinstance(shape, list | tuple) and all(isinstance(d, int) for d in shape):
                kwargs["initial_value"] = lambda: tf.zeros(shape, dtype)
        return next_creator(**kwargs)

    return tf.variable_creator_scope(creator)


def _wait_for_reference(job: dict[str, Any], stage) -> dict[str, Any]:
    """The reference's answer once its child has exited ({} when it failed: the parent
    reports that failure, and there is nothing to compare outputs with)."""
    stage("waiting for the reference")
    marker = Path(job["reference_done"])
    while not marker.exists():
        time.sleep(0.05)
    done = json.loads(marker.read_text())
    return done["result"] if done["ok"] else {}


class _Caller:
    """Calls the layer on the seeded inputs (and the configuration values ``call`` takes):
    inputs positional up to the first gap, the rest by keyword (Keras 3 takes only tensors
    by position)."""

    def __init__(
        self,
        tf: Any,
        layer: Any,
        arrays: dict[str, np.ndarray],
        job: dict[str, Any],
        values: dict[str, Any] | None = None,
    ):
        self.layer, self.has_training = layer, job["has_training"]
        constants = {path: tf.constant(array) for path, array in arrays.items()}
        inputs = build_arguments(job, constants)  # dicts / lists as the spec nests them
        self.positional = []
        for name in job["call_params"]:
            if name not in inputs:
                break
            self.positional.append(inputs[name])
        given = set(job["call_params"][: len(self.positional)])
        arguments = {**inputs, **(values or {})}
        self.keywords = {n: a for n, a in arguments.items() if n not in given}

    def __call__(self, training: bool) -> Any:
        keywords = dict(self.keywords)
        if self.has_training:
            keywords["training"] = training
        return self.layer(*self.positional, **keywords)


def _numerics(tf, call, variables, reference, job, stage) -> dict[str, Any]:
    """Copy the reference weights in by TF1 name, call again, compare every output."""
    weights = dict(np.load(reference["weights"]))
    reference_outputs = dict(np.load(reference["outputs"]))
    stochastic = set(reference.get("stochastic_outputs", []))
    flags = reference["training_values"]
    messages: list[str] = []
    notes = _stochastic_notes(stochastic)
    if not reference_outputs:
        notes.append("the original returns no tensors, so no outputs were compared")
    worst: float | None = None
    assigned: set[str] = set()
    for training in flags:
        stage("assigning the reference weights")
        assigned = assign_by_name(variables, weights)  # again: training=True moves BN statistics
        stage(f"calling {job['class_name']} with the reference weights (training={training})")
        returned = call(training)
        prefix = f"training={training}/"
        skipped = {key[len(prefix) :] for key in stochastic if key.startswith(prefix)}
        theirs = {
            key[len(prefix) :]: value
            for key, value in reference_outputs.items()
            if key.startswith(prefix) and key[len(prefix) :] not in skipped
        }
        mine = {
            path: np.asarray(value)
            for path, value in flatten_outputs(returned, tf.is_tensor)
            if path not in skipped
        }
        diff, problems = compare_outputs(theirs, mine, job["rtol"], job["atol"])
        messages += [f"training={training}: {p}" for p in problems] if len(flags) > 1 else problems
        if diff is not None:
            worst = diff if worst is None else max(worst, diff)
    unassigned = sorted(set(weights) - assigned)
    if unassigned:
        shown = ", ".join(unassigned[:5]) + (" ..." if len(unassigned) > 5 else "")
        notes.append(
            f"{len(unassigned)} reference weight(s) could not be copied in (no variable of that "
            f"name and shape), so outputs cannot agree: {shown}"
        )
    return {"max_abs_diff": worst, "messages": messages, "notes": notes}


def _stochastic_notes(keys: set[str]) -> list[str]:
    """One note per training flag listing the outputs that random ops make incomparable."""
    by_flag: dict[str, list[str]] = {}
    for key in sorted(keys):
        flag, _, path = key.partition("/")
        by_flag.setdefault(flag, []).append(path or "the output")
    return [
        f"with {flag}, {len(paths)} output(s) depend on random ops (dropout?) in the reference "
        f"and were not compared: {', '.join(paths)}"
        for flag, paths in by_flag.items()
    ]


def assign_by_name(variables: dict[str, Any], weights: dict[str, np.ndarray]) -> set[str]:
    """Copy each reference weight into the variable of the same TF1 name and shape."""
    assigned = set()
    for name, var in variables.items():
        value = weights.get(name)
        if value is not None and tuple(var.shape.as_list()) == value.shape:
            var.assign(value.astype(var.dtype.base_dtype.as_numpy_dtype))
            assigned.add(name)
    return assigned


def _checkpoint_variables(tf: Any, path: str) -> list[dict[str, Any]]:
    reader = tf.train.load_checkpoint(path)
    dtypes = reader.get_variable_to_dtype_map()
    return [
        variable_record(name, shape, dtypes[name].name if name in dtypes else "unknown", None)
        for name, shape in tf.train.list_variables(path)
    ]


def _report_dict(report: Any) -> dict[str, Any]:
    """The runtime's checkpoint report as plain lists (a mapping or an object with fields)."""
    fields = ("loaded", "missing", "unexpected", "shape_mismatched")
    out: dict[str, Any] = {}
    for field in fields:
        value = report.get(field) if isinstance(report, dict) else getattr(report, field, None)
        if value is None:
            continue
        out[field] = sorted(str(v) for v in (value.keys() if isinstance(value, dict) else value))
    return out
