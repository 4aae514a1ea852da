"""TFM201: `tf.layers.X` / `tf.compat.v1.layers.X` -> `tf1compat.layers.X`.

The mappings are rules/layers.toml's `[layers]` and `[modules]`; the shared mechanics
(references, `from tensorflow.layers import dense`, `import tensorflow.layers as L`) are in
`mapping.py`.
"""

from __future__ import annotations

from tf1migrate.rules_impl.base import TF, V1, Example
from tf1migrate.rules_impl.mapping import RuntimeMapping


class Tf1Layer(RuntimeMapping):
    id = "TFM201"
    name = "tf1-layer"
    summary = "`tf.layers.X` / `tf.compat.v1.layers.X` → `tf1compat.layers.X`."
    why = (
        "Keras 3 removed the TF1 layers, in compat.v1 too; tf1compat.layers reproduces their "
        "variable names, shapes and initializers, so TF1 checkpoints still load."
    )
    order = 10
    VALID = (
        TF + "y = tf.keras.layers.Dense(3)(x)\n",
        "import tf1compat\ny = tf1compat.layers.dense(x, 3)\n",
        "from tf1compat.layers import dense\ny = dense(x, 3)\n",
    )
    INVALID = (
        Example(
            TF + "y = tf.layers.dense(x, 3, name='fc')\n",
            TF + "y = tf1compat.layers.dense(x, 3, name='fc')\n",
        ),
        Example(
            V1 + "y = tf.layers.conv2d(x, 8, 3)\n", V1 + "y = tf1compat.layers.conv2d(x, 8, 3)\n"
        ),
        Example(
            "from tensorflow.layers import dense, conv2d\ny = dense(x, 3)\n",
            "from tf1compat.layers import dense, conv2d\ny = dense(x, 3)\n",
        ),
        Example(
            "from tensorflow import layers\ny = layers.batch_normalization(x)\n",
            "from tf1compat import layers\ny = layers.batch_normalization(x)\n",
        ),
        Example(
            TF + "class Block(tf.layers.Layer):\n    pass\n",
            TF + "class Block(tf1compat.layers.Layer):\n    pass\n",
        ),
    )
