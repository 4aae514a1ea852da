"""Fixture repos and their verify specs, read without importing TensorFlow.

A fixture repo is *runnable* when its pyproject.toml has ``[tool.tf1migrate.verify]``
tables; each table names a root callable ("module:qualname") and how to call it.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "fixtures"
REPOS = FIXTURES / "repos"
REFERENCE = FIXTURES / "reference"

#: Fixture files that are deliberately not Python 3 (relative to REPOS).
PYTHON2_FILES = frozenset({"py2/old_utils.py"})


def fixture_names() -> list[str]:
    return sorted(p.name for p in REPOS.iterdir() if p.is_dir())


def verify_specs(name: str) -> dict[str, dict]:
    """``{"module:qualname": spec}`` from the repo's pyproject.toml (empty if none)."""
    pyproject = REPOS / name / "pyproject.toml"
    if not pyproject.exists():
        return {}
    data = tomllib.loads(pyproject.read_text())
    return dict(data.get("tool", {}).get("tf1migrate", {}).get("verify", {}))


def runnable_fixtures() -> list[str]:
    return [name for name in fixture_names() if verify_specs(name)]


def tree_digest(name: str) -> str:
    """Hash of every file in the repo, so cached oracle results follow fixture edits."""
    digest = hashlib.sha256()
    root = REPOS / name
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def reference_path(name: str) -> Path:
    return REFERENCE / f"{name}.json"
