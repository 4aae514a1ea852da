"""Static facts about the fixture trees (no TensorFlow): they parse, specs point at code."""

from __future__ import annotations

import ast

import pytest

from tests.fixtures_check.specs import (
    PYTHON2_FILES,
    REFERENCE,
    REPOS,
    fixture_names,
    reference_path,
    runnable_fixtures,
    verify_specs,
)

ALL_SOURCES = sorted(str(p.relative_to(REPOS)) for p in REPOS.rglob("*.py"))


@pytest.mark.parametrize("relpath", [p for p in ALL_SOURCES if p not in PYTHON2_FILES])
def test_python3_sources_compile(relpath):
    compile((REPOS / relpath).read_bytes(), relpath, "exec")  # bytes: BOM and coding honoured


@pytest.mark.parametrize("relpath", sorted(PYTHON2_FILES))
def test_python2_sources_do_not_compile(relpath):
    with pytest.raises(SyntaxError):
        compile((REPOS / relpath).read_bytes(), relpath, "exec")  # bytes: BOM and coding honoured


def defined_qualnames(tree: ast.Module) -> set[str]:
    names: set[str] = set()

    def visit(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(prefix + node.name)
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return names


def module_path(fixture: str, module: str):
    base = REPOS / fixture / module.replace(".", "/")
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


@pytest.mark.parametrize("fixture", runnable_fixtures())
def test_verify_specs_name_defined_callables(fixture):
    for key, spec in verify_specs(fixture).items():
        module, _, qualname = key.partition(":")
        path = module_path(fixture, module)
        assert path.exists(), f"{key}: no module file {path}"
        defined = defined_qualnames(ast.parse(path.read_bytes()))
        assert qualname in defined, f"{key}: not defined in {path.name}"
        assert set(spec) <= {"args", "inputs", "training", "builder"}, f"{key}: unknown keys {set(spec)}"
        assert spec.get("inputs"), f"{key}: a root needs tensor inputs"
        for expr in spec.get("args", {}).values():
            ast.parse(expr, mode="eval")


@pytest.mark.parametrize("fixture", fixture_names())
def test_each_fixture_says_what_it_imitates(fixture):
    readme = REPOS / fixture / "README.md"
    assert readme.exists()
    assert 2 <= len([line for line in readme.read_text().splitlines() if line.strip()]) <= 6


def test_references_and_runnable_fixtures_correspond():
    assert [name for name in runnable_fixtures() if not reference_path(name).exists()] == []
    assert sorted(p.stem for p in REFERENCE.glob("*.json")) == runnable_fixtures()
