"""Jupyter notebooks: migrate the code cells, leave everything else byte-for-byte alone.

The engine sees one Python text: the code cells in order, each introduced by a marker
comment, with IPython magics and shell escapes (`%time`, `!pip`, `x = !ls`, `obj?`)
masked as `pass` statements so the text parses. The result is split back at the markers
and the masked lines restored. Cells run by a cell magic (`%%bash`, `%%writefile`) are not
Python and are never touched; markdown/raw cells, outputs and metadata are never touched.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass

_MARKER = "# %% tf1migrate-cell {index}"
_MARKER_RE = re.compile(r"^# %% tf1migrate-cell (\d+)\n", re.MULTILINE)
_MASK = "{indent}pass  # tf1migrate-magic {index}"
_MASK_RE = re.compile(r"^[ \t]*pass  # tf1migrate-magic (\d+)$", re.MULTILINE)
_MAGIC_LINE = re.compile(
    r"""^[ \t]*(?:
        [%!]                                   # %magic, !shell
      | [\w.]+[ \t]*\?{1,2}[ \t]*$             # obj? / obj??
      | \?{1,2}[\w.]                           # ?obj
      | [\w.,() \t]+=[ \t]*[%!]                # x = !ls, t = %timeit f()
    )""",
    re.VERBOSE,
)


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

    def locate(self, line: int) -> tuple[int, int]:
        """(cell index, 1-based line within that cell) for a line of `code`."""
        position = 0
        for i, start in enumerate(self.starts):
            if start <= line:
                position = i
        if not self.cells:
            return 0, line
        return self.cells[position], max(1, line - self.starts[position] + 1)


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
    source = str(cell.get("source", ""))
    return cell.get("cell_type") == "code" and not source.lstrip().startswith("%%")


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
    line = 1
    for index, cell in enumerate(notebook.cells):
        if not _is_python_cell(cell):
            continue
        masked_lines = []
        for source_line in str(cell.source).split("\n"):
            if _MAGIC_LINE.match(source_line):
                indent = source_line[: len(source_line) - len(source_line.lstrip())]
                masked_lines.append(_MASK.format(indent=indent, index=len(magics)))
                magics.append(source_line)
            else:
                masked_lines.append(source_line)
        body = "\n".join(masked_lines)
        parts.append(_MARKER.format(index=index) + "\n" + body + "\n")
        cells.append(index)
        starts.append(line + 1)
        line += 1 + body.count("\n") + 1
    return NotebookCode("".join(parts), tuple(cells), tuple(magics), tuple(starts))


def _unmask(code: str, magics: tuple[str, ...]) -> str:
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
        if body.endswith("\n"):
            body = body[:-1]
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
