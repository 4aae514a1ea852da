"""The dirty-tree guard, with real git: `migrate` never overwrites work git could not restore."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import TF1_MODEL
from tf1migrate.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="the guard is about git trees")
MIGRATED_MARK = "tf1compat"  # what the (real or fake) engine writes into a migrated TF1_MODEL


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, fake_engine) -> Path:
    """A git repository with two committed TF1 files, clean."""
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text(TF1_MODEL)
    (root / "pkg" / "b.py").write_text(TF1_MODEL)
    _git(root, "init", "-q", ".")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "tf1 code")
    return root


def _migrate(*args: str, cwd: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None):
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["migrate", "--jobs", "1", "--no-cache", *args])


def test_clean_tree_is_rewritten(repo: Path) -> None:
    result = _migrate(str(repo))
    assert result.exit_code == 0, result.output
    assert MIGRATED_MARK in (repo / "pkg" / "a.py").read_text()


def test_uncommitted_edit_refuses_and_names_the_file(repo: Path) -> None:
    edited = TF1_MODEL + "# my unsaved work\n"
    (repo / "pkg" / "a.py").write_text(edited)
    result = _migrate(str(repo))
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("tf1migrate: error: refusing to rewrite 1 file with uncommitted")
    assert "a.py" in line and "b.py" not in line and "--allow-dirty" in line
    assert (repo / "pkg" / "a.py").read_text() == edited  # nothing written, not even the clean file
    assert (repo / "pkg" / "b.py").read_text() == TF1_MODEL


def test_untracked_file_refuses(repo: Path) -> None:
    (repo / "pkg" / "new.py").write_text(TF1_MODEL)
    result = _migrate(str(repo))
    assert result.exit_code == 2 and "new.py" in result.output, result.output
    assert (repo / "pkg" / "new.py").read_text() == TF1_MODEL


def test_allow_dirty_rewrites_anyway(repo: Path) -> None:
    (repo / "pkg" / "new.py").write_text(TF1_MODEL)
    result = _migrate(str(repo), "--allow-dirty")
    assert result.exit_code == 0, result.output
    assert MIGRATED_MARK in (repo / "pkg" / "new.py").read_text()


def test_dirty_file_that_would_not_change_does_not_block(repo: Path) -> None:
    (repo / "notes.py").write_text("x = 1\n")  # untracked, but nothing to migrate in it
    result = _migrate(str(repo))
    assert result.exit_code == 0, result.output
    assert MIGRATED_MARK in (repo / "pkg" / "a.py").read_text()


def test_staged_changes_are_safe_because_git_holds_them(repo: Path) -> None:
    (repo / "pkg" / "c.py").write_text(TF1_MODEL)
    _git(repo, "add", "pkg/c.py")  # what pre-commit leaves: staged, work tree == index
    result = _migrate(str(repo / "pkg" / "c.py"))
    assert result.exit_code == 0, result.output
    assert _git(repo, "show", ":pkg/c.py") == TF1_MODEL  # the original is still in the index


def test_check_and_diff_ignore_the_guard(repo: Path) -> None:
    (repo / "pkg" / "a.py").write_text(TF1_MODEL + "# wip\n")
    assert _migrate(str(repo), "--check").exit_code == 1
    diff = _migrate(str(repo), "--diff")
    assert diff.exit_code == 1 and "+++ " in diff.output


def test_no_path_inside_git_is_guarded_like_dot(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "pkg" / "b.py").write_text(TF1_MODEL + "# wip\n")
    result = _migrate(cwd=repo / "pkg", monkeypatch=monkeypatch)
    assert result.exit_code == 2 and "b.py" in result.output, result.output


def test_outside_git_no_path_refuses(tmp_path: Path, fake_engine, monkeypatch) -> None:
    plain = tmp_path / "exported"
    plain.mkdir()
    (plain / "m.py").write_text(TF1_MODEL)
    result = _migrate(cwd=plain, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "outside a git repository" in result.output and "tf1migrate migrate ." in result.output
    assert (plain / "m.py").read_text() == TF1_MODEL


def test_outside_git_explicit_paths_are_written(tmp_path: Path, fake_engine, monkeypatch) -> None:
    plain = tmp_path / "exported"  # e.g. `git archive | tar -x`, as the real-world benchmark does
    plain.mkdir()
    (plain / "m.py").write_text(TF1_MODEL)
    monkeypatch.chdir(plain)
    for args in (["."], [str(plain / "m.py")]):
        (plain / "m.py").write_text(TF1_MODEL)
        result = _migrate(*args)
        assert result.exit_code == 0, result.output
        assert MIGRATED_MARK in (plain / "m.py").read_text()
