"""Packaging: every subpackage ships, and the base install stays free of TensorFlow."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ROOTS = {"tf1migrate": ROOT / "tf1migrate", "tf1migrate.rules": ROOT / "rules", "tf1compat": ROOT / "runtime" / "tf1compat"}


def _packages_on_disk() -> set[str]:
    found = set()
    for name, folder in ROOTS.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            if "__pycache__" not in rel:
                found.add(".".join((name, *rel)))
    return found


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert _packages_on_disk() - listed == set(), "add these to [tool.setuptools] packages"


def test_base_install_has_no_tensorflow():
    base = " ".join(PYPROJECT["project"]["dependencies"]).lower()
    assert "tensorflow" not in base and "keras" not in base
    assert any("tensorflow" in dep for dep in PYPROJECT["project"]["optional-dependencies"]["verify"])
