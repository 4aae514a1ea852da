"""Child process: import migrated modules under Keras 3 and call their generated wrappers as a user
would, with the manifest's arguments, when verify could not be asked (``python run_child.py
job.json out.json``; run as a script so the migrated tree's own modules come first on sys.path).

For each job: import the module, evaluate the manifest's ``args`` in its namespace, give the
wrapper's constructor the ones it declares and its ``call`` the rest together with seeded
inputs (nested tables become dicts of tensors), call it once with ``training=False``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
import traceback
from typing import Any


def _tensor(spec: Any, rng: Any) -> Any:

    if isinstance(spec, dict) and "dtype" not in spec:
        return {name: _tensor(value, rng) for name, value in spec.items()}
    if isinstance(spec, str):
        dtype, _, dims = spec.partition("[")
        shape = [int(d) for d in dims.rstrip("]").split(",") if d.strip()]
        spec = {"dtype": dtype, "shape": shape}
    dtype, shape = spec["dtype"], tuple(spec["shape"])
    low, high = spec.get("minval"), spec.get("maxval")
    if dtype.startswith("int"):
        return rng.integers(int(low or 0), int(high or 10), size=shape).astype(dtype)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if low is not None and high is not None:
        return rng.uniform(low, high, size=shape).astype(dtype)
    return rng.standard_normal(size=shape).astype(dtype)


def _shapes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shapes(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shapes(v) for v in value]
    shape = getattr(value, "shape", None)
    return list(shape) if shape is not None else type(value).__name__


def _describe(exc: BaseException) -> str:
    """``Type: message``, skipping the lines Keras wraps around a call's real error."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # Keras colours its messages
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    noise = ("Exception encountered when calling", "Arguments received by", "•", "\u2022")
    useful = [line for line in lines if not line.startswith(noise)]
    text = useful[0] if useful else (lines[0] if lines else "")
    if not text:
        text = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"{type(exc).__name__}: {text}"


def run_one(job: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    stage = "importing " + job["module"]
    try:
        module = importlib.import_module(job["module"])
        stage = "finding " + job["class"]
        cls = getattr(module, job["class"])
        namespace = vars(module)
        stage = "evaluating the manifest's args"
        args = {name: eval(expr, namespace) for name, expr in job["args"].items()}
        init = inspect.signature(cls.__init__).parameters
        call = inspect.signature(cls.call).parameters
        ctor = {k: v for k, v in args.items() if k in init}
        missing = [
            name
            for name, p in init.items()
            if name != "self"
            and p.default is inspect.Parameter.empty
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            and name not in ctor
        ]
        if missing:
            return {
                "ok": False,
                "error": f"the wrapper requires {', '.join(missing)}, "
                "which the original does not take",
            }
        stage = "constructing " + job["class"]
        layer = cls(**ctor)
        rng = np.random.default_rng(0)
        inputs = {name: _tensor(spec, rng) for name, spec in job["inputs"].items()}
        extra = {k: v for k, v in args.items() if k in call and k not in ctor}
        if "training" in call:
            extra["training"] = False
        stage = "calling " + job["class"]
        out = layer(**inputs, **extra)
        return {"ok": True, "outputs": _shapes(out), "variables": len(layer.weights)}
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {"ok": False, "error": f"while {stage}: {_describe(exc)}"[:400]}


def main() -> None:
    job_path, out_path = sys.argv[1], sys.argv[2]
    sys.argv = ["model"]  # TF1 scripts parse flags at import time
    try:
        from absl import flags

        flags.FLAGS.mark_as_parsed()
    except ImportError:
        pass
    with open(job_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    results = {}
    for key, job in jobs.items():
        sys.path[:0] = [job["import_root"]]
        results[key] = run_one(job)
        with open(out_path, "w", encoding="utf-8") as handle:  # partial answers survive a crash
            json.dump(results, handle, default=str)


if __name__ == "__main__":
    main()
