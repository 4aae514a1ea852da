"""End to end on the shapes real TF1 repositories have: a tf.contrib / slim original, a `name`
parameter the wrapper stores as `tf1_name`, estimator-style dict inputs, configuration the
wrapper takes in `call`, and a spec inferred
from the placeholders a training class keeps as attributes. One run, so one child per side."""

from __future__ import annotations

import pytest

from tests.verify.repos import write
from tf1migrate.verify import run_verify, schedule
from tf1migrate.verify.model import Status
from tf1migrate.verify.workers import run_batch

ORIGINAL = '''
import tensorflow as tf
import tensorflow.contrib.slim as slim
from tensorflow.contrib import tpu  # for the training loop: the model never touches it
from tensorflow.contrib.framework.python.ops import add_arg_scope
from tensorflow.contrib.training.python.training import hparam
from tensorflow.compat.v1 import estimator as tf_estimator  # TF 2.16 dropped it


FLAGS = tf.app.flags.FLAGS  # hidden_units is defined in train.py, never imported by verify
# defined here too: verify's own definition (from the repository's DEFINE_* calls) yields to it
tf.app.flags.DEFINE_float("keep_prob", 0.5, "dropout keep probability")


def default_hparams():
    return tf.contrib.training.HParams(n_hidden=6, n_out=3)


def flagged(x):
    """gcn style: the width comes from a flag another script defines."""
    return tf.layers.dense(x, FLAGS.hidden_units, name="flagged") * FLAGS.keep_prob


def classifier(x, hparams, is_training=False):
    """slim + tf.contrib.layers + contrib arg_scope + contrib HParams."""
    with tf.contrib.framework.arg_scope([slim.fully_connected], activation_fn=tf.nn.relu):
        h = slim.fully_connected(x, hparams.n_hidden, scope="fc1")
        h = slim.dropout(h, 0.5, is_training=is_training)
        return tf.contrib.layers.fully_connected(h, hparams.n_out, activation_fn=None, scope="fc2")


def encoder(x, width, name=None):
    with tf.variable_scope(name, default_name="encoder"):
        return tf.layers.dense(x, width, name="proj")


@add_arg_scope
def gated(x, width, mode=tf.contrib.learn.ModeKeys.TRAIN):
    """contrib's internal import paths, contrib.learn's ModeKeys, contrib.framework.nest, and
    tf.estimator's ModeKeys."""
    config = hparam.HParams(scale=2.0)
    parts = tf.contrib.framework.nest.flatten({"a": x, "b": x})
    with tf.variable_scope("gated"):
        h = tf.layers.dense(tf.concat(parts, -1), width, name="proj")
        train = mode in (tf.contrib.learn.ModeKeys.TRAIN, tf_estimator.ModeKeys.TRAIN)
        return h * config.scale if train else h


def normed(x, is_training=False):
    """facenet style: slim batch norm as the normalizer, fed the training flag (tf-slim 1.1.0
    reads ops.Tensor there, which TF 2.21 lacks: the reference fits it back)."""
    return slim.fully_connected(x, 4, normalizer_fn=slim.batch_norm, scope="fc",
                                normalizer_params={"is_training": is_training, "scale": True,
                                "variables_collections": [tf.GraphKeys.TRAINABLE_VARIABLES]})


class Gan(object):
    """The GAN zoo's shape: __init__ loads MNIST, so a spec's `self` is a stand-in namespace."""

    def __init__(self, data_dir):
        raise IOError("loads MNIST from " + data_dir)

    def generator(self, z, is_training=True, reuse=False):
        with tf.variable_scope("generator", reuse=reuse):
            return self.project(z, self.width)

    def project(self, z, width):
        return tf.layers.dense(z, width, name="fc")


def shaped(x):
    """Its body says rank 2, nothing says 6 columns: the inferred [2, 8] cannot be reshaped."""
    x.shape.assert_has_rank(2)
    return tf.layers.dense(tf.reshape(x, [-1, 6]), 2, name="shaped")


def decoder(x):
    """contrib.seq2seq has no counterpart in the reference: this layer is an error, alone."""
    return tf.contrib.seq2seq.dynamic_decode(x)


def mixer(x, mems, width, dropout=0.5):
    """transformer-xl style: `mems` is None or the previous segment's memory."""
    with tf.variable_scope("mixer"):
        h = tf.layers.dense(x, width, name="proj") * (1.0 - dropout)
        return h if mems is None else h + mems


def model_fn(features, vocab, width=4):
    """Estimator-style: a dict of tensors."""
    with tf.variable_scope("bert"):
        table = tf.get_variable("word_embeddings", [vocab, width])
        embedded = tf.nn.embedding_lookup(table, features["input_ids"])
        mask = tf.expand_dims(features["input_mask"], -1)
        pooled = tf.reduce_sum(embedded * mask, axis=1)
        return {"pooled": tf.layers.dense(pooled, 2, name="pooler"), "mask_sum": tf.reduce_sum(mask)}
'''

