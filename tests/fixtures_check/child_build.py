"""Child-side half of the fixture check: build one root from its verify spec in TF1.

This file is not imported by the tests: its source is pasted into an oracle case (see
``cases.py``) and runs inside the tf-keras oracle child, whose namespace supplies ``tf``,
``np``, ``graph_report``, ``import_tf1_module`` and ``tf1_behavior``
(tests/oracle/runner.py). It only reads the fixture tree; nothing is written there.
"""

from __future__ import annotations

import inspect
import re

#: Parameter names that mean "training mode" in TF1 code, most specific first.
TRAINING_PARAMETERS = ("is_training", "training", "train", "is_train")

_SHORT_SPEC = re.compile(r"^\s*(\w+)\s*\[([\d,\s]*)\]\s*$")


def parse_input_spec(spec):
    """``"int32[2, 8]"`` or ``{dtype, shape, minval?, maxval?}`` -> (dtype, shape, lo, hi)."""
    if isinstance(spec, str):
        match = _SHORT_SPEC.match(spec)
        if not match:
            raise ValueError(f"bad input spec {spec!r}: expected 'dtype[d0, d1, ...]'")
        dims = [int(d) for d in match.group(2).split(",") if d.strip()]
        return match.group(1), dims, None, None
    return spec["dtype"], list(spec["shape"]), spec.get("minval"), spec.get("maxval")


def make_input(spec, rng):
    """A seeded constant tensor: ints uniform in [minval, maxval), floats normal or uniform."""
    dtype, shape, low, high = parse_input_spec(spec)
    np_dtype = np.dtype(dtype)
    if np.issubdtype(np_dtype, np.integer):
        value = rng.randint(0 if low is None else low, 2 if high is None else high, size=shape)
    elif np.issubdtype(np_dtype, np.bool_):
        value = rng.randint(0, 2, size=shape)
    elif low is not None or high is not None:
        value = rng.uniform(0.0 if low is None else low, 1.0 if high is None else high, size=shape)
    else:
        value = rng.standard_normal(shape)
    return tf.constant(value.astype(np_dtype), dtype=tf.as_dtype(np_dtype))


def resolve_target(module, qualname, config):
    """The callable to run; for ``Class.method`` the instance comes from ``config['self']``."""
    if "self" in config:
        return getattr(config.pop("self"), qualname.rsplit(".", 1)[-1])
    target = module
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def training_parameter(target):
    parameters = inspect.signature(target).parameters
    for name in TRAINING_PARAMETERS:
        if name in parameters:
            return name
    raise TypeError(f"{target!r} has no training flag (looked for {TRAINING_PARAMETERS})")


def fetches_of(result, prefix=""):
    """Flatten what a root returned into ``{path: tensor}``.

    Paths are those of ``tf1migrate.verify`` (dict keys, list/tuple indices joined by "/");
    an object (``BertModel``) contributes what its zero-argument ``get_*()`` methods return.
    """
    if isinstance(result, (tf.Tensor, tf.Variable)):
        return {prefix or "output": result}
    if result is None:
        return {}
    if isinstance(result, dict):
        items = sorted(result.items(), key=lambda item: str(item[0]))
    elif isinstance(result, (list, tuple)):  # namedtuples (LSTMStateTuple) too: paths by index
        items = enumerate(result)
    else:
        items = [
            (name[len("get_"):], getattr(result, name)())
            for name in sorted(dir(result))
            if name.startswith("get_") and _takes_no_arguments(getattr(result, name))
        ]
    fetches = {}
    for key, value in items:
        fetches.update(fetches_of(value, f"{prefix}/{key}" if prefix else str(key)))
    return fetches


def _takes_no_arguments(method):
    if not callable(method):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in inspect.signature(method).parameters.values()
    )


