"""tf1compat: run TF1-style variable-creating code inside TF2 Keras layers and tf.Modules.

The public names below are the product's interface (the codemod emits them and users call
them); see runtime/README.md for the design and an example per name. Submodules are loaded
lazily so ``import tf1compat`` stays cheap until something is used.
"""

from __future__ import annotations

import importlib

__all__ = [
    "track_tf1_style_variables",
    "get_or_create_layer",
    "tf1_variables",
    "regularization_losses",
    "load_tf1_checkpoint",
    "save_tf1_checkpoint",
    "CheckpointReport",
    "MigratedLayer",
    "MigratedModule",
    "DeterministicRandomTestTool",
    "tensor_name",
    "placeholder",
    "placeholder_with_default",
    "feed_placeholders",
    "layers",
    "nn",
    "contrib",
    "slim",
]

# public name -> submodule that defines it (filled in by the modules' owners)
_EXPORTS = {
    "track_tf1_style_variables": "tf1compat.tracking",
    "get_or_create_layer": "tf1compat.tracking",
    "tf1_variables": "tf1compat.tracking",
    "regularization_losses": "tf1compat.tracking",
    "load_tf1_checkpoint": "tf1compat.checkpoint",
    "save_tf1_checkpoint": "tf1compat.checkpoint",
    "CheckpointReport": "tf1compat.checkpoint",
    "MigratedLayer": "tf1compat.migrated",
    "MigratedModule": "tf1compat.migrated",
    "DeterministicRandomTestTool": "tf1compat.determinism",
    "tensor_name": "tf1compat.utils",
    "placeholder": "tf1compat.placeholders",
    "placeholder_with_default": "tf1compat.placeholders",
    "feed_placeholders": "tf1compat.placeholders",
}
_SUBMODULES = {"layers", "nn", "contrib", "slim"}  # ``tf1compat.contrib.layers.x`` after
# a bare ``import tf1compat`` works, as ``tf.contrib.layers.x`` did after ``import tensorflow``


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"tf1compat.{name}")
    elif name in _EXPORTS:
        module = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'tf1compat' has no attribute {name!r}")
    globals()[name] = module
    return module


def __dir__():
    return sorted(set(globals()) | set(__all__))
