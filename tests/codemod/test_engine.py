"""The engine's guarantees: byte-identical when idle, formatting kept, checks, never TensorFlow."""

from __future__ import annotations

import subprocess
import sys
from textwrap import dedent

import pytest

from tf1migrate import engine
from tf1migrate.engine import InternalCheckError, ParseFailure, looks_like_python2
from tf1migrate.passes import migrate_sources
from tf1migrate.types import Options

MODEL = dedent('''\
    """A model module."""
    import os  # kept

    import tensorflow as tf


    def dense_block(x, units,   scope="block"):  # odd spacing is kept
        # a comment inside
        with tf.variable_scope(scope):
            return tf.layers.dense(x, units)  # trailing comment


    def unrelated():
        return os.sep
''')


def migrate_one(source: str, options: Options = Options(), path: str = "pkg/mod.py"):
    return migrate_sources({path: source}, options)[path]


@pytest.mark.parametrize(
    "source",
    [
        "import os\n\nprint(os.sep)\n",
        "import tensorflow as tf\n\nx = tf.constant(1)  # nothing TF1 here\n",
        "# coding: utf-8\r\nimport numpy as np\r\n\r\nA = np.zeros(3)\r\n",
        "",
    ],
    ids=["no-tensorflow", "tf2-only", "crlf", "empty"],
)
def test_nothing_to_do_is_byte_identical(source):
    result = migrate_one(source)
    assert result.code == source
    assert not result.layers and result.upgrades == 0


def test_formatting_and_comments_are_preserved_around_the_rewrite():
    result = migrate_one(MODEL)
    code = result.code
    kept = (
        '"""A model module."""',
        "import os  # kept",
        'def dense_block(x, units,   scope="block"):  # odd spacing is kept',
        "    # a comment inside",
        "# trailing comment",
        "def unrelated():",
    )
    for line in kept:
        assert line in code
    assert code.count("import tf1compat\n") == 1
    assert code.index("import tf1compat") < code.index("def dense_block")
    wrapper = code.index("class DenseBlockLayer")
    assert wrapper > code.index("return tf1compat.layers.dense(x, units)")
    assert code.index("class DenseBlockLayer") < code.index("def unrelated")
    assert [layer.class_name for layer in result.layers] == ["DenseBlockLayer"]
    layer = result.layers[0]
    assert code.splitlines()[layer.line - 1].startswith("class DenseBlockLayer(")
    assert any(f.rule == "TFM301" for f in result.findings)


def test_second_run_is_a_no_op_and_existing_import_is_not_duplicated():
    first = migrate_one(MODEL)
    second = migrate_one(first.code)
    assert second.code == first.code
    assert not second.layers


def test_skip_file_and_skip_def():
    skip_file = "# tf1migrate: skip-file\n" + MODEL
    assert migrate_one(skip_file).code == skip_file
    skipped = MODEL.replace("def dense_block", "# tf1migrate: skip\ndef dense_block")
    result = migrate_one(skipped)
    assert not result.layers
    assert result.code == skipped  # the skipped def is the only TF1 code: nothing changes


def test_ignore_the_wrapping_rule():
    result = migrate_one(MODEL, Options(ignore=("TFM3",)))
    assert not result.layers and "class DenseBlockLayer" not in result.code
    method = (
        "import tensorflow as tf\n\n"
        "class Net:\n    def head(self, x):\n        return tf.layers.dense(x, 2)\n"
    )
    assert not migrate_one(method, Options(ignore=("TFM303",))).layers
    assert migrate_one(method, Options(ignore=("TFM301",))).layers


def test_module_target():
    result = migrate_one(MODEL, Options(target="module"))
    assert "class DenseBlockModule(tf1compat.MigratedModule):" in result.code
    assert result.layers[0].base == "tf1compat.MigratedModule"


def test_training_code_that_creates_variables_gets_a_finding():
    source = MODEL + dedent('''

        def main():
            x = tf.placeholder(tf.float32, [None, 3])
            y = dense_block(x, 2)
            with tf.Session() as sess:
                return sess.run(y)
    ''')
    result = migrate_one(source)
    tfm410 = [f for f in result.findings if f.rule == "TFM410"]
    assert len(tfm410) == 1 and "`main`" in tfm410[0].message
    assert tfm410[0].line == source.splitlines().index("def main():") + 1
    assert [layer.function for layer in result.layers] == ["dense_block"]


def test_python2_source_is_a_parse_failure_with_a_hint():
    with pytest.raises(ParseFailure) as caught:
        migrate_one("import os\n\ndef f():\n    print 'hello'\n")
    failure = caught.value
    assert failure.looks_like_python2 and failure.rule == "TFM002"
    assert failure.line == 4
    assert "2to3" in str(failure)


def test_python3_syntax_error_is_not_called_python2():
    with pytest.raises(ParseFailure) as caught:
        migrate_one("def f(:\n    pass\n")
    assert not caught.value.looks_like_python2 and caught.value.rule == "TFM001"


@pytest.mark.parametrize(
    "source, expected",
    [("print 'x'\n", True), ("except ValueError, e:\n", True), ("x = 0777\n", True),
     ("print('x')\n", False), ("x = 0o777\n", False)],
)
def test_python2_heuristics(source, expected):
    assert looks_like_python2(source) is expected


def test_a_rewrite_that_is_not_idempotent_is_refused(monkeypatch):
    # a bug that no longer recognises our own wrappers would add one more on every run
    monkeypatch.setattr(engine, "generated_wrapper_target", lambda node: None)
    with pytest.raises(InternalCheckError, match="not idempotent") as caught:
        migrate_one(MODEL)
    assert "TFM301" in caught.value.rules


def test_the_rewrite_never_imports_tensorflow_or_the_code_it_rewrites(tmp_path):
    marker = tmp_path / "imported"
    source = MODEL + f"\nopen({str(marker)!r}, 'w').close()\n"
    script = dedent(f"""
        import sys
        from tf1migrate.passes import migrate_sources
        result = migrate_sources({{"pkg/mod.py": {source!r}}})["pkg/mod.py"]
        assert result.layers, "expected a wrapper"
        prefixes = ("tensorflow.", "keras", "tf1compat")
        banned = sorted(m for m in sys.modules if m == "tensorflow" or m.startswith(prefixes))
        assert not banned, banned
    """)
    command = [sys.executable, "-c", script]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
