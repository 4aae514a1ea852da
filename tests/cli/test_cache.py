"""The content-hash cache: unchanged re-runs parse nothing; corruption is never trusted."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import TF1_MODEL
from tf1migrate.cache import CACHE_DIR_NAME, Cache, fingerprint
from tf1migrate.runner import run_migrate
from tf1migrate.types import FileStatus

FILES = {"a.py": TF1_MODEL, "b.py": "import tensorflow as tf\nx = tf.layers.dense(1, 2)\n", "c.py": "y = 1\n"}


def _statuses(result) -> dict[str, FileStatus]:
    return {Path(f.path).name: f.status for f in result.files}


def test_second_run_parses_nothing_and_gives_the_same_answer(make_repo, fake_engine) -> None:
    root = make_repo(FILES)
    first = run_migrate([root], mode="check", jobs=1)
    assert fake_engine() == {"summarize": 3, "migrate": 3}
    second = run_migrate([root], mode="check", jobs=1)
    assert fake_engine() == {"summarize": 3, "migrate": 3}  # nothing new
    assert _statuses(first) == _statuses(second)
    assert [f.migrated for f in first.files] == [f.migrated for f in second.files]
    assert all(f.cached for f in second.files)


def test_one_byte_change_invalidates_exactly_that_file(make_repo, fake_engine) -> None:
    root = make_repo(FILES)
    run_migrate([root], mode="check", jobs=1)
    before = fake_engine.paths("migrate")
    (root / "c.py").write_text("y = 2\n")
    result = run_migrate([root], mode="check", jobs=1)
    assert fake_engine.paths("summarize")[3:] == [str(root / "c.py").replace(str(Path.cwd()) + "/", "")]
    assert len(fake_engine.paths("migrate")) == len(before) + 1
    assert Path(fake_engine.paths("migrate")[-1]).name == "c.py"
    assert [f.cached for f in result.files] == [True, True, False]


def test_no_cache_flag_neither_reads_nor_writes(make_repo, fake_engine) -> None:
    root = make_repo(FILES)
    run_migrate([root], mode="check", jobs=1, use_cache=False)
    run_migrate([root], mode="check", jobs=1, use_cache=False)
    assert fake_engine() == {"summarize": 6, "migrate": 6}
    assert not (root / CACHE_DIR_NAME).exists()


def test_corrupted_entries_are_ignored_and_recomputed(make_repo, fake_engine) -> None:
    root = make_repo(FILES)
    first = run_migrate([root], mode="check", jobs=1)
    entries = [p for p in (root / CACHE_DIR_NAME).rglob("*") if p.is_file() and len(p.name) > 20]
    assert entries
    for i, entry in enumerate(entries):
        blob = bytearray(entry.read_bytes())
        if i % 2:
            blob[-1] ^= 0xFF  # flipped bit in the payload
        else:
            del blob[len(blob) // 2 :]  # truncated write
        entry.write_bytes(bytes(blob))
    again = run_migrate([root], mode="check", jobs=1)
    assert fake_engine() == {"summarize": 6, "migrate": 6}
    assert [f.migrated for f in again.files] == [f.migrated for f in first.files]


def test_cache_directory_ignores_itself_for_git(tmp_path: Path) -> None:
    cache = Cache(tmp_path / CACHE_DIR_NAME)
    cache.put("ab" * 32, {"x": 1})
    assert cache.get("ab" * 32) == {"x": 1}
    assert (tmp_path / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"


def test_fingerprint_is_stable_for_sets_and_dicts() -> None:
    assert fingerprint({"b": {3, 1, 2}, "a": frozenset("xy")}) == fingerprint({"a": frozenset("yx"), "b": {2, 3, 1}})
    assert fingerprint((1, "1")) != fingerprint(("1", 1))


def test_entries_unused_for_a_month_are_swept_at_most_daily(tmp_path: Path) -> None:
    import os
    import time

    cache = Cache(tmp_path / CACHE_DIR_NAME)
    old, fresh = "aa" * 32, "bb" * 32
    cache.put(old, 1)
    cache.put(fresh, 2)
    month_ago = time.time() - 31 * 86_400
    os.utime(cache._path(old), (month_ago, month_ago))
    assert cache.sweep() == 1
    assert cache.get(old) is None and cache.get(fresh) == 2
    os.utime(cache._path(fresh), (month_ago, month_ago))
    assert cache.sweep() == 0  # swept less than a day ago
    assert cache.get(fresh) == 2  # a hit marks the entry as used again
    assert time.time() - cache._path(fresh).stat().st_mtime < 60


def test_unchanged_indexed_files_are_not_even_read(make_repo, fake_engine, monkeypatch) -> None:
    """With a warm cache, a single-file run only stats the rest of the project."""
    from tf1migrate import runner, sourcefile

    root = make_repo(FILES)
    run_migrate([root / "a.py"], mode="check", jobs=1)
    read: list[str] = []
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        read.append(path.name)
        return real_read_bytes(path)

    def read_source(path: Path):
        read.append(path.name)
        return sourcefile.read_source(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(runner, "read_source", read_source)
    result = run_migrate([root / "a.py"], mode="check", jobs=1)
    assert [Path(f.path).name for f in result.files] == ["a.py"] and result.files[0].cached
    assert set(read) == {"a.py"}  # b.py and c.py: a stat each, no read
    (root / "b.py").write_text("import tensorflow as tf\nx = tf.layers.dense(1, 3)\n")
    read.clear()
    run_migrate([root / "a.py"], mode="check", jobs=1)
    assert "b.py" in read and "c.py" not in read
