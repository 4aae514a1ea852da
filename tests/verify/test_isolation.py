"""User code that raises, exits, aborts, hangs or allocates without bound is contained in
its child: each such layer gets its own error and the run goes on."""

from __future__ import annotations

import re

import pytest

from tests.verify.repos import write
from tf1migrate.verify import run_verify
from tf1migrate.verify.model import Status

# Each module misbehaves at import, before it even imports TensorFlow, in the original
# (reference child) and in the migrated code alike.
FAULTS = {
    "raises": 'print("noise on stdout " * 100)\nraise ValueError("bad configuration in user code")',
    "exits": "import sys\nsys.exit(3)",
    "aborts": "import os\nos.abort()",
    "hangs": "while True:\n    pass",
    "allocates": "blocks = []\nwhile True:\n    blocks.append(bytes(256 * 2**20))  # calloc: no page touched",
}

ORIGINAL = '''
{fault}

import tensorflow as tf


def block(x):
    with tf.variable_scope("block"):
        return x * tf.get_variable("w", [3])
'''

MIGRATED = '''
{fault}

import tensorflow as tf
import tf1compat


def block(x):
    with tf.compat.v1.variable_scope("block"):
        return x * tf.compat.v1.get_variable("w", [3])


class BlockLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "block"

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return block(x)
'''

EXPECTED = {
    "raises": "while importing raises: ValueError: bad configuration in user code",
    "exits": "while importing exits: user code called sys.exit(3)",
    "aborts": "child crashed with SIGABRT",
    "hangs": "timed out after 10 s (killed)",
    "allocates": "while importing allocates: MemoryError (the memory limit was reached)",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    spec = ""
    for name, fault in FAULTS.items():
        write(root / "original" / f"{name}.py", ORIGINAL.format(fault=fault))
        write(root / "migrated" / f"{name}.py", MIGRATED.format(fault=fault))
        spec += f'[tool.tf1migrate.verify."{name}:block"]\ninputs = {{ x = "float32[2, 3]" }}\n'
    write(root / "migrated" / "pyproject.toml", spec)
    return run_verify(
        [root / "migrated"], original=root / "original", numerics=False,
        timeout=10, memory_limit_mb=2048, jobs=4,
    )


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_is_a_per_layer_error(result, fault):
    layers = {layer.layer: layer for layer in result.layers}
    layer = layers[f"{fault}:BlockLayer"]
    assert layer.status is Status.ERROR
    migrated_side = [m for m in layer.messages if m.startswith("migrated child failed")]
    assert migrated_side and EXPECTED[fault] in migrated_side[0], layer.messages
    if fault in ("raises", "exits"):  # the one-line summary names the user's file and line
        headline = migrated_side[0].splitlines()[0]
        assert re.search(rf"\({fault}\.py:\d+\)$", headline), headline


@pytest.mark.slow
def test_every_layer_is_reported_and_the_exit_code_is_2(result):
    assert sorted(layer.layer.split(":")[0] for layer in result.layers) == sorted(FAULTS)
    assert result.exit_code == 2
