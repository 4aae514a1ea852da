"""A Hypothesis strategy for TF1-flavoured Python programs.

hypothesmith explores the grammar; this explores what our rules actually react to: every
import alias form, nested variable scopes, helpers calling helpers, layers and cells,
decorators, comments in odd places, unusual formatting, shadowed names, training code.
Programs are valid Python 3 by construction (checked in the generator's own test).
"""

from __future__ import annotations

from hypothesis import strategies as st

IMPORT_FORMS = [
    "import tensorflow as tf",
    "import tensorflow.compat.v1 as tf",
    "from tensorflow.compat import v1 as tf",
    "import tensorflow as tf\nimport tensorflow.compat.v1 as tf1",
    "import tensorflow as tf  # the usual alias\nfrom tensorflow import layers",
    "import tensorflow as tf\nfrom tensorflow.layers import dense",
    "import tensorflow as tf\nfrom tensorflow.contrib import slim",
    "import tensorflow as tf\nimport tensorflow.contrib.slim as slim",
    "try:\n    import tensorflow.compat.v1 as tf\nexcept ImportError:\n    import tensorflow as tf",
]

NAMES = st.sampled_from(["x", "h", "inputs", "net", "hidden", "logits", "feat"])
SCOPES = st.sampled_from(["model", "layer", "block", "enc", "dec", "h0", "attn", "mlp"])
SIZES = st.integers(min_value=1, max_value=512)


def _indent(lines: list[str], by: str) -> list[str]:
    return [by + line if line else line for line in lines]


@st.composite
def statement(draw, depth: int, helpers: list[str]) -> list[str]:
    """One TF1-ish statement (possibly a nested block) assigning to ``x``."""
    kind = draw(st.sampled_from(["get_variable", "dense", "conv", "scope", "helper", "math", "comment", "cell", "bn", "shape"]))
    name = draw(SCOPES)
    size = draw(SIZES)
    if kind == "get_variable":
        init = draw(st.sampled_from(["", ", initializer=tf.zeros_initializer()", ",\n        initializer=tf.random_normal_initializer(stddev=0.02)"]))
        return [f"w = tf.get_variable({name!r}, [x.shape[-1].value, {size}]{init})", "x = tf.matmul(x, w)"]
    if kind == "dense":
        act = draw(st.sampled_from(["", ", activation=tf.nn.relu", ", name=" + repr(name)]))
        return [f"x = tf.layers.dense(x, {size}{act})"]
    if kind == "conv":
        return [f"x = tf.layers.conv2d(x, {size}, 3, padding='same')  # conv"]
    if kind == "bn":
        return ["x = tf.layers.batch_normalization(x, training=is_training)"]
    if kind == "cell":
        return [f"cell = tf.nn.rnn_cell.LSTMCell({size})", "x, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)"]
    if kind == "shape":
        return ["n = x.get_shape()[-1].value", "x = tf.reshape(x, [-1, n])"]
    if kind == "helper" and helpers:
        return [f"x = {draw(st.sampled_from(helpers))}(x, {size})"]
    if kind == "comment":
        return [draw(st.sampled_from(["# a comment", "pass  # nothing", "x = (x  # odd\n    + 0)"]))]
    if kind == "scope" and depth < 3:
        reuse = draw(st.sampled_from(["", ", reuse=reuse", ", reuse=tf.AUTO_REUSE"]))
        body = draw(block(depth + 1, helpers))
        return [f"with tf.variable_scope({name!r}{reuse}):", *_indent(body, "    ")]
    return ["x = tf.nn.relu(x) * 2.0"]


@st.composite
def block(draw, depth: int, helpers: list[str]) -> list[str]:
    lines: list[str] = []
    for stmt in draw(st.lists(statement(depth, helpers), min_size=1, max_size=4)):
        lines.extend(stmt)
    return lines


@st.composite
def function(draw, name: str, helpers: list[str]) -> list[str]:
    params = draw(st.sampled_from([
        "x, n_out",
        "x, n_out, scope='layer', reuse=False",
        "hparams, x, past=None, scope='model', reuse=False",
        "x, is_training, n_out=10",
        "x,\n        n_out=3,  # odd formatting\n        scope=None",
    ]))
    decorator = draw(st.sampled_from(["", "@staticmethod_like\n", "@functools.lru_cache()\n"]))
    doc = draw(st.sampled_from(["", '    """Builds part of the graph."""']))
    body = draw(block(0, helpers))
    if "is_training" not in params:
        body = [line.replace("training=is_training", "training=False") for line in body]
    if "reuse" not in params:
        body = [line.replace(", reuse=reuse", "") for line in body]
    lines = [f"{decorator}def {name}({params}):"]
    if doc:
        lines.append(doc)
    lines += _indent(body, "    ")
    lines.append("    return x")
    return lines


@st.composite
def tf1_program(draw) -> str:
    """A whole module: imports, helpers, roots, maybe a training script and a class."""
    header = draw(st.sampled_from(IMPORT_FORMS))
    lines = ["import functools", header, "", "staticmethod_like = lambda f: f", ""]
    helpers: list[str] = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        name = f"fn_{i}"
        lines += draw(function(name, list(helpers)))
        lines.append("")
        helpers.append(name)
    if draw(st.booleans()):
        lines += [
            "def train():",
            "    x = tf.placeholder(tf.float32, [None, 8])",
            f"    loss = tf.reduce_mean({helpers[-1]}(x, 4))",
            "    step = tf.train.AdamOptimizer(1e-3).minimize(loss)",
            "    with tf.Session() as sess:",
            "        sess.run(tf.global_variables_initializer())",
            "        sess.run(step, feed_dict={x: [[0.0] * 8]})",
            "",
        ]
    if draw(st.booleans()):
        lines += [
            "class Model(object):",
            "    def __init__(self, x, n_out):",
            "        with tf.variable_scope('net'):",
            f"            self.out = {helpers[0]}(x, n_out)",
            "",
        ]
    if draw(st.booleans()):
        lines += ["tf = None  # shadowing at the bottom of the module", ""]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline
