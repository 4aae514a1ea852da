"""Our decorator on tf-keras layers (``TF_USE_LEGACY_KERAS=1``), in a child process.

tf-keras layers are ``tf.Module``s: the store attribute makes their variables visible and
regularizers become callable losses, as in the original.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    import json
    import numpy as np
    import tensorflow as tf
    import tf1compat
    import tf_keras
    v1 = tf.compat.v1
    assert tf.keras.layers.Layer is tf_keras.layers.Layer

    class Legacy(tf.keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            with v1.variable_scope(None, default_name="dense"):
                k = v1.get_variable("kernel", [inputs.shape[-1], 2],
                                    initializer=v1.ones_initializer(),
                                    regularizer=lambda w: tf.reduce_sum(w))
            tf1compat.hooks.add_activity_loss(tf.constant(0.5))
            return tf.matmul(inputs, k)

    layer = Legacy()
    out = layer(tf.ones([1, 3]))
    layer(tf.ones([1, 3]))
    second = Legacy()
    second(tf.ones([1, 3]))

    inputs = tf.keras.Input((3,))
    model = tf.keras.Model(inputs, Legacy()(inputs))
    model.compile("sgd", "mse")
    history = model.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=2, verbose=0)
    print("RESULT " + json.dumps({
        "output": np.asarray(out).tolist(),
        "weights": sorted(w.name for w in layer.weights),
        "trainable": len(layer.trainable_weights),
        "losses": sorted(float(x) for x in layer.losses),
        "second": sorted(tf1compat.tf1_variables(second)),
        "model_weights": sorted(w.name for w in model.weights),
        "fit_losses": history.history["loss"],
    }))
''')


@pytest.mark.slow
def test_decorator_on_tf_keras_layers():
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2",
               CUDA_VISIBLE_DEVICES="")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(l for l in proc.stdout.splitlines() if l.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    assert result["output"] == [[3.0, 3.0]]
    assert result["weights"] == ["dense/kernel:0"]
    assert result["trainable"] == 1
    # the kernel's regularizer (6.0, once) and the latest call's activity loss (0.5)
    assert result["losses"] == [0.5, 6.0]
    assert result["second"] == ["dense/kernel"]
    assert result["model_weights"] == ["dense/kernel:0"]
    assert result["fit_losses"][-1] < result["fit_losses"][0]
