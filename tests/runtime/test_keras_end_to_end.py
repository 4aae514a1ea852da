"""Keras 3 end to end: a generated-style layer in a functional model fits, saves, reloads.

The reload of the ``.keras`` file runs in a fresh process (plain Keras 3, no legacy env),
as a user's serving job would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tests.runtime.migrated_example import HPARAMS, ModelLayer, ModelModule, functional_model

REPO = Path(__file__).resolve().parents[2]
RNG = np.random.default_rng(0)
TOKENS = RNG.integers(0, HPARAMS["n_vocab"], size=(16, 6)).astype("int32")
TARGETS = np.roll(TOKENS, -1, axis=1)
TF1_NAMES = ["model/h0/b", "model/h0/w", "model/wte"]


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(1)
    model = functional_model()
    before = {n: v.numpy().copy() for n, v in tf1compat.tf1_variables(model).items()}
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(TOKENS, TARGETS, batch_size=8, epochs=4, verbose=0)
    return model, before, history.history["loss"]


def test_weights_are_visible_once_with_tf1_names(trained):
    model, _, _ = trained
    assert sorted(tf1compat.tf1_variables(model)) == TF1_NAMES
    assert len(model.weights) == len(model.trainable_weights) == 3
    assert len({id(w) for w in model.weights}) == 3
    assert len(model.losses) == 1  # model/h0/w's regularizer


def test_fit_lowers_the_loss_and_moves_every_variable(trained):
    model, before, losses = trained
    assert losses[-1] < losses[0]
    for name, variable in tf1compat.tf1_variables(model).items():
        assert not np.allclose(variable.numpy(), before[name]), name


def test_fit_under_xla():
    """compile()'s default "auto" picks XLA on accelerators only; force it on CPU too."""
    model = functional_model()
    before = {n: v.numpy().copy() for n, v in tf1compat.tf1_variables(model).items()}
    model.compile(optimizer=keras.optimizers.Adam(0.05), jit_compile=True,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert model.jit_compile
    losses = model.fit(TOKENS, TARGETS, batch_size=8, epochs=3, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    for name, variable in tf1compat.tf1_variables(model).items():
        assert not np.allclose(variable.numpy(), before[name]), name


def test_save_weights_round_trip(trained, tmp_path):
    model, _, _ = trained
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    fresh = functional_model()
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(TOKENS, verbose=0),
                                  model.predict(TOKENS, verbose=0))


def test_keras_file_reloads_in_a_fresh_process(trained, tmp_path):
    model, _, _ = trained
    path = tmp_path / "model.keras"
    model.save(path)
    np.save(tmp_path / "tokens.npy", TOKENS)
    script = textwrap.dedent(f"""
        import numpy as np, keras
        import tests.runtime.migrated_example  # registers ModelLayer, as user code would
        model = keras.models.load_model({str(path)!r})
        np.save({str(tmp_path / "reloaded.npy")!r},
                model.predict(np.load({str(tmp_path / "tokens.npy")!r}), verbose=0))
    """)
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Skipping variable loading" not in proc.stderr, proc.stderr[-3000:]
    np.testing.assert_array_equal(np.load(tmp_path / "reloaded.npy"),
                                  model.predict(TOKENS, verbose=0))


def test_keras_file_reloads_in_process_with_the_input_dtype(trained, tmp_path):
    model, _, _ = trained
    path = tmp_path / "again.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    layer = next(l for l in reloaded.layers if isinstance(l, ModelLayer))
    assert layer.get_build_config() == {
        "tf1compat_inputs": {"args": [{"shape": [None, 6], "dtype": "int32"}], "kwargs": {}}
    }
    np.testing.assert_array_equal(reloaded.predict(TOKENS, verbose=0),
                                  model.predict(TOKENS, verbose=0))


def test_build_creates_variables_before_the_first_call():
    layer = ModelLayer(HPARAMS)
    layer.build((None, 6))
    assert sorted(tf1compat.tf1_variables(layer)) == TF1_NAMES
    assert layer.built and len(layer.weights) == 3
    assert layer(TOKENS).shape == (16, 6, HPARAMS["n_vocab"])
    assert len(layer.weights) == 3


def test_generated_classes_are_registered_serializable():
    assert keras.saving.get_registered_object("tf1migrate>ModelLayer") is ModelLayer
    assert ModelLayer.tf1migrate_wraps == "model" and ModelModule.tf1migrate_wraps == "model"


def test_saved_model_export_of_layer_functional_model_and_module(tmp_path):
    layer = ModelLayer(HPARAMS)
    layer(TOKENS)
    tf.saved_model.save(layer, str(tmp_path / "layer"))

    model = functional_model()  # never called eagerly: the export traces it
    tf.saved_model.save(model, str(tmp_path / "functional"))
    loaded = tf.saved_model.load(str(tmp_path / "functional"))  # keep: signatures are weak
    (served,) = loaded.signatures["serving_default"](tf.constant(TOKENS)).values()
    np.testing.assert_allclose(served, model.predict(TOKENS, verbose=0), rtol=1e-5, atol=1e-6)

    module = ModelModule(HPARAMS)
    expected = module(TOKENS).numpy()
    module.serve = tf.function(module.__call__,
                               input_signature=[tf.TensorSpec([None, 6], tf.int32)])
    tf.saved_model.save(module, str(tmp_path / "module"))
    loaded_module = tf.saved_model.load(str(tmp_path / "module"))
    np.testing.assert_allclose(loaded_module.serve(TOKENS), expected, rtol=1e-5, atol=1e-6)


def test_tf_train_checkpoint_of_a_keras_layer(tmp_path):
    layer = ModelLayer(HPARAMS)
    expected = layer(TOKENS).numpy()
    path = tf.train.Checkpoint(layer=layer).write(str(tmp_path / "ckpt"))
    keys = {name for name, _ in tf.train.list_variables(path)}
    assert "layer/tf1compat.Smodel.Swte/.ATTRIBUTES/VARIABLE_VALUE" in keys
    fresh = ModelLayer(HPARAMS)
    fresh(TOKENS)
    tf.train.Checkpoint(layer=fresh).read(path).assert_existing_objects_matched()
    np.testing.assert_allclose(fresh(TOKENS), expected, rtol=1e-5, atol=1e-6)


def test_module_variables_and_regularization(tmp_path):
    module = ModelModule(HPARAMS)
    module(TOKENS)
    assert sorted(v.name for v in module.trainable_variables) == [n + ":0" for n in TF1_NAMES]
    assert sorted(module.tf1_variables()) == TF1_NAMES
    (loss,) = module.regularization_losses()
    w = module.tf1_variables()["model/h0/w"]
    assert float(loss) == pytest.approx(1e-3 * float(tf.reduce_sum(w * w)))
