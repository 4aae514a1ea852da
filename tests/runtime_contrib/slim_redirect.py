"""Run the nets that ship inside the installed tf_slim package on tf1compat.slim.

``redirected_tf_slim()`` installs, for the duration of a block, an import hook under
which ``tf_slim`` and its ``layers`` / ``ops`` modules *are* the tf1compat.slim modules,
while ``tf_slim.nets.*`` is loaded from the installed package's own source files (so the
nets' ``from tf_slim.layers import layers as layers_lib`` lands on tf1compat). Nothing
of tf_slim is copied; the genuine package is never imported in this process.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator
from types import ModuleType

ALIASES = {
    "tf_slim": "tf1compat.slim",
    "tf_slim.layers": "tf1compat.slim.layers",
    "tf_slim.layers.layers": "tf1compat.slim.layers.layers",
    "tf_slim.layers.utils": "tf1compat.slim.layers.utils",
    "tf_slim.layers.initializers": "tf1compat.slim.layers.initializers",
    "tf_slim.layers.regularizers": "tf1compat.slim.layers.regularizers",
    "tf_slim.ops": "tf1compat.slim.ops",
    "tf_slim.ops.arg_scope": "tf1compat.slim.ops.arg_scope",
    "tf_slim.ops.variables": "tf1compat.slim.ops.variables",
}


def installed_nets_dir() -> str:
    """The ``nets`` folder of the installed tf_slim (found without importing tf_slim)."""
    spec = importlib.machinery.PathFinder.find_spec("tf_slim")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("tf_slim is not installed (it is in the `test` extra)")
    return f"{list(spec.submodule_search_locations)[0]}/nets"


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.nets = installed_nets_dir()

    def find_spec(self, fullname, path=None, target=None):
        if fullname in ALIASES:
            return importlib.util.spec_from_loader(fullname, _AliasLoader(ALIASES[fullname]))
        if fullname == "tf_slim.nets":
            return importlib.util.spec_from_file_location(
                fullname, f"{self.nets}/__init__.py", submodule_search_locations=[self.nets]
            )
        if fullname.startswith("tf_slim.nets."):
            return importlib.util.spec_from_file_location(
                fullname, f"{self.nets}/{fullname.rsplit('.', 1)[1]}.py"
            )
        if fullname.startswith("tf_slim."):
            raise ModuleNotFoundError(f"{fullname} has no tf1compat.slim counterpart", name=fullname)
        return None


@contextlib.contextmanager
def redirected_tf_slim() -> Iterator[None]:
    """``import tf_slim[.nets.vgg]`` resolves as described in the module docstring."""
    saved = {k: sys.modules.pop(k) for k in list(sys.modules) if k.partition(".")[0] == "tf_slim"}
    finder = _Finder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for key in [k for k in sys.modules if k.partition(".")[0] == "tf_slim"]:
            del sys.modules[key]
        sys.modules.update(saved)


def load_net(name: str) -> ModuleType:
    """``tf_slim.nets.<name>`` from the installed source, running on tf1compat.slim."""
    with redirected_tf_slim():
        return importlib.import_module(f"tf_slim.nets.{name}")
