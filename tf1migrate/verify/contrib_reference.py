"""``tf.contrib`` for the reference child: the genuine tf-slim package and a compatible HParams.

TF 2 has no ``tf.contrib``, yet much TF1 model code uses ``tf.contrib.layers``,
``tf.contrib.slim``, ``tf.contrib.framework.arg_scope`` or ``tf.contrib.training.HParams``.
tf-slim 1.1.0 is the maintained extraction of exactly those layers (same variable names,
same arg_scope), built on TensorFlow's graph-mode layers, so the reference child binds them
in ``tensorflow.contrib``'s place. What has no faithful counterpart (``contrib.seq2seq``,
``contrib.tpu``, ...) imports, and raises an ``AttributeError`` naming the symbol when one is
used (a module importing ``tf.contrib.tpu`` for its training loop can still build its
model); ``tf.estimator``, which TF 2.16 dropped, is treated alike. Imported only in the child.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import json
import sys
import types
from typing import Any, ClassVar

#: ``tf.contrib`` submodules that are bound, and what they are bound to (for docs/verify.md).
MAPPED = {
    "slim": "tf_slim",
    "layers": "tf_slim (layers, initializers, regularizers, optimize_loss, summaries)",
    "framework": "tf_slim (arg_scope, add_arg_scope, variables, global step)",
    "training": "HParams (a compatible copy here: the reference does not use the runtime)",
    "rnn": "tf.compat.v1.nn.rnn_cell plus static_rnn / static_bidirectional_rnn",
    "learn": "ModeKeys (TRAIN, EVAL, INFER)",
    "data": "tf.data.experimental",
}


class _Delegating(types.ModuleType):
    """A module whose attributes come from ``sources`` in order; a miss names the symbol.

    It is a package (``__path__``), so ``from tensorflow.contrib.tpu.python.tpu import
    tpu_config`` finds its submodules through `_ContribFinder`.
    """

    def __init__(self, name: str, *sources: Any) -> None:
        super().__init__(name)
        self._sources = sources
        self.__path__: list[str] = []

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        for source in self._sources:
            if hasattr(source, attribute):
                return getattr(source, attribute)
        submodule = sys.modules.get(f"{self.__name__}.{attribute}")
        if submodule is not None:
            return submodule
        raise AttributeError(
            f"{self.__name__.replace('tensorflow', 'tf')}.{attribute} has no counterpart in the "
            "verify reference (TF 2 dropped it): verify this layer against a TF1 checkpoint "
            "instead"
        )


class _Contrib(_Delegating):
    """``tensorflow.contrib``: the mapped submodules, and for any other name (``tpu``,
    ``seq2seq``) a module that imports fine and names the symbol when one is used, so a module
    that imports ``tf.contrib.tpu`` for its training loop can still be built."""

    def __init__(self) -> None:
        super().__init__("tensorflow.contrib")

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _ContribFinder.module_for(f"tensorflow.contrib.{attribute}")


class _ContribFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves every ``tensorflow.contrib.*`` import not bound explicitly: a mapped submodule's
    other implementation paths (``contrib.<sub>.python...``) are that submodule; anything else
    is a placeholder that names the symbol when used."""

    mapped: ClassVar[dict[str, types.ModuleType]] = {}

    @classmethod
    def module_for(cls, fullname: str) -> types.ModuleType:
        if fullname in sys.modules:
            return sys.modules[fullname]
        parts = fullname.split(".")  # tensorflow, contrib, <sub>, ...
        sub = parts[2]
        module: types.ModuleType
        if sub in cls.mapped and (len(parts) == 3 or parts[3] == "python"):
            module = cls.mapped[sub]
        else:
            module = _Delegating(fullname)
        sys.modules[fullname] = module
        return module

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith("tensorflow.contrib."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: Any) -> types.ModuleType:
        return self.module_for(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _ModeKeys:
    """``tf.contrib.learn.ModeKeys`` (nmt and friends compare ``mode`` against these)."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


class _EstimatorModeKeys:
    """``tf.estimator.ModeKeys`` (model functions compare ``mode`` against these)."""

    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


def _bind_estimator(v1: Any) -> None:
    """TF 2.16 dropped ``tf.estimator``; model code imports it for ``ModeKeys`` and its
    training loop (``from tensorflow.compat.v1 import estimator as tf_estimator``). Where it is
    gone, the reference gets ``ModeKeys`` and a module that names any other symbol where it
    is used, as for ``tf.contrib.tpu``."""
    try:
        present = getattr(v1, "estimator", None) is not None
    except ImportError:  # a lazy loader whose package is not installed
        present = False
    if present:
        return
    estimator = _Delegating(
        "tensorflow.estimator", types.SimpleNamespace(ModeKeys=_EstimatorModeKeys)
    )
    v1.estimator = estimator
    for name in ("tensorflow.estimator", "tensorflow.compat.v1.estimator"):
        sys.modules.setdefault(name, estimator)


#: ``tensorflow.python.layers`` lazily imports these by their tf-keras 2.15 names; tf-keras
#: 2.16+ ships them under ``tf_keras.src``.
_LEGACY_TF_LAYERS = ("", ".base", ".core", ".convolutional", ".normalization", ".pooling")


def genuine_tf_slim() -> Any:
    """Import the genuine tf-slim so that every layer of it builds on TF 2.16+ with tf-keras.

    ``slim.batch_norm`` goes through ``tensorflow.python.layers.normalization``, which loads
    ``tf_keras.legacy_tf_layers.normalization``: that module is ``tf_keras.src.legacy_tf_layers``
    in tf-keras 2.16+, so the old names are aliased to it when they do not import. tf-slim
    1.1.0 also spells ``tf.Tensor`` as ``ops.Tensor``, which TF 2.16+ dropped. Raises
    ``ImportError`` when tf-slim (or tf-keras) is not installed.
    """

    from tensorflow.python.framework import ops

    if not hasattr(ops, "Tensor"):
        import tensorflow as tf

        ops.Tensor = tf.Tensor
    for suffix in _LEGACY_TF_LAYERS:
        name = "tf_keras.legacy_tf_layers" + suffix
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except ImportError:
            sys.modules[name] = importlib.import_module("tf_keras.src.legacy_tf_layers" + suffix)
    import tf_slim
    import tf_slim.layers  # noqa: F401

    return tf_slim


def install(v1: Any) -> list[str]:
    """Bind ``tensorflow.contrib`` (and ``v1.contrib``) for the original's imports.

    Returns the submodules bound; [] when tf-slim is not installed (``tf.contrib`` then fails
    as it would on TF 2, and the child's error hints at ``pip install tf-slim``).
    """
    _bind_estimator(v1)
    try:
        tf_slim = genuine_tf_slim()
    except ImportError:
        return []
    rnn_cell = v1.nn.rnn_cell
    learn = types.SimpleNamespace(ModeKeys=_ModeKeys, TRAIN="train", EVAL="eval", INFER="infer")
    submodules = {
        "slim": tf_slim,
        "layers": _Delegating("tensorflow.contrib.layers", tf_slim, tf_slim.layers),
        "framework": _Delegating(
            "tensorflow.contrib.framework", tf_slim, v1.train, types.SimpleNamespace(nest=v1.nest)
        ),
        "training": _Delegating(
            "tensorflow.contrib.training", types.SimpleNamespace(HParams=HParams)
        ),
        "rnn": _Delegating("tensorflow.contrib.rnn", rnn_cell, v1.nn),
        "learn": _Delegating("tensorflow.contrib.learn", learn),
        "data": _Delegating("tensorflow.contrib.data", v1.data.experimental),
    }
    contrib = _Contrib()
    sys.modules["tensorflow.contrib"] = contrib
    for name, module in submodules.items():
        sys.modules[f"tensorflow.contrib.{name}"] = module
    # `from tensorflow.contrib.slim.nets import ...` and friends
    sys.modules["tensorflow.contrib.slim.nets"] = getattr(tf_slim, "nets", None) or _Delegating(
        "tensorflow.contrib.slim.nets"
    )
    # tf.contrib's implementation modules, which TF1 code imports directly
    # (`from tensorflow.contrib.framework.python.ops import arg_scope`)
    for path, module in {
        "framework.python": submodules["framework"],
        "framework.python.ops": submodules["framework"],
        "layers.python": submodules["layers"],
        "layers.python.layers": submodules["layers"],
        "layers.python.layers.layers": submodules["layers"],
        "layers.python.layers.initializers": importlib.import_module("tf_slim.layers.initializers"),
        "layers.python.layers.regularizers": importlib.import_module("tf_slim.layers.regularizers"),
        "rnn.python": submodules["rnn"],
        "rnn.python.ops": submodules["rnn"],
        "rnn.python.ops.rnn_cell": submodules["rnn"],
        "rnn.python.ops.core_rnn_cell": submodules["rnn"],
        "training.python": submodules["training"],
        "training.python.training": submodules["training"],
        "training.python.training.hparam": submodules["training"],
    }.items():
        parent, _, leaf = f"tensorflow.contrib.{path}".rpartition(".")
        sys.modules[f"{parent}.{leaf}"] = module
        setattr(sys.modules[parent], leaf, module)  # for getattr-based importers too
    # every other tensorflow.contrib.* import (tpu, seq2seq, ...): see _ContribFinder
    _ContribFinder.mapped = submodules
    if not any(isinstance(finder, _ContribFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ContribFinder())
    v1.contrib = contrib
    return sorted(submodules)


class HParams:
    """The subset of ``tf.contrib.training.HParams`` model code uses: keyword construction,
    attribute access, ``add_hparam``, ``set_hparam``, ``values``, ``parse``, ``override_from_dict``,
    ``to_json`` / ``parse_json``, ``get`` and ``in``."""

    def __init__(self, hparam_def: Any = None, model_structure: Any = None, **kwargs: Any) -> None:
        if hparam_def is not None:
            raise ValueError("HParams(hparam_def=...) (a protobuf) is not supported in verify")
        self._model_structure = model_structure
        self._types: dict[str, type] = {}
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        if getattr(self, name, None) is not None or name in self._types:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        self._types[name] = type(value[0]) if isinstance(value, list) and value else type(value)
        setattr(self, name, value)

    def set_hparam(self, name: str, value: Any) -> None:
        if name not in self._types:
            raise AttributeError(f"unknown hyperparameter {name!r}")
        setattr(self, name, value)

    def del_hparam(self, name: str) -> None:
        if name in self._types:
            delattr(self, name)
            del self._types[name]

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._types}

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self._types else default

    def __contains__(self, key: str) -> bool:
        return key in self._types

    def override_from_dict(self, values_dict: dict[str, Any]) -> HParams:
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def parse(self, values: str) -> HParams:
        """``"lr=0.1,layers=[2,3],name=abc"``: literals where they parse, else the text."""
        for item in _split_assignments(values):
            name, _, text = item.partition("=")
            name = name.strip()
            try:
                value: Any = ast.literal_eval(text.strip())
            except (ValueError, SyntaxError):
                value = text.strip()
            kind = self._types.get(name)
            if kind is bool and isinstance(value, str):
                value = value.lower() in ("true", "1")
            elif kind in (int, float) and not isinstance(value, list):
                value = kind(value)
            self.set_hparam(name, value)
        return self

    def to_json(self, indent: int | None = None, separators: Any = None, sort_keys: bool = False):
        return json.dumps(self.values(), indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json: str) -> HParams:
        return self.override_from_dict(json.loads(values_json))

    def __repr__(self) -> str:
        return f"HParams({self.values()!r})"

    __str__ = __repr__


def _split_assignments(text: str) -> list[str]:
    """Split ``a=1,b=[1,2]`` on the commas outside brackets."""
    items, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        items.append(current)
    return [item for item in items if "=" in item]
