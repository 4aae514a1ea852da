"""What CPython accepts: the gate before LibCST sees a file, and the check after the rewrite.

LibCST's native parser recurses on nesting: about 1,500 nested parentheses overflow its
stack (a segfault, exit 139), and a 5,000-term sum takes minutes before its visitors hit
the recursion limit. CPython itself rejects such code ("too many nested parentheses",
"maximum recursion depth exceeded during ast construction") in milliseconds, so the
input is first compiled to an AST the way `python file.py` would (default recursion
limit), and what CPython rejects for its depth becomes a parse finding (TFM001) without
LibCST ever running. Ordinary syntax errors are left to the engine's parser, whose
messages (and Python 2 hint) the reports already use.

After the rewrite, `rewrite_compiles` is the runner's last word before anything is
written: code that compiled before must still compile.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tf1migrate.types import ParseFailure

#: CPython's own recursion limit: what `python file.py` would accept is what we accept.
CPYTHON_RECURSION_LIMIT = 1000
#: Below this size a MemoryError from CPython's parser is its nesting limit (3.11 reports
#: "too deep" that way); above it, it may be the memory cap, and is left to the caller.
_SMALL_ENOUGH_FOR_MEMORY = 200_000
#: SyntaxError messages CPython gives for nesting, not for a mistake in the code.
_DEPTH_MESSAGES = (
    "too many nested parentheses",
    "too many levels of indentation",
    "too many statically nested blocks",
)
_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # notebooks may `await`


def nesting_failure(code: str, path: str = "<source>") -> ParseFailure | None:
    """A parse failure when CPython rejects `code` for its nesting depth, else None.

    MemoryError propagates for a big file: CPython needed more memory than it had.
    """
    return gated_parse(code, path)[1]


def gated_parse(code: str, path: str = "<source>") -> tuple[ast.Module | None, ParseFailure | None]:
    """(`code`'s AST, None) when CPython accepts it; (None, failure) when it rejects it for
    its nesting depth; (None, None) for any other syntax error (the engine's parser says
    which). Pass 1 summarises the very tree this gate built, so a file is parsed once."""
    try:
        with _recursion_limit(CPYTHON_RECURSION_LIMIT):
            tree = compile(code, path, "exec", flags=_FLAGS, dont_inherit=True)
    except RecursionError:
        return None, ParseFailure(
            "too deeply nested for Python (maximum recursion depth exceeded during ast "
            "construction, as `python` itself reports)",
            1,
            0,
        )
    except MemoryError:
        if len(code) > _SMALL_ENOUGH_FOR_MEMORY:
            raise  # the file is big: out of memory, not (necessarily) too deep
        failure = ParseFailure("too deeply nested for Python (its parser's stack overflowed)", 1, 0)
        return None, failure
    except SyntaxError as error:
        if error.msg in _DEPTH_MESSAGES:
            line, col = error.lineno or 1, max((error.offset or 1) - 1, 0)
            return None, ParseFailure(error.msg, line, col)
        return None, None
    except ValueError:  # null bytes: the engine's parser says so
        return None, None
    return tree, None


def compiles(code: str) -> bool:
    """Whether Python accepts `code` (top-level await allowed, as in notebooks)."""
    try:
        with _recursion_limit(CPYTHON_RECURSION_LIMIT):
            compile(code, "<check>", "exec", flags=_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def rewrite_compiles(original: str, migrated: str, path: str) -> None:
    """Raise SyntaxError (with its position) if the rewrite broke code that compiled."""
    if migrated != original and not compiles(migrated) and compiles(original):
        compile(migrated, path, "exec", dont_inherit=True)


@contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    """CPython's AST builder scales its depth limit with the recursion limit, which the
    workers raise for LibCST; judge with the default one."""
    before = sys.getrecursionlimit()
    if before == limit:
        yield
        return
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)
