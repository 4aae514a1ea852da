"""The project index: who creates variables, what is training code, which callables are roots."""

from __future__ import annotations

import json
import pickle
from dataclasses import asdict
from textwrap import dedent

from tf1migrate.engine import module_name_for
from tf1migrate.index import ProjectIndex
from tf1migrate.plan import build_index
from tf1migrate.summarize import summarize
from tf1migrate.types import Options

OPS = '''
import tensorflow as tf

def linear(input_, output_size, scope=None):
    with tf.variable_scope(scope or "linear"):
        w = tf.get_variable("w", [input_.get_shape()[-1], output_size])
        return tf.matmul(input_, w)

def lrelu(x, leak=0.2):
    return tf.maximum(x, leak * x)
'''

MODEL = '''
import tensorflow as tf
from .ops import linear, lrelu

def generator(z, units=8):
    return lrelu(linear(z, units, scope="g_lin"))

def discriminator(image, reuse=False):
    with tf.variable_scope("disc", reuse=reuse):
        return linear(image, 1, scope="d_lin")
'''

TRAIN = '''
import tensorflow as tf
from gan import model

def build():
    z = tf.placeholder(tf.float32, [None, 4])
    with tf.variable_scope("generator"):
        fake = model.generator(z)
    score = model.discriminator(fake)
    opt = tf.train.AdamOptimizer(1e-3)
    return opt.minimize(tf.reduce_mean(score))

def main():
    with tf.Session() as sess:
        sess.run(build())
'''


def index_of(files: dict[str, str], options: Options = Options()) -> ProjectIndex:
    summaries = [
        summarize(dedent(source), module=module_name_for(path), path=path)
        for path, source in files.items()
    ]
    return build_index(summaries, options)


GAN = {"gan/__init__.py": "", "gan/ops.py": OPS, "gan/model.py": MODEL, "gan/train.py": TRAIN}


def root_keys(index: ProjectIndex) -> set[str]:
    return {root.key for roots in index.roots.values() for root in roots}


def test_roots_helpers_and_training_code_across_modules():
    index = index_of(GAN)
    assert root_keys(index) == {"gan.model:generator", "gan.model:discriminator"}
    # helpers create variables (propagated through `from .ops import linear`) but are not roots
    assert "gan.ops:linear" in index.creates_variables
    assert "gan.ops:linear" in index.model_code
    assert "gan.ops:lrelu" not in index.creates_variables
    # training code calls the roots, creates variables through them, and is never a root
    assert {"gan.train:build", "gan.train:main"} <= index.training_code
    assert "placeholder" in index.training_reasons["gan.train:build"]
    assert "optimizer" in index.training_reasons["gan.train:build"]


def test_tensor_and_configuration_parameters():
    index = index_of(GAN)
    generator, discriminator = (
        next(r for r in index.roots_in("gan.model") if r.qualname == name)
        for name in ("generator", "discriminator")
    )
    assert generator.tensor_params == ("z",)  # flows into linear's tensor parameter
    assert generator.config_params == ("units",)
    assert discriminator.tensor_params == ("image",)
    assert discriminator.config_params == ("reuse",)


def test_a_scope_values_list_marks_its_entries_as_tensors():
    # slim's resnet_v1 shape: `inputs` only reaches the scope's values list and helpers the
    # index cannot see into, so the values list is its one evidence of being a tensor
    source = """
import tensorflow as tf
from tensorflow.contrib.slim.nets import resnet_utils

def resnet(inputs, blocks, num_classes=None, scope=None):
    with tf.variable_scope(scope, "resnet", [inputs]) as sc:
        net = resnet_utils.stack_blocks_dense(inputs, blocks)
        w = tf.get_variable("w", [8, num_classes])
        return tf.matmul(net, w)

def resnet_50(inputs, num_classes=None, scope="resnet_50"):
    return resnet(inputs, [1, 2], num_classes=num_classes, scope=scope)

def head(features, units, scope=None):
    with tf.name_scope(scope, "head", values=[features]):
        return tf.layers.dense(units, 3)
"""
    index = index_of({"nets/__init__.py": "", "nets/resnet.py": source})
    roots = {root.qualname: root for root in index.roots_in("nets.resnet")}
    assert roots["resnet_50"].tensor_params == ("inputs",)  # flows into the values list
    assert roots["resnet_50"].config_params == ("num_classes", "scope")
    assert "features" in roots["head"].tensor_params