MIGRATED = '''
import tensorflow as tf
import tf1compat
import tf1compat.slim as tslim

v1 = tf.compat.v1


FLAGS = v1.flags.FLAGS
v1.flags.DEFINE_float("keep_prob", 0.5, "dropout keep probability")


def flagged(x):
    return tf1compat.layers.dense(x, FLAGS.hidden_units, name="flagged") * FLAGS.keep_prob


class FlaggedLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "flagged"

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return flagged(x)


class _HParams:
    def __init__(self, **values):
        self.__dict__.update(values)


def default_hparams():
    return _HParams(n_hidden=6, n_out=3)


def _fully_connected(x, units, scope, activation=None):
    with v1.variable_scope(scope):
        w = v1.get_variable("weights", [x.shape[-1], units])
        b = v1.get_variable("biases", [units], initializer=v1.zeros_initializer())
        y = tf.matmul(x, w) + b
        return activation(y) if activation else y


def classifier(x, hparams, is_training=False):
    h = _fully_connected(x, hparams.n_hidden, "fc1", tf.nn.relu)
    if is_training:
        h = tf.nn.dropout(h, rate=0.5)
    return _fully_connected(h, hparams.n_out, "fc2")


def encoder(x, width, name=None):
    with v1.variable_scope(name, default_name="encoder"):
        return tf1compat.layers.dense(x, width, name="proj")


class ClassifierLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "classifier"

    def __init__(self, hparams, **kwargs):
        super().__init__(**kwargs)
        self.hparams = hparams

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return classifier(x, self.hparams, is_training=False if training is None else training)


def gated(x, width, mode="train"):
    parts = tf.nest.flatten({"a": x, "b": x})
    with v1.variable_scope("gated"):
        h = tf1compat.layers.dense(tf.concat(parts, -1), width, name="proj")
        return h * 2.0 if mode == "train" else h


class GatedLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "gated"

    def __init__(self, width, **kwargs):
        super().__init__(**kwargs)
        self.width = width

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return gated(x, self.width)


def normed(x, is_training=False):
    return tslim.fully_connected(x, 4, normalizer_fn=tslim.batch_norm, scope="fc",
                                 normalizer_params={"is_training": is_training, "scale": True,
                                 "variables_collections": [v1.GraphKeys.TRAINABLE_VARIABLES]})


class NormedLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "normed"

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return normed(x, is_training=False if training is None else training)


class Gan(object):
    def __init__(self, data_dir):
        raise IOError("loads MNIST from " + data_dir)

    def generator(self, z, is_training=True, reuse=False):
        with v1.variable_scope("generator", reuse=reuse):
            return self.project(z, self.width)

    def project(self, z, width):
        return tf1compat.layers.dense(z, width, name="fc")


class GanGeneratorLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "Gan.generator"

    def __init__(self, gan, reuse=False, **kwargs):
        super().__init__(**kwargs)
        self.gan = gan
        self.reuse = reuse

    @tf1compat.track_tf1_style_variables
    def call(self, z, training=None):
        return self.gan.generator(z, is_training=True if training is None else training, reuse=self.reuse)


def shaped(x):
    return tf1compat.layers.dense(tf.reshape(x, [-1, 6]), 2, name="shaped")


class ShapedLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "shaped"

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return shaped(x)


def decoder(x):
    return x


class DecoderLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "decoder"

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return decoder(x)


class EncoderLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "encoder"
    tf1migrate_renames = {"tf1_name": "name"}

    def __init__(self, width, tf1_name="enc", **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.tf1_name = tf1_name

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return encoder(x, self.width, name=self.tf1_name)


def mixer(x, mems, width, dropout=0.5):
    with v1.variable_scope("mixer"):
        h = tf1compat.layers.dense(x, width, name="proj") * (1.0 - dropout)
        return h if mems is None else h + mems


class MixerLayer(tf1compat.MigratedLayer):
    """The codemod took `mems` for a call input; the spec gives it as configuration."""

    tf1migrate_wraps = "mixer"

    def __init__(self, width, **kwargs):
        super().__init__(**kwargs)
        self.width = width

    @tf1compat.track_tf1_style_variables
    def call(self, x, mems, dropout, training=None):
        return mixer(x, mems, self.width, dropout=dropout)


def model_fn(features, vocab, width=4):
    with v1.variable_scope("bert"):
        table = v1.get_variable("word_embeddings", [vocab, width])
        embedded = tf.gather(table, features["input_ids"])
        mask = tf.expand_dims(features["input_mask"], -1)
        pooled = tf.reduce_sum(embedded * mask, axis=1)
        return {"pooled": tf1compat.layers.dense(pooled, 2, name="pooler"), "mask_sum": tf.reduce_sum(mask)}


class ModelFnLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "model_fn"

    def __init__(self, vocab, width=4, **kwargs):
        super().__init__(**kwargs)
        self.vocab, self.width = vocab, width

    @tf1compat.track_tf1_style_variables
    def call(self, features, training=None):
        return model_fn(features, self.vocab, width=self.width)
'''

