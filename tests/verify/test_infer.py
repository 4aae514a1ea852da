"""Input specs inferred from placeholder call sites and from docstrings (read, never run)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from tf1migrate.verify.infer import (
    BATCH_DIM,
    FREE_DIM,
    infer_from_call_sites,
    infer_from_docstring,
    placeholder_spec,
)
from tf1migrate.verify.infer_body import IMAGE_DIM, infer_from_body
from tf1migrate.verify.model import Param, TensorSpec, WrapperTarget
from tf1migrate.verify.planning import resolve_spec

MODEL = '''
import tensorflow as tf

def default_hparams():
    return {"n": 4}

def model(hparams, X, is_training=False, scope="model"):
    """GPT-ish.

    Args:
        hparams: the configuration
        X (int32 [batch, 16]): token ids
        mask: float32 tensor of shape (batch, seq_len)
    """
    return X
'''


def target(**overrides) -> WrapperTarget:
    fields = dict(
        path="/m/model.py", module="model", import_root="/m", class_name="ModelLayer", wraps="model",
        line=1, method="call", init_params=(Param("hparams", True), Param("scope", False)),
        call_params=(Param("X", True),), has_training=True, training_kwarg="is_training",
    )
    fields.update(overrides)
    return WrapperTarget(**fields)


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(textwrap.dedent(text))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("tf.placeholder(tf.int32, [None, 8])", TensorSpec("int32", (BATCH_DIM, 8))),
        ("tf.compat.v1.placeholder(dtype=tf.float32, shape=(4, None))", TensorSpec("float32", (4, FREE_DIM))),
        ("v1.placeholder('int64', shape=[3], name='x')", TensorSpec("int64", (3,))),
        ("tf.placeholder(tf.float32)", None),  # no shape: cannot invent one
        ("tf.placeholder(tf.float32, shape=dims)", None),
        ("tf.zeros([2, 3])", None),
    ],
)
def test_placeholder_spec(code, expected):
    assert placeholder_spec(cst.parse_expression(code)) == expected


def test_call_site_in_another_module(tmp_path):
    write(tmp_path, "model.py", MODEL)
    write(tmp_path, "train.py", '''
        import tensorflow as tf
        import model as gpt

        def main():
            hparams = gpt.default_hparams()
            context = tf.placeholder(tf.int32, [None, 8])
            return gpt.model(hparams=hparams, X=context, is_training=True)
    ''')
    spec = infer_from_call_sites(target(), tmp_path)
    assert spec is not None and spec.source == "call-site"
    assert spec.inputs == {"X": TensorSpec("int32", (BATCH_DIM, 8))}
    # `gpt.default_hparams()` does not resolve in model's namespace; model's own defaults
    # function is what builds the configuration instead
    assert spec.args == {"hparams": "default_hparams()"}


def test_call_site_positional_and_resolvable_config(tmp_path):
    write(tmp_path, "model.py", MODEL + '''
def build():
    hparams = default_hparams()
    tokens = tf.placeholder(tf.int32, [2, 8])
    return model(hparams, tokens, scope="gpt")
''')
    spec = infer_from_call_sites(target(), tmp_path)
    assert spec is not None
    assert spec.inputs == {"X": TensorSpec("int32", (2, 8))}
    assert spec.args == {"hparams": "default_hparams()", "scope": '"gpt"'}


def test_unrelated_function_of_the_same_name_is_ignored(tmp_path):
    write(tmp_path, "model.py", MODEL)
    write(tmp_path, "other.py", '''
        import tensorflow as tf
        def model(X):
            return X
        model(tf.placeholder(tf.int32, [1, 1]))
    ''')
    assert infer_from_call_sites(target(), tmp_path) is None


def test_docstring_shapes(tmp_path):
    write(tmp_path, "model.py", MODEL)
    spec = infer_from_docstring(target(call_params=(Param("X", True), Param("mask", True))), tmp_path)
    assert spec is not None and spec.source == "docstring"
    assert spec.inputs == {
        "X": TensorSpec("int32", (BATCH_DIM, 16)),
        "mask": TensorSpec("float32", (BATCH_DIM, FREE_DIM)),
    }


def test_docstring_with_unknown_symbolic_dims_gives_nothing(tmp_path):
    write(tmp_path, "model.py", '''
        def model(hparams, X):
            """X: float32 [batch, n_embd]"""
    ''')
    assert infer_from_docstring(target(), tmp_path) is None


def test_call_sites_and_docstring_are_merged(tmp_path):
    write(tmp_path, "model.py", MODEL + '''
def build():
    tokens = tf.placeholder(tf.int32, [2, 4])
    return model(default_hparams(), tokens)
''')
    two_inputs = target(call_params=(Param("X", True), Param("mask", True)))
    spec = resolve_spec(two_inputs, tmp_path, tmp_path)
    assert spec is not None and spec.source == "call-site+docstring"
    assert spec.inputs == {
        "X": TensorSpec("int32", (2, 4)),  # the call site wins over the docstring's [batch, 16]
        "mask": TensorSpec("float32", (BATCH_DIM, FREE_DIM)),
    }
    assert spec.args == {"hparams": "default_hparams()"}


def test_attribute_placeholders_and_symbolic_dims(tmp_path):
    """A training class keeps its placeholders as attributes; dims come from module constants,
    from FLAGS through the flag definitions' defaults, or are filled with small numbers."""
    write(tmp_path, "model.py", MODEL)
    write(tmp_path, "flags_def.py", '''
        import tensorflow as tf
        tf.app.flags.DEFINE_integer("seq_len", 12, "tokens per example")
        tf.flags.DEFINE_integer("n_embd", default=4, help="width")
    ''')
    write(tmp_path, "agent.py", '''
        import tensorflow as tf
        from model import model
        FLAGS = tf.app.flags.FLAGS
        FRAMES = 4

        class Agent:
            def __init__(self, hps):
                self.tokens = tf.placeholder(tf.int32, [None, FLAGS.seq_len * 2])
                self.frames = tf.placeholder(tf.float32, [None, 84, 84, FRAMES])
                self.hps = hps

            def build(self):
                return model(self.hps, self.tokens, scope=FLAGS.scope_name)
    ''')
    spec = infer_from_call_sites(target(), tmp_path)
    assert spec is not None
    assert spec.inputs == {"X": TensorSpec("int32", (BATCH_DIM, 24))}
    assert spec.args == {"hparams": "default_hparams()"}  # scope: FLAGS.scope_name is undefined
    frames = placeholder_spec(cst.parse_expression("tf.placeholder(tf.float32, [None, 84, 84, k])"))
    assert frames == TensorSpec("float32", (BATCH_DIM, 84, 84, FREE_DIM))


