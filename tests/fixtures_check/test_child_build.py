"""The spec-reading parts of child_build.py that need no TensorFlow."""

from __future__ import annotations

import pytest

from tests.fixtures_check.child_build import parse_input_spec


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("int32[2, 8]", ("int32", [2, 8], None, None)),
        ("float32[ 3 ]", ("float32", [3], None, None)),
        ("bool[]", ("bool", [], None, None)),
        ({"dtype": "int32", "shape": [2, 8], "minval": 0, "maxval": 50}, ("int32", [2, 8], 0, 50)),
        ({"dtype": "float32", "shape": [4]}, ("float32", [4], None, None)),
    ],
)
def test_input_specs_in_both_forms(spec, expected):
    assert parse_input_spec(spec) == expected


@pytest.mark.parametrize("spec", ["int32", "int32[2, x]", "[2, 8]", "int32(2, 8)"])
def test_malformed_short_specs_are_rejected(spec):
    with pytest.raises(ValueError, match="dtype\\[d0, d1"):
        parse_input_spec(spec)
