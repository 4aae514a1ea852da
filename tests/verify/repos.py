"""Small original (TF1) + migrated (generated-wrapper convention) repositories for the tests.

`write_pair(root)` creates ``root/original`` and ``root/migrated``. The migrated ``net.py``
holds one faithful wrapper of ``mlp`` and one deliberately broken wrapper per mistake a
migration can make (its call runs a broken variant of ``mlp``); every broken one still says
``tf1migrate_wraps = "mlp"`` so it is compared against the same TF1 original.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

ORIGINAL_NET = '''
import tensorflow as tf


def mlp(x, hidden=8, out=3, scope="mlp"):
    """Dense -> relu -> dense, scaled by a free weight."""
    with tf.variable_scope(scope):
        h = tf.layers.dense(x, hidden, activation=tf.nn.relu, name="fc1")
        h = tf.layers.dense(h, out, name="fc2")
        scale = tf.get_variable("scale", [out], initializer=tf.random_normal_initializer())
        return h * scale


def tower(features, width=4):
    """Fed by a placeholder in train.py: its input spec is inferred from there."""
    with tf.variable_scope("tower"):
        return tf.layers.dense(features, width, name="proj")


def head(features, classes):
    """No spec anywhere: verify must say what to add."""
    with tf.variable_scope("head"):
        return tf.layers.dense(features, classes)
'''

ORIGINAL_TRAIN = '''
import tensorflow as tf

from net import tower


def main():
    features = tf.placeholder(tf.float32, [None, 6], name="features")
    logits = tower(features, width=4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(logits)
'''

PYPROJECT = '''
[tool.tf1migrate.verify."net:mlp"]
args = { hidden = "8", out = "3" }
inputs = { x = "float32[2, 5]" }
'''

MIGRATED_NET = '''
import tensorflow as tf
import tf1compat


def mlp(x, hidden=8, out=3, scope="mlp"):
    """Dense -> relu -> dense, scaled by a free weight."""
    with tf.compat.v1.variable_scope(scope):
        h = tf1compat.layers.dense(x, hidden, activation=tf.nn.relu, name="fc1")
        h = tf1compat.layers.dense(h, out, name="fc2")
        normal = tf.compat.v1.random_normal_initializer()
        scale = tf.compat.v1.get_variable("scale", [out], initializer=normal)
        return h * scale


def mlp_renamed_scope(x, hidden, out):
    with tf.compat.v1.variable_scope("mlp_v2"):
        h = tf1compat.layers.dense(x, hidden, activation=tf.nn.relu, name="fc1")
        h = tf1compat.layers.dense(h, out, name="fc2")
        return h * tf.compat.v1.get_variable("scale", [out])


def mlp_swapped_kernel(x, hidden, out):
    with tf.compat.v1.variable_scope("mlp"):
        kernel = tf.compat.v1.get_variable("fc1/kernel", [hidden, x.shape[-1]])
        bias = tf.compat.v1.get_variable("fc1/bias", [hidden], initializer=tf.zeros_initializer())
        h = tf.nn.relu(tf.matmul(x, kernel, transpose_b=True) + bias)
        h = tf1compat.layers.dense(h, out, name="fc2")
        return h * tf.compat.v1.get_variable("scale", [out])


def mlp_dropped_bias(x, hidden, out):
    with tf.compat.v1.variable_scope("mlp"):
        h = tf1compat.layers.dense(x, hidden, activation=tf.nn.relu, name="fc1")
        h = tf1compat.layers.dense(h, out, use_bias=False, name="fc2")
        return h * tf.compat.v1.get_variable("scale", [out])


def mlp_extra_variable(x, hidden, out):
    with tf.compat.v1.variable_scope("mlp"):
        h = tf1compat.layers.dense(x, hidden, activation=tf.nn.relu, name="fc1")
        h = tf1compat.layers.dense(h, out, name="fc2")
        offset = tf.compat.v1.get_variable("offset", [out], initializer=tf.zeros_initializer())
        return h * tf.compat.v1.get_variable("scale", [out]) + offset


def mlp_wrong_activation(x, hidden, out):
    with tf.compat.v1.variable_scope("mlp"):
        h = tf1compat.layers.dense(x, hidden, activation=tf.nn.tanh, name="fc1")
        h = tf1compat.layers.dense(h, out, name="fc2")
        return h * tf.compat.v1.get_variable("scale", [out])


def tower(features, width=4):
    with tf.compat.v1.variable_scope("tower"):
        return tf1compat.layers.dense(features, width, name="proj")


def head(features, classes):
    with tf.compat.v1.variable_scope("head"):
        return tf1compat.layers.dense(features, classes)


class MlpLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "mlp"

    def __init__(self, hidden=8, out=3, scope="mlp", **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.out, self.scope = hidden, out, scope

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden, "out": self.out, "scope": self.scope}

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return mlp(x, hidden=self.hidden, out=self.out, scope=self.scope)

'''

_BROKEN = {
    "RenamedScopeLayer": "mlp_renamed_scope",
    "SwappedKernelLayer": "mlp_swapped_kernel",
    "DroppedBiasLayer": "mlp_dropped_bias",
    "ExtraVariableLayer": "mlp_extra_variable",
    "WrongActivationLayer": "mlp_wrong_activation",
}
BROKEN_LAYERS = tuple(f"net:{name}" for name in _BROKEN)

MIGRATED_TAIL = "".join(
    f'''

class {name}(tf1compat.MigratedLayer):
    tf1migrate_wraps = "mlp"

    def __init__(self, hidden=8, out=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.out = hidden, out

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return {function}(x, self.hidden, self.out)
'''
    for name, function in _BROKEN.items()
) + '''

class MlpModule(tf1compat.MigratedModule):
    tf1migrate_wraps = "mlp"

    def __init__(self, hidden=8, out=3, scope="mlp", name=None):
        super().__init__(name=name)
        self.hidden, self.out, self.scope = hidden, out, scope

    @tf1compat.track_tf1_style_variables
    def __call__(self, x):
        return mlp(x, hidden=self.hidden, out=self.out, scope=self.scope)


class TowerLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "tower"

    def __init__(self, width=4, **kwargs):
        super().__init__(**kwargs)
        self.width = width

    @tf1compat.track_tf1_style_variables
    def call(self, features, training=None):
        return tower(features, width=self.width)


class HeadLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "head"

    def __init__(self, classes, **kwargs):
        super().__init__(**kwargs)
        self.classes = classes

    @tf1compat.track_tf1_style_variables
    def call(self, features, training=None):
        return head(features, self.classes)
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def write_pair(root: Path) -> tuple[Path, Path]:
    """``root/original`` (TF1) and ``root/migrated`` (wrappers), each with its pyproject."""
    original, migrated = root / "original", root / "migrated"
    write(original / "net.py", ORIGINAL_NET)
    write(original / "train.py", ORIGINAL_TRAIN)
    write(original / "pyproject.toml", PYPROJECT)
    write(migrated / "net.py", MIGRATED_NET + MIGRATED_TAIL)
    write(migrated / "train.py", ORIGINAL_TRAIN)
    write(migrated / "pyproject.toml", PYPROJECT)
    return original, migrated
