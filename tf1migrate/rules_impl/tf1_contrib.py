"""TFM203: `tf.contrib.slim` / `tf.contrib.layers` / `framework` / `training` / contrib cells,
and `tf_slim`, -> the tf1compat runtime.

The mappings are rules/contrib.toml (generated from what tf1compat exports, by
scripts/sync_contrib.py); the mechanics are shared with TFM201 in `mapping.py`. A module
import (`from tensorflow.contrib import slim`) is re-pointed only when every use in the file
has a mapping (`imports.py`); otherwise each use is rewritten on its own, unmapped ones stay
TFM403 findings, and the import goes once no use needs it (`dead_imports.py`).
"""

from __future__ import annotations

from tf1migrate.rules_impl.base import TF, Example
from tf1migrate.rules_impl.mapping import RuntimeMapping


class Tf1Contrib(RuntimeMapping):
    id = "TFM203"
    name = "tf1-contrib"
    summary = "`tf.contrib.slim` / `layers` / `framework` / `training.HParams`, `tf_slim` → tf1compat."
    why = (
        "TF2 has no tf.contrib and tf-slim needs the TF1 layers Keras 3 removed; tf1compat.slim "
        "and tf1compat.contrib reproduce tf-slim 1.1.0 / TF 1.15 (`Conv/weights`, "
        "`fully_connected/biases`, `BatchNorm/moving_mean`), so slim checkpoints still load."
    )
    order = 12
    VALID = (
        "import tf1compat.slim as slim\nnet = slim.conv2d(x, 64, [3, 3])\n",
        TF + "y = tf.contrib.seq2seq.dynamic_decode(decoder)\n",  # unmapped: TFM403 instead
    )
    INVALID = (
        Example(
            "from tensorflow.contrib import slim\nnet = slim.conv2d(x, 64, [3, 3])\n",
            "from tf1compat import slim\nnet = slim.conv2d(x, 64, [3, 3])\n",
        ),
        Example(
            "import tensorflow.contrib.slim as slim\nnet = slim.fully_connected(x, 10)\n",
            "import tf1compat.slim as slim\nnet = slim.fully_connected(x, 10)\n",
        ),
        Example(
            "import tf_slim as slim\nnet = slim.max_pool2d(x, [2, 2])\n",
            "import tf1compat.slim as slim\nnet = slim.max_pool2d(x, [2, 2])\n",
        ),
        Example(
            TF + "h = tf.contrib.layers.layer_norm(x, begin_norm_axis=-1)\n",
            TF + "h = tf1compat.contrib.layers.layer_norm(x, begin_norm_axis=-1)\n",
        ),
        Example(
            TF + "hp = tf.contrib.training.HParams(lr=0.1)\n",
            TF + "hp = tf1compat.contrib.training.HParams(lr=0.1)\n",
        ),
        Example(
            "from tensorflow.contrib.framework import arg_scope\nwith arg_scope([f]): pass\n",
            "from tf1compat.contrib.framework import arg_scope\nwith arg_scope([f]): pass\n",
        ),
        Example(
            TF + "cell = tf.contrib.rnn.LSTMBlockCell(64)\n",
            TF + "cell = tf1compat.contrib.rnn.LSTMBlockCell(64)\n",
        ),
    )
