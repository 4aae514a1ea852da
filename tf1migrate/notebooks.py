"""Jupyter notebooks: migrate the code cells, leave everything else byte-for-byte alone.

The engine sees one Python text: the code cells in order, each introduced by a marker
comment, with IPython magics and shell escapes (`%time`, `!pip`, `x = !ls`, `obj?`)
masked as `pass` statements so the text parses. The result is split back at the markers
and the masked lines restored. Cells run by a cell magic (`%%bash`, `%%writefile`) are not
Python and are never touched; markdown/raw cells, outputs and metadata are never touched.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass

_MARKER = "# %% tf1migrate-cell {index}"
_MARKER_RE = re.compile(r"^# %% tf1migrate-cell (\d+)\n", re.MULTILINE)
_MASK = "{indent}pass  # tf1migrate-magic {index}"
_CONTINUED = "{indent}# tf1migrate-magic {index} continued"
_MASK_RE = re.compile(r"^[ \t]*pass  # tf1migrate-magic (\d+)$", re.MULTILINE)
_CONTINUED_RE = re.compile(r"\n[ \t]*# tf1migrate-magic \d+ continued$", re.MULTILINE)
#: What IPython turns into a call (ruff and nbQA mask the same forms), when it starts a
#: logical line: `%magic`, `%%magic` not at the top, `!shell`, `!!shell`, `?obj`, `obj?`,
#: `obj??`, and `x = !cmd` / `x = %magic` (targets may be tuples or annotated).
_MAGIC_LINE = re.compile(
    r"""^[ \t]*(?:
        [%!]                                                  # %magic, %%magic, !shell, !!shell
      | \?{1,2}[ \t]*[\w.*%]                                  # ?obj, ??obj, ?%magic
      | [\w.*\[\]()'"%]+[ \t]*\?{1,2}[ \t]*$                   # obj?, obj.attr??, *int*?
      | [\w.,()\[\] \t]+(?::[^=]+)?=[ \t]*[%!]                  # x = !ls, t: str = %pwd
    )""",
    re.VERBOSE,
)
#: Cell magics whose body is Python: the body is migrated, the magic line kept as it is.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})
_CELL_MAGIC = re.compile(r"^%%(\w+)")


class NotebookError(Exception):
    """The notebook JSON cannot be read or written back (reported as TFM003/TFM004)."""


class NotPythonNotebook(Exception):
    """An R, Julia, Scala… notebook: nothing for us to do (the file is skipped)."""


def _language(notebook) -> str:
    metadata = notebook.get("metadata", {})
    language = metadata.get("language_info", {}).get("name") or metadata.get("kernelspec", {}).get(
        "language"
    )
    return str(language or "python").lower()


@dataclass(frozen=True)
class NotebookCode:
    """The Python text the engine sees, and how to map it back to the cells."""

    code: str
    cells: tuple[int, ...]  # notebook cell index of each code block, in order
    magics: tuple[str, ...]  # original text of every masked line
    starts: tuple[int, ...]  # 1-based line in `code` where each cell's first line is
    bodies: tuple[str, ...] = ()  # each code block as masked (what Python is asked to parse)

    def locate(self, line: int) -> tuple[int, int]:
        """(cell index, 1-based line within that cell) for a line of `code`."""
        position = 0
        for i, start in enumerate(self.starts):
            if start <= line:
                position = i
        if not self.cells:
            return 0, line
        return self.cells[position], max(1, line - self.starts[position] + 1)

    def syntax_error(self) -> tuple[int, int, int, str] | None:
        """(cell index, 1-based line, 0-based column, message) of the first cell Python rejects.

        A parser working on the joined text may give up a cell later (an unclosed bracket
        swallows the next cell's marker) or without a position (tokenizer errors); each
        cell compiled on its own names the cell and line a person has to fix.
        """
        flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        for cell, body in zip(self.cells, self.bodies):
            try:
                compile(body, f"<cell {cell + 1}>", "exec", flags=flags, dont_inherit=True)
            except SyntaxError as exc:
                return cell, max(1, exc.lineno or 1), max(0, (exc.offset or 1) - 1), exc.msg
            except ValueError:  # null bytes: the engine's own message says so
                continue
        return None


def _read(text: str):
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. MissingIDFieldWarning: we never add ids
            notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises many types for bad JSON / schema
        raise NotebookError(f"not a readable notebook: {exc}") from exc
    if notebook.get("nbformat", 0) < 4:
        raise NotebookError("nbformat 3 notebook: open and save it in Jupyter to upgrade it first")
    return notebook


def _is_python_cell(cell) -> bool:
    """Code cells, except those a cell magic runs as something else (`%%bash`, `%%html`)."""
    if cell.get("cell_type") != "code":
        return False
    magic = _CELL_MAGIC.match(str(cell.get("source", "")).lstrip())
    return magic is None or magic.group(1) in PYTHON_CELL_MAGICS


class _LineState:
    """Whether the next physical line starts a logical Python line.

    A `!` or `%` inside a bracket, a triple-quoted string or after a backslash is Python
    (or string) text, not a magic; this tracks just enough of the tokenizer to know.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        i, n, comment = 0, len(line), False
        while i < n:
            char = line[i]
            if self.quote is not None:
                if char == "\\":
                    i += 2
                elif line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                else:
                    i += 1
                continue
            if char == "#":
                comment = True
                break
            if char in "'\"":
                self.quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else char
                i += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        self.continued = not comment and _continues(line)
        if self.quote is not None and len(self.quote) == 1 and not self.continued:
            self.quote = None  # an unclosed one-line string: a syntax error Python reports


def _continues(line: str) -> bool:
    """Ends in an odd number of backslashes: the next line belongs to this one."""
    stripped = line.rstrip("\r")
    return (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1


def _mask_cell(source: str, magics: list[str]) -> str:
    """The cell with every magic (and its backslash-continued lines) masked, same line count."""
    lines = source.split("\n")
    out: list[str] = []
    state = _LineState()
    i = 0
    while i < len(lines):
        line = lines[i]
        if state.at_statement_start and _MAGIC_LINE.match(line):
            end = i
            while end + 1 < len(lines) and _continues(lines[end]):
                end += 1
            indent = line[: len(line) - len(line.lstrip())]
            index = len(magics)
            magics.append("\n".join(lines[i : end + 1]))
            out.append(_MASK.format(indent=indent, index=index))
            out.extend(_CONTINUED.format(indent=indent, index=index) for _ in range(end - i))
            i = end + 1
            continue
        state.feed(line)
        out.append(line)
        i += 1
    return "\n".join(out)


def extract_code(text: str) -> NotebookCode:
    """Join the Python code cells of a notebook into one maskable, splittable text."""
    notebook = _read(text)
    language = _language(notebook)
    if language not in ("python", "python3", "ipython", "ipython3"):
        raise NotPythonNotebook(f"not a Python notebook (language: {language}); skipped")
    parts: list[str] = []
    cells: list[int] = []
    magics: list[str] = []
    starts: list[int] = []
    bodies: list[str] = []
    line = 1
    for index, cell in enumerate(notebook.cells):
        if not _is_python_cell(cell):
            continue
        body = _mask_cell(str(cell.source), magics)
        parts.append(_MARKER.format(index=index) + "\n" + body + "\n")
        cells.append(index)
        starts.append(line + 1)
        bodies.append(body)
        line += 1 + body.count("\n") + 1
    return NotebookCode("".join(parts), tuple(cells), tuple(magics), tuple(starts), tuple(bodies))


def _unmask(code: str, magics: tuple[str, ...]) -> str:
    code = _CONTINUED_RE.sub("", code)
    return _MASK_RE.sub(lambda m: magics[int(m.group(1))], code)


def split_code(extracted: NotebookCode, migrated: str) -> dict[int, str]:
    """Cell index → new source, from the engine's output for `extracted.code`."""
    pieces = _MARKER_RE.split(migrated)
    preamble, rest = pieces[0], pieces[1:]
    indices = [int(i) for i in rest[0::2]]
    if tuple(indices) != extracted.cells:
        raise NotebookError("the rewrite moved or removed a cell boundary; notebook left untouched")
    sources = {}
    for n, (index, body) in enumerate(zip(indices, rest[1::2])):
        if n == 0 and preamble.strip():
            body = preamble + body
        body = body.removesuffix("\n")
        sources[index] = _unmask(body, extracted.magics)
    return sources


def _indent_of(text: str) -> int:
    """The JSON indentation the notebook was saved with (Jupyter uses 1)."""
    match = re.search(r"^\{\s*\n( +)\"", text)
    return len(match.group(1)) if match else 1


def replace_code(text: str, extracted: NotebookCode, migrated: str) -> str:
    """The notebook text with code cells replaced; unchanged notebooks come back identical.

    Written with `json` in the file's own key order and indentation rather than through
    `nbformat.writes`, which would add cell ids and reorder keys: everything but the
    changed `source` fields stays byte-identical.
    """
    if migrated == extracted.code:
        return text
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotebookError(f"not a readable notebook: {exc}") from exc
    for index, source in split_code(extracted, migrated).items():
        cell = data["cells"][index]
        as_lines = isinstance(cell["source"], list)  # keep the file's own representation
        cell["source"] = source.splitlines(keepends=True) if as_lines else source
    escaped = text.isascii() and "\\u" in text  # saved with \uXXXX escapes: keep them
    new_text = json.dumps(data, indent=_indent_of(text), ensure_ascii=escaped)
    return new_text + "\n" if text.endswith("\n") else new_text
