"""The codemod's golden output for the fixture repos verifies against the TF1 originals.

The migrated tree is the fixture repo with ``fixtures/expected/<repo>/`` laid over it (a file
absent from expected/ is unchanged). Training flags are tried too (``--training``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tf1migrate.verify import run_verify
from tf1migrate.verify.model import ReferenceKind, Status

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# One repo per kind of root: get_variable helpers and dict outputs (gpt2), tf.layers with batch
# norm, dropout and make_template (cnn), RNN cells (lstm), methods with a `self` spec (dcgan),
# a graph-building __init__ whose helpers read tensor.name (bert), every import alias with a
# module-level tf.disable_v2_behavior() (aliases), slim nets with batch norm, repeat/stack,
# arg_scope functions and end points (slimnets), classes wrapped as a whole: placeholders made
# in __init__ fed from the call (classes), forward methods of variable-holding objects (graphs).
REPOS = ("gpt2", "cnn", "lstm", "dcgan", "bert", "aliases", "slimnets", "classes", "graphs")
# The slim layers (aliases/nets/slim_*.py, slimnets): their TF1 originals use tf.contrib, which
# the reference binds to the genuine tf-slim; the migrated side runs on tf1compat.slim.
SLIM_LAYERS = {
    "aliases": {"nets.slim_from:LenetLayer", "nets.slim_import:SmallVggLayer"},
    "slimnets": {"nets.vgg:VggSmallLayer", "nets.resnet:ResnetSmallLayer"},
}


def migrated_copy(name: str, destination: Path) -> Path:
    shutil.copytree(FIXTURES / "repos" / name, destination)
    shutil.copytree(FIXTURES / "expected" / name, destination, dirs_exist_ok=True)
    return destination


@pytest.mark.slow
@pytest.mark.parametrize("name", REPOS)
def test_fixture_migration_verifies(name, tmp_path):
    if not (FIXTURES / "expected" / name).is_dir():
        pytest.skip(f"no golden output for {name} yet")
    migrated = migrated_copy(name, tmp_path / name)
    result = run_verify([migrated], original=FIXTURES / "repos" / name, training=True, jobs=2)
    assert result.layers, result.messages
    assert SLIM_LAYERS.get(name, set()) <= {layer.layer for layer in result.layers}
    for layer in result.layers:
        assert layer.status is Status.VERIFIED, (layer.layer, layer.messages)
        assert layer.reference is ReferenceKind.GRAPH_TF_KERAS
        assert layer.names_ok and layer.variables > 0
        assert layer.max_abs_diff is not None and layer.max_abs_diff <= 1e-5
    assert result.exit_code == 0
