"""``tf1compat.placeholder`` / ``feed_placeholders``: a model class's own placeholders fed from a
migrated layer's call (issue 12). The numbers against a TF1 graph fed through ``feed_dict`` are
checked by ``tests/verify/test_fixtures.py`` on the ``classes`` fixture; these tests pin the
runtime's rules."""

from __future__ import annotations

import threading

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tf1compat.placeholders import stand_in_shape

v1 = tf.compat.v1

pytestmark = pytest.mark.tf


def test_outside_a_feeding_block_it_is_tf1s_placeholder():
    with tf.Graph().as_default():
        x = tf1compat.placeholder(tf.float32, [None, 3], name="x", feed="x")
        assert x.op.type == "Placeholder" and x.op.name == "x"
        with tf1compat.feed_placeholders({"other": None}):  # a block without its key
            y = tf1compat.placeholder(tf.float32, [2], feed="y")
        assert y.op.type == "Placeholder"


def test_a_fed_key_is_its_value_converted_and_shape_checked():
    ids = np.array([[1, 2, 3]], np.int64)
    with tf1compat.feed_placeholders({"ids": ids, "mask": tf.ones([1, 3], tf.int64)}):
        fed = tf1compat.placeholder(tf.int32, [None, 3], feed="ids")
        mask = tf1compat.placeholder(tf.float32, [None, 3], feed="mask")
    assert fed.dtype == tf.int32 and fed.numpy().tolist() == [[1, 2, 3]]
    assert mask.dtype == tf.float32  # a numeric tensor of another dtype is cast
    with tf1compat.feed_placeholders({"ids": np.zeros([1, 4], np.int32)}):
        with pytest.raises(ValueError, match=r"placeholder 'ids' has shape \[None, 3\]"):
            tf1compat.placeholder(tf.int32, [None, 3], feed="ids")
    with tf1compat.feed_placeholders({"flag": tf.constant("yes")}):
        with pytest.raises(TypeError, match="placeholder 'flag' is float32"):
            tf1compat.placeholder(tf.float32, [], feed="flag")


def test_an_unfed_key_stands_in_as_zeros_sharing_the_fed_inputs_unknown_dimensions():
    with tf1compat.feed_placeholders({"x": tf.ones([5, 7]), "labels": None, "state": None,
                                      "rate": None}):
        tf1compat.placeholder(tf.float32, [None, None], feed="x")
        labels = tf1compat.placeholder(tf.float32, [None, 2], feed="labels")
        state = tf1compat.placeholder(tf.float32, [1, 4], feed="state")
        rate = tf1compat.placeholder(tf.float32, feed="rate")
    assert labels.shape == (5, 2) and not labels.numpy().any()
    assert state.shape == (1, 4)
    assert rate.shape == ()  # unknown rank: a scalar
    # the rule itself, as verify's reference child applies it to numpy arrays
    assert stand_in_shape([None, None, 3], [([None, None], np.zeros([2, 8]))]) == [2, 8, 3]
    assert stand_in_shape([None, None], [([None, 8], np.zeros([2, 8]))]) == [2, 1]
    assert stand_in_shape([None, 3], []) == [1, 3]


def test_placeholder_with_default_unfed_is_its_default():
    with tf1compat.feed_placeholders({"training": None, "p": tf.constant(0.5)}):
        flag = tf1compat.placeholder_with_default(False, [], feed="training")
        p = tf1compat.placeholder_with_default(1.0, [], feed="p")
    assert flag.numpy() is np.False_ or not flag.numpy()
    assert float(p) == 0.5


def test_blocks_nest_and_belong_to_their_thread():
    seen = {}

    def other_thread():
        with tf.Graph().as_default():
            seen["other"] = tf1compat.placeholder(tf.float32, [1], feed="x").op.type

    with tf1compat.feed_placeholders({"x": tf.ones([1])}):
        with tf1compat.feed_placeholders({"x": tf.zeros([1])}):
            inner = tf1compat.placeholder(tf.float32, [1], feed="x")
        outer = tf1compat.placeholder(tf.float32, [1], feed="x")
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert float(inner[0]) == 0.0 and float(outer[0]) == 1.0
    assert seen["other"] == "Placeholder"


class Tutorial:
    """The text-CNN tutorial's shape: placeholders and a raw tf.Variable in __init__."""

    def __init__(self, n_words, n_classes):
        self.input_x = tf1compat.placeholder(tf.int32, [None, n_words], feed="input_x")
        self.input_y = tf1compat.placeholder(tf.float32, [None, n_classes], feed="input_y")
        with tf.name_scope("embedding"):
            self.W = tf.Variable(tf.random.uniform([10, n_classes], -1.0, 1.0), name="W")
        self.scores = tf.reduce_sum(tf.nn.embedding_lookup(self.W, self.input_x), axis=1)
        self.loss = tf.reduce_mean(tf.square(self.scores - self.input_y))


class TutorialLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "Tutorial"
    tf1migrate_input_dtype = "int32"

    def __init__(self, n_words, n_classes, **kwargs):
        super().__init__(**kwargs)
        self.n_words, self.n_classes = n_words, n_classes
        self.tutorial = None

    @tf1compat.track_tf1_style_variables
    def call(self, input_x, input_y=None, training=None):
        with tf1compat.feed_placeholders({"input_x": input_x, "input_y": input_y}):
            built = Tutorial(self.n_words, self.n_classes)
        self.tutorial = built
        outputs = {"scores": built.scores}
        if input_y is not None:
            outputs["loss"] = built.loss
        return outputs


def test_a_generated_style_layer_runs_eagerly_in_tf_function_and_in_a_functional_model():
    layer = TutorialLayer(4, 3)
    ids = tf.constant([[1, 2, 3, 4], [5, 6, 7, 8]], tf.int32)
    eager = layer(ids)
    assert set(eager) == {"scores"}
    assert sorted(tf1compat.tf1_variables(layer)) == ["embedding/W"]
    assert set(layer(ids, input_y=tf.zeros([2, 3]))) == {"scores", "loss"}
    traced = tf.function(lambda x: layer(x)["scores"])(ids)
    np.testing.assert_allclose(traced.numpy(), eager["scores"].numpy())
    inputs = keras.Input(shape=(4,), dtype="int32")
    model = keras.Model(inputs, layer(inputs)["scores"])
    np.testing.assert_allclose(model(ids).numpy(), eager["scores"].numpy())
    assert len(layer.weights) == 1  # one variable on every call, trace and model
    assert isinstance(layer.tutorial, Tutorial)
