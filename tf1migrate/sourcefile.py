"""Read a source file into text and write text back byte-faithfully and atomically.

The engine works on `str`; users' files are bytes with an encoding (PEP 263 cookie,
latin-1, UTF-8 with or without BOM), a newline style (LF, CRLF, or a mix) and a trailing
newline or not. `read_source` remembers all of that so `SourceFile.render` can produce
bytes that differ from the original only where the engine changed the text, and
`atomic_write` replaces a file so that a crash at any moment leaves either the old or the
new content, never a mix, and never a file that someone else changed in the meantime.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Suffix of our temporary files; `remove_stale_temp_files` cleans up after a killed run.
TEMP_SUFFIX = ".tf1migrate-tmp"


class SourceReadError(Exception):
    """The file cannot be read or decoded (reported as TFM003)."""


class SourceWriteError(Exception):
    """The file cannot be written (reported as TFM004)."""


class SourceChangedError(Exception):
    """The file changed on disk after we read it (reported as TFM005, file skipped)."""


@dataclass(frozen=True)
class FileStamp:
    """What the file looked like when read: compared again right before replacing it."""

    mtime_ns: int
    size: int
    sha256: str


@dataclass(frozen=True)
class SourceFile:
    """One decoded source file plus everything needed to encode it back identically."""

    path: Path
    raw: bytes
    text: str  # decoded; uniform CRLF files are given to the engine with LF newlines
    encoding: str  # codec name without BOM handling, e.g. "utf-8", "iso-8859-1"
    bom: bool
    newline: str  # "\n", "\r\n", "\r" or "mixed" (mixed text is passed through untouched)
    stamp: FileStamp

    def render(self, text: str) -> bytes:
        """Encode engine output the way the original file was encoded."""
        if self.newline in ("\r\n", "\r"):
            text = text.replace("\r\n", "\n").replace("\n", self.newline)
        try:
            data = text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise SourceWriteError(
                f"the migrated text cannot be encoded as {self.encoding}: {exc.reason}"
            ) from exc
        return (b"\xef\xbb\xbf" + data) if self.bom else data


def detect_newline(text: str) -> str:
    """Return the single newline style of `text`, or "mixed"; LF for text without newlines."""
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lone_lf = text.count("\n") - crlf
    styles = [style for style, n in (("\r\n", crlf), ("\r", lone_cr), ("\n", lone_lf)) if n]
    if len(styles) > 1:
        return "mixed"
    return styles[0] if styles else "\n"


def stamp_of(raw: bytes, st: os.stat_result) -> FileStamp:
    return FileStamp(st.st_mtime_ns, st.st_size, hashlib.sha256(raw).hexdigest())


def decode_source(raw: bytes, path: Path) -> tuple[str, str, bool]:
    """Decode bytes as Python does (BOM, PEP 263 cookie, UTF-8 default): (text, codec, bom)."""
    if b"\x00" in raw:
        raise SourceReadError("looks like a binary file (contains NUL bytes), not Python source")
    try:
        declared, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc.msg) or "encoding problem" in str(exc.msg):
            raise SourceReadError(f"bad encoding declaration: {exc.msg}") from exc
        declared = "utf-8"  # undeclared non-UTF-8 bytes: the decode below explains
    bom = raw.startswith(b"\xef\xbb\xbf")
    codec = "utf-8" if declared == "utf-8-sig" else declared
    body = raw[3:] if bom else raw
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise SourceReadError(
            f"cannot decode as {codec} at byte {exc.start}; add a coding cookie "
            f"(e.g. '# -*- coding: latin-1 -*-') or re-save the file as UTF-8"
        ) from exc
    return text, codec, bom


def _open_binary(path: Path):
    """The one place a source file is opened for reading (tests simulate EACCES here as root)."""
    return open(path, "rb")


#: resolved path -> bytes to read instead of the file: `migrate - --stdin-filename PATH`
#: migrates an editor's unsaved buffer as that file of its project (nothing is written).
_OVERRIDES: dict[Path, bytes] = {}


@contextmanager
def content_override(path: Path, raw: bytes) -> Iterator[None]:
    """Within the block, `read_source(path)` sees `raw` instead of the file's bytes."""
    key = Path(os.path.realpath(path))
    _OVERRIDES[key] = raw
    try:
        yield
    finally:
        _OVERRIDES.pop(key, None)


def read_source(path: Path) -> SourceFile:
    """Read and decode `path`; raise SourceReadError with a message a person can act on."""
    override = _OVERRIDES.get(Path(os.path.realpath(path))) if _OVERRIDES else None
    try:
        if override is not None:
            st, raw = os.stat(path), override
        else:
            with _open_binary(path) as handle:
                st = os.fstat(handle.fileno())
                raw = handle.read()
    except OSError as exc:
        raise SourceReadError(f"cannot read: {exc.strerror or exc}") from exc
    text, codec, bom = decode_source(raw, path)
    newline = detect_newline(text)
    if newline in ("\r\n", "\r"):
        text = text.replace(newline, "\n")
    return SourceFile(path, raw, text, codec, bom, newline, stamp_of(raw, st))


def _check_unchanged(path: Path, expected: FileStamp) -> os.stat_result:
    """Raise SourceChangedError unless `path` still has the bytes we read."""
    try:
        st = os.stat(path)
        if (st.st_mtime_ns, st.st_size) != (expected.mtime_ns, expected.size):
            raise SourceChangedError("the file changed on disk during the run; skipped it")
        current = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise SourceChangedError("the file was deleted during the run; skipped it") from exc
    except OSError as exc:
        raise SourceWriteError(f"cannot re-read before writing: {exc.strerror or exc}") from exc
    if hashlib.sha256(current).hexdigest() != expected.sha256:
        raise SourceChangedError("the file changed on disk during the run; skipped it")
    return st


def atomic_write(path: Path, data: bytes, expected: FileStamp) -> None:
    """Replace `path` with `data`: temp file in the same directory, fsync, `os.replace`.

    Mode and (where permitted) owner are copied from the old file. The old content is
    compared with `expected` first, so a file edited by someone else meanwhile is left alone.
    """
    path = Path(path)
    st = _check_unchanged(path, expected)
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        # os.replace would happily swap a read-only file for a new one: respect the intent.
        raise SourceWriteError("the file is read-only; make it writable to migrate it")
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise SourceWriteError(
            f"cannot create a temporary file in {path.parent}: {exc.strerror or exc}"
        ) from exc
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fchmod(handle.fileno(), st.st_mode & 0o7777)
                try:
                    os.fchown(handle.fileno(), st.st_uid, st.st_gid)
                except PermissionError:
                    pass  # not allowed to give the file away: keep our ownership
                os.fsync(handle.fileno())
            # Narrow the race window: look again right before the rename.
            _check_unchanged(path, expected)
            os.replace(tmp_name, path)
        except OSError as exc:
            raise SourceWriteError(f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform lets us open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(directory: Path) -> list[Path]:
    """Delete temp files left by a killed run (their writer process no longer exists)."""
    removed = []
    try:
        candidates = [p for p in Path(directory).iterdir() if p.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return removed
    for candidate in candidates:
        parts = candidate.name[: -len(TEMP_SUFFIX)].rsplit(".", 2)
        pid = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None
        if pid is not None and pid != os.getpid() and _pid_alive(pid):
            continue  # another run is writing right now
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass
    return removed
