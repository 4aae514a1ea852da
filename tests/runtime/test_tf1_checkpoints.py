"""Name-based TF1 checkpoints in both directions (contract 5.12)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1
INPUT = np.arange(12, dtype=np.float32).reshape(3, 4) / 10.0


def mlp(x, units=5, kernel="kernel", bias="bias"):
    """TF1 model code with random (glorot) kernels: equal outputs need the checkpoint."""
    with v1.variable_scope("mlp"):
        for i in range(2):
            with v1.variable_scope(f"layer{i}"):
                w = v1.get_variable(kernel, [x.shape[-1], units])
                b = v1.get_variable(bias, [units], initializer=v1.random_normal_initializer())
                x = tf.tanh(tf.matmul(x, w) + b)
    return x


def write_tf1_checkpoint(directory, **mlp_kwargs):
    """A TF1 graph + Saver, as a TF1 training script would have left it."""
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        out = mlp(x, **mlp_kwargs)
        v1.train.get_or_create_global_step()
        saver = v1.train.Saver()
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            expected = sess.run(out, {x: INPUT})
            path = saver.save(sess, str(directory / "model.ckpt"), global_step=7)
    return path, expected


class MlpLayer(keras.layers.Layer):
    def __init__(self, units=5, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return mlp(inputs, self.units)


class MlpModule(tf.Module):
    @tf1compat.track_tf1_style_variables
    def __call__(self, inputs):
        return mlp(inputs)


VARIABLES = ["mlp/layer0/bias", "mlp/layer0/kernel", "mlp/layer1/bias", "mlp/layer1/kernel"]


@pytest.mark.parametrize("make", [MlpLayer, MlpModule], ids=["keras_layer", "module"])
def test_tf1_saver_checkpoint_restores_into_decorated_objects(tmp_path, make):
    path, expected = write_tf1_checkpoint(tmp_path)
    obj = make()
    obj(INPUT)
    report = tf1compat.load_tf1_checkpoint(obj, path)
    assert sorted(report.loaded) == VARIABLES
    assert report.missing == [] and report.shape_mismatched == []
    assert report.unexpected == ["global_step"]
    np.testing.assert_allclose(obj(INPUT), expected, rtol=1e-5, atol=1e-6)


def test_directory_means_latest_checkpoint(tmp_path):
    path, expected = write_tf1_checkpoint(tmp_path)
    layer = MlpLayer()
    layer(INPUT)
    tf1compat.load_tf1_checkpoint(layer, tmp_path)
    np.testing.assert_allclose(layer(INPUT), expected, rtol=1e-5, atol=1e-6)


def test_missing_and_mismatched_are_reported_and_strict_raises(tmp_path):
    path, _ = write_tf1_checkpoint(tmp_path, units=6)

    class Wider(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            out = mlp(inputs, 5)
            return out * v1.get_variable("extra/scale", [], initializer=v1.ones_initializer())

    layer = Wider()
    layer(INPUT)
    before = {n: v.numpy() for n, v in tf1compat.tf1_variables(layer).items()}
    with pytest.raises(ValueError) as raised:
        tf1compat.load_tf1_checkpoint(layer, path)
    message = str(raised.value)
    assert "extra/scale" in message and "mlp/layer0/kernel" in message
    for name, value in tf1compat.tf1_variables(layer).items():  # strict assigns nothing
        np.testing.assert_array_equal(value.numpy(), before[name])

    report = tf1compat.load_tf1_checkpoint(layer, path, strict=False)
    assert report.missing == ["extra/scale"]
    # layer0/kernel is [4, 5] vs [4, 6]; the others differ too except nothing fits
    mismatched = {m.name: (m.expected, m.found) for m in report.shape_mismatched}
    assert mismatched["mlp/layer0/kernel"] == ((4, 5), (4, 6))
    assert set(mismatched) == set(VARIABLES)
    assert report.loaded == [] and report.unexpected == ["global_step"]
    assert not report.ok


def test_rename_components_for_old_checkpoints(tmp_path):
    path, expected = write_tf1_checkpoint(tmp_path, kernel="weights", bias="biases")
    layer = MlpLayer()
    layer(INPUT)
    with pytest.raises(ValueError, match="missing"):
        tf1compat.load_tf1_checkpoint(layer, path)
    report = tf1compat.load_tf1_checkpoint(layer, path, rename={"weights": "kernel",
                                                                "biases": "bias"})
    assert sorted(report.loaded) == VARIABLES
    np.testing.assert_allclose(layer(INPUT), expected, rtol=1e-5, atol=1e-6)


def test_rename_callable(tmp_path):
    path, expected = write_tf1_checkpoint(tmp_path)
    layer = MlpLayer()
    layer(INPUT)
    report = tf1compat.load_tf1_checkpoint(
        layer, path, rename=lambda name: None if name == "global_step" else name)
    assert report.unexpected == ["global_step"] and len(report.loaded) == 4


def test_loading_before_the_first_call_is_an_error(tmp_path):
    path, _ = write_tf1_checkpoint(tmp_path)
    with pytest.raises(ValueError, match="call it"):
        tf1compat.load_tf1_checkpoint(MlpLayer(), path)


def test_our_checkpoint_restores_in_a_tf1_graph(tmp_path):
    layer = MlpLayer()
    expected = layer(INPUT).numpy()
    prefix = tf1compat.save_tf1_checkpoint(layer, tmp_path / "export" / "model.ckpt")
    assert sorted(name for name, _ in tf.train.list_variables(prefix)) == VARIABLES
    assert tf.train.latest_checkpoint(str(tmp_path / "export")) == prefix

    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 4])
        out = mlp(x)
        with v1.Session(graph=graph) as sess:
            v1.train.Saver().restore(sess, prefix)
            np.testing.assert_allclose(sess.run(out, {x: INPUT}), expected, rtol=1e-5, atol=1e-6)


def test_checkpoint_round_trip_between_layer_and_module(tmp_path):
    layer = MlpLayer()
    expected = layer(INPUT).numpy()
    prefix = tf1compat.save_tf1_checkpoint(layer, tmp_path / "m.ckpt")
    module = MlpModule()
    module(INPUT)
    tf1compat.load_tf1_checkpoint(module, prefix)
    np.testing.assert_allclose(module(INPUT), expected, rtol=1e-5, atol=1e-6)