def test_what_a_caller_passes_to_a_literal_defaulted_parameter_is_configuration():
    # facenet's inference(images, keep_probability, ...) hands keep_probability to the net's
    # dropout_keep_prob=0.8: a hyperparameter, so a constructor argument, not a call input
    source = """
import tensorflow as tf
import tensorflow.contrib.slim as slim

def net(inputs, is_training=True, dropout_keep_prob=0.8, scope="Net"):
    with tf.variable_scope(scope, "Net", [inputs]):
        x = slim.conv2d(inputs, 8, 3)
        return slim.dropout(x, dropout_keep_prob, is_training=is_training)

def inference(images, keep_probability, phase_train=True):
    return net(images, is_training=phase_train, dropout_keep_prob=keep_probability)
"""
    index = index_of({"models/__init__.py": "", "models/net.py": source})
    root = next(r for r in index.roots_in("models.net") if r.qualname == "inference")
    assert root.tensor_params == ("images",)
    assert "keep_probability" in root.config_params


def test_a_function_chosen_into_a_local_is_called_and_a_dropout_rate_is_configuration():
    # transformer-xl: `lookup_fn = (tpu_lookup if use_tpu else gpu_lookup); lookup_fn(...)`
    source = """
import tensorflow as tf

def gpu_lookup(x, n_token, d_embed, scope="emb"):
    with tf.variable_scope(scope):
        table = tf.get_variable("lookup_table", [n_token, d_embed])
        return tf.nn.embedding_lookup(table, x)

def tpu_lookup(x, n_token, d_embed, scope="emb"):
    with tf.variable_scope(scope):
        table = tf.get_variable("lookup_table", [n_token, d_embed])
        return tf.matmul(tf.one_hot(x, n_token), table)

def transformer(dec_inp, n_token, d_embed, dropout, is_training, use_tpu=False):
    lookup_fn = tpu_lookup if use_tpu else gpu_lookup
    embeddings = lookup_fn(x=dec_inp, n_token=n_token, d_embed=d_embed)
    return tf.layers.dropout(embeddings, dropout, training=is_training)
"""
    index = index_of({"txl/__init__.py": "", "txl/model.py": source})
    roots = {root.qualname: root for root in index.roots_in("txl.model")}
    assert set(roots) == {"transformer"}  # both lookups run inside it
    assert roots["transformer"].tensor_params == ("dec_inp",)
    assert {"n_token", "d_embed", "dropout"} <= set(roots["transformer"].config_params)


def test_common_call_site_scope_is_reproduced_only_when_every_site_agrees():
    index = index_of(GAN)
    roots = {r.qualname: r for r in index.roots_in("gan.model")}
    assert roots["generator"].outer_scope == "generator"
    assert roots["discriminator"].outer_scope is None  # called outside any scope
    assert roots["generator"].placeholder_inputs == (("z", "float32[None, 4]"),)

    two_sites = dict(GAN)
    two_sites["gan/sample.py"] = (
        "from gan.model import generator\n"
        "import tensorflow as tf\n"
        "def sample():\n"
        "    z = tf.placeholder(tf.float32, [1, 4])\n"
        "    with tf.variable_scope('other'):\n"
        "        return generator(z)\n"
    )
    index = index_of(two_sites)
    generator = next(r for r in index.roots_in("gan.model") if r.qualname == "generator")
    assert generator.outer_scope is None


def test_common_scope_keyword_becomes_the_default():
    files = {
        "net.py": "import tensorflow as tf\n"
        "def tower(x, scope='tower'):\n"
        "    with tf.variable_scope(scope):\n"
        "        return tf.layers.dense(x, 3)\n",
        "run.py": "import tensorflow as tf\nimport net\n"
        "def main():\n"
        "    x = tf.placeholder(tf.float32, [None, 3])\n"
        "    a = net.tower(x, scope='shared')\n"
        "    b = net.tower(x * 2, scope='shared')\n"
        "    return tf.Session().run([a, b])\n",
    }
    (root,) = index_of(files).roots_in("net")
    assert root.scope_default == "shared"

    from tf1migrate.passes import migrate_sources

    result = migrate_sources(files)["net.py"]
    assert "def __init__(self, scope='shared', **kwargs):" in result.code
    assert [f.rule for f in result.findings if f.rule.startswith("TFM30")] == ["TFM301", "TFM302"]


