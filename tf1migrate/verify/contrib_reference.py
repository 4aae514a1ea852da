"""``tf.contrib`` for the reference child: the genuine tf-slim package and a compatible HParams.

TF 2 has no ``tf.contrib``, yet much TF1 model code uses ``tf.contrib.layers``,
``tf.contrib.slim``, ``tf.contrib.framework.arg_scope`` or ``tf.contrib.training.HParams``.
tf-slim 1.1.0 is the maintained extraction of exactly those layers (same variable names,
same arg_scope), built on TensorFlow's graph-mode layers, so the reference child binds them
in ``tensorflow.contrib``'s place. What has no faithful counterpart (``contrib.seq2seq``,
``contrib.tpu``, ...) raises an ``AttributeError`` naming it. Imported only in the child.
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
import types
from typing import Any

#: ``tf.contrib`` submodules that are bound, and what they are bound to (for docs/verify.md).
MAPPED = {
    "slim": "tf_slim",
    "layers": "tf_slim (layers, initializers, regularizers, optimize_loss, summaries)",
    "framework": "tf_slim (arg_scope, add_arg_scope, variables, global step)",
    "training": "HParams (a compatible copy here: the reference does not use the runtime)",
    "rnn": "tf.compat.v1.nn.rnn_cell plus static_rnn / static_bidirectional_rnn",
}


class _Delegating(types.ModuleType):
    """A module whose attributes come from ``sources`` in order; a miss names the symbol."""

    def __init__(self, name: str, *sources: Any) -> None:
        super().__init__(name)
        self._sources = sources

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        for source in self._sources:
            if hasattr(source, attribute):
                return getattr(source, attribute)
        raise AttributeError(
            f"{self.__name__.replace('tensorflow', 'tf')}.{attribute} has no counterpart in the "
            "verify reference (tf-slim): verify this layer against a TF1 checkpoint instead"
        )


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
    try:
        tf_slim = genuine_tf_slim()
    except ImportError:
        return []
    rnn_cell = v1.nn.rnn_cell
    submodules = {
        "slim": tf_slim,
        "layers": _Delegating("tensorflow.contrib.layers", tf_slim, tf_slim.layers),
        "framework": _Delegating("tensorflow.contrib.framework", tf_slim, v1.train),
        "training": _Delegating(
            "tensorflow.contrib.training", types.SimpleNamespace(HParams=HParams)
        ),
        "rnn": _Delegating("tensorflow.contrib.rnn", rnn_cell, v1.nn),
    }
    contrib = _Delegating("tensorflow.contrib", types.SimpleNamespace(**submodules))
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
