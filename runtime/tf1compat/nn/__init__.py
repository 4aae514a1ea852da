"""``tf1compat.nn``: the parts of ``tf.compat.v1.nn`` that Keras 3 took away.

Only ``rnn_cell`` lives here; the RNN drivers (``tf.compat.v1.nn.dynamic_rnn``,
``static_rnn``, ``bidirectional_dynamic_rnn``) still ship with TensorFlow and accept these
cells, so migrated code keeps calling TensorFlow's own.

Example::

    from tf1compat.nn import rnn_cell

    cell = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(32) for _ in range(2)])
"""

from __future__ import annotations

from tf1compat.nn import rnn_cell

__all__ = ["rnn_cell"]