def test_config_class_from_a_json_next_to_the_code(tmp_path):
    write(tmp_path, "modeling.py", '''
        import tensorflow as tf

        class BertConfig:
            def __init__(self, vocab_size, hidden_size=8):
                self.vocab_size = vocab_size

            @classmethod
            def from_json_file(cls, path):
                return cls(1)

        def model(config, X):
            return X
    ''')
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "bert_config.json").write_text("{}")
    write(tmp_path, "run.py", '''
        import tensorflow as tf
        import modeling
        ids = tf.placeholder(tf.int32, [None, 8])
        modeling.model(config=modeling.BertConfig(vocab_size=30), X=ids)
    ''')
    bert = target(
        module="modeling", init_params=(Param("config", True),), has_training=False,
        training_kwarg=None,
    )
    spec = infer_from_call_sites(bert, tmp_path)
    assert spec is not None
    assert spec.args == {"config": "BertConfig.from_json_file('configs/bert_config.json')"}


NET = '''
import tensorflow as tf

def net(x, num_actions=6):
    """A policy head."""
    return x
'''


def net_target(**overrides) -> WrapperTarget:
    fields = {
        "path": "/m/model.py", "module": "model", "import_root": "/m", "class_name": "NetLayer",
        "wraps": "net", "line": 1, "method": "call", "init_params": (Param("num_actions", False),),
        "call_params": (Param("x", True),),
    }
    fields.update(overrides)
    return WrapperTarget(**fields)


