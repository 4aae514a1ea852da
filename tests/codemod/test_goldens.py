"""Golden tests: the codemod's output on every fixture repo equals fixtures/expected/.

A file absent from expected/ must come out byte-identical. Regenerate after an intended
change with `python -m tests.codemod.update_goldens` and review the diff.
"""

from __future__ import annotations

import pytest

from tests.codemod.goldens import (
    REPOS,
    expected_fixture,
    fixture_names,
    migrate_tree,
    migrated_fixture,
    migrated_results,
    read_sources,
)
from tf1migrate.engine import ParseFailure
from tf1migrate.types import SourceResult

HINT = "run `python -m tests.codemod.update_goldens` if the change is intended"


@pytest.mark.parametrize("name", fixture_names())
def test_output_matches_golden(name):
    produced = migrated_fixture(name)
    expected = expected_fixture(name)
    assert sorted(produced) == sorted(expected), f"changed files differ from expected/: {HINT}"
    for path, code in produced.items():
        assert code == expected[path], f"{name}/{path} differs from its golden: {HINT}"


@pytest.mark.parametrize("name", fixture_names())
def test_second_run_changes_nothing(name):
    first = {p: r for p, r in migrated_results(name).items() if isinstance(r, SourceResult)}
    again = migrate_tree({p: r.code for p, r in first.items()})
    for path, result in again.items():
        assert isinstance(result, SourceResult)
        assert result.code == first[path].code, f"{name}/{path} changed on a second run"
        assert not result.layers, f"{name}/{path} got a second wrapper"


def test_python2_file_is_a_finding_and_its_neighbour_still_migrates():
    results = migrated_results("py2")
    failures = {p: r for p, r in results.items() if isinstance(r, ParseFailure)}
    assert failures, "the py2 fixture has a Python 2 file"
    for failure in failures.values():
        assert failure.looks_like_python2 and failure.rule == "TFM002" and failure.line > 0
    migrated = [r for r in results.values() if isinstance(r, SourceResult) and r.layers]
    assert migrated, "the Python 3 module beside it still gets its wrapper"
