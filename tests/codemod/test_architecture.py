"""The codemod's shape, checked from its imports: stages in pipeline order, no cycles.

Every `import` counts, the ones inside functions and under `TYPE_CHECKING` too: a lazy
import is still a dependency, it is only paid later. A stage may use the stages before it
and the shared foundation, never a later stage; so a reader can follow the pipeline by file
name, and a change to the report cannot break the summary.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tf1migrate"

#: The pipeline, in order (docs/architecture.md). A module may import its own group and the
#: groups before it. `foundation` holds what every stage shares: the typed data, the rule
#: packs and rules, name resolution, the tree walker, file I/O and the worker pool.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", (
        "tf1migrate", "types", "walk", "codegen", "classflow", "rulepacks", "rules_impl",
        "resolve", "noqa", "catalog", "config", "sourcefile", "notebooks", "workers", "cache",
    )),
    ("discover", ("discovery",)),
    ("summarize", ("facts", "summarize")),
    ("link", ("index",)),
    ("plan", ("plan",)),
    ("rewrite", (
        "markers", "generate", "feeds", "upgrades", "project_findings", "engine", "triage",
        "learn",
    )),
    ("check", ("check",)),
    ("passes", ("passes",)),
    ("write", ("write",)),
    ("run", ("runner",)),
    ("report", ("reporters",)),
    ("verify", ("verify",)),
    ("cli", ("cli", "__main__")),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """module -> the tf1migrate modules it imports (absolute and relative, any depth)."""
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            graph[name].update(t for t in targets if t in files and t != name)
    return graph


def _stage_of(module: str) -> int:
    relative = module.removeprefix("tf1migrate.") if module != "tf1migrate" else module
    top = relative.split(".")[0]
    for rank, (_, members) in enumerate(STAGES):
        if top in members:
            return rank
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES in {__file__}")


GRAPH = _imports()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_module_imports_no_later_stage(module):
    own = _stage_of(module)
    later = sorted(
        f"{target} ({STAGES[_stage_of(target)][0]})"
        for target in GRAPH[module]
        if _stage_of(target) > own
    )
    assert not later, f"{module} ({STAGES[own][0]}) imports a later stage: {', '.join(later)}"


def test_no_import_cycles():
    try:
        graphlib.TopologicalSorter(GRAPH).prepare()
    except graphlib.CycleError as cycle:
        raise AssertionError(f"import cycle: {' -> '.join(cycle.args[1])}") from None


def test_the_checker_sees_lazy_imports():
    """passes.py imports its stages inside functions; the graph must still hold them."""
    assert {"tf1migrate.summarize", "tf1migrate.engine", "tf1migrate.plan"} <= GRAPH[
        "tf1migrate.passes"
    ]


def test_reporters_know_nothing_of_verify():
    reporters = [m for m in GRAPH if m.startswith("tf1migrate.reporters")]
    assert reporters
    for module in reporters:
        assert not any(t.startswith("tf1migrate.verify") for t in GRAPH[module]), module
