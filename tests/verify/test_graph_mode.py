"""Which layer family builds the reference graph: tf-keras's legacy one, or tf1compat's."""

from __future__ import annotations

from tf1migrate.verify.runner import graph_mode


def test_graph_mode_choice(monkeypatch):
    monkeypatch.setenv("TF1MIGRATE_VERIFY_GRAPH_MODE", "tf1compat")
    assert graph_mode() == "tf1compat"
    monkeypatch.delenv("TF1MIGRATE_VERIFY_GRAPH_MODE")
    assert graph_mode() == "tf-keras"  # tf-keras is a test dependency
