"""Feed the placeholders a model class makes while it is built, in the original's TF1 graph.

The generated layer of such a class (`tf1migrate.classflow`) takes one call input per
placeholder, keyed by the name the placeholder is assigned to. The original code is not
rewritten, so the reference child finds its placeholders after building it: each new
`Placeholder` op's creation stack (`op.traceback`) names the line of the user's code that
made it, and that line's assignment gives the key by the codemod's own rule
(`placeholder_key`). Kept free of TensorFlow imports; `tf` is passed in.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

from tf1migrate.classflow import PLACEHOLDER_SYMBOLS, feed_keyword, placeholder_key

_PLACEHOLDER_OPS = ("Placeholder", "PlaceholderWithDefault")
_NAMES = {symbol.rsplit(".", 1)[-1] for symbol in PLACEHOLDER_SYMBOLS}


def new_placeholders(graph: Any, before: int, own_scope: str) -> list[Any]:
    """Placeholder ops created after the first `before` ops, not verify's own inputs."""
    return [
        op
        for op in graph.get_operations()[before:]
        if op.type in _PLACEHOLDER_OPS and not op.name.startswith(own_scope + "/")
    ]


def key_of(op: Any, root: str) -> str | None:
    """The feed key of a placeholder op: the name its line of user code assigns it to."""
    root_path = Path(root).resolve()
    for frame in reversed(list(op.traceback)):
        filename, lineno = _frame_location(frame)
        if not filename:
            continue
        try:
            inside = Path(filename).resolve().is_relative_to(root_path)
        except OSError:
            inside = False
        if inside:
            return assigned_key(str(Path(filename).resolve()), lineno)
    return None


def _frame_location(frame: Any) -> tuple[str, int]:
    if isinstance(frame, tuple):
        return frame[0], int(frame[1])
    return getattr(frame, "filename", ""), int(getattr(frame, "lineno", 0) or 0)


@functools.cache
def _assignments(filename: str) -> tuple[tuple[int, int, str], ...]:
    """(first line, last line, key) of every `<targets> = <placeholder call>` in a file."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return ()
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in _NAMES:
            continue
        key = feed_keyword(node.value) or placeholder_key(node.targets)
        if key is not None:
            found.append((node.value.lineno, node.value.end_lineno or node.value.lineno, key))
    return tuple(found)


def assigned_key(filename: str, lineno: int) -> str | None:
    """The feed key of the placeholder made at `filename:lineno`, if it is assigned to a name."""
    for first, last, key in _assignments(filename):
        if first <= lineno <= last:
            return key
    return None


def feed_values(
    tf: Any,
    placeholders: list[Any],
    root: str,
    feeds: list[list[str]],
    arrays: dict[str, Any],
    defaults: dict[str, str],
    training: bool,
) -> tuple[dict[Any, Any], list[str]]:
    """`feed_dict` for the original's placeholders, as the migrated layer's call feeds them.

    A key whose call parameter the spec gives gets that input; one fed from `training` gets
    the flag; one with a literal default (`keep_prob=1.0`) gets it; the others get the zeros
    `tf1compat.placeholders.stand_in_shape` gives the migrated side. Returns the feed dict and
    the keys found in the graph.
    """
    import numpy as np
    from tf1compat.placeholders import stand_in_shape

    sources = dict((key, source) for key, source in feeds)
    feed_dict: dict[Any, Any] = {}
    seen: list[tuple[list[int | None] | None, Any]] = []
    found: list[str] = []
    given = [arrays[source] for _, source in feeds if source in arrays]
    for op in placeholders:
        key = key_of(op, root)
        if key is None or key not in sources:
            continue
        found.append(key)
        tensor = op.outputs[0]
        dims = tensor.shape.as_list() if tensor.shape.rank is not None else None
        dtype = tensor.dtype.as_numpy_dtype
        source = sources[key]
        if source == "@training":
            value = np.asarray(training, dtype)
        elif source in arrays:
            value = np.asarray(arrays[source]).astype(dtype)
        elif defaults.get(source, "None") != "None":
            value = np.asarray(ast.literal_eval(defaults[source]), dtype)
        elif op.type == "PlaceholderWithDefault":
            continue  # its default, as in the migrated layer
        else:
            fed = [*seen, *((None, v) for v in given)]
            value = np.zeros(stand_in_shape(dims, fed), dtype)
        seen.append((dims, value))
        feed_dict[tensor] = value
    return feed_dict, found
