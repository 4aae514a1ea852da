"""Migrated child: instantiate the generated wrapper (Keras 3), call it eagerly, report.

It lists ``tf1compat.tf1_variables(layer)``; with a reference's npz files it assigns the
reference weights by TF1 name and compares every output on the same inputs; with a
checkpoint it lists the checkpoint's variables and loads it with
``tf1compat.load_tf1_checkpoint`` (loaded / missing / unexpected).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tf1migrate.verify.childlib import (
    compare_outputs,
    evaluate_args,
    flatten_outputs,
    import_user_module,
    make_inputs,
    variable_record,
)


def run_migrated(job: dict[str, Any], stage) -> dict[str, Any]:
    stage(f"importing {job['module']}")  # first: it imports TensorFlow and tf1compat itself
    module = import_user_module(job["import_root"], job["module"], job.get("argv0", job["module"]))
    stage("importing TensorFlow")
    import tensorflow as tf

    import tf1compat

    if not tf.executing_eagerly():
        raise RuntimeError(
            f"importing {job['module']} disabled eager execution (tf.disable_v2_behavior() or "
            "disable_eager_execution() at import time?): migrated code must run eagerly, remove that call"
        )
    wrapper_class = getattr(module, job["class_name"])
    stage("evaluating the configuration arguments")
    init_names = set(job["init_params"])
    kwargs = evaluate_args(module, {k: v for k, v in job["args"].items() if k in init_names})
    reference = job.get("reference") or {}
    if reference.get("inputs"):
        arrays = dict(np.load(reference["inputs"]))
    else:
        arrays = make_inputs(job["inputs"], job["seed"])
    stage(f"constructing {job['class_name']}")
    layer = wrapper_class(**kwargs)

    def call(training: bool) -> Any:
        positional = []
        for name in job["call_params"]:  # positional up to the first gap, keywords after it
            if name not in arrays:
                break
            positional.append(tf.constant(arrays[name]))
        extra = {name: tf.constant(arrays[name]) for name in arrays if name not in job["call_params"][: len(positional)]}
        if job["has_training"]:
            extra["training"] = training
        return layer(*positional, **extra)

    first_training = job["training"][0] if job["training"] else False
    stage(f"calling {job['class_name']}")
    call(first_training)
    variables = tf1compat.tf1_variables(layer)
    result: dict[str, Any] = {
        "variables": [
            variable_record(name, var.shape.as_list(), var.dtype.base_dtype.name, bool(var.trainable))
            for name, var in variables.items()
        ]
    }
    if job.get("checkpoint"):
        stage("reading the checkpoint")
        result["checkpoint_variables"] = _checkpoint_variables(tf, job["checkpoint"])
        stage("loading the checkpoint")
        report = tf1compat.load_tf1_checkpoint(layer, job["checkpoint"], strict=False)
        result["checkpoint_load"] = _report_dict(report)
    if reference.get("weights"):
        stage("assigning the reference weights")
        weights = dict(np.load(reference["weights"]))
        reference_outputs = dict(np.load(reference["outputs"]))
        stochastic = set(reference.get("stochastic_outputs", []))
        messages: list[str] = []
        notes = _stochastic_notes(stochastic)
        worst: float | None = None
        for training in reference["training_values"]:
            assigned = assign_by_name(variables, weights)
            stage(f"calling {job['class_name']} with the reference weights (training={training})")
            returned = call(training)
            mine = {path: np.asarray(value) for path, value in flatten_outputs(returned, tf.is_tensor)}
            prefix = f"training={training}/"
            theirs = {key[len(prefix) :]: value for key, value in reference_outputs.items() if key.startswith(prefix)}
            skipped = {key[len(prefix) :] for key in stochastic if key.startswith(prefix)}
            theirs = {path: value for path, value in theirs.items() if path not in skipped}
            mine = {path: value for path, value in mine.items() if path not in skipped}
            diff, problems = compare_outputs(theirs, mine, job["rtol"], job["atol"])
            messages += [f"training={training}: {p}" for p in problems] if len(reference["training_values"]) > 1 else problems
            if diff is not None:
                worst = diff if worst is None else max(worst, diff)
        unassigned = sorted(set(weights) - set(assigned))
        if unassigned:
            notes.append(
                f"{len(unassigned)} reference weight(s) could not be copied in (no variable of that "
                f"name and shape), so outputs cannot agree: {', '.join(unassigned[:5])}"
                + (" ..." if len(unassigned) > 5 else "")
            )
        result["numerics"] = {"max_abs_diff": worst, "messages": messages, "notes": notes}
    return result


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
    get = report.get if isinstance(report, dict) else lambda key, default=None: getattr(report, key, default)
    out: dict[str, Any] = {}
    for field in fields:
        value = get(field, None)
        if value is None:
            continue
        out[field] = sorted(str(v) for v in (value.keys() if isinstance(value, dict) else value))
    return out
