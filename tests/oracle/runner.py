"""Child process of the legacy oracle (run with TF_USE_LEGACY_KERAS=1).

Reads ``{key: code}`` as JSON on stdin, execs each case, calls its ``run()`` and pickles
``("ok", result)`` or ``("error", traceback)`` to ``<cache_dir>/<key>.pkl`` (atomically).

Helpers in every case's namespace: ``graph_report`` (build a TF1 graph and report it),
``import_tf1_module`` (import a legacy source tree as TF1 code) and ``tf1_behavior``
(TF1 semantics for a block, TF2 restored after it).

References on any CPU: TensorFlow's CPU kernels for NCHW convolutions and pools exist only
in some builds (oneDNN on some CPUs), the CPU depthwise kernel takes equal strides only, and
some builds' transposed convolutions too. ``install_cpu_twins`` makes those legacy layers
compute through an equivalent on kernels every CPU has (see ``_cpu_twin_call``), with the
genuine layer's variables, so the references do not depend on the CPU model.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
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


def _kernel_runs(build) -> bool:
    """Whether the ops ``build()`` makes run on this machine's CPU (a probe, in its own graph)."""
    with tf.Graph().as_default():
        fetch = build()
        try:
            with v1.Session() as sess:
                sess.run(fetch)
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError):
            return False
    return True


@functools.cache
def _unequal_stride_transpose_runs(rank: int) -> bool:
    """Transposed convolutions take unequal strides on CPU only in some TF builds."""
    conv = v1.nn.conv2d_transpose if rank == 2 else v1.nn.conv3d_transpose
    shape = [1, *([2] * rank), 1]
    out = [1, 4, *([2] * (rank - 1)), 1]
    return _kernel_runs(
        lambda: conv(tf.ones(shape), tf.ones([1] * rank + [1, 1]), out, [1, 2] + [1] * rank)
    )


