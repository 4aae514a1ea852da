"""Code shapes the fixtures do not have: each must migrate, compile and be idempotent."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tf1migrate.passes import migrate_sources

CASES = {
    "staticmethod-root": ('''
        import tensorflow as tf

        class Nets(object):
            @staticmethod
            def mlp(x, units=4):
                return tf.layers.dense(x, units)
        ''', ["NetsMlpLayer"]),
    "root-inside-if-is-left-alone": ('''
        import tensorflow as tf

        if tf.__version__ >= "1.4":
            def block(x):
                return tf.layers.dense(x, 3)
        ''', []),
    "star-args-and-kwargs": ('''
        import tensorflow as tf

        def head(x, *extra, units=3, **layer_kwargs):
            return tf.layers.dense(x, units, **layer_kwargs)
        ''', ["HeadLayer"]),
    "name-collides-with-import": ('''
        import tensorflow as tf
        from somewhere import BlockLayer

        def block(x):
            return tf.layers.dense(x, 3)
        ''', ["BlockLayer2"]),
    "outer-scope-without-tf-alias": ('''
        from tensorflow.layers import dense
        from tensorflow.compat.v1 import variable_scope, placeholder, Session

        def tower(x):
            return dense(x, 3)

        def main():
            x = placeholder("float32", [None, 3])
            with variable_scope("tower_scope"):
                y = tower(x)
            return Session().run(y)
        ''', ["TowerLayer"]),
    "parameters-named-like-keras-attributes": ('''
        import tensorflow as tf

        def fc(x, units, name="fc", trainable=True, kwargs=None, training=False):
            with tf.variable_scope(name):
                h = tf.layers.dense(x, units, trainable=trainable)
                return tf.layers.dropout(h, training=training)
        ''', ["FcLayer"]),
    "nested-function-and-lambda": ('''
        import tensorflow as tf

        def net(x, n=2):
            def step(h, i):
                return tf.layers.dense(h, 3, name="l%d" % i)
            act = lambda t: tf.nn.relu(t)
            for i in range(n):
                x = act(step(x, i))
            return x
        ''', ["NetLayer"]),
    "decorated-and-async-neighbours": ('''
        import functools
        import tensorflow as tf

        def cache(fn):
            return fn

        @cache
        def encoder(x):
            """Encoder with a \\"""quoted\\""" docstring."""
            return tf.layers.dense(x, 3)

        async def not_tf():
            return 1
        ''', ["EncoderLayer"]),
}


def migrate_case(name: str):
    return migrate_sources({"m.py": dedent(CASES[name][0]).lstrip()})["m.py"]


@pytest.mark.parametrize("source, classes", CASES.values(), ids=list(CASES))
def test_unusual_code_migrates_cleanly(source, classes):
    source = dedent(source).lstrip()
    first = migrate_sources({"m.py": source})["m.py"]
    compile(first.code, "m.py", "exec")
    assert [layer.class_name for layer in first.layers] == classes
    second = migrate_sources({"m.py": first.code})["m.py"]
    assert second.code == first.code


def test_staticmethod_wrapper_keeps_every_parameter():
    code = migrate_case("staticmethod-root").code
    assert "def call(self, x, training=None):" in code
    assert "return self.nets.mlp(x, units=self.units)" in code


def test_outer_scope_without_alias_imports_tensorflow():
    code = migrate_case("outer-scope-without-tf-alias").code
    assert "import tensorflow\n" in code
    assert "with tensorflow.compat.v1.variable_scope(self.variable_scope):" in code


def test_root_that_cannot_be_wrapped_is_reported():
    result = migrate_case("root-inside-if-is-left-alone")
    (finding,) = [f for f in result.findings if f.rule == "TFM301"]
    assert finding.severity.value == "warning" and finding.line == 4
    assert "`block`" in finding.message