PYPROJECT = '''
[tool.tf1migrate.verify."nets:classifier"]
args = { hparams = "default_hparams()" }
inputs = { x = "float32[2, 5]" }
training = [false, true]

[tool.tf1migrate.verify."nets:gated"]
args = { width = 3 }
inputs = { x = "float32[2, 5]" }

[tool.tf1migrate.verify."nets:normed"]
inputs = { x = "float32[4, 5]" }
training = [false, true]

[tool.tf1migrate.verify."nets:flagged"]
inputs = { x = "float32[2, 5]" }

[tool.tf1migrate.verify."nets:Gan.generator"]
args = { self = "__import__('types').SimpleNamespace(width=3)", reuse = "False" }
inputs = { z = "float32[2, 4]" }

[tool.tf1migrate.verify."nets:decoder"]
inputs = { x = "float32[2, 5]" }

[tool.tf1migrate.verify."nets:mixer"]
args = { mems = "None", width = 3, dropout = 0.25 }
inputs = { x = "float32[2, 5]" }

[tool.tf1migrate.verify."nets:model_fn"]
args = { vocab = 20 }  # a TOML literal, not only Python source text
inputs = { features = { input_ids = { dtype = "int32", shape = [2, 8], maxval = 20 }, input_mask = "float32[2, 8]" } }
'''