def _same_pad(x, kernel_size, strides):
    """Pad an NHWC ``x`` as a strided ``SAME`` window op would (extra after)."""
    paddings = [[0, 0]]
    for n, k, s in zip(x.shape.as_list()[1:-1], kernel_size, strides):
        total = max((-(-n // s) - 1) * s + k - n, 0)
        paddings.append([total // 2, total - total // 2])
    return tf.pad(x, paddings + [[0, 0]])


def _insert_zeros(x, strides):
    """``stride - 1`` zeros after every element of each spatial axis of an NHWC ``x``."""
    for axis, s in enumerate(strides, start=1):
        if s > 1:
            shape = x.shape.as_list()
            x = tf.expand_dims(x, axis + 1)
            x = tf.pad(x, [[0, 0]] * (axis + 1) + [[0, s - 1]] + [[0, 0]] * (len(shape) - axis - 1))
            x = tf.reshape(x, shape[:axis] + [shape[axis] * s] + shape[axis + 1 :])
    return x


def _cpu_twin_call(original):
    """Wrap a legacy conv/pool ``__call__`` so it computes with kernels every CPU has.

    Three legacy features have no kernel on some CPUs: channels_first convs and pools
    (NCHW), separable convs with unequal strides (the depthwise kernel takes equal ones
    only) and, in some builds, transposed convs with unequal strides. For those, the
    genuine layer is called first: it builds its variables in the graph, so names, shapes,
    creation order and weight regularizers are tf-keras's own; its output is dropped (never
    run). Then a twin of the same class and configuration, but channels_last and, for the
    strided cases, stride 1 and ``valid``, is built in the genuine layer's variable scope
    with ``reuse=True``, so it uses exactly those variables (the kernel layout does not
    depend on data_format or strides). The input is transposed to NHWC; a separable conv
    is padded as the strided ``same`` would be, and its stride-1 output subsampled; a
    transposed conv gets zeros inserted after each input element, and the stride-1 "full"
    output is cropped to the genuine output's window; the result is transposed back. The
    same arithmetic, in every case. The twin's reused weights add no second
    regularization loss; the activity regularizer moves from the genuine layer to the
    twin, whose output holds the same values permuted.
    """

    def derives_from(layer, *names: str) -> bool:
        # by class name: tf-keras's legacy layers and TensorFlow's own copy of them
        # (tensorflow.python.keras, which genuine tf-slim builds on) are different classes
        return any(cls.__name__ in names for cls in type(layer).__mro__)

    @functools.wraps(original)
    def __call__(self, inputs, *args, **kwargs):
        strides = tuple(getattr(self, "strides", ()))
        unequal = len(set(strides)) > 1
        subsample = (
            unequal and derives_from(self, "SeparableConv") and set(self.dilation_rate) == {1}
        )
        zero_insert = (
            unequal
            and derives_from(self, "Conv2DTranspose", "Conv3DTranspose")
            and not _unequal_stride_transpose_runs(len(strides))
        )
        channels_first = getattr(self, "data_format", None) == "channels_first"
        if not (channels_first or subsample or zero_insert):
            return original(self, inputs, *args, **kwargs)
        activity_regularizer = self._activity_regularizer
        self._activity_regularizer = None
        try:
            genuine = original(self, inputs, *args, **kwargs)
        finally:
            self._activity_regularizer = activity_regularizer
        parameters = inspect.signature(type(self).__init__).parameters
        config = {
            name: getattr(self, name)
            for name in parameters
            if name not in ("self", "name", "data_format", "activity_regularizer", "trainable")
            and not name.endswith("_regularizer")
            and hasattr(self, name)
        }
        if subsample or zero_insert:
            config.update(strides=(1,) * len(strides), padding="valid")
        twin = type(self)(
            **config,
            data_format="channels_last",
            activity_regularizer=activity_regularizer,
            trainable=self.trainable,
            dtype=self.dtype,
            _scope=self._scope,
            _reuse=True,
        )
        rank = inputs.shape.rank
        to_nhwc = [0, *range(2, rank), 1]
        x = tf.transpose(inputs, to_nhwc) if channels_first else inputs
        if subsample and self.padding == "same":
            x = _same_pad(x, self.kernel_size, strides)
        if zero_insert:
            x = _insert_zeros(x, strides)
        outputs = twin(x, *args, **kwargs)
        if subsample:
            outputs = outputs[(slice(None), *(slice(None, None, s) for s in strides))]
        if zero_insert:
            target = genuine.shape.as_list()
            target = [target[i] for i in to_nhwc] if channels_first else target
            begin = [0] * rank
            if self.padding == "same":
                for i, (k, s) in enumerate(zip(self.kernel_size, strides), start=1):
                    begin[i] = max(k - s, 0) // 2
            outputs = tf.slice(outputs, begin, target)
        if channels_first:
            outputs = tf.transpose(outputs, [0, rank - 1, *range(1, rank - 1)])
        return outputs

    __call__._cpu_twin = True
    return __call__


def install_cpu_twins():
    """Route legacy convs and pools that lack a CPU kernel through their twin (idempotent).

    Both copies of the legacy layers: tf-keras's (``tf.compat.v1.layers`` under
    ``TF_USE_LEGACY_KERAS=1``) and TensorFlow's own ``tensorflow.python.keras`` one, which
    ``tensorflow.python.layers`` (so the genuine tf-slim's ``avg_pool2d``) builds on."""
    from tf_keras.src.legacy_tf_layers import base, convolutional, pooling

    families = [(base.Layer, (convolutional, pooling))]
    try:
        from tensorflow.python.keras.legacy_tf_layers import base as tf_base
        from tensorflow.python.keras.legacy_tf_layers import convolutional as tf_convolutional
        from tensorflow.python.keras.legacy_tf_layers import pooling as tf_pooling
    except ImportError:  # a TensorFlow without its bundled Keras copy
        pass
    else:
        families.append((tf_base.Layer, (tf_convolutional, tf_pooling)))
    for layer_base, modules in families:
        for module in modules:
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, layer_base)
                    and "data_format" in inspect.signature(value.__init__).parameters
                    and not getattr(value.__call__, "_cpu_twin", False)
                ):
                    value.__call__ = _cpu_twin_call(value.__call__)


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


@functools.lru_cache(maxsize=None)
def _bind_contrib():
    """Bind ``tf.contrib`` to the genuine tf-slim, as verify's reference child does.

    Legacy fixtures import ``tensorflow.contrib.slim``; TF 2 has no ``tf.contrib``, and the
    oracle must build the same graph the verify reference builds (once per process).
    """
    from tf1migrate.verify import contrib_reference

    return tuple(contrib_reference.install(v1))


def import_tf1_module(path, name):
    """Import module ``name`` of the legacy tree at ``path`` as TF1 code.

    Inside that tree (and only there) ``import tensorflow as tf`` and every other
    ``tensorflow.*`` import resolve against ``tf.compat.v1``; sibling modules import each
    other as if ``path`` were on ``sys.path``. The tree's modules are removed from
    ``sys.modules`` afterwards (and any they shadowed restored), so trees with clashing
    module names (two ``model.py``) can be imported one after another in this process.
    Use it under ``tf1_behavior()`` when the code relies on TF1 semantics at build time.
    """
    _bind_contrib()
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
        # enable_v2_behavior refuses ("must be called at program startup") once the global
        # default graph exists, which any earlier case in this child may have created
        v1.reset_default_graph()
        v1.enable_v2_behavior()


def main(cache_dir: str) -> None:
    cases = json.loads(sys.stdin.read())
    install_cpu_twins()
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
