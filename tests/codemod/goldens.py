"""Run the codemod over a fixture repo the way the CLI does, file by file (for goldens).

Both passes run in-process through `tf1migrate.passes.migrate_texts`, the same passes the
CLI runs: files that do not parse are recorded, not fatal. The result maps relative paths
to the migrated text, or to the `ParseFailure` of that file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from tf1migrate.passes import migrate_texts
from tf1migrate.types import Options, ParseFailure, SourceResult

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REPOS = FIXTURES / "repos"
EXPECTED = FIXTURES / "expected"


def fixture_names() -> list[str]:
    return sorted(p.name for p in REPOS.iterdir() if p.is_dir()) if REPOS.is_dir() else []


def read_sources(root: Path) -> dict[str, str]:
    """Relative POSIX path → text, decoded the way the file was written (BOM kept out)."""
    sources = {}
    for path in sorted(root.rglob("*.py")):
        data = path.read_bytes()
        sources[path.relative_to(root).as_posix()] = data.decode("utf-8-sig")
    return sources


def migrate_tree(
    sources: dict[str, str], options: Options = Options()
) -> dict[str, SourceResult | ParseFailure]:
    return migrate_texts(sources, options)


@functools.lru_cache(maxsize=None)
def migrated_results(name: str) -> dict[str, SourceResult | ParseFailure]:
    """The codemod's results on fixture `name` (cached: several tests read the same run)."""
    return migrate_tree(read_sources(REPOS / name))


def migrated_fixture(name: str) -> dict[str, str]:
    """Relative path → migrated text, only for the files the codemod changes."""
    sources = read_sources(REPOS / name)
    changed = {}
    for path, result in migrated_results(name).items():
        if isinstance(result, SourceResult) and result.code != sources[path]:
            changed[path] = result.code
    return changed


def expected_fixture(name: str) -> dict[str, str]:
    root = EXPECTED / name
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8")  # keep CRLF files as CRLF
        for p in sorted(root.rglob("*.py"))
    }
