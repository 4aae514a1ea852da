"""The write stage: changed files replace their originals atomically, one by one.

Each write is a temp file + fsync + `os.replace` (`sourcefile.atomic_write`): a run killed
at any moment leaves every file either as it was or fully migrated, and the next run
removes the temp files it left. A file edited since it was read is skipped (TFM005); one
that cannot be written keeps its original (TFM004).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from tf1migrate.sourcefile import (
    SourceChangedError,
    SourceFile,
    SourceWriteError,
    atomic_write,
    remove_stale_temp_files,
)
from tf1migrate.types import FileResult, FileStatus, Finding, Severity

WRITE_ERROR, CHANGED_DURING_RUN = "TFM004", "TFM005"


def clean_temp_files(targets: Iterable[Path]) -> None:
    """Remove temp files an earlier, killed run left next to the files to migrate."""
    for directory in sorted({path.parent for path in targets}):
        remove_stale_temp_files(directory)


def write_changed(
    results: dict[Path, FileResult],
    sources: Mapping[Path, SourceFile],
    progress: Callable[[str, int, int], None],
) -> None:
    """Write every CHANGED result over its file (in place in `results`)."""
    changed = [path for path, result in results.items() if result.status == FileStatus.CHANGED]
    for done, path in enumerate(changed, 1):
        results[path] = write_one(path, sources[path], results[path])
        progress("write", done, len(changed))


def write_one(path: Path, source: SourceFile, result: FileResult) -> FileResult:
    """Replace `path` with the migrated text, or say in a finding why it was not."""
    try:
        assert result.migrated is not None
        atomic_write(path, source.render(result.migrated), source.stamp)
    except SourceChangedError as exc:
        finding = _error(result.path, CHANGED_DURING_RUN, str(exc))
    except SourceWriteError as exc:
        finding = _error(result.path, WRITE_ERROR, f"{exc}; file left as it was")
    else:
        return result
    findings = tuple(sorted((finding, *result.findings)))
    return replace(result, status=FileStatus.ERROR, findings=findings)


def _error(path: str, rule: str, message: str) -> Finding:
    return Finding(path, 1, 0, rule, message, Severity.ERROR)
