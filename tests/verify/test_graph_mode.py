"""Without tf-keras the reference is built with tf1compat's graph mode, and says so."""

from __future__ import annotations

import pytest

from tests.verify.repos import write_pair
from tf1migrate.verify import run_verify
from tf1migrate.verify.model import ReferenceKind, Status
from tf1migrate.verify.runner import graph_mode


def test_graph_mode_choice(monkeypatch):
    monkeypatch.setenv("TF1MIGRATE_VERIFY_GRAPH_MODE", "tf1compat")
    assert graph_mode() == "tf1compat"
    monkeypatch.delenv("TF1MIGRATE_VERIFY_GRAPH_MODE")
    assert graph_mode() == "tf-keras"  # tf-keras is a test dependency


@pytest.mark.slow
def test_reference_built_with_tf1compat_layers(tmp_path, monkeypatch):
    monkeypatch.setenv("TF1MIGRATE_VERIFY_GRAPH_MODE", "tf1compat")
    original, migrated = write_pair(tmp_path)
    result = run_verify([migrated], original=original, select=["net:MlpLayer", "net:DroppedBiasLayer"])
    layers = {layer.layer: layer for layer in result.layers}
    good, broken = layers["net:MlpLayer"], layers["net:DroppedBiasLayer"]
    assert good.reference is ReferenceKind.GRAPH_TF1COMPAT
    assert good.status is Status.VERIFIED, good.messages
    assert good.max_abs_diff is not None and good.max_abs_diff <= 1e-5
    assert broken.status is Status.MISMATCH and broken.missing == ["mlp/fc2/bias"]
