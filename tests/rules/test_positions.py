"""Finding positions equal what LibCST's PositionProvider reports, at a fraction of its cost."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from tf1migrate.rules_impl.positions import node_starts

SOURCES = {
    "header-decorators-strings": (
        "#!/usr/bin/env python\n# comment\n\n'''Doc\nstring'''\nimport tensorflow as tf\n\n\n"
        "@decorate(\n    tf.layers.dense)\ndef f(x, *, y=tf.nn.relu):\n"
        "    s = '''a\nb'''\n    return tf.get_variable(\n        'w', [1],\n        dtype=tf.float32)\n"
        "class A(tf.layers.Layer):\n    x = (\n        tf.placeholder)  # c\n"
    ),
    "crlf-and-tabs": "import tensorflow as tf\r\nif x:\r\n\ty = tf.Session()\r\n\tz = [tf.a,\r\n\t     tf.b]\r\n",
    "semicolons-and-lambdas": "a = 1; b = tf.x(lambda q: tf.y(q)); c = {tf.k: tf.v}\n",
}


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Arg, cst.BinaryOperation)):
            self.nodes.append(node)
        return True


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_starts_match_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    collector = _Collect()
    module.visit(collector)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    starts = node_starts(module, collector.nodes)
    assert len(starts) == len(collector.nodes)
    for node in collector.nodes:
        position = expected[node].start
        assert starts[id(node)] == (position.line, position.column), cst.Module([]).code_for_node(node)
