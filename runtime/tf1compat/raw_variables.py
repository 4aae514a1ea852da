"""Raw ``tf.Variable`` creation inside a decorated call, named as TF1's graph named it.

TF1 code often makes weights with ``tf.Variable(initial, name="W")`` (directly or through a
helper such as ``glorot(shape, name)``), not with ``get_variable``. A TF1 graph gives such a
variable the name ``<current name scope>/<name>``, made unique against every name already
used in the graph: ``Variable``, ``Variable_1``; ``conv-maxpool-3/W``; a second ``W`` under
one scope is ``W_1``; a re-entered ``tf.name_scope("layer")`` is ``layer_1/``. A TF1
checkpoint stores exactly those names.

Eager TF2 keeps no such registry (a name scope entered twice is the same string, and
``tf.function`` graphs uniquify differently), so each decorated call keeps its own
:class:`TF1NameScopes`: it follows every name scope the call enters (``tf.name_scope``,
``tf.compat.v1.name_scope``, the name scope of ``variable_scope``; see
``_private.observe_name_scopes``) and applies the TF1 graph's rules to them. A
variable-creator scope (:func:`capture`) gives every raw ``tf.Variable`` its TF1 name and
keeps one variable per name in the owner's store: on a later call or trace the same
creation returns the same variable. ``get_variable`` names are registered too, so mixed
code uniquifies as the TF1 graph did.

Variables that Keras (or tf-keras) creates for its own layers are left alone; so are the
store's own ``get_variable`` variables.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

import tensorflow as tf

from tf1compat import _private, hooks

_local = threading.local()

#: Modules whose ``tf.Variable`` calls are theirs, not the TF1 code's (Keras weights).
_LIBRARY_MODULES = ("keras.", "tf_keras.")


class ScopeName(str):
    """The string a name scope's ``__enter__`` returns, carrying its TF1 scope (``.tf1``).

    In eager mode a scope entered twice returns the same string both times, so re-entering
    it by that string (``with tf.name_scope(captured):``, or a ``variable_scope``'s
    ``original_name_scope``) could not tell which entry was meant. The annotation can.
    """

    tf1: str


class TF1NameScopes:
    """The name scopes of one decorated call, uniquified as a TF1 graph would.

    ``root`` is the TF1 scope the call starts in (the caller's variable scope, or the
    enclosing decorated call's current scope); ``real_root`` the actual TF2 name scope at
    that point, used to translate absolute re-entries (``tf.name_scope("a/b/")``).
    """

    __slots__ = ("_real_root", "_real_to_tf1", "_root", "_stack", "_used")

    def __init__(self, root: str, real_root: str):
        self._used: dict[str, int] = {}
        self._root = root
        self._stack: list[str] = [root]
        self._real_root = real_root
        self._real_to_tf1: dict[str, str] = {real_root: root}

    @property
    def current(self) -> str:
        """The current TF1 name scope, without a trailing ``/`` (``""`` at the root)."""
        return self._stack[-1]

    def unique_name(self, name: str, *, absolute: bool = False) -> str:
        """``Graph.unique_name`` of TF1: ``<scope>/<name>``, suffixed ``_N`` if used.

        ``absolute``: ``name`` is already a full name (``get_variable`` creates its variable
        with the name scope reset to the root).
        """
        scope = "" if absolute else self._stack[-1]
        if scope:
            name = f"{scope}/{name}"
        key = name.lower()
        used = self._used
        i = used.get(key, 0)
        used[key] = i + 1
        if i > 0:
            base = key
            while key in used:
                key = f"{base}_{i}"
                i += 1
            used[key] = 1
            name = f"{name}_{i - 1}"
        return name

    def mark_used(self, full_name: str) -> None:
        """Record a name TF1 would have taken (a ``get_variable`` variable)."""
        self._used.setdefault(full_name.lower(), 1)

    def enter(self, name: str | None, real_scope: str) -> str:
        """A name scope ``name`` was entered and TF2 made it ``real_scope``: return that
        string annotated with the TF1 scope (a :class:`ScopeName`)."""
        if not name:
            tf1 = ""
        elif isinstance(name, ScopeName):
            tf1 = name.tf1
        elif name[-1] == "/":
            tf1 = self._real_to_tf1.get(name)
            if tf1 is None:
                if self._real_root and name.startswith(self._real_root):
                    relative = name[len(self._real_root) : -1]
                    tf1 = f"{self._root}/{relative}" if self._root else relative
                else:
                    tf1 = name[:-1]
        else:
            tf1 = self.unique_name(name)  # the scope takes its name: a later "name" is name_1
        self._stack.append(tf1)
        if not isinstance(real_scope, str):
            return real_scope
        if real_scope:
            self._real_to_tf1[real_scope] = tf1
        annotated = ScopeName(real_scope)
        annotated.tf1 = tf1
        return annotated

    def exit(self) -> None:
        if len(self._stack) > 1:
            self._stack.pop()


def current_names() -> TF1NameScopes | None:
    """The TF1 name scopes of the innermost decorated call on this thread, or None."""
    return getattr(_local, "names", None)


@contextlib.contextmanager
def tracking_names() -> Iterator[TF1NameScopes]:
    """Follow name scopes (TF1 rules) and capture raw ``tf.Variable``s for the block.

    Entered by ``VariableStore.scope()`` around every decorated call, so each call starts
    from the same name state and reproduces the first call's names.
    """
    outer = getattr(_local, "names", None)
    real_root = tf.get_current_name_scope()
    real_root = f"{real_root}/" if real_root else ""
    if outer is not None:
        root = outer.current
    else:
        root = tf.compat.v1.get_variable_scope().name
    names = TF1NameScopes(root, real_root)
    _local.names = names
    try:
        with tf.variable_creator_scope(capture):
            yield names
    finally:
        _local.names = outer


@contextlib.contextmanager
def names_suspended() -> Iterator[None]:
    """No name tracking or capture for the block (the runtime's own creations)."""
    saved = getattr(_local, "names", None)
    _local.names = None
    try:
        yield
    finally:
        _local.names = saved


def _on_enter(name: str | None, real_scope: str) -> str:
    names = getattr(_local, "names", None)
    if names is None:
        return real_scope
    return names.enter(name, real_scope)


def _on_exit() -> None:
    names = getattr(_local, "names", None)
    if names is not None:
        names.exit()


_private.observe_name_scopes(_on_enter, _on_exit)


def _created_by_library() -> bool:
    """Whether the ``tf.Variable`` being created was called from Keras (its own weights)."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("tensorflow.") or module == __name__:
            frame = frame.f_back
            continue
        return module.startswith(_LIBRARY_MODULES) or module in ("keras", "tf_keras")
    return False


def capture(next_creator, **kwargs: Any) -> tf.Variable:
    """Variable creator: a raw ``tf.Variable`` in a decorated call gets its TF1 name, once."""
    names = getattr(_local, "names", None)
    store = hooks.active_store()
    if names is None or store is None or not hasattr(store, "raw_variable"):
        return next_creator(**kwargs)
    if _created_by_library():
        return next_creator(**kwargs)
    name = names.unique_name(kwargs.get("name") or "Variable")
    return store.raw_variable(name, next_creator, kwargs)


def eager_initial_value(value: Any, name: str) -> Any:
    """``value`` usable under ``tf.init_scope()``: graph tensors are lifted to eager."""
    if callable(value) or not tf.is_symbolic_tensor(value):
        return value
    try:
        return _private.lift_to_eager(value)
    except _private.UnliftableError as error:
        raise ValueError(
            f"tf1compat: the initial value of tf.Variable {name!r} depends on the layer's "
            "inputs (a placeholder), so the variable cannot be created once, eagerly. Pass "
            "an initial value that depends only on constants and random ops, or a callable."
            f" ({error})"
        ) from None
