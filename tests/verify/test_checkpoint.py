"""``--checkpoint``: a checkpoint written by a TF1 graph verifies and loads; another model's
checkpoint fails with missing / unexpected lists."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.verify.repos import write_pair
from tf1migrate.verify import run_verify
from tf1migrate.verify.discover import discover_wrappers
from tf1migrate.verify.emit import emit_tests
from tf1migrate.verify.model import ReferenceKind, Status
from tf1migrate.verify.schedule import RunSettings

# Runs in a TF1 graph (tf-keras legacy layers): the original `mlp`, saved by a Saver, plus a
# different model's checkpoint holding optimizer slots and a global step like a real run.
WRITE_CHECKPOINTS = """
import sys
import tensorflow as tf
v1 = tf.compat.v1
v1.disable_v2_behavior()
sys.modules["tensorflow"] = v1
sys.path.insert(0, sys.argv[1])
import net

with tf.Graph().as_default():
    net.mlp(v1.placeholder(tf.float32, [2, 5]), hidden=8, out=3)
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        v1.train.Saver().save(session, sys.argv[2])

with tf.Graph().as_default():
    with v1.variable_scope("mlp"):
        v1.get_variable("fc1/kernel", [5, 16])
        v1.get_variable("fc1/bias", [16])
        v1.get_variable("fc1/kernel/Adam", [5, 16])
    v1.get_variable("encoder/w", [4, 4])
    v1.train.get_or_create_global_step()
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        v1.train.Saver().save(session, sys.argv[3])
"""


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("ckpt")
    original, migrated = write_pair(root)
    good, other = root / "good" / "model.ckpt", root / "other" / "model.ckpt"
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(
        [sys.executable, "-c", WRITE_CHECKPOINTS, str(original), str(good), str(other)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return migrated, good, other


def test_checkpoint_written_by_tf1_graph_verifies_and_loads(checkpoints):
    migrated, good, _ = checkpoints
    result = run_verify([migrated], checkpoint=good, select=["net:MlpLayer"])
    (layer,) = result.layers
    assert layer.status is Status.VERIFIED, layer.messages
    assert layer.reference is ReferenceKind.CHECKPOINT
    assert layer.names_ok and layer.max_abs_diff is None  # no numerics without a graph
    assert layer.checkpoint_load is not None
    assert layer.checkpoint_load["loaded"] == [
        "mlp/fc1/bias", "mlp/fc1/kernel", "mlp/fc2/bias", "mlp/fc2/kernel", "mlp/scale",
    ]
    assert layer.checkpoint_load["missing"] == []


def test_checkpoint_of_another_model_fails_with_missing_and_unexpected(checkpoints):
    migrated, _, other = checkpoints
    result = run_verify([migrated], checkpoint=other, select=["net:MlpLayer"])
    (layer,) = result.layers
    assert layer.status is Status.MISMATCH
    assert layer.missing == ["mlp/fc2/bias", "mlp/fc2/kernel", "mlp/scale"]
    assert layer.unexpected == []  # fc1/kernel/Adam is an optimizer slot, encoder/w another layer
    assert "mlp/fc1/kernel: shape [5, 16] in the checkpoint, [5, 8] migrated" in layer.messages
    assert any(m.startswith("missing from the checkpoint: mlp/fc2/kernel [8, 3]") for m in layer.messages)
    assert "3 checkpoint entries outside this layer ignored" in layer.messages
    assert layer.checkpoint_load is not None
    assert layer.checkpoint_load["missing"] == ["mlp/fc2/bias", "mlp/fc2/kernel", "mlp/scale"]
    assert result.exit_code == 1


@pytest.mark.slow
def test_emitted_test_file_reruns_the_check(checkpoints):
    migrated, good, _ = checkpoints
    targets, _ = discover_wrappers([migrated])
    settings = RunSettings(
        checkpoint=str(good), numerics=False, training=False, rtol=1e-5, atol=1e-5,
        timeout=300, memory_limit_mb=None, graph_mode="tf-keras",
    )
    (emitted,) = emit_tests(migrated / "tests", targets, tree=None, base=None, settings=settings)
    assert emitted.name == "test_verify_net.py"
    assert "checkpoint=str(HERE / '../../good/model.ckpt')" in emitted.read_text()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(emitted), "-q", "-p", "no:cacheprovider", "-k", "MlpLayer"],
        capture_output=True, text=True, timeout=600, cwd=migrated,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "1 passed" in proc.stdout
