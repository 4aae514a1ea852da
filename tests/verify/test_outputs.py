"""Seeded inputs, output flattening and output comparison (numpy only, no TensorFlow)."""

from __future__ import annotations

import numpy as np

from tf1migrate.verify.childlib import compare_outputs, flatten_outputs, make_inputs


def is_array(value) -> bool:
    return isinstance(value, np.ndarray)


def test_inputs_are_seeded_typed_and_in_range():
    specs = {
        "ids": {"dtype": "int32", "shape": [2, 8], "minval": 3, "maxval": 7},
        "x": {"dtype": "float32", "shape": [4]},
        "mask": {"dtype": "bool", "shape": [3]},
        "u": {"dtype": "float64", "shape": [5], "minval": -1.0, "maxval": 0.0},
    }
    first, again = make_inputs(specs, seed=1), make_inputs(specs, seed=1)
    assert all(np.array_equal(first[k], again[k]) for k in specs)
    assert first["ids"].dtype == np.int32 and first["ids"].shape == (2, 8)
    assert first["ids"].min() >= 3 and first["ids"].max() < 7
    assert first["x"].dtype == np.float32 and first["mask"].dtype == bool
    assert (first["u"] >= -1).all() and (first["u"] < 0).all()
    assert not np.array_equal(make_inputs(specs, seed=2)["x"], first["x"])


def test_nested_outputs_flatten_to_stable_paths():
    a, b, c = np.zeros(1), np.ones(1), np.full(1, 2.0)
    flat = dict(flatten_outputs({"present": (a, [b, None]), "logits": c, "n": 3}, is_array))
    assert list(flat) == ["logits", "present/0", "present/1/0"]
    assert dict(flatten_outputs(a, is_array)) == {"": a}


def test_compare_outputs_reports_each_disagreement():
    reference = {
        "same": np.array([1.0, 2.0], np.float32),
        "off": np.array([1.0, 2.0], np.float32),
        "shape": np.zeros((2, 3), np.float32),
        "gone": np.zeros(1),
        "ids": np.array([1, 2], np.int32),
        "half": np.zeros(2, np.float32),
    }
    migrated = {
        "same": np.array([1.0, 2.0 + 1e-7], np.float32),
        "off": np.array([1.0, 2.5], np.float32),
        "shape": np.zeros((3, 2), np.float32),
        "new": np.zeros(1),
        "ids": np.array([1, 4], np.int32),
        "half": np.zeros(2, np.float16),
    }
    worst, messages = compare_outputs(reference, migrated, rtol=1e-5, atol=1e-5)
    assert worst == 2.0
    assert messages == [
        "output gone: produced by the reference, not by the migrated layer",
        "output half: dtype float32 in the reference, float16 migrated",
        "output ids: max abs diff 2 exceeds rtol=1e-05, atol=1e-05",
        "output new: produced by the migrated layer, not by the reference",
        "output off: max abs diff 0.5 exceeds rtol=1e-05, atol=1e-05",
        "output shape: shape [2, 3] in the reference, [3, 2] migrated",
    ]
