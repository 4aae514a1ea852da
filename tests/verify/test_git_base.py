"""The default reference source, git HEAD while the migration is uncommitted, built with
tf1compat's graph mode (what users without tf-keras get)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.verify.repos import write_pair
from tf1migrate.verify import run_verify
from tf1migrate.verify.model import ReferenceKind, Status


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd, check=True, capture_output=True,
    )


@pytest.mark.slow
def test_uncommitted_migration_against_head_with_tf1compat_layers(tmp_path, monkeypatch):
    monkeypatch.setenv("TF1MIGRATE_VERIFY_GRAPH_MODE", "tf1compat")
    original, migrated = write_pair(tmp_path / "pair")
    repo = tmp_path / "repo"
    shutil.copytree(original, repo)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "TF1 original")
    shutil.copy(migrated / "net.py", repo / "net.py")  # the migration, not committed
    result = run_verify([repo], select=["net:MlpLayer", "net:DroppedBiasLayer"])
    assert result.original is not None and result.original.startswith("git HEAD (")
    layers = {layer.layer: layer for layer in result.layers}
    good, broken = layers["net:MlpLayer"], layers["net:DroppedBiasLayer"]
    assert good.reference is ReferenceKind.GRAPH_TF1COMPAT
    assert good.status is Status.VERIFIED, good.messages
    assert good.max_abs_diff is not None and good.max_abs_diff <= 1e-5
    assert broken.status is Status.MISMATCH and broken.missing == ["mlp/fc2/bias"]


@pytest.mark.slow
def test_repo_root_init_verifies_against_head(tmp_path):
    """A repository whose root is a package (``__init__.py`` at the top) is verified from its
    git top level: the module is ``net``, imported from the root, in both trees."""
    original, migrated = write_pair(tmp_path / "pair")
    repo = tmp_path / "repo"
    shutil.copytree(original, repo)
    (repo / "__init__.py").write_text("")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "TF1 original")
    shutil.copy(migrated / "net.py", repo / "net.py")
    result = run_verify([repo], select=["net:MlpLayer"])
    (layer,) = result.layers
    assert layer.status is Status.VERIFIED, layer.messages
    assert result.exit_code == 0


ORIGINAL_MODEL = '''
import tensorflow as tf

from pkgrepo import helpers  # the repository's modules import each other through its name


def block(x):
    with tf.variable_scope("block"):
        return tf.layers.dense(x, helpers.WIDTH, name="fc")
'''

MIGRATED_MODEL = '''
import tensorflow as tf
import tf1compat

from pkgrepo import helpers


def block(x):
    with tf.compat.v1.variable_scope("block"):
        return tf1compat.layers.dense(x, helpers.WIDTH, name="fc")


class BlockLayer(tf1compat.MigratedLayer):
    tf1migrate_wraps = "block"

    @tf1compat.track_tf1_style_variables
    def call(self, x, training=None):
        return block(x)
'''


@pytest.mark.slow
def test_root_package_imported_by_its_name_from_a_temporary_export(tmp_path):
    """ALBERT's layout: the root is a package whose modules say `from albert import modeling`.
    The reference is a `git archive` in a temporary directory of another name: the root is
    importable as `pkgrepo` on both sides all the same."""
    repo = tmp_path / "pkgrepo"
    repo.mkdir()
    (repo / "__init__.py").write_text("")
    (repo / "helpers.py").write_text("WIDTH = 3\n")
    (repo / "model.py").write_text(ORIGINAL_MODEL)
    (repo / "pyproject.toml").write_text(
        '[tool.tf1migrate.verify."model:block"]\ninputs = { x = "float32[2, 5]" }\n'
    )
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "TF1 original")
    (repo / "model.py").write_text(MIGRATED_MODEL)
    result = run_verify([repo])
    (layer,) = result.layers
    assert layer.status is Status.VERIFIED, layer.messages
    assert layer.params == 5 * 3 + 3 and result.exit_code == 0
