"""What the codemod generates is what verify reads: a TF1 repository migrated by
``tf1migrate migrate`` (the real codemod, not a hand-written wrapper) verifies with no spec
at all. Its `name` parameter is stored as `tf1_name` (`tf1migrate_renames`) and defaulted
from the call site; the original still gets `name`."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.verify.repos import write
from tf1migrate.verify import run_verify
from tf1migrate.verify.discover import discover_wrappers
from tf1migrate.verify.model import Status

NETS = '''
import tensorflow as tf


def encoder(x, width, name=None):
    with tf.variable_scope(name, default_name="encoder"):
        return tf.layers.dense(x, width, name="proj")
'''

TRAIN = '''
import tensorflow as tf

from nets import encoder


def main():
    features = tf.placeholder(tf.float32, [None, 7], name="features")
    logits = encoder(features, 4, name="enc")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(logits)
'''


@pytest.mark.slow
def test_generated_wrapper_with_a_name_parameter_verifies_without_a_spec(tmp_path):
    original, migrated = tmp_path / "original", tmp_path / "migrated"
    write(original / "nets.py", NETS)
    write(original / "train.py", TRAIN)
    shutil.copytree(original, migrated)
    done = subprocess.run(
        [sys.executable, "-m", "tf1migrate.cli", "migrate", str(migrated)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (target,), _ = discover_wrappers([migrated], migrated)
    # the mapping verify reads is the one the codemod recorded
    assert dict(target.arguments) == {"width": "width", "tf1_name": "name"}
    assert [p.name for p in target.init_params if not p.variadic] == ["width", "tf1_name"]
    result = run_verify([migrated], original=original, jobs=2)
    (layer,) = result.layers
    assert layer.status is Status.VERIFIED, layer.messages
    assert layer.spec_source == "call-site"  # x from train.py's placeholder, width=4, name="enc"
    assert layer.names_ok and layer.variables == 2 and layer.params == 7 * 4 + 4
    assert layer.max_abs_diff is not None and layer.max_abs_diff <= 1e-5
    assert result.exit_code == 0