def test_model_class_init_and_methods():
    source = '''
    import tensorflow as tf

    class Encoder(object):
        """Builds the graph in __init__."""
        def __init__(self, config, is_training, input_ids, scope=None):
            self.config = config
            with tf.variable_scope(scope, default_name="enc"):
                self.output = tf.layers.dense(tf.cast(input_ids, tf.float32), config.width)

        def get_output(self):
            return self.output

    class Gan(object):
        def __init__(self, width):
            self.width = width

        def generator(self, z, train=True):
            return tf.layers.dense(z, self.width, name="g")
    '''
    index = index_of({"models.py": source})
    roots = {r.qualname: r for r in index.roots_in("models")}
    assert set(roots) == {"Encoder.__init__", "Gan.generator"}
    encoder = roots["Encoder.__init__"]
    assert encoder.kind == "init"
    assert encoder.training_param == "is_training"
    assert encoder.tensor_params == ("input_ids",)
    assert encoder.config_params == ("config", "scope")
    assert encoder.outputs == ("output",)  # `self.config = config` is not an output
    assert roots["Gan.generator"].kind == "method"
    assert roots["Gan.generator"].training_param == "train"


def test_star_imports_helper_objects_and_templates_are_followed():
    ops = '''
    import tensorflow as tf

    class batch_norm(object):
        def __init__(self, name="bn"):
            self.name = name
        def __call__(self, x, train=True):
            return tf.layers.batch_normalization(x, training=train, name=self.name)

    def tower(images):
        return tf.layers.dense(images, 4)
    '''
    model = '''
    import tensorflow as tf
    from ops import *

    class Net(object):
        def __init__(self):
            self.bn = batch_norm(name="bn0")
        def forward(self, x):
            return self.bn(tower(x))

    def siamese(left, right):
        with tf.variable_scope("siamese"):
            shared = tf.make_template("tower", tower)
            return shared(left) - shared(right)
    '''
    index = index_of({"ops.py": ops, "model.py": model})
    assert root_keys(index) == {"model:Net.forward", "model:siamese"}


def test_wrap_and_no_wrap_options_force_the_choice():
    index = index_of(GAN, Options(wrap=("gan.ops:linear",), no_wrap=("gan.model:discriminator",)))
    keys = root_keys(index)
    assert "gan.ops:linear" in keys and "gan.model:generator" in keys
    assert "gan.model:discriminator" not in keys


def test_skip_comment_on_a_def_keeps_it_out_of_the_roots():
    source = MODEL.replace("def generator", "# tf1migrate: skip\ndef generator")
    index = index_of({**GAN, "gan/model.py": source})
    assert root_keys(index) == {"gan.model:discriminator"}


def test_skip_file_removes_the_module():
    source = "# tf1migrate: skip-file\n" + MODEL
    index = index_of({**GAN, "gan/model.py": source})
    assert not any(key.startswith("gan.model:") for key in root_keys(index))


def test_project_reexport_of_tensorflow_is_followed():
    files = {
        "pkg/__init__.py": "",
        "pkg/tfcompat.py": "import tensorflow.compat.v1 as tf\nlayers = tf.layers\n",
        "pkg/net.py": "from .tfcompat import tf, layers\n"
        "def head(x, scope='head'):\n"
        "    with tf.variable_scope(scope):\n"
        "        return layers.dense(x, 2)\n",
    }
    index = index_of(files)
    assert root_keys(index) == {"pkg.net:head"}
    assert index.reexports["pkg.tfcompat.tf"] == "tensorflow.compat.v1"


def test_summary_is_picklable_and_json_friendly():
    summary = summarize(dedent(MODEL), module="gan.model", path="gan/model.py")
    assert pickle.loads(pickle.dumps(summary)) == summary
    json.dumps(asdict(summary))
    generator = next(f for f in summary.functions if f.qualname == "generator")
    assert generator.line == 5
    assert [c.target for c in generator.calls] == ["gan.ops.lrelu", "gan.ops.linear"]


def test_a_procedure_returning_nothing_is_not_model_code_and_does_not_hide_its_callees():
    source = '''
    import tensorflow as tf

    def encoder(x):
        return tf.layers.dense(x, 4, name="enc")

    def build_all(self_holder, x):
        self_holder.out = encoder(x)
    '''
    index = index_of({"net.py": source})
    assert root_keys(index) == {"net:encoder"}
    assert "net:build_all" in index.creates_variables and "net:build_all" not in index.model_code


def test_roots_of_migrated_code_are_the_roots_of_the_original():
    """Running the whole codemod again on its output must find the same roots."""
    from tf1migrate.passes import migrate_sources

    files = {path: dedent(source) for path, source in GAN.items()}
    helper = "def disc_dense(x):\n    return tf.layers.dense(x, 1)\n\ndef discriminator"
    files["gan/model.py"] = files["gan/model.py"].replace("def discriminator", helper)
    migrated = {path: result.code for path, result in migrate_sources(files).items()}
    assert "tf1compat.layers.dense" in migrated["gan/model.py"]
    assert root_keys(index_of(migrated)) == root_keys(index_of(files))
