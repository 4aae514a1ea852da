"""The real `pre-commit` tool runs our hooks from this repository in a fresh environment.

pre-commit clones this repository at HEAD, builds a virtualenv and pip-installs it (needs
PyPI), so this is slow and tests what users get: the base install, without TensorFlow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import TF1_MODEL

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                       reason="needs the pre-commit and git executables"),
]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_fix_hook_rewrites_and_check_hook_fails_then_passes(tmp_path: Path) -> None:
    head = _git("rev-parse", "HEAD", cwd=REPO)
    if not (REPO / ".pre-commit-hooks.yaml").exists() or _git("ls-tree", "HEAD", ".pre-commit-hooks.yaml", cwd=REPO) == "":
        pytest.skip(".pre-commit-hooks.yaml is not committed yet")
    project = tmp_path / "user-repo"
    project.mkdir()
    _git("init", "-q", ".", cwd=project)
    (project / "model.py").write_text(TF1_MODEL)
    (project / "README.md").write_text("not python\n")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {REPO}\n"
        f"    rev: {head}\n"
        "    hooks:\n"
        "      - id: tf1migrate-check\n"
        "      - id: tf1migrate\n"
    )
    _git("add", ".", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)

    def hook(hook_id: str) -> subprocess.CompletedProcess:
        return subprocess.run(["pre-commit", "run", hook_id, "--all-files", "--color", "never"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=600)

    check = hook("tf1migrate-check")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "would migrate model.py" in check.stdout and (project / "model.py").read_text() == TF1_MODEL

    fix = hook("tf1migrate")
    assert fix.returncode == 1, fix.stdout + fix.stderr  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in fix.stdout
    migrated = (project / "model.py").read_text()
    assert migrated != TF1_MODEL and "tf1compat" in migrated

    _git("add", "model.py", cwd=project)
    again = hook("tf1migrate-check")
    assert again.returncode == 0, again.stdout + again.stderr

    # The hook's environment is the light base install.
    pythons = list((tmp_path / "pre-commit-home").glob("repo*/py_env-*/bin/python"))
    assert pythons, "pre-commit built no Python environment"
    probe = "import importlib.util as u; print([m for m in ('tensorflow', 'tf_keras', 'keras') if u.find_spec(m)])"
    for python in pythons:
        found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout
        assert found.strip() == "[]"
