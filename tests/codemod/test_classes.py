"""Classes wrapped as a whole: placeholders made in __init__, outputs kept on self, forward
methods (issue 12). The fixture repos `classes` and `graphs` run the same patterns end to end
(goldens, the e2e names check, and verify's numerics against the TF1 originals)."""

from __future__ import annotations

from textwrap import dedent

from tests.codemod.test_index import index_of, root_keys
from tf1migrate.passes import migrate_sources

TUTORIAL = {
    "model.py": '''
import tensorflow as tf

class Classifier(object):
    def __init__(self, n_words, n_classes, width=4):
        self.input_x = tf.placeholder(tf.int32, [None, n_words], name="input_x")
        self.input_y = tf.placeholder(tf.float32, [None, n_classes], name="input_y")
        self.dropout_keep_prob = tf.placeholder(tf.float32, name="dropout_keep_prob")
        self.is_training = tf.placeholder(tf.bool, name="is_training")
        self.n_classes = n_classes
        with tf.name_scope("embedding"):
            self.W = tf.Variable(tf.random_uniform([30, width], -1.0, 1.0), name="W")
            self.embedded = tf.nn.embedding_lookup(self.W, self.input_x)
        self.pooled = self._pool()
        self.hidden = tf.nn.dropout(self.pooled, self.dropout_keep_prob)
        self.scores = tf.layers.dense(self.hidden, n_classes, name="out")
        self.normed = tf.layers.batch_normalization(self.scores, training=self.is_training)
        self.shape = self.scores.get_shape().as_list()
        self.loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(logits=self.scores, labels=self.input_y)
        )
        self.variables = tf.trainable_variables()

    def _pool(self):
        return tf.reduce_max(self.embedded, axis=1)
''',
}


def _migrate(files: dict[str, str]) -> dict:
    return migrate_sources({path: dedent(source) for path, source in files.items()})


def test_placeholders_made_in_init_become_call_inputs_with_their_feed_policy():
    index = index_of(TUTORIAL)
    (root,) = index.roots_in("model")
    assert root.kind == "init"
    feeds = {feed.key: feed for feed in root.feeds}
    assert list(feeds) == ["input_x", "input_y", "dropout_keep_prob", "is_training"]
    assert feeds["input_x"].default is None  # every output needs it: required
    assert feeds["input_y"].default == "None" and feeds["input_y"].omits == ("loss",)
    assert feeds["dropout_keep_prob"].default == "1.0"  # zeros would drop everything
    assert feeds["is_training"].from_training
    # tensors only: no placeholder, variable, configuration copy, shape list or collection
    assert root.outputs == ("embedded", "pooled", "hidden", "scores", "normed", "loss")
    # a placeholder of a class's construction is its input, not a mark of training code
    assert "model:Classifier.__init__" not in index.training_code


def test_the_generated_call_feeds_the_placeholders_and_leaves_out_what_needs_labels():
    result = _migrate(TUTORIAL)["model.py"]
    code = result.code
    assert "def call(self, input_x, input_y=None, dropout_keep_prob=1.0, training=None):" in code
    assert (
        "with tf1compat.feed_placeholders({\n"
        "            'input_x': input_x,\n"
        "            'input_y': input_y,\n"
        "            'dropout_keep_prob': dropout_keep_prob,\n"
        "            'is_training': False if training is None else training,\n"
        "        }):"
    ) in code
    assert "if input_y is not None:\n            outputs['loss'] = built.loss" in code
    assert "self.classifier = built" in code
    assert (
        'tf1compat.placeholder(tf.int32, [None, n_words], name="input_x", feed="input_x")'
        in code
    )
    assert 'tf1compat.placeholder(tf.bool, name="is_training", feed="is_training")' in code
    # the placeholders are handled: no "feed it through a Session" finding on them
    assert not [f for f in result.findings if f.rule == "TFM402"]
    (wrap,) = [f for f in result.findings if f.rule == "TFM303"]
    assert "`input_y` (optional; without it the layer leaves out loss)" in wrap.message


