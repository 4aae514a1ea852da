"""TFM202: the TF1 RNN cells (`tf.nn.rnn_cell.X`, mapped `tf.contrib.rnn.X`) -> tf1compat.

The mappings are rules/layers.toml's `[cells]`; the mechanics are shared with TFM201 in
`mapping.py`. A `tf.contrib` import left without a use is removed by the engine
(`dead_imports.py`): it would fail at import time in TF2.
"""

from __future__ import annotations

from tf1migrate.rules_impl.base import TF, V1, Example
from tf1migrate.rules_impl.mapping import RuntimeMapping


class Tf1RnnCell(RuntimeMapping):
    id = "TFM202"
    name = "tf1-rnn-cell"
    summary = "`tf.nn.rnn_cell.X` / `tf.contrib.rnn.X` (mapped cells) → `tf1compat.nn.rnn_cell.X`."
    why = (
        "The TF1 cells are gone under Keras 3; tf1compat's cells keep the TF1 names "
        "(`rnn/lstm_cell/kernel`) and work with tf.compat.v1.nn.dynamic_rnn. A tf.contrib "
        "import left with no use is removed: it would fail at import time in TF2."
    )
    order = 11
    VALID = (
        TF + "cell = tf.contrib.rnn.LayerNormBasicLSTMCell(8)\n",
        TF + "cell = tf.keras.layers.LSTMCell(8)\n",
    )
    INVALID = (
        Example(
            TF + "cell = tf.nn.rnn_cell.LSTMCell(128)\n",
            TF + "cell = tf1compat.nn.rnn_cell.LSTMCell(128)\n",
        ),
        Example(
            TF + "cell = tf.contrib.rnn.GRUCell(64)\n",
            TF + "cell = tf1compat.nn.rnn_cell.GRUCell(64)\n",
        ),
        Example(
            V1 + "cells = tf.nn.rnn_cell.MultiRNNCell([a, b])\n",
            V1 + "cells = tf1compat.nn.rnn_cell.MultiRNNCell([a, b])\n",
        ),
        Example(
            "from tensorflow.contrib import rnn  # dead once migrated\ncell = rnn.LSTMCell(8)\n",
            "cell = tf1compat.nn.rnn_cell.LSTMCell(8)\n",
        ),
    )
