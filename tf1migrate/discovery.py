"""Turn the paths a user typed into the files to rewrite and the files to index.

The index must always see the whole enclosing project (a helper in the one file pre-commit
passes may be a root elsewhere), while only the requested files are rewritten. Symlinks
are followed only when they stay inside the project; loops and missing paths become
TFM007 findings rather than crashes or endless walks.
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from tf1migrate.config import Config
from tf1migrate.types import Finding, Severity

BAD_PATH = "TFM007"
SOURCE_SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Discovery:
    """Real (symlink-resolved) paths: `targets` are rewritten, `project` is indexed."""

    root: Path | None
    targets: tuple[Path, ...]
    project: tuple[Path, ...]
    findings: tuple[Finding, ...]


def display_path(path: str | os.PathLike[str]) -> str:
    """Path as shown to people and CI tools: relative to the working directory when inside."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    return absolute if relative.startswith("..") else relative


def find_project_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` with a pyproject.toml or a .git."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return None


def module_name(path: Path, root: Path | None = None) -> str:
    """Dotted module name: the file's path from the top of its package (`__init__.py` chain)."""
    package = _package_of(path.parent, root)
    parts = [*package, path.stem] if path.stem != "__init__" else list(package)
    return ".".join(parts) or path.parent.name


@functools.lru_cache(maxsize=4096)
def _package_of(directory: Path, root: Path | None) -> tuple[str, ...]:
    """Package parts of `directory` (empty outside packages); cached: files share directories."""
    if directory == root or not (directory / "__init__.py").is_file():
        return ()
    return (*_package_of(directory.parent, root), directory.name)


def _bad_path(path: str | Path, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(display_path(path), 1, 0, BAD_PATH, message, severity)


def _is_inside(path: Path, directory: Path) -> bool:
    """String prefix test: pathlib's `parents` is slow when called for every file of a repo."""
    text, base = str(path), str(directory)
    return text == base or text.startswith(base.rstrip(os.sep) + os.sep)


class _Matcher:
    """include / exclude / .gitignore decisions for paths relative to the walk root."""

    def __init__(self, config: Config, root: Path) -> None:
        self.root = root
        self.include = pathspec.GitIgnoreSpec.from_lines(config.include)
        patterns = (*config.exclude, *config.extend_exclude)
        self.exclude = pathspec.GitIgnoreSpec.from_lines(patterns)
        # Directory-only patterns ("build/") cannot match a file the walk reaches (their
        # directories are never entered), so files are checked against the others only.
        file_patterns = [p for p in patterns if not p.rstrip().endswith("/")]
        simple = not any(p.lstrip().startswith("!") for p in patterns)
        self.exclude_files = (
            pathspec.GitIgnoreSpec.from_lines(file_patterns) if simple else self.exclude
        )
        self.respect_gitignore = config.respect_gitignore
        self._gitignores: dict[Path, pathspec.PathSpec | None] = {}

    def _gitignore(self, directory: Path) -> pathspec.PathSpec | None:
        if directory not in self._gitignores:
            spec = None
            try:
                lines = (directory / ".gitignore").read_text(encoding="utf-8").splitlines()
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except (OSError, UnicodeDecodeError):
                pass
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def excluded(self, path: Path, is_dir: bool, walked: bool = True) -> bool:
        """Whether exclude patterns or .gitignore drop `path` (`walked`: reached by the walk,
        so its directories were already checked)."""
        text, root = str(path), str(self.root).rstrip(os.sep)
        if not text.startswith(root + os.sep):
            return False
        relative = text[len(root) + 1 :].replace(os.sep, "/")
        suffix = "/" if is_dir else ""
        spec = self.exclude if is_dir or not walked else self.exclude_files
        if spec.patterns and spec.match_file(relative + suffix):
            return True
        if self.respect_gitignore:
            parts = relative.split("/")
            for depth in range(len(parts) - 1, -1, -1):  # nearest .gitignore first, up to the root
                spec = self._gitignore(Path(root, *parts[:depth]))
                if spec is not None and spec.match_file("/".join(parts[depth:]) + suffix):
                    return True
        return False

    def included(self, path: Path) -> bool:
        return self.include.match_file(path.name) or self.include.match_file(
            path.relative_to(self.root).as_posix() if _is_inside(path, self.root) else path.name
        )


class _Walker:
    """Depth-first walk that follows in-tree symlinks once and reports the others."""

    def __init__(self, matcher: _Matcher, tree: Path) -> None:
        self.matcher = matcher
        self.tree = tree.resolve()
        self.files: dict[Path, None] = {}
        self.findings: list[Finding] = []
        self._seen_dirs: set[Path] = set()

    def _resolve_link(self, link: Path) -> Path | None:
        """Resolve a symlink; None (with a finding) when it loops, dangles or leaves the tree."""
        try:
            os.stat(link)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.findings.append(_bad_path(link, "symlink loop; not followed"))
            else:
                self.findings.append(
                    _bad_path(
                        link,
                        "broken symlink (target does not exist); not followed",
                        Severity.WARNING,
                    )
                )
            return None
        target = link.resolve()
        if not _is_inside(target, self.tree):
            self.findings.append(
                _bad_path(
                    link,
                    f"symlink points outside the project ({target}); not followed",
                    Severity.WARNING,
                )
            )
            return None
        return target

    def walk(self, directory: Path) -> None:
        real = directory.resolve()
        if real in self._seen_dirs:
            return
        self._seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.findings.append(_bad_path(directory, f"cannot list directory: {exc.strerror}"))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=not is_link) if not is_link else None
            except OSError:
                continue
            if is_link:
                is_dir = os.path.isdir(path)  # False for loops and dangling links
            if self.matcher.excluded(path, bool(is_dir)):
                continue  # ignored links are not reported either
            if is_link:
                target = self._resolve_link(path)
                if target is None:
                    continue
                if is_dir and _is_inside(path.parent.resolve(), target):
                    message = "symlink loop (points to its own parent); not followed"
                    self.findings.append(_bad_path(path, message))
                    continue
            if is_dir:
                self.walk(path)
            elif self.matcher.included(path):
                self.files.setdefault(path.resolve(), None)

    def add_file(self, path: Path) -> None:
        """A file named on the command line: include patterns do not apply, excludes do."""
        if path.is_symlink():
            target = self._resolve_link(path)
            if target is None:
                return
        if _is_inside(path.resolve(), self.matcher.root) and self.matcher.excluded(
            Path(os.path.abspath(path)), False, walked=False
        ):
            return
        if path.suffix in SOURCE_SUFFIXES or self.matcher.included(path):
            self.files.setdefault(path.resolve(), None)


def discover(paths: Sequence[str | os.PathLike[str]], config: Config) -> Discovery:
    """Expand `paths` (files and directories) into sorted target and project file lists."""
    given = [Path(os.path.abspath(p)) for p in (paths or [os.getcwd()])]
    findings: list[Finding] = []
    existing = []
    for path in given:
        if os.path.lexists(path):
            existing.append(path)
        else:
            findings.append(_bad_path(path, "path does not exist"))
    if not existing:
        return Discovery(None, (), (), tuple(findings))

    common = Path(os.path.commonpath(existing))
    root = config.root or find_project_root(common)
    tree = root if root is not None else (common if common.is_dir() else common.parent)
    matcher = _Matcher(config, Path(os.path.abspath(tree)))

    targets = _Walker(matcher, tree)
    for path in existing:
        if path.is_dir() and not path.is_symlink():
            targets.walk(path)
        elif path.is_symlink() and path.resolve().is_dir():
            if targets._resolve_link(path) is not None:
                targets.walk(path)
        else:
            targets.add_file(path)
    findings.extend(targets.findings)

    project_files: Iterable[Path] = targets.files
    walked_root = any(p == root and p.is_dir() for p in existing)
    if root is not None and not walked_root:
        whole = _Walker(matcher, tree)
        whole.walk(root)  # findings outside the requested paths are not the user's question
        project_files = {**whole.files, **targets.files}
    return Discovery(
        root=root,
        targets=tuple(sorted(targets.files)),
        project=tuple(sorted(project_files)),
        findings=tuple(sorted(findings)),
    )


def discover_files(paths: Sequence[str | os.PathLike[str]], config: Config) -> list[Path]:
    """Convenience for callers that only need the files to rewrite."""
    return list(discover(paths, config).targets)


# ---------------------------------------------------------------- the dirty-tree guard


class DirtyTree(Exception):
    """`migrate` would overwrite work git could not give back; the message says which files."""


def git_toplevel(path: Path) -> Path | None:
    """The work tree `path` is in, or None outside git (or when git is missing or refuses)."""
    return _toplevel(str(path if path.is_dir() else path.parent))


@functools.lru_cache(maxsize=1024)
def _toplevel(directory: str) -> Path | None:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", directory, "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    top = done.stdout.strip()
    return Path(top).resolve() if done.returncode == 0 and top else None


def _unrecoverable(top: Path) -> set[Path]:
    """Files of the work tree whose content git does not hold: unstaged edits and untracked files.

    Staged content is in the index (`git checkout -- FILE` brings it back), so a file that
    is only staged, as pre-commit leaves the files it passes, is safe to rewrite.
    """
    import subprocess

    done = subprocess.run(
        [
            "git",
            "-C",
            str(top),
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--ignore-submodules=all",
        ],
        capture_output=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise DirtyTree(
            f"cannot ask git whether {top} has uncommitted changes: "
            f"{message[-1] if message else 'git status failed'}"
        )
    dirty: set[Path] = set()
    entries = iter(done.stdout.decode("utf-8", "surrogateescape").split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        index, worktree, name = entry[0], entry[1], entry[3:]
        if index in "RC":
            next(entries, None)  # a rename's second field is the old name
        if entry[:2] == "??" or worktree != " ":
            dirty.add(top / name)
    return dirty


def check_clean(paths: Iterable[Path]) -> None:
    """Raise DirtyTree when any of `paths` (files about to be rewritten) holds work git lacks."""
    by_top: dict[Path, list[Path]] = {}
    for path in paths:
        top = git_toplevel(path)
        if top is not None:
            by_top.setdefault(top, []).append(path)
    dirty: list[str] = []
    for top, files in by_top.items():
        unsafe = _unrecoverable(top)
        for path in files:
            if path in unsafe or path.resolve() in unsafe:
                dirty.append(display_path(path))
    if dirty:
        listed = ", ".join(sorted(dirty)[:10]) + (
            f" and {len(dirty) - 10} more" if len(dirty) > 10 else ""
        )
        raise DirtyTree(
            f"refusing to rewrite {len(dirty)} file{'s' if len(dirty) != 1 else ''} with uncommitted "
            f"or untracked changes git could not restore: {listed} (commit or stage them first, "
            "or pass --allow-dirty)"
        )
