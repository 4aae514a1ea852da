"""Where the pre-migration source comes from: a git revision or a directory.

``--base REV`` exports that revision of the whole repository (``git archive``) into a
temporary directory; ``--original DIR`` uses a directory that mirrors the migrated project.
Without either, HEAD is used when the working tree holds the migration uncommitted.
Both give an `OriginalTree` that maps a migrated file to its original counterpart.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path


class OriginalSourceError(RuntimeError):
    """The original source cannot be found (message says what to pass instead)."""


@dataclass
class OriginalTree:
    """A checkout of the original source, laid out like the migrated tree under ``mirror_of``."""

    root: Path  # the original tree
    mirror_of: Path  # the migrated directory that ``root`` corresponds to
    description: str  # for reports: "git HEAD (3e6cfb7)" or "directory ../old"
    temporary: bool = False
    commit: str | None = None  # the full commit id when exported from git

    def counterpart(self, migrated: Path) -> Path:
        """The original path of a migrated file or directory."""
        return self.root / migrated.resolve().relative_to(self.mirror_of)

    def cleanup(self) -> None:
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)


def git_toplevel(path: Path) -> Path | None:
    directory = path if path.is_dir() else path.parent
    proc = _git(["rev-parse", "--show-toplevel"], directory, check=False)
    return Path(proc.stdout.strip()).resolve() if proc.returncode == 0 else None


def from_directory(original: Path, migrated_root: Path) -> OriginalTree:
    if not original.is_dir():
        raise OriginalSourceError(f"--original {original}: not a directory")
    return OriginalTree(original.resolve(), migrated_root.resolve(), f"directory {original}")


def from_git(rev: str, anywhere_in_repo: Path) -> OriginalTree:
    """Export revision ``rev`` of the repository containing ``anywhere_in_repo``."""
    toplevel = git_toplevel(anywhere_in_repo)
    if toplevel is None:
        raise OriginalSourceError(
            f"{anywhere_in_repo} is not in a git repository: "
            "pass --original DIR or --checkpoint PATH"
        )
    resolved = _git(["rev-parse", "--verify", f"{rev}^{{commit}}"], toplevel, check=False)
    if resolved.returncode != 0:
        shallow = _git(["rev-parse", "--is-shallow-repository"], toplevel, check=False)
        hint = " (a shallow clone: fetch more history)" if shallow.stdout.strip() == "true" else ""
        raise OriginalSourceError(f"--base {rev}: no such revision in {toplevel}{hint}")
    commit = resolved.stdout.strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=toplevel, capture_output=True, check=False
    )
    if archive.returncode != 0:
        why = archive.stderr.decode(errors="replace")
        raise OriginalSourceError(f"git archive {commit[:10]} failed: {why}")
    destination = Path(tempfile.mkdtemp(prefix="tf1migrate-original-"))
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    description = f"git {rev} ({commit[:10]})"
    return OriginalTree(destination, toplevel, description, temporary=True, commit=commit)


def has_uncommitted_changes(paths: list[Path], toplevel: Path) -> bool:
    """True when any of ``paths`` differs from HEAD (modified or untracked)."""
    relative = [str(p.resolve().relative_to(toplevel)) for p in paths]
    proc = _git(["status", "--porcelain", "--", *relative], toplevel, check=False)
    return proc.returncode == 0 and bool(proc.stdout.strip())


def resolve_original(
    migrated_files: list[Path], migrated_root: Path, *, base: str | None, original: str | None
) -> tuple[OriginalTree | None, list[str]]:
    """The original tree to build references from, plus notes for the report.

    Returns ``(None, [why])`` when there is none; the caller then needs ``--checkpoint``.
    """
    if original is not None:
        return from_directory(Path(original), migrated_root), []
    anchor = migrated_files[0] if migrated_files else migrated_root
    if base is not None:
        return from_git(base, anchor), []
    toplevel = git_toplevel(anchor)
    if toplevel is None:
        why = "no original source: not a git repository; pass --original DIR or --checkpoint PATH"
        return None, [why]
    notes = []
    if not has_uncommitted_changes(migrated_files, toplevel):
        notes.append(
            "the migrated files are committed, so HEAD already holds the migration: the reference "
            "is built from the code as it is in HEAD; pass --base <pre-migration revision> to "
            "compare against the TF1 original"
        )
    return from_git("HEAD", anchor), notes


def _git(args: list[str], cwd: Path, *, check: bool) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)
    except FileNotFoundError as exc:
        raise OriginalSourceError("git is not installed: pass --original DIR") from exc
