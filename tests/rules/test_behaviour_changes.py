"""Rewrites that remove a statement or change what code does carry a marked finding."""

from __future__ import annotations

import pytest

from tests.rules.helpers import upgrade
from tf1migrate.rules_impl.base import TF

CASES = {
    "graph-mode switch removed (TFM104)": (
        TF + "tf.disable_v2_behavior()\n", "TFM104", "removed tf.disable_v2_behavior()"),
    "keyword dropped (TFM102)": (
        TF + "op = opt.minimize(loss, colocate_gradients_with_ops=True)\n", "TFM102",
        "removed colocate_gradients_with_ops= from *.minimize"),
    "tensor .name rewritten (TFM407)": (
        TF + "def model(x):\n    y = tf.layers.dense(x, 3)\n    return y.name\n", "TFM407",
        "tf1compat.tensor_name"),
    "dead contrib import removed (TFM202)": (
        "from tensorflow.contrib import rnn\ncell = rnn.LSTMCell(8)\n", "TFM202",
        "removed the tf.contrib import"),
}


@pytest.mark.parametrize(("source", "rule", "words"), CASES.values(), ids=CASES.keys())
def test_each_behaviour_change_is_one_marked_finding(source: str, rule: str, words: str) -> None:
    outcome = upgrade(source)
    assert outcome.module.code != source
    marked = [f for f in outcome.findings if f.behaviour_change]
    assert len(marked) == 1, outcome.findings
    (finding,) = marked
    assert finding.rule == rule and words in finding.message, finding
    assert finding.message.startswith("behaviour change: ")
    assert finding.line >= 1


@pytest.mark.parametrize("source", [
    TF + "w = tf.get_variable('w', [1])\n",  # a rename
    TF + "i = tf.argmax(x, 1, 'idx')\n",  # arguments named, same call
    TF + "n = x.shape[1].value\n",  # same value, spelled for TF2
    TF + "h = tf.nn.dropout(h, 0.9)\n",  # kept on compat.v1: same meaning
])
def test_plain_renames_are_not_marked(source: str) -> None:
    outcome = upgrade(source)
    assert outcome.module.code != source
    assert not [f for f in outcome.findings if f.behaviour_change]