def test_training_script_placeholder_feeds_the_module_function(tmp_path):
    """A separate train.py: `x = tf.placeholder(...)`, then `logits = model.net(x)`."""
    write(tmp_path, "model.py", NET)
    write(tmp_path, "train.py", '''
        import tensorflow as tf
        import model

        x = tf.placeholder(tf.float32, [None, 84, 84, 4])
        logits = model.net(x)
    ''')
    spec = infer_from_call_sites(net_target(), tmp_path)
    assert spec is not None and spec.source == "call-site"
    assert spec.inputs == {"x": TensorSpec("float32", (BATCH_DIM, 84, 84, 4))}


def test_dict_and_list_of_placeholders_become_nested_inputs(tmp_path):
    write(tmp_path, "model.py", '''
        def model_fn(features, pair):
            return features
    ''')
    write(tmp_path, "train.py", '''
        import tensorflow as tf
        from model import model_fn

        def main():
            ids = tf.placeholder(tf.int32, [None, 16], name="ids")
            features = {"input_ids": ids, "input_mask": tf.placeholder(tf.float32, [None, 16])}
            left = tf.placeholder(tf.float32, [None, 4])
            return model_fn(features, [left, left])
    ''')
    target = net_target(wraps="model_fn", init_params=(),
                        call_params=(Param("features", True), Param("pair", True)))
    spec = infer_from_call_sites(target, tmp_path)
    assert spec is not None
    assert spec.inputs == {
        "features": {"input_ids": TensorSpec("int32", (2, 16)), "input_mask": TensorSpec("float32", (2, 16))},
        "pair": [TensorSpec("float32", (2, 4)), TensorSpec("float32", (2, 4))],
    }


def test_tf_data_generator_element_through_batch_and_iterator(tmp_path):
    """Static tf.data specs: from_generator's output types and shapes, batched, unpacked."""
    write(tmp_path, "model.py", NET)
    write(tmp_path, "train.py", '''
        import tensorflow as tf
        import model

        FRAMES = 4

        def train(gen):
            dataset = tf.data.Dataset.from_generator(
                gen, (tf.float32, tf.int64), output_shapes=([84, 84, FRAMES], []))
            dataset = dataset.shuffle(100).batch(32)
            dataset = dataset.repeat()
            iterator = dataset.make_one_shot_iterator()
            frames, actions = iterator.get_next()
            return model.net(frames)
    ''')
    spec = infer_from_call_sites(net_target(), tmp_path)
    assert spec is not None
    assert spec.inputs == {"x": TensorSpec("float32", (BATCH_DIM, 84, 84, 4))}


def test_tf_data_signature_and_slices_of_placeholders(tmp_path):
    write(tmp_path, "model.py", NET)
    write(tmp_path, "eval.py", '''
        import tensorflow as tf
        from model import net

        def evaluate(gen):
            ds = tf.data.Dataset.from_generator(
                gen, output_signature={"obs": tf.TensorSpec(shape=(None, 7), dtype=tf.float32)})
            batch = tf.compat.v1.data.make_one_shot_iterator(ds).get_next()
            return net(batch["obs"])
    ''')
    spec = infer_from_call_sites(net_target(), tmp_path)
    assert spec is not None and spec.inputs == {"x": TensorSpec("float32", (BATCH_DIM, 7))}
    write(tmp_path, "eval.py", '''
        import tensorflow as tf
        from model import net

        images = tf.placeholder(tf.float32, [1000, 28, 28, 1])
        labels = tf.placeholder(tf.int32, [1000])
        ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(64)
        x, y = ds.make_initializable_iterator().get_next()
        net(x)
    ''')
    from tf1migrate.verify.infer import clear_caches

    clear_caches()
    spec = infer_from_call_sites(net_target(), tmp_path)
    assert spec is not None and spec.inputs == {"x": TensorSpec("float32", (BATCH_DIM, 28, 28, 1))}


