"""tf1compat.slim.model_analyzer prints and returns what the genuine tf-slim's does.

TF1 scripts call ``slim.model_analyzer.analyze_vars(tf.trainable_variables(), print_info=True)``
beside their model (the GAN zoo's ``show_all_variables``); the migrated call must keep working,
on TF1 graph variables and on a migrated layer's variables alike.
"""

from __future__ import annotations

import contextlib
import io

import tensorflow as tf

import tf1compat
from tests.runtime_contrib.harness import GENUINE_SLIM

SHAPES = {"G/fc/weights": [4, 8], "G/fc/biases": [8], "G/bn/moving_mean": [8], "step": []}

CASE = GENUINE_SLIM + f"""
import contextlib
import io


def run():
    slim = genuine_slim()
    graph = tf.Graph()
    with graph.as_default():
        variables = [
            tf.compat.v1.get_variable(name, shape, dtype=tf.int64 if name == "step" else tf.float32)
            for name, shape in {SHAPES!r}.items()
        ]
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            totals = slim.model_analyzer.analyze_vars(variables, print_info=True)
        silent = slim.model_analyzer.analyze_vars(variables)
        description = slim.model_analyzer.tensor_description(
            tf.compat.v1.placeholder(tf.float32, [None, 3])
        )
    return {{"text": text.getvalue(), "totals": totals, "silent": silent,
             "description": description}}
"""

ORACLE_CASES = {"runtime_contrib/model_analyzer": CASE}


def _variables():
    class Model(tf.keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, x):
            return [
                tf.compat.v1.get_variable(name, shape, dtype=tf.int64 if name == "step" else tf.float32)
                for name, shape in SHAPES.items()
            ]

    return Model()(tf.zeros([1]))


def test_analyze_vars_prints_and_counts_as_tf_slim(oracle):
    reference = oracle["runtime_contrib/model_analyzer"]
    variables = _variables()
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        totals = tf1compat.slim.model_analyzer.analyze_vars(variables, print_info=True)
    assert text.getvalue() == reference["text"]
    assert totals == tuple(reference["totals"]) == (49, 200)
    assert tf1compat.slim.model_analyzer.analyze_vars(variables) == tuple(reference["silent"])


def test_unknown_dimensions_are_described_as_tf_slim_does(oracle):
    reference = oracle["runtime_contrib/model_analyzer"]
    spec = tf.TensorSpec([None, 3], tf.float32)

    class Described:
        dtype = spec.dtype

        def get_shape(self):
            return spec.shape

    assert tf1compat.slim.model_analyzer.tensor_description(Described()) == reference["description"]
