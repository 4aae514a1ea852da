"""Reference child: build the original callable in a TF1 graph and report its variables.

The original is genuine TF1 code, so it is imported with ``tensorflow`` bound to
``tensorflow.compat.v1`` (after ``disable_v2_behavior()``). ``tf.layers`` / ``nn.rnn_cell``
are tf-keras's legacy implementations when the parent started us with
``TF_USE_LEGACY_KERAS=1`` (``graph_mode == "tf-keras"``), else tf1compat's graph-mode
family is aliased in their place (``graph_mode == "tf1compat"``).

For names and shapes nothing is initialised (a GPT-2-sized graph costs no memory). With
numerics, the initialised weights, the seeded inputs and every output are saved as npz
files for the migrated child, one graph per training flag (weights copied from the first).
"""

from __future__ import annotations

import contextlib
import inspect
import re
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

from tf1migrate.verify.childlib import (
    as_instance,
    build_arguments,
    evaluate_args,
    flatten_outputs,
    import_user_module,
    make_inputs,
    resolve_qualname,
    variable_record,
)
from tf1migrate.verify.feeding import feed_values, new_placeholders

_RANDOM_OPS = {
    "RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal",
    "Multinomial", "RandomShuffle", "RandomGamma", "RandomPoisson", "RandomPoissonV2",
}  # fmt: skip
_NOT_ALIASED = {
    "compat", "python", "core", "compiler", "lite", "tools", "tsl", "keras", "estimator",
}  # fmt: skip


_LOADED: dict[str, tuple[Any, Any]] = {}


def load_tf1(graph_mode: str) -> tuple[Any, Any]:
    """Import TensorFlow and make ``import tensorflow`` give ``tensorflow.compat.v1`` (once per
    interpreter: a batch runs many layers in one)."""
    if graph_mode not in _LOADED:
        _LOADED[graph_mode] = _load_tf1(graph_mode)
    return _LOADED[graph_mode]


def _load_tf1(graph_mode: str) -> tuple[Any, Any]:
    import tensorflow as tf

    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    if graph_mode == "tf1compat":
        import tf1compat.layers
        import tf1compat.nn

        v1.layers = tf1compat.layers
        v1.nn.rnn_cell = tf1compat.nn.rnn_cell
        sys.modules["tensorflow.compat.v1.layers"] = tf1compat.layers
        sys.modules["tensorflow.compat.v1.nn.rnn_cell"] = tf1compat.nn.rnn_cell
    from tf1migrate.verify.contrib_reference import install as install_contrib

    install_contrib(v1)  # before aliasing: tf-slim imports the real TensorFlow package
    sys.modules["tensorflow"] = v1
    for name, value in list(vars(v1).items()):
        public = not name.startswith("_") and name not in _NOT_ALIASED
        if public and isinstance(value, types.ModuleType):
            sys.modules[f"tensorflow.{name}"] = value
    if graph_mode == "tf1compat":
        sys.modules["tensorflow.nn.rnn_cell"] = v1.nn.rnn_cell
    return tf, v1


def _op_name(path: str) -> str:
    """A placeholder name for an input path (``features/input_ids`` → ``features__input_ids``)."""
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", path.replace("/", "__"))


def evaluate_defaults(module: Any, defaults: dict[str, str]) -> dict[str, Any]:
    """The wrapper's defaults that evaluate in the original module; the rest are dropped
    (the codemod may have rewritten an expression, and the original's own default then
    stands)."""
    values = {}
    for name, expression in defaults.items():
        try:
            values.update(evaluate_args(module, {name: expression}))
        except ValueError:
            continue
    return values


def depends_on_random_ops(tensor: Any) -> bool:
    """True when a stateful random op (dropout's mask, noise) feeds ``tensor``: its value
    cannot match another implementation's, so it is not compared."""
    seen: set[int] = set()
    stack = [tensor.op]
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op.type in _RANDOM_OPS:
            return True
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return False


def training_keyword(fn: Any, job: dict[str, Any]) -> str | None:
    """The original's parameter that the wrapper feeds from Keras's ``training``."""
    if job.get("training_kwarg"):
        return job["training_kwarg"]
    position = job.get("training_position")
    if position is None:
        return None
    names = list(inspect.signature(fn).parameters)
    if "." in job["wraps"] and not inspect.isclass(fn) and names[:1] == ["self"]:
        names = names[1:]  # the wrapper calls the method bound; we call the function with self=
    return names[position] if position < len(names) else None


def as_outputs(returned: Any, job: dict[str, Any], given: set[str] = frozenset()) -> Any:
    """What to compare: the return value, or the attributes the wrapper returns when the
    original is a class whose constructor builds the graph (BERT's ``BertModel``); those the
    wrapper returns only when given some inputs (``loss`` with ``input_y``) only then."""
    attributes = job.get("output_attributes") or []
    needs = job.get("output_needs") or {}
    if attributes and not isinstance(returned, (dict, list, tuple)):
        return {
            key: getattr(returned, attribute)
            for key, attribute in attributes
            if set(needs.get(key, ())) <= given
        }
    return returned


