"""Run the codemod over a fixture repo the way the CLI does, file by file (for goldens).

Both passes run in-process: every file is summarised (files that do not parse are
recorded, not fatal), the project index is built once, then each file is migrated. The
result maps relative paths to the migrated text, or to the `ParseFailure` of that file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from tf1migrate.engine import ParseFailure, migrate_source, module_name_for, parse
from tf1migrate.index import ProjectIndex, summarize_module
from tf1migrate.rulepacks import load_rule_packs
from tf1migrate.types import Options, SourceResult

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
    rules = load_rule_packs(options.rule_packs)
    summaries = []
    failures: dict[str, ParseFailure] = {}
    for path, source in sources.items():
        try:
            parse(source, path)
        except ParseFailure as failure:
            failures[path] = failure
            continue
        module = module_name_for(path)
        summaries.append(summarize_module(source, module=module, path=path, rules=rules))
    project = ProjectIndex.from_summaries(summaries, options, rules)
    results: dict[str, SourceResult | ParseFailure] = dict(failures)
    for path, source in sources.items():
        if path not in failures:
            results[path] = migrate_source(
                source, path=path, module=module_name_for(path), project=project,
                options=options, rules=rules,
            )
    return dict(sorted(results.items()))


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
