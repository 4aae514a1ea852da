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


def describe_mismatch(live: dict, expected: dict, where: str = "") -> list[str]:
    """One line per differing leaf, e.g. ``model:model [default] update_ops: live 2 != file 0``."""
    if not (isinstance(live, dict) and isinstance(expected, dict)):
        return [f"{where}: live {live!r} != file {expected!r}"]
    lines = []
    for key in sorted(set(live) | set(expected)):
        path = f"{where} {key}".strip()
        if key not in expected or key not in live:
            lines.append(f"{path}: only in the {'live build' if key in live else 'reference file'}")
        elif live[key] != expected[key]:
            lines.extend(describe_mismatch(live[key], expected[key], path))
    return lines


@pytest.mark.parametrize("name", runnable_fixtures())
def test_live_tf1_build_equals_checked_in_reference(oracle, name):
    path = reference_path(name)
    assert path.exists(), f"missing {path}: run python -m tests.fixtures_check.regen {name}"
    live = reference_of(oracle, name)
    expected = json.loads(path.read_text())
    assert live == expected, (
        f"{name} no longer builds what {path.name} records "
        f"(if the change is intended: python -m tests.fixtures_check.regen {name}):\n"
        + "\n".join(describe_mismatch(live, expected))
    )


@pytest.mark.parametrize("name", runnable_fixtures())
def test_every_root_and_training_mode_builds_variables(oracle, name):
    for key, spec in verify_specs(name).items():
        reports = oracle[f"fixture:{name}:{key}"]
        flags = spec.get("training")
        expected_labels = {f"training={str(f).lower()}" for f in flags} if flags else {"default"}
        assert set(reports) == expected_labels, key
        for label, report in reports.items():
            assert report["variables"], f"{key} [{label}] created no variables"
            assert report["outputs"], f"{key} [{label}] returned no tensors"


def test_mismatch_report_names_the_differing_leaf():
    file = {"m:f": {"default": {"variables": [["a/w", [2], "float32", True]], "update_ops": 0}}}
    live = {"m:f": {"default": {"variables": [["a/w", [3], "float32", True]], "update_ops": 0}}}
    (line,) = describe_mismatch(live, file)
    assert line.startswith("m:f default variables: live [['a/w', [3], ")
    assert line.endswith("!= file [['a/w', [2], 'float32', True]]")
    assert describe_mismatch({}, file) == ["m:f: only in the reference file"]