def call_original(fn: Any, kwargs: dict[str, Any], arguments: dict[str, Any], job: dict[str, Any]):
    """The original called as the wrapper calls it: a builder's function on the inputs; a
    class wrapped as a whole built from its own parameters (its placeholders are fed later),
    then, when the wrapper's call runs one, its forward method on the other inputs."""
    if job.get("builder"):  # `network = build(config)`, then `network(x)`
        return fn(**kwargs)(**arguments)
    fed = {source for _, source in job.get("feeds") or []}
    arguments = {name: value for name, value in arguments.items() if name not in fed}
    forward = job.get("forward")
    if not inspect.isclass(fn) or not forward:
        return fn(**kwargs, **arguments)
    accepted = inspect.signature(fn).parameters
    built = fn(**kwargs, **{n: v for n, v in arguments.items() if n in accepted})
    rest = {n: v for n, v in arguments.items() if n not in accepted}
    return (built if forward == "__call__" else getattr(built, forward))(**rest)


def run_reference(job: dict[str, Any], stage) -> dict[str, Any]:
    stage("importing TensorFlow")
    tf, v1 = load_tf1(job["graph_mode"])
    stage(f"importing {job['module']}")
    module = import_user_module(
        job["import_root"],
        job["module"],
        job.get("argv0", job["module"]),
        job.get("flags"),
        job.get("package"),
    )
    fn = resolve_qualname(module, job["wraps"])
    arrays = make_inputs(job["inputs"], job["seed"])
    flag = training_keyword(fn, job)
    numerics = bool(job.get("numerics"))
    training_values = sorted(set(job["training"])) if numerics and flag else job["training"][:1]
    workdir = Path(job["workdir"])
    variables: list[dict[str, Any]] = []
    weights: dict[str, np.ndarray] = {}
    outputs: dict[str, np.ndarray] = {}
    stochastic: list[str] = []
    for index, training in enumerate(training_values):
        graph = tf.Graph()
        with graph.as_default():
            v1.set_random_seed(job["seed"])
            # inside the graph: a constructor given as `self` may build ops or variables
            stage("evaluating the configuration arguments")
            kwargs = {
                **evaluate_defaults(module, job.get("defaults") or {}),
                **evaluate_args(module, job["args"]),
            }
            as_instance(module, job, kwargs)
            scope = evaluate_args(module, {"scope": job["scope"]})["scope"] if job.get("scope") else None
            with v1.name_scope("tf1migrate_inputs"):
                feeds = {
                    path: v1.placeholder(array.dtype, array.shape, name=_op_name(path))
                    for path, array in arrays.items()
                }
            arguments = build_arguments(job, feeds)
            if flag is not None:
                kwargs[flag] = training
            stage(f"building the graph (training={training})" if flag else "building the graph")
            before = len(graph.get_operations())
            with v1.variable_scope(scope) if scope else contextlib.nullcontext():
                returned = call_original(fn, kwargs, arguments, job)
            placeholder_feed: dict[Any, Any] = {}
            if job.get("feeds"):  # the class's own placeholders, fed as the wrapper feeds them
                made = new_placeholders(graph, before, "tf1migrate_inputs")
                placeholder_feed, _ = feed_values(
                    tf, made, job["import_root"], job["feeds"], arrays,
                    job.get("feed_defaults") or {}, bool(training),
                )
            returned = as_outputs(returned, job, set(arrays))
            graph_variables = v1.global_variables()
            if index == 0:
                trainable = {id(v) for v in v1.trainable_variables()}
                variables = [  # trainable as created; the collection can say otherwise
                    variable_record(
                        v.op.name,
                        v.shape.as_list(),
                        v.dtype.base_dtype.name,
                        bool(getattr(v, "trainable", id(v) in trainable)),
                        id(v) in trainable,
                    )
                    for v in graph_variables
                ]
            if not numerics:
                break
            stage("running the graph")
            fetches = dict(flatten_outputs(returned, tf.is_tensor))
            with v1.Session(graph=graph) as session:
                session.run([v1.global_variables_initializer(), v1.local_variables_initializer()])
                session.run(v1.tables_initializer())
                if index == 0:
                    values = session.run(graph_variables)
                    weights = {v.op.name: value for v, value in zip(graph_variables, values)}
                else:
                    for variable in graph_variables:
                        if variable.op.name in weights:
                            variable.load(weights[variable.op.name], session)
                feed_dict = {feeds[name]: arrays[name] for name in feeds}
                feed_dict.update(placeholder_feed)
                values = session.run(fetches, feed_dict=feed_dict) if fetches else {}
                random = [path for path in values if depends_on_random_ops(fetches[path])]
                # random ops that cannot change the value (dropout with keep_prob=1.0): a
                # second run gives the same numbers, so those outputs are compared after all
                again = session.run({p: fetches[p] for p in random}, feed_dict) if random else {}
            for path, value in values.items():
                outputs[f"training={training}/{path}"] = np.asarray(value)
                if path in again and not np.array_equal(
                    np.asarray(again[path]), np.asarray(value), equal_nan=True
                ):
                    stochastic.append(f"training={training}/{path}")
    result: dict[str, Any] = {"variables": variables, "graph_mode": job["graph_mode"]}
    if numerics:
        np.savez(workdir / "weights.npz", **weights)
        np.savez(workdir / "inputs.npz", **arrays)
        np.savez(workdir / "outputs.npz", **outputs)
        result.update(
            weights=str(workdir / "weights.npz"),
            inputs=str(workdir / "inputs.npz"),
            outputs=str(workdir / "outputs.npz"),
            training_values=list(training_values),
            output_paths=sorted(outputs),
            stochastic_outputs=stochastic,
        )
    return result
