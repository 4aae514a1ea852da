"""Each runnable fixture, built live in a TF1 graph, equals its checked-in reference.

The reference files (fixtures/reference/<name>.json) are what the codemod's wrappers and
the verify pass are held to, so they must be the truth about the fixture code as it is.
"""

from __future__ import annotations

import json

import pytest

from tests.fixtures_check.cases import fixture_cases, reference_of
from tests.fixtures_check.specs import reference_path, runnable_fixtures, verify_specs

ORACLE_CASES = fixture_cases()


def describe_mismatch(live: dict, expected: dict) -> str:
    lines = []
    for key in sorted(set(live) | set(expected)):
        if key not in expected or key not in live:
            lines.append(f"{key}: only in {'live build' if key in live else 'reference file'}")
            continue
        for label in sorted(set(live[key]) | set(expected[key])):
            got, want = live[key].get(label), expected[key].get(label)
            if got == want:
                continue
            if got is None or want is None:
                lines.append(f"{key} [{label}]: only in {'live build' if want is None else 'reference file'}")
                continue
            for field in ("variables", "outputs", "update_ops", "regularization_losses"):
                if got[field] != want[field]:
                    lines.append(f"{key} [{label}] {field}: live {got[field]!r} != reference {want[field]!r}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", runnable_fixtures())
def test_live_tf1_build_equals_checked_in_reference(oracle, name):
    path = reference_path(name)
    assert path.exists(), f"missing {path}: run python -m tests.fixtures_check.regen {name}"
    live = reference_of(oracle, name)
    expected = json.loads(path.read_text())
    assert live == expected, (
        f"{name} no longer builds what {path.name} records "
        f"(if the change is intended: python -m tests.fixtures_check.regen {name}):\n"
        + describe_mismatch(live, expected)
    )


@pytest.mark.parametrize("name", runnable_fixtures())
def test_every_root_and_training_mode_builds_variables(oracle, name):
    for key, spec in verify_specs(name).items():
        reports = oracle[f"fixture:{name}:{key}"]
        expected_labels = (
            {f"training={str(flag).lower()}" for flag in spec["training"]} if "training" in spec else {"default"}
        )
        assert set(reports) == expected_labels, key
        for label, report in reports.items():
            assert report["variables"], f"{key} [{label}] created no variables"
            assert report["outputs"], f"{key} [{label}] returned no tensors"
