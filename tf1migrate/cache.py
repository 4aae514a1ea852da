"""Content-hash cache of module summaries and migration results in `.tf1migrate_cache/`.

A key is a hash of everything that can change an answer: the file's bytes, the tool
version, the rule packs, the options (and, for results, the project index). Entries are
pickles behind a checksum: a truncated or corrupted entry fails the checksum and is
treated as a miss, never trusted. Entries are written atomically, so concurrent runs
(pre-commit in two terminals) can share one cache.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from tf1migrate import __version__

CACHE_DIR_NAME = ".tf1migrate_cache"
#: Part of every key: bumped when what an entry holds changes shape within a version
#: (an older pickle would load with new fields at their defaults, and be wrong).
SCHEMA = "2"
_MAGIC = b"TF1MC1\n"
_DAY = 86_400
#: Entries unused for this long are deleted (at most one sweep a day), so the cache does
#: not grow without bound as files are edited.
MAX_AGE_DAYS = 30
_SWEEP_MARKER = "last-sweep"


def fingerprint(value: Any) -> str:
    """A stable hash of nested data (dataclasses, dicts, sets, enums…), equal across processes.

    `hash()` and pickles of sets depend on hash randomisation; this does not.
    """
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(b"D" + type(value).__qualname__.encode())
        for f in dataclasses.fields(value):
            digest.update(f.name.encode() + b"=")
            _feed(digest, getattr(value, f.name))
    elif isinstance(value, enum.Enum):
        digest.update(b"E" + repr(value).encode())
    elif isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value, key=fingerprint):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, (set, frozenset)):
        digest.update(b"S[" + ",".join(sorted(fingerprint(v) for v in value)).encode() + b"]")
    elif isinstance(value, (list, tuple)):
        digest.update(b"[")
        for item in value:
            _feed(digest, item)
            digest.update(b",")
        digest.update(b"]")
    elif isinstance(value, bytes):
        digest.update(b"B%d:" % len(value) + value)
    elif isinstance(value, str):
        encoded = value.encode("utf-8", "surrogatepass")
        digest.update(b"U%d:" % len(encoded) + encoded)
    elif value is None or isinstance(value, (bool, int, float)):
        digest.update(repr(value).encode())
    elif hasattr(value, "__dict__"):
        digest.update(b"O" + type(value).__qualname__.encode())
        _feed(digest, vars(value))
    else:
        digest.update(b"R" + repr(value).encode())


def rule_packs_fingerprint(packs: tuple[str, ...]) -> str:
    """Hash of the user's rule-pack files (the built-in packs change with the version)."""
    digest = hashlib.sha256()
    for pack in packs:
        digest.update(pack.encode() + b"\0")
        try:
            digest.update(Path(pack).read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


def make_key(kind: str, data: bytes, *parts: str) -> str:
    """Cache key for one file: kind ("summary"/"result"), bytes, version, then `parts`."""
    digest = hashlib.sha256()
    for part in (kind, __version__, SCHEMA, *parts):
        digest.update(part.encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


class Cache:
    """Directory of checksummed pickles; every failure reads as a miss."""

    def __init__(self, directory: Path | None, enabled: bool = True) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.enabled = enabled and directory is not None
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_root(cls, root: Path | None, enabled: bool = True) -> Cache:
        return cls(root / CACHE_DIR_NAME if root is not None else None, enabled)

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / key[2:]

    def get(self, key: str) -> Any | None:
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                blob = handle.read()
                age = time.time() - os.fstat(handle.fileno()).st_mtime
        except OSError:
            self.misses += 1
            return None
        if age > _DAY:  # mark as recently used (once a day, not on every hit)
            try:
                os.utime(path)
            except OSError:
                pass
        value = self._decode(blob)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    @staticmethod
    def _decode(blob: bytes) -> Any | None:
        header_end = len(_MAGIC) + 64
        if not blob.startswith(_MAGIC) or len(blob) < header_end:
            return None
        checksum, payload = blob[len(_MAGIC) : header_end], blob[header_end:]
        if hashlib.sha256(payload).hexdigest().encode() != checksum:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # stale class layout after an upgrade, etc.: just recompute
            return None

    def put(self, key: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        blob = _MAGIC + hashlib.sha256(payload).hexdigest().encode() + payload
        target = self._path(key)
        try:
            self._ensure_directory()
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            pass  # a read-only checkout still migrates, only slower

    def sweep(self, max_age_days: float = MAX_AGE_DAYS) -> int:
        """Delete entries unused for `max_age_days`; runs at most once a day. Returns count."""
        if not self.enabled or self.directory is None or not self.directory.is_dir():
            return 0
        marker = self.directory / _SWEEP_MARKER
        now = time.time()
        try:
            if now - marker.stat().st_mtime < _DAY:
                return 0
        except OSError:
            pass
        try:
            marker.touch()
        except OSError:
            return 0
        cutoff = now - max_age_days * _DAY
        removed = 0
        for shard in self.directory.iterdir():
            if not shard.is_dir() or len(shard.name) != 2:
                continue
            for entry in shard.iterdir():
                try:
                    if entry.stat().st_mtime < cutoff:
                        entry.unlink()
                        removed += 1
                except OSError:
                    pass
        return removed

    def _ensure_directory(self) -> None:
        assert self.directory is not None
        if not self.directory.is_dir():
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / ".gitignore").write_text("# created by tf1migrate\n*\n")
            (self.directory / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n# tf1migrate cache\n"
            )
