"""Reading keeps every byte-level property of a file; writing is atomic and careful."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tf1migrate.sourcefile import (
    TEMP_SUFFIX,
    SourceChangedError,
    SourceReadError,
    atomic_write,
    detect_newline,
    read_source,
    remove_stale_temp_files,
)

ROUND_TRIPS = {
    "utf8": "x = 'é'\n".encode(),
    "bom": b"\xef\xbb\xbfx = 1\n",
    "latin1-cookie": "# -*- coding: latin-1 -*-\nname = 'Müller'\n".encode("latin-1"),
    "crlf": b"a = 1\r\nb = 2\r\n",
    "mixed": b"a = 1\r\nb = 2\nc = 3\r\n",
    "cr-only": b"a = 1\rb = 2\r",
    "no-trailing-newline": b"a = 1",
    "empty": b"",
    "tabs": b"if x:\n\ty = 1\n",
}


@pytest.mark.parametrize("raw", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_unchanged_text_renders_back_to_identical_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(raw)
    source = read_source(path)
    assert source.render(source.text) == raw


def test_uniform_crlf_is_given_to_the_engine_as_lf_and_restored(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(b"a = 1\r\nb = 2\r\n")
    source = read_source(path)
    assert source.text == "a = 1\nb = 2\n"
    assert source.render(source.text + "c = 3\n") == b"a = 1\r\nb = 2\r\nc = 3\r\n"


def test_latin1_file_is_written_back_in_latin1(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_bytes("# coding: latin-1\ns = 'ß'\n".encode("latin-1"))
    source = read_source(path)
    assert source.encoding == "iso-8859-1"
    assert source.render(source.text.replace("s =", "t =")) == "# coding: latin-1\nt = 'ß'\n".encode("latin-1")


def test_bom_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(b"\xef\xbb\xbfa = 1\n")
    source = read_source(path)
    assert source.bom and source.text == "a = 1\n"
    assert source.render("b = 2\n") == b"\xef\xbb\xbfb = 2\n"


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"\x00\x01\x02binary", "binary"),
        ("s = 'é'\n".encode("latin-1"), "cannot decode as utf-8"),
        (b"# coding: no-such-codec\nx = 1\n", "encoding"),
    ],
    ids=["binary", "undeclared-latin1", "unknown-codec"],
)
def test_unreadable_sources_raise_a_message_a_person_can_act_on(tmp_path: Path, raw: bytes, needle: str) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(raw)
    with pytest.raises(SourceReadError, match=needle):
        read_source(path)


def test_detect_newline() -> None:
    assert detect_newline("a\nb\n") == "\n"
    assert detect_newline("a\r\nb\r\n") == "\r\n"
    assert detect_newline("a\r\nb\n") == "mixed"
    assert detect_newline("") == "\n"


def test_atomic_write_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(b"a = 1\n")
    os.chmod(path, 0o754)
    source = read_source(path)
    atomic_write(path, b"a = 2\n", source.stamp)
    assert path.read_bytes() == b"a = 2\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o754
    assert [p.name for p in tmp_path.iterdir()] == ["f.py"]


def test_atomic_write_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(b"a = 1\n")
    source = read_source(path)
    path.write_bytes(b"a = 1  # edited by a person meanwhile\n")
    with pytest.raises(SourceChangedError):
        atomic_write(path, b"a = 2\n", source.stamp)
    assert path.read_bytes() == b"a = 1  # edited by a person meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.py"]


def test_same_size_same_mtime_edit_is_caught_by_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "f.py"
    path.write_bytes(b"a = 1\n")
    source = read_source(path)
    path.write_bytes(b"a = 9\n")
    os.utime(path, ns=(source.stamp.mtime_ns, source.stamp.mtime_ns))
    with pytest.raises(SourceChangedError):
        atomic_write(path, b"a = 2\n", source.stamp)


def test_stale_temp_files_of_dead_writers_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / f".f.py.999999999.abc{TEMP_SUFFIX}"
    alive = tmp_path / f".f.py.{os.getppid()}.abc{TEMP_SUFFIX}"
    dead.write_bytes(b"half")
    alive.write_bytes(b"being written")
    assert remove_stale_temp_files(tmp_path) == [dead]
    assert alive.exists()


def test_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    from tf1migrate.sourcefile import SourceWriteError

    path = tmp_path / "f.py"
    path.write_bytes(b"a = 1\n")
    path.chmod(0o444)
    source = read_source(path)
    with pytest.raises(SourceWriteError, match="read-only"):
        atomic_write(path, b"a = 2\n", source.stamp)
    assert path.read_bytes() == b"a = 1\n" and [p.name for p in tmp_path.iterdir()] == ["f.py"]
