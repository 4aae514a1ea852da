"""Property tests: the rewrite never raises, always parses, and is idempotent.

Two sources of programs: hypothesmith (anything the grammar allows) and our own
TF1-flavoured generator (what the rules react to). CI runs a few dozen examples per
property (the ``ci`` profile); release checks run ``--hypothesis-profile=long``
(10,000 examples each).
"""

from __future__ import annotations

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, given, settings

from tests.fuzz.tf1_programs import tf1_program
from tf1migrate.engine import ParseFailure
from tf1migrate.passes import migrate_sources
from tf1migrate.types import Options

SLOW_OK = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], deadline=None)


def _migrate_twice(source: str, options: Options = Options()) -> None:
    try:
        first = migrate_sources({"pkg/mod.py": source}, options)["pkg/mod.py"]
    except ParseFailure:
        return  # a clean, reported refusal is allowed; a crash is not
    if first.code != source:  # what we wrote must parse; an untouched file is the user's own
        cst.parse_module(first.code)  # (LibCST rejects a few files CPython takes: `\\` at EOF)
    compile(first.code, "pkg/mod.py", "exec")
    second = migrate_sources({"pkg/mod.py": first.code}, options)["pkg/mod.py"]
    assert second.code == first.code, "second run changed the output (not idempotent)"


@SLOW_OK
@given(tf1_program())
def test_tf1_programs_migrate_cleanly(source: str) -> None:
    _migrate_twice(source)


@SLOW_OK
@given(tf1_program())
def test_tf1_programs_module_target(source: str) -> None:
    _migrate_twice(source, Options(target="module"))


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@SLOW_OK
@given(hypothesmith.from_grammar().filter(lambda s: s.strip()))
def test_arbitrary_programs_never_crash(source: str) -> None:
    try:
        compile(source, "<fuzz>", "exec")
    except (SyntaxError, ValueError):
        assume(False)  # not valid Python for this interpreter: draw another
    _migrate_twice(source)
