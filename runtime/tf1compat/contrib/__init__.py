"""``tf1compat.contrib``: the parts of TF 1.15's ``tf.contrib`` that model code relies on.

- ``layers``: ``tf.contrib.layers`` (the tf-slim implementation, ``tf1compat.slim``) plus
  ``embed_sequence`` / ``embedding_lookup_unique``;
- ``framework``: ``arg_scope``, ``add_arg_scope`` and the variable helpers;
- ``training``: ``HParams``;
- ``rnn``: the contrib RNN cells (``LSTMBlockCell``, ``LayerNormBasicLSTMCell``,
  ``GRUBlockCell``, ``AttentionCellWrapper``) and the aliases of the core cells;
- ``slim``: ``tf1compat.slim``.

Submodules load lazily. See runtime/CONTRIB.md.
"""

from __future__ import annotations

import importlib

__all__ = ["framework", "layers", "rnn", "slim", "training"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'tf1compat.contrib' has no attribute {name!r}")
    module = importlib.import_module(f"tf1compat.contrib.{name}")
    globals()[name] = module
    return module
