"""tf1compat.tensor_name: TF1 `.name` where there is one, a stable string for eager tensors."""

from __future__ import annotations

import tensorflow as tf

import tf1compat
from tf1compat.utils import tensor_name


def test_graph_tensors_and_variables_keep_their_tf1_name_exactly() -> None:
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="input_ids")
        with tf.compat.v1.variable_scope("bert"):
            w = tf.compat.v1.get_variable("w", [3])
        y = tf.matmul(x, tf.reshape(w, [3, 1]))
        assert tensor_name(x) == x.name == "input_ids:0"
        assert tensor_name(w) == w.name == "bert/w:0"
        assert tensor_name(y) == y.name


def test_eager_variables_keep_their_name() -> None:
    v = tf.Variable(1.0, name="bias")
    assert tensor_name(v) == v.name == "bias:0"


def test_eager_tensors_get_a_stable_description_instead_of_raising() -> None:
    a = tf.zeros([2, 3])
    b = tf.ones([2, 3])
    assert tensor_name(a) == "eager_tensor(shape=(2, 3), dtype=float32)"
    assert tensor_name(a) == tensor_name(b)  # depends on shape and dtype only
    assert tensor_name(tf.constant([1], dtype=tf.int32)) == "eager_tensor(shape=(1,), dtype=int32)"
    assert tensor_name(tf.constant(3.0)) == "eager_tensor(shape=(), dtype=float32)"


def test_symbolic_tensors_inside_tf_function_are_named_like_in_graph_mode() -> None:
    seen: list[str] = []

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="features")])
    def f(x: tf.Tensor) -> tf.Tensor:
        seen.append(tensor_name(x))
        return x

    f(tf.zeros([1, 4]))
    assert seen == ["features:0"]


def test_exported_lazily_from_the_package() -> None:
    assert tf1compat.tensor_name is tensor_name
    assert "tensor_name" in tf1compat.__all__
