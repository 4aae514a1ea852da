"""Oracle cases: one per (fixture repo, root), pasting ``child_build.py`` into the code."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures_check.specs import REPOS, runnable_fixtures, tree_digest, verify_specs
from tests.oracle import Oracle

_CHILD_SOURCE = Path(__file__).with_name("child_build.py").read_text()


def case_id(name: str, key: str) -> str:
    return f"fixture:{name}:{key}"


def case_code(name: str, key: str, spec: dict) -> str:
    """Self-contained code for the oracle child; the tree digest keys the cache to the files."""
    return (
        f"# fixture {name} (tree {tree_digest(name)})\n"
        f"{_CHILD_SOURCE}\n\n"
        f"def run():\n"
        f"    return root_report({str(REPOS / name)!r}, {key!r}, {spec!r})\n"
    )


def fixture_cases() -> dict[str, str]:
    return {
        case_id(name, key): case_code(name, key, spec)
        for name in runnable_fixtures()
        for key, spec in verify_specs(name).items()
    }


def reference_of(oracle: Oracle, name: str) -> dict:
    """``{root key: {training label: summary}}`` for one fixture, as built live in TF1."""
    return {key: oracle[case_id(name, key)] for key in sorted(verify_specs(name))}