def test_migrating_the_migrated_class_again_changes_nothing():
    once = _migrate(TUTORIAL)["model.py"].code
    assert migrate_sources({"model.py": once})["model.py"].code == once


def test_placeholder_assigned_to_no_name_is_reported_not_wrapped():
    files = {
        "net.py": '''
import tensorflow as tf

class Net(object):
    def __init__(self, units):
        self.inputs = [tf.placeholder(tf.float32, [None, 3])]
        self.out = tf.layers.dense(self.inputs[0], units)
''',
    }
    index = index_of(files)
    assert root_keys(index) == set()
    decision = index.decisions["net:Net.__init__"]
    assert decision.verdict == "not-a-layer"
    assert "not assigned to a name" in decision.explain()
    finding = next(f for f in _migrate(files)["net.py"].findings if f.rule == "TFM305")
    assert "assign it (`self.inputs = tf.placeholder(...)`)" in finding.message


def test_placeholders_in_a_method_no_constructor_runs_are_training_code():
    files = {
        "net.py": '''
import tensorflow as tf

class Net(object):
    def __init__(self, x):
        self.out = tf.layers.dense(x, 2, name="fc")

    def export(self):
        x = tf.placeholder(tf.float32, [None, 3])
        return tf.layers.dense(x, 2, name="fc", reuse=True)
''',
    }
    index = index_of(files)
    assert "net:Net.export" in index.training_code
    assert root_keys(index) == {"net:Net.__init__"}


LSTM_POLICY = {
    "policy.py": '''
import numpy as np
import tensorflow as tf

def dense(x, size, name):
    w = tf.get_variable(name + "/w", [x.get_shape()[1], size])
    return tf.matmul(x, w)

class Policy(object):
    def __init__(self, n_in, n_actions):
        self.x = x = tf.placeholder(tf.float32, [None, n_in])
        cell = tf.nn.rnn_cell.BasicLSTMCell(8)
        self.state_size = cell.state_size
        self.state_init = [np.zeros((1, 8), np.float32)]
        c_in = tf.placeholder(tf.float32, [1, cell.state_size.c])
        h_in = tf.placeholder(tf.float32, [1, cell.state_size.h])
        self.state_in = [c_in, h_in]
        out, state = tf.nn.dynamic_rnn(
            cell, tf.expand_dims(x, [0]), initial_state=tf.nn.rnn_cell.LSTMStateTuple(c_in, h_in)
        )
        c, h = state
        self.logits = dense(tf.reshape(out, [-1, 8]), n_actions, "action")
        self.state_out = [c[:1, :], h[:1, :]]
        self.var_list = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)

    def act(self, ob, c, h):
        sess = tf.get_default_session()
        return sess.run([self.logits] + self.state_out, {self.x: [ob]})
''',
}


def test_state_placeholders_of_known_shape_default_to_zeros_and_sessions_stay_out():
    index = index_of(LSTM_POLICY)
    (root,) = index.roots_in("policy")
    feeds = {feed.key: feed for feed in root.feeds}
    assert feeds["x"].default is None
    assert feeds["c_in"].default == "None" and not feeds["c_in"].omits  # zeros of its shape
    assert root.outputs == ("logits", "state_out")
    assert root.methods == ()  # act() runs a Session: not a forward method
    # the helper stays a helper of the class's layer, and says so
    assert index.decisions["policy:dense"].verdict == "helper"


VARIABLE_HOLDER = {
    "net.py": '''
import tensorflow as tf

class Stack(object):
    def __init__(self, widths):
        self.widths = widths
        self.kernels = self._create_variables()

    def _create_variables(self):
        found = []
        with tf.variable_scope("stack"):
            for index, width in enumerate(self.widths):
                found.append(tf.get_variable("k%d" % index, [width, width]))
        return found

    def predict(self, x):
        for kernel in self.kernels:
            x = tf.matmul(x, kernel)
        return x

    def build(self, x):
        return tf.nn.relu(self.predict(x))

    def sizes(self):
        return list(self.widths)
''',
}


