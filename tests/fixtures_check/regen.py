"""Regenerate fixtures/reference/<name>.json from the live tf-keras oracle.

    python -m tests.fixtures_check.regen [NAME ...]

Run it after changing a fixture's model code or verify specs, and review the diff: the
files are the TF1 ground truth (variable names, shapes, dtypes, trainability, outputs)
that the codemod's wrappers and the verify pass are held to.
"""

from __future__ import annotations

import json
import sys

from tests.fixtures_check.cases import fixture_cases, reference_of
from tests.fixtures_check.specs import REFERENCE, reference_path, runnable_fixtures
from tests.oracle import Oracle


def dump(reference: dict) -> str:
    return json.dumps(reference, indent=1, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    names = argv or runnable_fixtures()
    unknown = sorted(set(names) - set(runnable_fixtures()))
    if unknown:
        print(f"not runnable fixtures (no verify specs): {', '.join(unknown)}", file=sys.stderr)
        return 2
    oracle = Oracle(fixture_cases())
    REFERENCE.mkdir(parents=True, exist_ok=True)
    for name in names:
        reference_path(name).write_text(dump(reference_of(oracle, name)))
        print(f"wrote {reference_path(name).relative_to(REFERENCE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