def test_fixed_len_feature_specs_of_parsed_examples(tmp_path):
    """BERT-style input_fn: a FixedLenFeature dict, `input_ids = features["input_ids"]`."""
    write(tmp_path, "modeling.py", '''
        def create_model(config, input_ids, input_mask, labels):
            return input_ids
    ''')
    write(tmp_path, "run_classifier.py", '''
        import tensorflow as tf
        import modeling

        MAX_SEQ = 128

        def input_fn_builder(seq_length):
            name_to_features = {
                "input_ids": tf.io.FixedLenFeature([seq_length], tf.int64),
                "input_mask": tf.FixedLenFeature([MAX_SEQ], tf.int64),
            }
            name_to_features["label_ids"] = tf.FixedLenFeature([], tf.int64)
            return name_to_features

        def model_fn(features, labels, mode, params):
            input_ids = features["input_ids"]
            mask = tf.cast(features["input_mask"], tf.float32)
            return modeling.create_model(params["config"], input_ids, mask, tf.to_int32(features["label_ids"]))
    ''')
    target = net_target(module="modeling", wraps="create_model", init_params=(Param("config", True),),
                        call_params=(Param("input_ids", True), Param("input_mask", True), Param("labels", True)))
    spec = infer_from_call_sites(target, tmp_path)
    assert spec is not None
    assert spec.inputs == {
        "input_ids": TensorSpec("int64", (BATCH_DIM, FREE_DIM)),  # seq_length: unknown here
        "input_mask": TensorSpec("float32", (BATCH_DIM, 128)),
        "labels": TensorSpec("int32", (BATCH_DIM,)),
    }


def test_class_target_binds_its_init_and_flags_object(tmp_path):
    """A model class built from placeholders (`TextCNN(...)`), and FLAGS passed whole: the
    child defines every flag with its default, so FLAGS is the absl object itself."""
    write(tmp_path, "text_cnn.py", '''
        class TextCNN(object):
            """A CNN for text classification."""
            def __init__(self, input_x, flags, num_classes):
                self.scores = input_x
    ''')
    write(tmp_path, "train.py", '''
        import tensorflow as tf
        from text_cnn import TextCNN

        tf.flags.DEFINE_integer("num_classes", 2, "classes")
        FLAGS = tf.flags.FLAGS

        x = tf.placeholder(tf.int32, [None, 56], name="input_x")
        cnn = TextCNN(x, FLAGS, num_classes=FLAGS.num_classes)
    ''')
    from tf1migrate.verify.infer import FLAGS_EXPRESSION

    target = net_target(module="text_cnn", wraps="TextCNN",
                        init_params=(Param("flags", True), Param("num_classes", True)),
                        call_params=(Param("input_x", True),))
    spec = infer_from_call_sites(target, tmp_path)
    assert spec is not None
    assert spec.inputs == {"input_x": TensorSpec("int32", (BATCH_DIM, 56))}
    assert spec.args == {"flags": FLAGS_EXPRESSION, "num_classes": "2"}
    spec = infer_from_docstring(target, tmp_path)
    assert spec is None  # the class docstring says nothing about shapes


def test_docstring_shape_before_dtype(tmp_path):
    write(tmp_path, "model.py", '''
        def net(images, num_actions=6):
            """Inception-ish.

            Args:
              images: [batch, 224, 224, 3] float32 images.
            """
    ''')
    spec = infer_from_docstring(net_target(call_params=(Param("images", True),)), tmp_path)
    assert spec is not None and spec.inputs == {"images": TensorSpec("float32", (BATCH_DIM, 224, 224, 3))}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("assert x.shape[-1] == 3\n    tf.debugging.assert_rank(x, 4)", TensorSpec("float32", (BATCH_DIM, FREE_DIM, FREE_DIM, 3))),
        ("x.get_shape().assert_has_rank(2)\n    assert x.dtype == tf.int32", TensorSpec("int32", (BATCH_DIM, FREE_DIM))),
        ("x.set_shape([None, 28, 28, 1])", TensorSpec("float32", (BATCH_DIM, 28, 28, 1))),
        ("assert x.get_shape().as_list()[1:] == [28, 28, 1]", TensorSpec("float32", (BATCH_DIM, 28, 28, 1))),
        ("assert len(x.shape) == 3 and x.shape[1].value == 5", TensorSpec("float32", (BATCH_DIM, 5, FREE_DIM))),
        ("_, h, w, c = x.get_shape().as_list()\n    assert c == 3", TensorSpec("float32", (BATCH_DIM, FREE_DIM, FREE_DIM, FREE_DIM))),
        ("assert x.shape[-1] == 3\n    return tf.layers.conv2d(x, 8, 3)", TensorSpec("float32", (BATCH_DIM, IMAGE_DIM, IMAGE_DIM, 3))),
        ("return tf.nn.embedding_lookup(table, x)", None),  # ids, but of no known rank
        ("tf.debugging.assert_integer(x)\n    x.shape.assert_has_rank(2)", TensorSpec("int32", (BATCH_DIM, FREE_DIM))),
        ("outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)", TensorSpec("float32", (BATCH_DIM, FREE_DIM, FREE_DIM))),
        ("assert x.shape[-1] == 3", None),  # a dimension without a rank: nothing is guessed
        ("def inner(x):\n        x.set_shape([1, 2])\n    return x", None),  # another function's x
    ],
)
def test_shape_asserts_and_uses_in_the_body(tmp_path, body, expected):
    write(tmp_path, "model.py", f"import tensorflow as tf\n\ndef net(x, num_actions=6):\n    {body}\n")
    spec = infer_from_body(net_target(), tmp_path)
    assert (spec.inputs["x"] if spec else None) == expected
    if spec is not None:
        assert spec.source == "body"


