"""Child process of the legacy oracle (run with TF_USE_LEGACY_KERAS=1).

Reads ``{key: code}`` as JSON on stdin, execs each case, calls its ``run()`` and pickles
``("ok", result)`` or ``("error", traceback)`` to ``<cache_dir>/<key>.pkl`` (atomically).

Helpers in every case's namespace: ``graph_report`` (build a TF1 graph and report it),
``import_tf1_module`` (import a legacy source tree as TF1 code) and ``tf1_behavior``
(TF1 semantics for a block, TF2 restored after it).
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import pickle
import sys
import tempfile
import traceback

import numpy as np
import tensorflow as tf

assert os.environ.get("TF_USE_LEGACY_KERAS") == "1"

v1 = tf.compat.v1


def graph_report(build, *, seed=0, run_update_ops=False, feed=None):
    """Build a TF1 graph with ``build()`` (returns a dict name → tensor) and report it.

    Returns a dict with:
      variables: [(name, shape, dtype, trainable)] in creation order (names without ":0")
      initial:   {name: value} after the initializers ran (graph seed ``seed``)
      outputs:   {name: value} of the fetches
      reg_losses: [float] from the REGULARIZATION_LOSSES collection
      update_ops: number of ops in UPDATE_OPS
      after_update: {name: value} of every variable after one run of fetches + UPDATE_OPS
                    (only if run_update_ops)
    """
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        fetches = build()
        fetches = dict(fetches or {})
        variables = v1.global_variables()
        trainable = {id(v) for v in v1.trainable_variables()}
        reg = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            initial = dict(zip([v.op.name for v in variables], sess.run(variables)))
            outputs = sess.run(fetches, feed_dict=feed) if fetches else {}
            reg_values = [float(x) for x in sess.run(reg)]
            after = None
            if run_update_ops:
                sess.run([fetches, updates], feed_dict=feed)
                after = dict(zip([v.op.name for v in variables], sess.run(variables)))
    return {
        "variables": [
            (v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, id(v) in trainable)
            for v in variables
        ],
        "initial": initial,
        "outputs": {k: np.asarray(v) for k, v in outputs.items()},
        "reg_losses": reg_values,
        "update_ops": len(updates),
        "after_update": after,
    }


def _tf1_import(name, globals=None, locals=None, fromlist=(), level=0):
    """``__import__`` for legacy code: ``tensorflow[.x.y]`` resolves inside ``tf.compat.v1``."""
    if level == 0 and (name == "tensorflow" or name.startswith("tensorflow.")):
        target = v1
        for part in name.split(".")[1:]:
            try:
                target = getattr(target, part)
            except AttributeError:
                message = f"No module named {name!r} under tf.compat.v1"
                raise ModuleNotFoundError(message, name=name) from None
        return target if fromlist else v1
    return builtins.__import__(name, globals, locals, fromlist, level)


_TF1_BUILTINS = dict(vars(builtins), __import__=_tf1_import)


class _TF1SourceLoader(importlib.machinery.SourceFileLoader):
    """Runs a legacy module with ``_tf1_import`` as its import, and never writes ``.pyc``."""

    def exec_module(self, module):
        module.__dict__["__builtins__"] = _TF1_BUILTINS
        super().exec_module(module)

    def set_data(self, path, data, *, _mode=0o666):
        pass  # the legacy tree is read-only input


class _LegacyTreeFinder(importlib.abc.MetaPathFinder):
    """Finds modules and packages of one legacy source tree (its root acts as sys.path[0])."""

    def __init__(self, root: str):
        self.root = root
        self.top_level = {
            entry[:-3] if entry.endswith(".py") else entry
            for entry in os.listdir(root)
            if entry.endswith(".py") or os.path.isfile(os.path.join(root, entry, "__init__.py"))
        }

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] not in self.top_level:
            return None
        base = os.path.join(self.root, *fullname.split("."))
        package_init = os.path.join(base, "__init__.py")
        if os.path.isfile(package_init):
            loader = _TF1SourceLoader(fullname, package_init)
            return importlib.util.spec_from_file_location(
                fullname, package_init, loader=loader, submodule_search_locations=[base]
            )
        if os.path.isfile(base + ".py"):
            loader = _TF1SourceLoader(fullname, base + ".py")
            return importlib.util.spec_from_file_location(fullname, base + ".py", loader=loader)
        return None


def import_tf1_module(path, name):
    """Import module ``name`` of the legacy tree at ``path`` as TF1 code.

    Inside that tree (and only there) ``import tensorflow as tf`` and every other
    ``tensorflow.*`` import resolve against ``tf.compat.v1``; sibling modules import each
    other as if ``path`` were on ``sys.path``. The tree's modules are removed from
    ``sys.modules`` afterwards (and any they shadowed restored), so trees with clashing
    module names (two ``model.py``) can be imported one after another in this process.
    Use it under ``tf1_behavior()`` when the code relies on TF1 semantics at build time.
    """
    finder = _LegacyTreeFinder(os.path.abspath(path))
    def from_tree():
        return [key for key in sys.modules if key.partition(".")[0] in finder.top_level]

    shadowed = {key: sys.modules.pop(key) for key in from_tree()}
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(name)
    finally:
        sys.meta_path.remove(finder)
        for key in from_tree():
            del sys.modules[key]
        sys.modules.update(shadowed)


@contextlib.contextmanager
def tf1_behavior():
    """TF1 semantics (graph mode, v1 TensorShape, ref variables...) for the body only.

    tf-keras is loaded first, under TF2 behaviour, so the classes it picks at import time
    are the usual ones for every later case; TF2 behaviour is restored on exit.
    """
    v1.layers.dense, v1.nn.rnn_cell.LSTMCell  # resolve the lazy legacy modules now
    v1.disable_v2_behavior()
    try:
        yield
    finally:
        v1.enable_v2_behavior()


def main(cache_dir: str) -> None:
    cases = json.loads(sys.stdin.read())
    for key, code in cases.items():
        namespace = {
            "__name__": f"oracle_case_{key}",
            "graph_report": graph_report,
            "import_tf1_module": import_tf1_module,
            "tf1_behavior": tf1_behavior,
            "tf": tf,
            "np": np,
        }
        try:
            exec(compile(code, f"<oracle case {key}>", "exec"), namespace)
            payload = ("ok", namespace["run"]())
        except Exception:
            payload = ("error", traceback.format_exc())
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh)
        os.replace(tmp, os.path.join(cache_dir, f"{key}.pkl"))


if __name__ == "__main__":
    main(sys.argv[1])
