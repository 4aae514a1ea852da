"""Small shared helpers for the runtime tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

import tf1compat

v1 = tf.compat.v1


class StoreRunner(tf.Module):
    """A decorated Module that runs any function inside its own variable store.

    The original's store tests ran their bodies under ``with_variable_store(fresh_store)``;
    running them through a decorated method exercises the whole public path instead.
    """

    @tf1compat.track_tf1_style_variables
    def __call__(self, body: Callable[[], Any]) -> Any:
        return body()


def in_store(body: Callable[[], Any]) -> Any:
    """Run ``body`` inside a fresh decorated Module's store; return its result."""
    return StoreRunner()(body)


def names(variables) -> set[str]:
    """``{v.name}`` of a list of variables (TF names, with ``:0``)."""
    return {v.name for v in variables}
