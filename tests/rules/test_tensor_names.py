"""TFM407's rewrite: tensor `.name` in model code -> tf1compat.tensor_name(tensor)."""

from __future__ import annotations

from tests.rules.helpers import rules_reported, upgrade

BERT_LIKE = '''import tensorflow as tf


class Model(object):
  def __init__(self, config, input_ids):
    shape = self._shape(input_ids)
    self.out = tf.layers.dense(input_ids, config.hidden)

  def _shape(self, tensor):
    return get_shape_list(tensor)


def get_shape_list(tensor, expected_rank=None, name=None):
  if name is None:
    name = tensor.name
  if expected_rank is not None:
    assert_rank(tensor, expected_rank, name)
  return tensor.shape.as_list()


def assert_rank(tensor, expected_rank, name=None):
  if name is None:
    name = tensor.name
  scope_name = tf.get_variable_scope().name
  return name, scope_name


def train(args, loss):
  print(args.name)
  for v in tf.trainable_variables():
    if "bias" in v.name:
      print(v.name)
'''


def test_helpers_reached_from_model_code_are_rewritten_through_calls_and_methods() -> None:
    outcome = upgrade(BERT_LIKE)
    code = outcome.module.code
    assert code.count("tf1compat.tensor_name(tensor)") == 2  # get_shape_list and assert_rank
    assert "tf.compat.v1.get_variable_scope().name" in code  # a scope name, chosen by the code
    assert "print(args.name)" in code  # training code: not model code
    assert 'if "bias" in v.name:' in code  # variables keep their names eagerly
    assert "tf1compat" in outcome.imports
    assert upgrade(code).module.code == code  # idempotent


def test_nothing_changes_outside_model_code() -> None:
    source = "import tensorflow as tf\n\n\ndef log(x, args):\n  return x.name, args.name\n"
    outcome = upgrade(source)
    assert outcome.module.code == source
    assert outcome.count == 0
    assert outcome.imports == set()


def test_variable_names_in_model_code_are_reported_not_rewritten() -> None:
    source = (
        "import tensorflow as tf\n\n\ndef model(x):\n"
        "  w = tf.get_variable('w', [3])\n  tag = w.name\n  return x * w\n"
    )
    outcome = upgrade(source, select=("TFM407",))
    assert outcome.module.code == source
    assert rules_reported(outcome) == {"TFM407"}


def test_a_rewritten_read_is_no_longer_reported_and_ignore_turns_it_off() -> None:
    source = (
        "import tensorflow as tf\n\n\ndef model(x):\n"
        "  y = tf.nn.relu(tf.layers.dense(x, 3))\n  print(y.name)\n  return y\n"
    )
    rewritten = upgrade(source, select=("TFM407",))
    assert "print(tf1compat.tensor_name(y))" in rewritten.module.code
    # no warning left, only the note that eager behaviour changed (marked in every report)
    (note,) = rewritten.findings
    assert note.rule == "TFM407" and note.severity.value == "info" and note.behaviour_change
    assert note.message.startswith("behaviour change: ") and (note.line, note.col) == (6, 8)
    assert upgrade(source, select=("TFM201",)).module.code.count("y.name") == 1


def test_undone_outside_model_code_even_when_other_rules_rewrite_the_file() -> None:
    source = (
        "import tensorflow as tf\nfrom tensorflow.contrib import rnn\n\n\n"
        "def log(x):\n    return x.name\n\n\n"
        "def model(x):\n    cell = rnn.LSTMCell(8)\n    return tf.layers.dense(x, 3)\n"
    )
    code = upgrade(source).module.code
    assert "contrib" not in code
    assert "return x.name" in code and "tensor_name" not in code
