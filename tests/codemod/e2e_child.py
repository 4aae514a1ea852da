"""Child process of the end-to-end test: import migrated fixture modules and run each layer.

Runs with Keras 3 (no TF_USE_LEGACY_KERAS). Reads a JSON list of jobs on stdin, one per
generated wrapper: {"root": migrated tree, "module", "wraps", "spec"}; for each training
flag of the spec it instantiates the wrapper from the spec's `args` (evaluated in the
migrated module; `self` is the owner object of a method wrapper, passed positionally),
calls it eagerly on seeded inputs, and reports `tf1compat.tf1_variables` as
[name, shape, dtype]. Writes {label: variables | "error: ..."} per job as JSON
to the file named by argv[1], keyed "<root>|<module>:<wraps>".
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import traceback

import numpy as np
import tensorflow as tf

import tf1compat

_SHORT = re.compile(r"^\s*(\w+)\s*\[([\d,\s]*)\]\s*$")


def make_input(spec, rng):
    if isinstance(spec, str):
        match = _SHORT.match(spec)
        dims = [int(d) for d in match.group(2).split(",") if d.strip()]
        dtype, shape, low, high = match.group(1), dims, None, None
    else:
        dtype, shape = spec["dtype"], spec["shape"]
        low, high = spec.get("minval"), spec.get("maxval")
    np_dtype = np.dtype(dtype)
    if np.issubdtype(np_dtype, np.integer):
        value = rng.randint(0 if low is None else low, 2 if high is None else high, size=shape)
    else:
        value = rng.standard_normal(shape)
    return tf.constant(value.astype(np_dtype))


def wrapper_class(module, wraps):
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and getattr(value, "tf1migrate_wraps", None) == wraps
            and value.__module__ == module.__name__
        ):
            return value
    raise LookupError(f"no generated class wraps {wraps!r} in {module.__name__}")


def run_job(job):
    root = job["root"]
    for name, module in list(sys.modules.items()):  # fixtures reuse module names (model.py)
        previous = job.get("previous_root") or "\0"
        if getattr(module, "__file__", None) and str(module.__file__).startswith(previous):
            del sys.modules[name]
    sys.path.insert(0, root)
    try:
        module = importlib.import_module(job["module"])
    finally:
        sys.path.remove(root)
    cls = wrapper_class(module, job["wraps"])
    spec = job["spec"]
    results = {}
    for training in spec.get("training", [None]):
        label = "default" if training is None else f"training={str(training).lower()}"
        try:
            args = {name: eval(expr, vars(module)) for name, expr in spec.get("args", {}).items()}
            owner = [args.pop("self")] if "self" in args else []
            # spec args name the original's parameters; `tf1migrate_renames` says which the
            # wrapper stores under another name (`name` -> `tf1_name`)
            renamed = {old: new for new, old in getattr(cls, "tf1migrate_renames", {}).items()}
            args = {renamed.get(name, name): value for name, value in args.items()}
            layer = cls(*owner, **args)
            rng = np.random.RandomState(0)
            specs = sorted(spec.get("inputs", {}).items())
            inputs = {name: make_input(s, rng) for name, s in specs}
            kwargs = {} if training is None else {"training": training}
            layer(**inputs, **kwargs)
            variables = tf1compat.tf1_variables(layer)
            results[label] = [
                [name, tf.TensorShape(v.shape).as_list(), tf.as_dtype(v.dtype).name]
                for name, v in sorted(variables.items())
            ]
        except Exception:
            results[label] = "error: " + traceback.format_exc(limit=6)
    return results


def main():
    jobs = json.loads(sys.stdin.read())
    out = {}
    previous = None
    for job in jobs:
        job["previous_root"] = previous
        key = f"{job['root']}|{job['module']}:{job['wraps']}"
        try:
            out[key] = run_job(job)
        except Exception:  # an import failure is this job's result, not the child's end
            out[key] = {"import": "error: " + traceback.format_exc(limit=6)}
        previous = job["root"]
    with open(sys.argv[1], "w") as handle:  # not stdout: fixture modules may print
        json.dump(out, handle)


if __name__ == "__main__":
    main()
