"""``arg_scope`` / ``add_arg_scope`` with tf-slim's semantics.

A function decorated with ``add_arg_scope`` takes its keyword defaults from the innermost
``arg_scope`` that lists it; explicit keywords win, nested scopes merge (inner values win),
and a dict yielded by an earlier ``arg_scope`` can be re-entered as a whole. The stack is
per thread (tf-slim kept one global stack, which two threads building models at once
would corrupt).

Example::

    with arg_scope([conv2d, fully_connected], weights_regularizer=l2_regularizer(5e-4)):
        with arg_scope([conv2d], padding="VALID"):
            net = conv2d(images, 64, [3, 3])      # VALID, L2-regularized
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "current_arg_scope",
    "has_arg_scope",
]

_state = threading.local()
_DECORATED_OPS: dict[str, tuple[str, ...]] = {}


def _stack() -> list[dict[str, dict[str, Any]]]:
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = [{}]
    return stack


def current_arg_scope() -> dict[str, dict[str, Any]]:
    """The innermost scope: ``{op key: {argument: value}}``."""
    return _stack()[-1]


def arg_scope_func_key(op: Callable) -> str:
    """The key an op is registered under (what tf-slim used: the decorator's ``_key_op``)."""
    return getattr(op, "_key_op", str(op))


def _kwarg_names(func: Callable) -> tuple[str, ...]:
    code = getattr(func, "__code__", None)
    if code is None:
        return ()
    count = len(func.__defaults__ or ())
    return code.co_varnames[code.co_argcount - count : code.co_argcount]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope: Sequence[Callable] | dict, **kwargs: Any) -> Iterator[dict]:
    """Set default keyword arguments for the listed ``add_arg_scope`` ops in the block.

    Passing the dict yielded by an earlier ``arg_scope`` re-enters that scope (no kwargs
    then). Raises ``TypeError`` for anything but a list/tuple/dict and ``ValueError`` for an
    op not decorated with ``add_arg_scope``.
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError(
                "When attempting to re-use a scope by suppling a dictionary, kwargs must be empty."
            )
        current = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError(
                "list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)"
            )
        current = current_arg_scope().copy()
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                name = (getattr(op, "__module__", "?"), getattr(op, "__name__", repr(op)))
                raise ValueError(f"{name} is not decorated with @add_arg_scope")
            key = arg_scope_func_key(op)
            merged = dict(current.get(key, {}))
            merged.update(kwargs)
            current[key] = merged
    stack = _stack()
    stack.append(current)
    try:
        yield current
    finally:
        stack.pop()


def add_arg_scope(func: Callable) -> Callable:
    """Make ``func`` take its keyword defaults from the enclosing ``arg_scope``s."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args: Any, **kwargs: Any) -> Any:
        scoped = current_arg_scope().get(key)
        if scoped:
            merged = dict(scoped)
            merged.update(kwargs)
            kwargs = merged
        return func(*args, **kwargs)

    _DECORATED_OPS[key] = _kwarg_names(func)
    func_with_args._key_op = key  # type: ignore[attr-defined]
    return func_with_args


def has_arg_scope(func: Callable) -> bool:
    """True if ``func`` was decorated with ``add_arg_scope``."""
    return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func: Callable) -> tuple[str, ...]:
    """The keyword arguments an ``arg_scope`` can set for ``func``."""
    assert has_arg_scope(func)
    return _DECORATED_OPS[arg_scope_func_key(func)]
