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
# norm, dropout and make_template (cnn), RNN cells (lstm), methods with a `self` spec (dcgan).
REPOS = ("gpt2", "cnn", "lstm", "dcgan")


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
    for layer in result.layers:
        assert layer.status is Status.VERIFIED, (layer.layer, layer.messages)
        assert layer.reference is ReferenceKind.GRAPH_TF_KERAS
        assert layer.names_ok and layer.variables > 0
        assert layer.max_abs_diff is not None and layer.max_abs_diff <= 1e-5
    assert result.exit_code == 0