def build_root(module, key, spec, training, seed=0):
    """Call the root named by ``key`` with the spec's configuration and seeded inputs."""
    qualname = key.split(":", 1)[1]
    config = {name: eval(expr, vars(module)) for name, expr in spec.get("args", {}).items()}
    target = resolve_target(module, qualname, config)
    if training is not None:
        config[training_parameter(target)] = training
    rng = np.random.RandomState(seed)
    tensors = {name: make_input(s, rng) for name, s in sorted(spec.get("inputs", {}).items())}
    if spec.get("builder"):  # a builder returns the network function: call it on the inputs
        return fetches_of(target(**config)(**tensors))
    if inspect.isclass(target):
        return fetches_of(build_object(target, config, tensors))
    return fetches_of(target(**config, **tensors))


def build_object(cls, config, tensors):
    """A model class: the inputs its constructor takes go there; the others are either its
    own placeholders, which the inputs replace by the name each is assigned to (the feed key
    of ``tf1migrate.classflow``; a placeholder of known shape the spec does not give is zeros,
    as in the wrapper), or the inputs of the forward method the wrapper's call runs
    (``predict(waveform)``, ``__call__(inputs)``). Without a forward method the result is the
    object's tensor attributes that no unfed placeholder feeds."""
    import sys

    from tf1migrate.verify.feeding import assigned_key

    accepted = inspect.signature(cls).parameters
    rest = {n: t for n, t in tensors.items() if n not in accepted}
    v1 = tf.compat.v1
    original = v1.placeholder
    replaced = []

    def placeholder(dtype, shape=None, name=None):
        caller = sys._getframe(1)
        key = assigned_key(caller.f_code.co_filename, caller.f_lineno)
        if key in rest:
            replaced.append(tf.identity(tf.cast(rest[key], dtype)))
            return replaced[-1]
        known = shape is not None and tf.TensorShape(shape).is_fully_defined()
        if key is not None and known:  # a state input the wrapper feeds zeros by default
            replaced.append(tf.zeros(shape, dtype))
            return replaced[-1]
        return original(dtype, shape=shape, name=name)

    v1.placeholder = placeholder
    try:
        obj = cls(**config, **{n: t for n, t in tensors.items() if n in accepted})
    finally:
        v1.placeholder = original
    if replaced:
        return _fed_attributes(obj, {id(t) for t in replaced})
    for name in ("__call__", *sorted(dir(obj))):
        method = getattr(obj, name, None)
        if (name.startswith("_") and name != "__call__") or not callable(method):
            continue
        try:
            parameters = inspect.signature(method).parameters
        except (TypeError, ValueError):
            continue
        if rest and set(rest) <= set(parameters):
            return method(**rest)
    return obj


def _fed_attributes(obj, inputs):
    """``{attribute: tensor}`` for the object's tensors that need no placeholder left unfed
    (the inputs themselves left out)."""
    found = {}
    for name, value in sorted(vars(obj).items()):
        if isinstance(value, tf.Tensor) and id(value) not in inputs and not _needs_feed(value):
            found[name] = value
    return found


def _needs_feed(tensor):
    seen, stack = set(), [tensor.op]
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op.type in ("Placeholder", "PlaceholderWithDefault"):
            return True
        stack.extend(t.op for t in op.inputs)
    return False


def summarize(report):
    """The part of a graph_report that must match the checked-in reference exactly."""
    variables, outputs = report["variables"], sorted(report["outputs"].items())
    return {
        "variables": [[name, list(shape), *rest] for name, shape, *rest in variables],
        "outputs": {name: [list(value.shape), str(value.dtype)] for name, value in outputs},
        "update_ops": report["update_ops"],
        "regularization_losses": len(report["reg_losses"]),
    }


def root_report(fixture_dir, key, spec):
    """``{"training=<flag>": summary}`` for each training value of the spec (or "default")."""
    module_name = key.split(":", 1)[0]
    flags = spec.get("training", [None])
    reports = {}
    for training in flags:
        label = "default" if training is None else f"training={str(training).lower()}"
        with tf1_behavior():
            module = import_tf1_module(fixture_dir, module_name)
            report = graph_report(lambda: build_root(module, key, spec, training))
        reports[label] = summarize(report)
    return reports
