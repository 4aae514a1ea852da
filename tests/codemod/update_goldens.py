"""Regenerate fixtures/expected/ from the current codemod: `python -m tests.codemod.update_goldens`.

Review the diff before committing it: the goldens are the codemod's promised output.
Pass fixture names to regenerate only those.
"""

from __future__ import annotations

import shutil
import sys

from tests.codemod.goldens import EXPECTED, fixture_names, migrated_fixture


def update(names: list[str]) -> None:
    for name in names:
        target = EXPECTED / name
        if target.exists():
            shutil.rmtree(target)
        changed = migrated_fixture(name)
        for path, code in changed.items():
            out = target / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(code, encoding="utf-8", newline="")
        print(f"{name}: {len(changed)} changed file(s)")


if __name__ == "__main__":
    update(sys.argv[1:] or fixture_names())
