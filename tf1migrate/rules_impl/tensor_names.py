"""TFM407: `.name` of a TF value; in model code `tf1compat.tensor_name(<tensor>)` instead.

Reading `.name` of a value a TensorFlow call produced (`tf.get_variable(...).name`, a local
bound from a TF call, `v.op.name`) is reported: eager tensors have no name and Keras names
variables differently. Attribute names alone are too common (`args.name`), so values that
did not come from TensorFlow are never reported.

Helpers such as BERT's `get_shape_list(tensor, name=None)` default a name to
`tensor.name`; eager tensors have no name, so the migrated layer raises when called
eagerly. `tf1compat.tensor_name` returns `.name` whenever the object has one (graph
tensors, variables: TF1 behaviour unchanged) and a stable description otherwise.

Only values that may be eager tensors are rewritten: parameters of model code (a function
of this file that creates variables, or one such code calls) and locals bound there to a
TensorFlow op's result. Variables keep their names in eager mode (`if "bias" in v.name`
stays as it is), and outside model code `.name` is left to the TFM407 finding. Whether a
function is model code is known only once the whole file has been walked, so rewrites are
made on the spot and the ones outside model code are undone in `finish`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tf1migrate.rules_impl.base import TF, Context, Example, Frame, Rule, call_symbol
from tf1migrate.rules_impl.names import keep_parentheses
from tf1migrate.types import Severity
from tf1migrate.walk import INERT, transform

RULE = "TFM407"
TENSOR_NAME = "tf1compat.tensor_name"
MESSAGE = (
    "tensor/variable .name: eager tensors have no name and variable names change under "
    "Keras; do not key logic on names (use tf1compat.tf1_variables(layer) for the TF1 name "
    "map)."
)

#: Calls whose results are variables or scopes (named in eager mode too) or not tensors.
NOT_TENSORS = frozenset(
    {
        "tf.get_variable",
        "tf.get_local_variable",
        "tf.Variable",
        "tf.get_collection",
        "tf.get_collection_ref",
        "tf.variable_scope",
        "tf.name_scope",
        "tf.get_variable_scope",
        "tf.VariableScope",
        "tf.get_default_graph",
    }
)
NOT_TENSOR_NAMESPACES = ("tf.train.", "tf.summary.", "tf.estimator.", "tf.saved_model.")


@dataclass
class _Candidate:
    frame: Frame
    original: cst.Attribute
    updated: cst.BaseExpression  # the `.name` read as it would be without this rule
    rewritten: cst.BaseExpression


class TensorNames(Rule):
    id = RULE
    name = "tensor-name"
    summary = "`.name` of a tensor or variable is used."
    why = (
        "Eager tensors have no name and Keras names variables differently. In model code "
        "(functions that create variables and the helpers they call) a tensor's `.name` "
        "becomes tf1compat.tensor_name(tensor): the TF1 name in graphs, a stable description "
        "for eager tensors. Elsewhere, logic keyed on names must use "
        "tf1compat.tf1_variables(layer)."
    )
    severity = "warning"
    order = 50
    VALID = (
        TF + "print(args.name)\n",
        TF + "v = make()\nprint(v.name)\n",
        TF + "with tf.variable_scope('enc') as scope:\n    print(scope.name)\n",
        TF + "def main(args):\n    print(args.name)\n",
    )
    INVALID = (
        Example(
            TF + "def model(x):\n    check(x)\n    return tf.get_variable('w', [3]) * x\n\n\n"
            "def check(tensor, name=None):\n    name = name or tensor.name\n",
            TF + "def model(x):\n    check(x)\n    return tf.get_variable('w', [3]) * x\n\n\n"
            "def check(tensor, name=None):\n    name = name or tf1compat.tensor_name(tensor)\n",
        ),
        Example(
            TF + "def block(x):\n    h = tf.layers.dense(x, 4)\n    y = tf.nn.relu(h)\n"
            "    print(y.name)\n    return y\n",
            TF + "def block(x):\n    h = tf.layers.dense(x, 4)\n    y = tf.nn.relu(h)\n"
            "    print(tf1compat.tensor_name(y))\n    return y\n",
        ),
        Example(
            TF + "def describe(x):  # not model code: reported\n"
            "    y = tf.nn.relu(x)\n    return y.name\n"
        ),
        Example(TF + "v = tf.get_variable('w', [3])\nprint(v.name)\n"),
        Example(TF + "for v in tf.trainable_variables():\n    print(v.op.name)\n"),
    )

    def __init__(self) -> None:
        self._candidates: list[_Candidate] = []
        self._callees: dict[int, set[str]] = {}  # id(frame) -> names of functions it calls
        self._frames: dict[int, Frame] = {}
        self._tensor_locals: dict[int, set[str]] = {}  # id(frame) -> locals bound to TF ops

    def bind(
        self, ctx: Context, target: cst.BaseExpression, value: cst.BaseExpression | None
    ) -> None:
        frame = ctx.frames[-1]
        if frame.function is None or not isinstance(target, cst.Name):
            return
        names = self._tensor_locals.setdefault(id(frame), set())
        if value is not None and _makes_a_tensor(ctx, value):
            names.add(target.value)
        else:
            names.discard(target.value)

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        frame = ctx.frames[-1]
        self._frames[id(frame)] = frame  # creators are calls: every model frame is seen
        callee = _local_callee(original.func)
        if callee is not None:
            self._callees.setdefault(id(frame), set()).add(callee)
        return updated

    def leave_attribute(
        self, ctx: Context, original: cst.Attribute, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        if original.attr.value != "name":
            return updated
        if ctx.uses_tensorflow and ctx.produced_by_tensorflow(original.value):
            ctx.report(original, RULE, f".name: {MESSAGE}", Severity.WARNING)
        if not isinstance(original.value, cst.Name):
            return updated
        if not isinstance(updated, cst.Attribute) or not ctx.uses_tensorflow:
            return updated
        frame = ctx.frames[-1]
        if frame.function is None or not ctx.enabled(RULE):
            return updated
        name = original.value.value
        may_be_tensor = name in _parameters(frame.function) or name in self._tensor_locals.get(
            id(frame), ()
        )
        if not may_be_tensor:
            return updated
        call = cst.Call(func=ctx.tf_expression(TENSOR_NAME), args=[cst.Arg(updated.value)])
        rewritten = keep_parentheses(updated, call)
        self._frames[id(frame)] = frame
        self._candidates.append(_Candidate(frame, original, updated, rewritten))
        return rewritten

    def finish(self, ctx: Context, module: cst.Module) -> cst.Module:
        if not self._candidates:
            return module
        model = self._model_code()
        undo: dict[int, cst.BaseExpression] = {}
        for candidate in self._candidates:
            if id(candidate.frame) in model:
                ctx.retract(candidate.original)  # rewritten: the TFM407 warning is moot
                ctx.report(
                    candidate.original,
                    RULE,
                    ".name became tf1compat.tensor_name(...): an eager tensor now gets a "
                    "stable description where TF2 would raise AttributeError",
                    Severity.INFO,
                    behaviour_change=True,
                )
                ctx.changed()
                ctx.imports.add(TENSOR_NAME.split(".")[0])
            else:
                undo[id(candidate.rewritten)] = candidate.updated
        return _undo(module, undo) if undo else module

    def _model_code(self) -> set[int]:
        """ids of the frames that are model code: they create variables, or such code
        calls them (by plain name or `self.method`, within this file)."""
        by_name: dict[str, list[int]] = {}
        for key, frame in self._frames.items():
            if frame.function is not None:
                by_name.setdefault(frame.function.name.value, []).append(key)
        model = {key for key, frame in self._frames.items() if frame.creates_variables}
        pending = list(model)
        while pending:
            for callee in self._callees.get(pending.pop(), ()):
                for key in by_name.get(callee, ()):
                    if key not in model:
                        model.add(key)
                        pending.append(key)
        return model


def _undo(module: cst.Module, undo: dict[int, cst.BaseExpression]) -> cst.Module:
    """Puts back the `.name` reads rewritten outside model code (matched by identity)."""

    def leave(original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        return undo.get(id(original), updated)  # type: ignore[return-value]

    return transform(module, lambda kind: (None, leave), INERT)


def _parameters(function: cst.FunctionDef) -> set[str]:
    """Names of the function's parameters that may hold tensors (not self/cls)."""
    params = function.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names - {"self", "cls"}


def _makes_a_tensor(ctx: Context, value: cst.BaseExpression) -> bool:
    """A call of a TensorFlow op (not a variable, scope, collection or training object)."""
    if not isinstance(value, cst.Call):
        return False
    found = call_symbol(ctx, value)
    if found is None:
        return False
    symbol = found[1]
    last = symbol.rsplit(".", 1)[-1]
    return (
        symbol not in NOT_TENSORS
        and not symbol.startswith(NOT_TENSOR_NAMESPACES)
        and not last.endswith("variables")
        and not last[:1].isupper()  # classes: Session, Saver, Graph...
    )


def _local_callee(func: cst.BaseExpression) -> str | None:
    """`helper(...)` -> "helper", `self.helper(...)` -> "helper"; else None."""
    if isinstance(func, cst.Name):
        return func.value
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value in ("self", "cls")
    ):
        return func.attr.value
    return None
