"""The seam between the variable store (tracking) and the layer library (layers, nn).

The layer library never imports the store: it creates variables through TensorFlow's own
``tf.compat.v1.get_variable`` / ``variable_scope`` (which the decorator redirects to the
active store), and reports the few things get_variable cannot carry through these hooks.
Outside a decorated call they fall back to what TF1 itself did in a graph.
"""

from __future__ import annotations

import threading

import tensorflow as tf

_state = threading.local()


def active_store():
    """The variable store of the innermost decorated call on this thread, or None."""
    return getattr(_state, "store", None)


def set_active_store(store):
    """Make ``store`` active on this thread; returns the previous one (restore it on exit)."""
    previous = getattr(_state, "store", None)
    _state.store = store
    return previous


def add_activity_loss(loss) -> None:
    """Record a layer's activity-regularization loss.

    Inside a decorated call it belongs to the owning layer/module (the original shim lost
    it); in a TF1 graph it goes to the REGULARIZATION_LOSSES collection, as TF1 did.
    """
    store = active_store()
    if store is not None:
        store.add_activity_loss(loss)
    elif not tf.compat.v1.executing_eagerly_outside_functions():
        tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES, loss)
