"""The original source: a git revision exported to a temp dir, or a mirror directory."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tf1migrate.verify.original import OriginalSourceError, from_directory, resolve_original


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text("ORIGINAL = True\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "tf1")
    return tmp_path


def test_default_is_head_when_migration_is_uncommitted(repo):
    (repo / "pkg" / "model.py").write_text("MIGRATED = True\n")
    tree, notes = resolve_original([repo / "pkg" / "model.py"], repo, base=None, original=None)
    try:
        assert notes == []
        assert tree.counterpart(repo / "pkg" / "model.py").read_text() == "ORIGINAL = True\n"
        assert tree.commit == git(repo, "rev-parse", "HEAD")
    finally:
        tree.cleanup()
    assert not tree.root.exists()


def test_committed_migration_is_flagged_and_base_selects_the_original(repo):
    first = git(repo, "rev-parse", "HEAD")
    (repo / "pkg" / "model.py").write_text("MIGRATED = True\n")
    git(repo, "commit", "-q", "-am", "migrate")
    tree, notes = resolve_original([repo / "pkg" / "model.py"], repo, base=None, original=None)
    tree.cleanup()
    assert len(notes) == 1 and "--base" in notes[0]
    tree, notes = resolve_original([repo / "pkg" / "model.py"], repo, base="HEAD~1", original=None)
    try:
        assert notes == [] and tree.commit == first
        assert tree.counterpart(repo / "pkg").joinpath("model.py").read_text() == "ORIGINAL = True\n"
    finally:
        tree.cleanup()


def test_bad_revision_and_no_repository(repo, tmp_path_factory):
    with pytest.raises(OriginalSourceError, match="no such revision"):
        resolve_original([repo / "pkg" / "model.py"], repo, base="nope", original=None)
    elsewhere = tmp_path_factory.mktemp("plain")
    tree, notes = resolve_original([elsewhere], elsewhere, base=None, original=None)
    assert tree is None and "--original DIR" in notes[0]


def test_original_directory_mirrors_the_migrated_root(tmp_path):
    (tmp_path / "old" / "pkg").mkdir(parents=True)
    (tmp_path / "new" / "pkg").mkdir(parents=True)
    tree = from_directory(tmp_path / "old", tmp_path / "new")
    assert tree.counterpart(tmp_path / "new" / "pkg") == (tmp_path / "old" / "pkg").resolve()
    with pytest.raises(OriginalSourceError, match="not a directory"):
        from_directory(tmp_path / "missing", tmp_path / "new")