def test_a_class_holding_variables_runs_its_forward_method_and_exposes_the_others():
    index = index_of(VARIABLE_HOLDER)
    (root,) = index.roots_in("net")
    assert root.forward == "predict"
    assert [p.name for p in root.forward_params] == ["x"]
    assert [name for name, _ in root.methods] == ["build"]  # sizes() takes no tensor
    code = _migrate(VARIABLE_HOLDER)["net.py"].code
    assert "    def call(self, x, training=None):\n" in code
    assert "        return built.predict(x)\n" in code
    # `build` is a Keras Layer method: the exposed one is renamed, and builds the object itself
    assert (
        "    @tf1compat.track_tf1_style_variables\n"
        "    def tf1_build(self, x):\n"
        "        built = Stack(self.widths)\n"
        "        self.stack = built\n"
        "        return built.build(x)\n"
    ) in code
    decision = index.decisions["net:Stack.__init__"]
    assert "creates the variables its forward method `predict` uses" in decision.explain()
    assert "a step of building `Stack`" in index.decisions["net:Stack._create_variables"].explain()


def test_exposed_method_of_a_class_built_from_inputs_runs_on_the_last_built_object():
    files = {
        "vae.py": '''
import tensorflow as tf

class VAE(object):
    def __init__(self, x, latent=2):
        self.width = x.shape[-1]
        with tf.variable_scope("encoder"):
            self.z = tf.layers.dense(x, latent, name="mu")

    def decode(self, z):
        with tf.variable_scope("decoder", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(z, self.width, name="out")
''',
    }
    code = _migrate(files)["vae.py"].code
    assert "return {'z': built.z}" in code
    assert (
        "    def decode(self, z):\n"
        "        if self.vae is None:\n"
        "            raise ValueError(\n"
    ) in code
    assert "        built = self.vae\n        return built.decode(z)\n" in code


def test_class_without_outputs_or_forward_method_is_reported_with_what_to_do():
    files = {
        "net.py": '''
import tensorflow as tf

class Holder(object):
    def __init__(self, width):
        with tf.variable_scope("holder"):
            self.w = tf.get_variable("w", [width, width])
''',
    }
    decision = index_of(files).decisions["net:Holder.__init__"]
    assert decision.verdict == "not-a-layer"
    assert "no public method that runs it on tensors" in decision.explain()
    assert "def predict(self, x)" in decision.advice


CONTRIB_HELPERS = {
    "utils.py": '''
import tensorflow as tf
import tensorflow.contrib.slim as slim

def show_all_variables():
    slim.learning.train(train_op, logdir)
''',
    "ops.py": '''
import tensorflow as tf
from tensorflow.contrib import layers

def norm(x, name):
    return layers.layer_norm(x, scope=name)
''',
    "model.py": '''
import tensorflow as tf
from utils import show_all_variables
from ops import norm

def generator(z, reuse=False):
    with tf.variable_scope("generator", reuse=reuse):
        h = tf.layers.dense(z, 8, name="fc")
        return norm(h, "ln")

def head(x):
    with tf.variable_scope("head"):
        return tf.contrib.seq2seq.hardmax(tf.layers.dense(x, 3, name="out"))
''',
}


def test_what_keeps_a_layer_from_running_is_reported_at_the_import_and_at_the_layer():
    results = _migrate(CONTRIB_HELPERS)
    (kept,) = [f for f in results["utils.py"].findings if f.rule == "TFM306"]
    assert kept.line == 3
    assert "`tf.contrib.slim.learning.train` (line 6) has no mapping" in kept.message
    assert "model.py: generator, model.py: head" in kept.message
    # ops.py's contrib use is mapped, so its import goes and blocks nothing
    assert not [f for f in results["ops.py"].findings if f.rule == "TFM306"]
    assert "tensorflow.contrib" not in results["ops.py"].code
    blocked = {f.message.split("`")[1]: f for f in results["model.py"].findings
               if f.rule == "TFM306"}
    assert set(blocked) == {"generator", "head"}
    assert "`utils`, which its module imports, keeps its tf.contrib import of `slim` " \
           "(utils.py:3)" in blocked["generator"].message
    assert "its code calls `tf.contrib.seq2seq.hardmax` (model.py:13)" in blocked["head"].message
