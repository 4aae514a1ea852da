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
