"""The pruned upgrade walk gives exactly what the full walk gives.

`tf1migrate.relevance` lets the walk skip statements no rule can react to; that is only
an optimisation if nothing observable changes. Both walks run here on the CURRENT rules
(so a rule change cannot make a stale baseline pass or fail): every fixture repo, a
generated TF1 corpus, and small files aimed at what pruning must not skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import generate_corpus
from tests.codemod.goldens import REPOS, fixture_names, read_sources
from tf1migrate.engine import ParseFailure, migrate_sources
from tf1migrate.types import Options, SourceResult

Outcome = dict[str, tuple] | str


def _both(sources: dict[str, str], options: Options = Options()) -> tuple[Outcome, Outcome]:
    def run(prune: bool) -> Outcome:
        try:
            results = migrate_sources(sources, options, prune=prune)
        except ParseFailure as failure:
            return f"ParseFailure: {failure.message}"
        return {path: _observable(result) for path, result in results.items()}

    return run(False), run(True)


def _observable(result: SourceResult) -> tuple:
    return result.code, result.findings, result.layers, result.upgrades, result.tf1_debt


def _assert_same(full: Outcome, pruned: Outcome) -> None:
    if isinstance(full, str) or isinstance(pruned, str):
        assert pruned == full
        return
    assert sorted(pruned) == sorted(full)
    for path in full:
        assert pruned[path] == full[path], f"{path}: pruned walk differs from the full walk"


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_repo_same_with_and_without_pruning(name: str) -> None:
    _assert_same(*_both(read_sources(REPOS / name)))


def test_generated_corpus_same_with_and_without_pruning(tmp_path: Path) -> None:
    generate_corpus(tmp_path, files=24, seed=3)
    _assert_same(*_both(read_sources(tmp_path)))


@pytest.mark.slow
def test_larger_corpus_same_with_and_without_pruning(tmp_path: Path) -> None:
    generate_corpus(tmp_path, files=60, seed=11)
    _assert_same(*_both(read_sources(tmp_path)))


#: Each one puts a rule's decision in a statement that mentions no TensorFlow name.
EDGE_CASES = {
    "rebinding_after_tf_value": (
        "import tensorflow as tf\n"
        "def f(x):\n"
        "    v = tf.get_variable('v', [1])\n"
        "    v = make_something()\n"
        "    return v.name\n"
    ),
    "loop_rebinding": (
        "import tensorflow as tf\n"
        "def f():\n"
        "    for v in tf.trainable_variables():\n"
        "        print(v.name)\n"
        "    for v in range(3):\n"
        "        print(v.name)\n"
    ),
    "tensor_name_through_helper": (
        "import tensorflow as tf\n"
        "def helper(t):\n"
        "    label = t.name\n"
        "    return label\n"
        "def model(x):\n"
        "    w = tf.get_variable('w', [3, 3])\n"
        "    y = x\n"
        "    y = helper(y)\n"
        "    return tf.matmul(x, w)\n"
    ),
    "shapes_and_keywords": (
        "import tensorflow as tf\n"
        "def f(x, sess, op, feed):\n"
        "    n = x.shape[1].value\n"
        "    m = x.get_shape()[0] * 2\n"
        "    sess.run(op, feed_dict=feed)\n"
        "    return n, m\n"
    ),
    "nested_blocks_and_semicolons": (
        "import tensorflow as tf\n"
        "class A:\n"
        "    def f(self, x):\n"
        "        a = 1; b = 2\n"
        "        if a:\n"
        "            pass\n"
        "        elif b:\n"
        "            y = tf.layers.dense(x, 3)\n"
        "        else:\n"
        "            y = None\n"
        "        try:\n"
        "            z = 1\n"
        "        except ValueError:\n"
        "            z = tf.zeros([1])\n"
        "        finally:\n"
        "            q = 0\n"
        "        while a:\n"
        "            a -= 1\n"
        "        else:\n"
        "            w = tf.get_variable('w', [1])\n"
        "        with open('f') as h: h.read()\n"
        "        return y\n"
    ),
    "form_feed_and_crlf_lines": (
        "import tensorflow as tf\r\n"
        "def f(x):\r\n"
        "    \x0c\r\n"
        "    a = 'x\x0cy'\r\n"
        "    v = tf.matmul(x, x)\r\n"
        "    v = other()\r\n"
        "    return v.name\r\n"
    ),
    "optimizer_method_on_any_object": (
        "import tensorflow as tf\n"
        "def train(opt, loss):\n"
        "    return opt.minimize(loss, colocate_gradients_with_ops=True)\n"
    ),
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_case_same_with_and_without_pruning(name: str) -> None:
    _assert_same(*_both({"pkg/mod.py": EDGE_CASES[name]}))
