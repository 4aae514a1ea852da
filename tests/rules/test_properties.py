"""Property: any mix of import forms and TF1 idioms upgrades to code that compiles and that
a second run leaves alone, with findings inside the file."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.rules.helpers import upgrade

HEADERS = [
    "import tensorflow as tf\n",
    "import tensorflow.compat.v1 as tf\n",
    "from tensorflow.compat import v1 as tf\n",
    "import tensorflow as tf\nimport tensorflow.compat.v1 as tf1\n",
    "import tensorflow as tf\ntf = tf.compat.v1\n",
    "try:\n    import tensorflow.compat.v1 as tf\nexcept ImportError:\n    import tensorflow as tf\n",
]
EXTRA_IMPORTS = [
    "",
    "from tensorflow.layers import dense, conv2d\n",
    "from tensorflow import layers\n",
    "from tensorflow.contrib import rnn\n",
    "from tensorflow.contrib import slim\n",
    "from tensorflow import get_variable, nn  # mixed\n",
    "import tensorflow.layers as L\n",
]
STATEMENTS = [
    "w = tf.get_variable('w', [3, 4], initializer=tf.zeros_initializer())",
    "h = tf.layers.dense(x, 4, name='fc')  # comment",
    "h = tf.layers.conv2d(\n        x,\n        8,\n        3,\n    )",
    "c = tf.nn.rnn_cell.LSTMCell(8)",
    "c = tf.contrib.rnn.GRUCell(8)",
    "n = x.shape[-1].value",
    "n = x.get_shape()[1].value * 2",
    "m = x.get_shape()[1] + 1",
    "i = tf.argmax(x, 1, 'idx')",
    "y = tf.cond(p, fn1=f, fn2=g, strict=True)",
    "s = tf.Session()",
    "p = tf.placeholder(tf.float32, [None, 3])",
    "out = sess.run(y, feed_dict={p: batch})",
    "v = tf.get_variable('v', [1])\n    print(v.name)",
    "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)",
    "net = slim.conv2d(x, 3, [3, 3])",
    "d = dense(x, 3)",
    "d = layers.batch_normalization(x)",
    "cell = rnn.BasicLSTMCell(4)",
    "v = get_variable('g', [2])",
    "y = L.flatten(x)",
    "opt = tf.train.AdamOptimizer(1e-3)\n    op = opt.minimize(loss, colocate_gradients_with_ops=True)",
    "with tf.variable_scope('s', reuse=tf.AUTO_REUSE) as scope:\n        z = tf.layers.dense(x, 1)",
    "t = tf1.layers.dense(x, 2)",
]


@given(
    header=st.sampled_from(HEADERS),
    extra=st.sampled_from(EXTRA_IMPORTS),
    body=st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=8),
    wrap_in_function=st.booleans(),
)
def test_upgrades_compile_and_are_idempotent(
    header: str, extra: str, body: list[str], wrap_in_function: bool
) -> None:
    if wrap_in_function:
        code = "def model(x, p, f, g, sess, batch, loss):\n" + "".join(f"    {s}\n" for s in body)
    else:
        code = "if True:\n" + "".join(f"    {s}\n" for s in body)
    source = header + extra + "\n\n" + code
    first = upgrade(source)
    compile(first.module.code, "generated.py", "exec")
    second = upgrade(first.module.code)
    assert second.module.code == first.module.code
    assert second.count == 0
    lines = source.count("\n") + 1
    assert all(1 <= f.line <= lines for f in first.findings)
    assert "tf.layers." not in first.module.code.replace("tf1compat.layers.", "")