def test_dict_argument_keys_come_from_the_feature_specs(tmp_path):
    """An estimator model_fn reads features["..."]: its dict input is those keys' specs."""
    write(tmp_path, "model.py", '''
        import tensorflow as tf

        def model_fn(features, labels, mode, params):
            ids = features["input_ids"]
            return tf.layers.dense(tf.to_float(features["dense"]), 2)
    ''')
    write(tmp_path, "data.py", '''
        import tensorflow as tf
        FEATURES = {"input_ids": tf.io.FixedLenFeature([16], tf.int64),
                    "dense": tf.io.FixedLenFeature(shape=[4], dtype=tf.float32),
                    "tokens": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True)}
    ''')
    target = net_target(wraps="model_fn", init_params=(Param("params", True),),
                        call_params=(Param("features", True), Param("labels", False)))
    spec = infer_from_body(target, tmp_path)
    assert spec is not None
    assert spec.inputs == {"features": {"dense": TensorSpec("float32", (BATCH_DIM, 4)),
                                        "input_ids": TensorSpec("int64", (BATCH_DIM, 16))}}


def test_body_fills_what_the_docstring_and_call_sites_leave(tmp_path):
    write(tmp_path, "model.py", '''
        import tensorflow as tf

        def default_hparams():
            return {}

        def model(hparams, X, mask):
            """X: int32 [batch, 16]"""
            mask.get_shape().assert_has_rank(2)
            return X
    ''')
    target_ = target(call_params=(Param("X", True), Param("mask", True)), has_training=False, training_kwarg=None)
    spec = resolve_spec(target_, tmp_path, tmp_path)
    assert spec is not None and spec.source == "docstring+body"
    assert spec.inputs == {"X": TensorSpec("int32", (BATCH_DIM, 16)), "mask": TensorSpec("float32", (BATCH_DIM, FREE_DIM))}
    assert spec.args == {"hparams": "default_hparams()"}  # the repository's defaults function


def test_flag_definitions_with_literal_defaults_are_what_the_child_defines(tmp_path):
    from tf1migrate.verify.source import literal_flags

    write(tmp_path, "train.py", '''
        import os
        import tensorflow as tf
        from absl import flags

        flags.DEFINE_integer("hidden1", 16, "units")
        tf.app.flags.DEFINE_float("learning_rate", default=0.01, help="lr")
        tf.flags.DEFINE_boolean("use_tpu", False, "tpu")
        flags.DEFINE_enum("model", "gcn", ["gcn", "dense"], "which")
        flags.DEFINE_list("layers", "3,4", "sizes")
        flags.DEFINE_string("data_dir", os.path.join("a", "b"), "not a literal: left out")
        flags.DEFINE_integer("steps", "many", "the wrong type: left out")
    ''')
    assert literal_flags(tmp_path) == {
        "hidden1": ["integer", 16], "learning_rate": ["float", 0.01], "use_tpu": ["boolean", False],
        "model": ["string", "gcn"], "layers": ["list", ["3", "4"]],
    }
