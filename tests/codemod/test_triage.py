"""Pass 1 proves some files need no rewrite: they get the engine's exact answer, no LibCST.

Every case is run twice, through the real passes (`migrate_texts`) and with the triage
switched off so the engine rewrites every file; the answers must be equal, file by file,
findings included. The engine's parser is watched to see which files it read.
"""

from __future__ import annotations

from dataclasses import replace
from textwrap import dedent

import pytest

from tests.codemod.goldens import REPOS, fixture_names, read_sources
from tf1migrate import engine
from tf1migrate.passes import DEFAULT_STAGES, migrate_texts
from tf1migrate.types import Options, SourceResult

ENGINE_FOR_EVERY_FILE = replace(DEFAULT_STAGES, triage=lambda source, **_: None)

MODEL = dedent(
    """\
    import tensorflow as tf


    def dense(x, n, scope="dense"):
        with tf.variable_scope(scope):
            w = tf.get_variable("w", [x.shape[-1], n])
            return tf.matmul(x, w)


    def train():
        x = tf.placeholder(tf.float32, [None, 4])
        y = dense(x, 3)
        return tf.train.AdamOptimizer().minimize(tf.reduce_sum(y))
    """
)

#: files the rewrite has nothing to do with, next to the model above
UNTOUCHED = {
    "utils.py": "import os\n\n\ndef path(*parts):\n    return os.path.join(*parts)\n",
    "main.py": dedent(
        """\
        from model import train
        import utils  # tf1migrate: noqa


        def main():
            return train()
        """
    ),
    "skipped.py": "# tf1migrate: skip-file\nimport tensorflow as tf\nx = tf.placeholder(tf.float32)\n",
    "test_utils.py": "import unittest\n\n\nclass T(unittest.TestCase):\n    def test(self):\n        pass\n",
}

#: files that look harmless to a text search but that the rewrite must see
NEEDS_WORK = {
    "reexport.py": "import tensorflow as tf\n",
    "via_reexport.py": "from reexport import tf\n\nw = tf.get_variable('w', [2])\n",
    "star.py": "from tensorflow.compat.v1 import *\n\nx = placeholder(float32)\n",
    "rebound.py": "import tensorflow.compat.v1\ntensorflow = None\nn = x.shape[0].value\n",
    "local_import.py": "def f(x):\n    import tensorflow as tf\n    return tf.layers.dense(x, 3)\n",
}


def _comparable(results: dict) -> dict:
    """Results with parse failures (exceptions, not values) as their message and position."""
    return {
        path: r if isinstance(r, SourceResult) else (type(r), str(r), r.line, r.col)
        for path, r in results.items()
    }


def _run(sources: dict[str, str], monkeypatch, stages=DEFAULT_STAGES, options=None):
    parsed: list[str] = []
    real_parse = engine.parse

    def parse(source: str, path: str = ""):
        parsed.append(path)
        return real_parse(source, path)

    monkeypatch.setattr(engine, "parse", parse)
    results = migrate_texts(sources, options or Options(), stages)
    monkeypatch.undo()
    return results, parsed


def test_files_with_nothing_to_do_are_answered_without_libcst(monkeypatch) -> None:
    sources = {"model.py": MODEL, **UNTOUCHED}
    fast, parsed = _run(sources, monkeypatch)
    slow, every = _run(sources, monkeypatch, ENGINE_FOR_EVERY_FILE)
    assert set(parsed) == {"model.py"}
    assert set(every) == set(sources) - {"skipped.py"}  # the engine returns skip-file early
    assert _comparable(fast) == _comparable(slow)
    for path in UNTOUCHED:
        assert isinstance(fast[path], SourceResult) and fast[path].code == sources[path]
    # an untouched file still carries what the index says about it: `main` runs training
    assert [(f.rule, f.line) for f in fast["main.py"].findings] == [("TFM410", 5)]


def test_files_that_need_the_rewrite_are_never_skipped(monkeypatch) -> None:
    sources = {"model.py": MODEL, **NEEDS_WORK}
    fast, parsed = _run(sources, monkeypatch)
    slow, _ = _run(sources, monkeypatch, ENGINE_FOR_EVERY_FILE)
    assert set(parsed) == set(sources)
    assert _comparable(fast) == _comparable(slow)
    changed = {p for p, r in fast.items() if isinstance(r, SourceResult) and r.code != sources[p]}
    assert {"via_reexport.py", "rebound.py", "local_import.py"} <= changed


def test_a_user_rule_pack_makes_its_package_worth_rewriting(tmp_path, monkeypatch) -> None:
    pack = tmp_path / "acme.toml"
    pack.write_text('[renames]\n"acme.legacy.fc" = "acme.layers.dense"\n')
    sources = {"net.py": "import acme.legacy\n\ny = acme.legacy.fc(3)\n", **UNTOUCHED}
    options = Options(rule_packs=(str(pack),))
    fast, parsed = _run(sources, monkeypatch, options=options)
    slow, _ = _run(sources, monkeypatch, ENGINE_FOR_EVERY_FILE, options)
    assert "net.py" in parsed and "utils.py" not in parsed
    assert _comparable(fast) == _comparable(slow)
    assert "acme.layers.dense(3)" in fast["net.py"].code


def test_roots_make_a_file_worth_rewriting_even_without_tensorflow(monkeypatch) -> None:
    """`import tf1migrate_helpers` gives no TensorFlow binding, but the index wraps `net`."""
    sources = {
        "ops.py": "import tensorflow as tf\n\n\ndef linear(x):\n    return tf.layers.dense(x, 3)\n",
        "net.py": "from ops import linear\n\n\ndef net(x):\n    return linear(linear(x))\n",
        "main.py": "from net import net\n\ny = net(1)\n",
    }
    fast, parsed = _run(sources, monkeypatch)
    slow, _ = _run(sources, monkeypatch, ENGINE_FOR_EVERY_FILE)
    assert _comparable(fast) == _comparable(slow)
    if "class NetLayer" in fast["net.py"].code:  # the index chose to wrap it
        assert "net.py" in parsed


@pytest.mark.parametrize("name", fixture_names())
def test_every_fixture_repo_gets_the_same_answers(name: str, monkeypatch) -> None:
    sources = read_sources(REPOS / name)
    fast, _ = _run(sources, monkeypatch)
    slow, _ = _run(sources, monkeypatch, ENGINE_FOR_EVERY_FILE)
    assert _comparable(fast) == _comparable(slow)
