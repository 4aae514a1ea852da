"""Smoke run of the runtime-overhead benchmark with a tiny model: the two decorator variants
(ours, and tf-keras's in its own TF_USE_LEGACY_KERAS=1 process) build the same architecture
(same parameter count), train (every variable gets a gradient) and are timed. The plain Keras
baseline is left out to keep the smoke run to two TensorFlow processes; the full benchmark
warns if its parameter count differs."""

from __future__ import annotations

import json

import pytest

from benchmarks import runtime_overhead
from benchmarks.gpt2_config import HParams

TINY = ["--layers", "1", "--width", "16", "--heads", "2", "--seq", "8", "--batch", "2",
        "--vocab", "32", "--iterations", "2", "--warmup", "1", "--repeat", "1"]


@pytest.mark.tf
def test_tiny_run_of_both_decorators(tmp_path):
    variants = [runtime_overhead.TF1COMPAT, runtime_overhead.TF_KERAS]
    runtime_overhead.main([*TINY, "--variants", *variants, "--out-dir", str(tmp_path)])
    data = json.loads((tmp_path / "runtime_overhead-latest.json").read_text())
    expected = HParams(n_vocab=32, n_ctx=8, n_embd=16, n_head=2, n_layer=1).n_params
    for variant in variants:
        (run,) = data["runs"][runtime_overhead.LABELS[variant]]
        assert run["error"] is None and run["returncode"] == 0, run["stderr_tail"][-800:]
        details = run["details"]
        assert details["n_params"] == expected
        assert details["variables_without_gradient"] == 0
        assert details["train_step_s"] > 0 and details["peak_rss_mb"] > 0
    assert data["ratios"]["tf1compat / tf_keras: eager_forward_s"]["median"] > 0
