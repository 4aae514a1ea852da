"""On every fixture file: the upgrades compile, are stable on a second run, and never
touch a file without TensorFlow (realistic TF1 code nobody wrote the rules against)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from tests.rules.helpers import upgrade

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "repos"


def _parsable_fixture_files() -> list[Path]:
    files = []
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            cst.parse_module(path.read_text(encoding="utf-8"))
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            continue  # the Python 2 fixture: the runner reports it (TFM002)
        files.append(path)
    return files


FILES = _parsable_fixture_files()


@pytest.mark.skipif(not FILES, reason="no fixture repos checked out")
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_upgrade_compiles_and_is_idempotent(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    first = upgrade(source)
    compile(first.module.code, str(path), "exec")
    second = upgrade(first.module.code)
    assert second.module.code == first.module.code
    assert second.count == 0
    if "tensorflow" not in source:
        assert first.module.code == source and not first.findings
    for finding in first.findings:
        assert 1 <= finding.line <= source.count("\n") + 1