TRAIN = '''
import tensorflow as tf

from nets import encoder

tf.app.flags.DEFINE_integer("hidden_units", 3, "width of the flagged layer")
tf.app.flags.DEFINE_string("data_dir", None, "where the data is")


class Trainer:
    def __init__(self):
        self.input_x = tf.placeholder(tf.float32, [None, 84, 84, 4], name="input_x")
        self.embedded = encoder(tf.layers.flatten(self.input_x), 4)

    def build(self):
        self.features = tf.placeholder(tf.float32, [None, 7])
        return encoder(self.features, width=4, name="enc")
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    write(root / "original" / "nets.py", ORIGINAL)
    write(root / "original" / "train.py", TRAIN)
    write(root / "migrated" / "nets.py", MIGRATED)
    write(root / "migrated" / "train.py", TRAIN)
    write(root / "migrated" / "pyproject.toml", PYPROJECT)
    batches: list[int] = []

    def counting(jobs, *args, **kwargs):
        batches.append(len(jobs))
        return run_batch(jobs, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schedule, "run_batch", counting)
        result = run_verify([root / "migrated"], original=root / "original", training=True, jobs=2)
    result.batches = batches  # type: ignore[attr-defined]
    return result


def layer(result, name):
    return next(layer for layer in result.layers if layer.layer == name)


@pytest.mark.slow
def test_contrib_original_is_built_with_the_genuine_tf_slim(result):
    classifier = layer(result, "nets:ClassifierLayer")
    assert classifier.status is Status.VERIFIED, classifier.messages
    assert classifier.variables == 4 and classifier.max_abs_diff is not None
@pytest.mark.slow
def test_name_parameter_reaches_the_original_as_name(result):
    encoder = layer(result, "nets:EncoderLayer")
    assert encoder.status is Status.VERIFIED, encoder.messages
    # the spec comes from train.py's attribute placeholders; `name="enc"` is the default both
    # sides get, since the wrapper stores it as tf1_name
    assert encoder.spec_source == "call-site"
    assert encoder.names_ok and encoder.variables == 2


@pytest.mark.slow
def test_dict_inputs_reach_both_sides_as_dicts(result):
    model_fn = layer(result, "nets:ModelFnLayer")
    assert model_fn.status is Status.VERIFIED, model_fn.messages
    assert model_fn.variables == 3 and model_fn.max_abs_diff is not None


@pytest.mark.slow
def test_configuration_the_wrapper_takes_in_call_is_passed_there(result):
    mixer = layer(result, "nets:MixerLayer")
    assert mixer.status is Status.VERIFIED, mixer.messages
    assert mixer.variables == 2 and mixer.max_abs_diff is not None


@pytest.mark.slow
def test_contrib_internal_paths_learn_and_nest_are_bound(result):
    gated = layer(result, "nets:GatedLayer")
    assert gated.status is Status.VERIFIED, gated.messages
    assert gated.variables == 2 and gated.max_abs_diff is not None


@pytest.mark.slow
def test_slim_batch_norm_with_a_training_flag(result):
    normed = layer(result, "nets:NormedLayer")
    assert normed.status is Status.VERIFIED, normed.messages
    assert normed.variables == 5 and normed.max_abs_diff is not None  # weights, BN x4
    # facenet's variables_collections=[TRAINABLE_VARIABLES]: said, not a mismatch
    (note,) = [m for m in normed.messages if "trainable collection" in m]
    assert note.startswith("2 variables created not trainable")
    assert note.endswith(": fc/BatchNorm/moving_mean, fc/BatchNorm/moving_variance")


@pytest.mark.slow
def test_flags_defined_in_a_training_script_hold_their_defaults(result):
    flagged = layer(result, "nets:FlaggedLayer")
    assert flagged.status is Status.VERIFIED, flagged.messages
    assert flagged.params == 5 * 3 + 3  # FLAGS.hidden_units = 3, its default in train.py


@pytest.mark.slow
def test_unmapped_contrib_symbol_is_one_layer_error_naming_it(result):
    decoder = layer(result, "nets:DecoderLayer")
    assert decoder.status is Status.ERROR
    (message,) = decoder.messages
    headline = message.splitlines()[0]
    assert headline.startswith("reference child failed while building the graph: AttributeError: ")
    assert "tf.contrib.seq2seq.dynamic_decode has no counterpart" in headline
    # the line of `decoder` that used it, in the original's nets.py
    line = ORIGINAL.lstrip().splitlines().index("    return tf.contrib.seq2seq.dynamic_decode(x)") + 1
    assert f"(nets.py:{line})" in headline


@pytest.mark.slow
def test_method_with_a_stand_in_self_is_called_on_an_instance_of_its_class(result):
    """The wrapper calls self.gan.generator(...), the method calls self.project(...): a
    SimpleNamespace `self` becomes an instance of Gan with its attributes, __init__ not run."""
    gan = layer(result, "nets:GanGeneratorLayer")
    assert gan.status is Status.VERIFIED, gan.messages
    assert gan.variables == 2 and gan.max_abs_diff is not None


@pytest.mark.slow
def test_failure_with_an_inferred_spec_offers_the_table_to_correct(result):
    shaped = layer(result, "nets:ShapedLayer")
    assert shaped.status is Status.ERROR and shaped.spec_source == "body"
    hint = shaped.messages[-1]
    assert hint.startswith("the inputs were inferred from the code (body); if they are what failed, add a spec to ")
    assert hint.splitlines()[1:] == ['[tool.tf1migrate.verify."nets:shaped"]',
                                     "# found in the code (body): check what is filled in",
                                     'inputs = { x = "float32[2, 8]" }']


@pytest.mark.slow
def test_the_run_is_one_batch_per_side_and_goes_on_past_an_error(result):
    """Ten runnable layers, --jobs 2: one reference child and one migrated child in all; each
    error is its layer's own, and the exit code says there was one."""
    statuses = {x.layer: x.status for x in result.layers}
    assert [name for name, status in statuses.items() if status is not Status.VERIFIED] == [
        "nets:ShapedLayer", "nets:DecoderLayer"
    ]
    assert result.exit_code == 2
    assert result.batches == [10, 10]
