"""Generate a synthetic TF1 repository, deterministically from a seed, to benchmark on.

The default (~450 files, ~140k lines) has the size and the mix of tensorflow/tensor2tensor:
helper modules whose functions create variables (``get_variable``, ``tf.layers``, slim,
RNN cells, classes with ``__call__``), model modules that import those helpers across
modules under every import form, training scripts (placeholders, ``Session``, optimizers,
summaries, savers, ``tf.app.run``), input pipelines, tests, pure-Python utilities, license
headers, docstrings, comments, a few very long files and the package ``__init__``s, plus a
``setup.py`` and a ``pyproject.toml`` with a ``[tool.tf1migrate]`` table, as in a repository
that adopted the tool.

Only the generator lives in git. Every file it writes is valid Python 3; the code is meant
to be read by codemods, never run. Usage::

    python -m benchmarks.corpus OUT_DIR [--files 450] [--lines 140000] [--seed 0]
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "synth_t2t"
DEFAULT_FILES = 450
MIN_FILES = 14
LINES_PER_FILE = 311  # tensor2tensor: ~140k lines of Python over ~450 files


# ----------------------------------------------------------------------------- import forms
@dataclass(frozen=True)
class ImportStyle:
    """How one module spells TensorFlow: the import lines and the prefix of each API."""

    name: str
    header: tuple[str, ...]
    tf: str  # ops: tf.matmul, tf.reshape
    get_variable: str
    variable_scope: str
    layers: str  # tf.layers.* spelled this way
    nn: str
    contrib: bool  # tf.contrib is reachable through `tf`
    slim: str | None = None


IMPORT_STYLES: tuple[ImportStyle, ...] = (
    ImportStyle("classic", ("import tensorflow as tf",), "tf", "tf.get_variable",
                "tf.variable_scope", "tf.layers", "tf.nn", True),
    ImportStyle("compat_v1", ("import tensorflow.compat.v1 as tf", "", "tf.disable_v2_behavior()"),
                "tf", "tf.get_variable", "tf.variable_scope", "tf.layers", "tf.nn", False),
    ImportStyle("compat_from", ("from tensorflow.compat import v1 as tf1",), "tf1",
                "tf1.get_variable", "tf1.variable_scope", "tf1.layers", "tf1.nn", False),
    ImportStyle("layers_from", ("import tensorflow as tf", "from tensorflow import layers"),
                "tf", "tf.get_variable", "tf.variable_scope", "layers", "tf.nn", True),
    ImportStyle("bare_names", ("import tensorflow as tf",
                               "from tensorflow.compat.v1 import get_variable, variable_scope"),
                "tf", "get_variable", "variable_scope", "tf.layers", "tf.nn", True),
    ImportStyle("slim", ("import tensorflow as tf", "import tensorflow.contrib.slim as slim"),
                "tf", "tf.get_variable", "tf.variable_scope", "tf.layers", "tf.nn", True, "slim"),
    ImportStyle("v1_alias", ("import tensorflow as tf", "import tensorflow.compat.v1 as v1"),
                "tf", "v1.get_variable", "v1.variable_scope", "v1.layers", "tf.nn", True),
    ImportStyle("layers_alias", ("import tensorflow as tf",
                                 "from tensorflow.compat.v1 import layers as tfl"),
                "tf", "tf.get_variable", "tf.variable_scope", "tfl", "tf.nn", True),
    ImportStyle("private_vs", ("import tensorflow as tf",
                               "from tensorflow.python.ops import variable_scope as vs"),
                "tf", "vs.get_variable", "vs.variable_scope", "tf.layers", "tf.nn", True),
    ImportStyle("tensorflow_alias", ("import tensorflow as tensorflow",), "tensorflow",
                "tensorflow.get_variable", "tensorflow.variable_scope", "tensorflow.layers",
                "tensorflow.nn", True),
)
STYLE_WEIGHTS = (30, 14, 6, 8, 6, 6, 6, 6, 4, 2)

LICENSE = """# coding=utf-8
# Copyright 2018 The Synthetic Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
""".splitlines()

FUTURE = ("from __future__ import absolute_import", "from __future__ import division",
          "from __future__ import print_function")

# ----------------------------------------------------------------------------- vocabulary
MODULE_WORDS = (
    "common", "attention", "conv", "transformer", "lstm", "residual", "image", "audio", "text",
    "vocab", "beam", "search", "latent", "vq", "gan", "mixture", "expert", "sparse", "quant",
    "discrete", "modality", "universal", "evolved", "slicenet", "bytenet", "xception", "resnet",
    "mlp", "revnet", "shake", "neural", "memory", "area", "relative", "position", "embedding",
    "decoder", "encoder", "autoencoder", "video", "policy", "value", "reward", "glow", "flow",
    "lambda", "mesh", "moe", "bert", "gpt", "wavenet", "pixel", "capsule", "highway",
)
FUNC_BASES = (
    "dense", "conv", "norm", "attention", "ffn", "gate", "residual", "highway", "embed",
    "projection", "pool", "mixer", "router", "block", "unit", "stack", "head", "adapter",
)
FUNC_MODIFIERS = (
    "multihead", "local", "dilated", "separable", "sparse", "shared", "masked", "causal",
    "relative", "compressed", "factored", "gated", "simple", "deep", "wide", "fast", "tied",
)
NOUNS = (
    "activations", "hidden states", "logits", "keys and values", "queries", "features",
    "the embedding table", "the residual stream", "attention weights", "the memory",
    "encoder outputs", "decoder inputs", "token ids", "the batch", "pixels", "frames",
)
VERBS = ("Computes", "Applies", "Builds", "Projects", "Normalizes", "Combines", "Returns")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "softplus")


def _snake_to_camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# ----------------------------------------------------------------------------- module context
@dataclass(frozen=True)
class Helper:
    """A generated variable-creating helper other modules may import and call."""

    module: str  # dotted module path
    name: str
    takes_units: bool  # called as f(x, n_units, scope=...) or f(x, scope=...)
    takes_training: bool


@dataclass
class ModuleWriter:
    """Accumulates the lines of one module and the names it defines."""

    rng: random.Random
    style: ImportStyle
    dotted: str
    lines: list[str] = field(default_factory=list)
    local_helpers: list[Helper] = field(default_factory=list)
    imported: list[tuple[str, Helper]] = field(default_factory=list)  # (how to call it, what)
    used_names: set[str] = field(default_factory=set)

    def fresh_name(self, candidates: Callable[[], str]) -> str:
        for _ in range(50):
            name = candidates()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{candidates()}_{len(self.used_names)}"
        self.used_names.add(name)
        return name

    def combo(self, *pools: Sequence[str], camel: bool = False) -> str:
        """A fresh name made of one word from each pool (``a_b`` or ``AB``)."""
        name = self.fresh_name(lambda: "_".join(self.rng.choice(pool) for pool in pools))
        return _snake_to_camel(name) if camel else name

    def func_name(self) -> str:
        return self.fresh_name(
            lambda: f"{self.rng.choice(FUNC_MODIFIERS)}_{self.rng.choice(FUNC_BASES)}")

    def docstring(self, indent: str, args: list[tuple[str, str]], returns: str) -> list[str]:
        rng = self.rng
        out = [f'{indent}"""{rng.choice(VERBS)} {rng.choice(NOUNS)} for {rng.choice(NOUNS)}.']
        if rng.random() < 0.7:
            out += ["", f"{indent}This follows the usual recipe: {rng.choice(NOUNS)} are mixed",
                    f"{indent}with {rng.choice(NOUNS)} before the output projection."]
        if args:
            out += ["", f"{indent}Args:"]
            out += [f"{indent}  {name}: {text}" for name, text in args]
        out += ["", f"{indent}Returns:", f"{indent}  {returns}", f'{indent}"""']
        return [line if line.strip() else "" for line in out]

    def comment(self, indent: str) -> str:
        rng = self.rng
        return f"{indent}# {rng.choice(VERBS).lower()} {rng.choice(NOUNS)} ({rng.choice(NOUNS)})."


# ----------------------------------------------------------------------------- helper templates
HelperTemplate = Callable[[ModuleWriter], list[str]]


def _register(w: ModuleWriter, name: str, *, units: bool = True, training: bool = False) -> None:
    w.local_helpers.append(Helper(w.dotted, name, units, training))


def _initializer(w: ModuleWriter) -> str:
    s = w.style
    options = [f"{s.tf}.random_normal_initializer(stddev=0.02)",
               f"{s.tf}.truncated_normal_initializer(stddev=0.02)",
               f"{s.tf}.glorot_uniform_initializer()",
               f"{s.tf}.variance_scaling_initializer(scale=2.0)"]
    if s.contrib:
        options.append(f"{s.tf}.contrib.layers.xavier_initializer()")
    return w.rng.choice(options)


def tpl_dense_get_variable(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name)
    return [
        f'def {name}(x, n_units, scope="{name}", use_bias=True):',
        *w.docstring("    ", [("x", "a Tensor of shape [..., depth]."),
                              ("n_units", "an integer, the output depth."),
                              ("scope", "a string, the variable scope."),
                              ("use_bias", "a boolean.")], "a Tensor of shape [..., n_units]."),
        f"    with {s.variable_scope}(scope):",
        "        n_in = x.get_shape().as_list()[-1]",
        f'        w = {s.get_variable}("w", [n_in, n_units], initializer={_initializer(w)})',
        w.comment("        "),
        f"        y = {s.tf}.matmul({s.tf}.reshape(x, [-1, n_in]), w)",
        "        if use_bias:",
        f'            b = {s.get_variable}("b", [n_units], '
        f"initializer={s.tf}.constant_initializer(0.0))",
        "            y += b",
        f"        out_shape = {s.tf}.concat([{s.tf}.shape(x)[:-1], [n_units]], axis=0)",
        f"        return {s.tf}.reshape(y, out_shape)",
    ]


def tpl_layer_norm(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name, units=False)
    return [
        f'def {name}(x, scope="{name}", epsilon=1e-5, axis=-1):',
        *w.docstring("    ", [("x", "a Tensor."), ("scope", "a string."),
                              ("epsilon", "a float, added to the variance.")],
                     "a Tensor with the shape of x."),
        f"    with {s.variable_scope}(scope):",
        "        n_state = x.get_shape().as_list()[-1]",
        f'        g = {s.get_variable}("g", [n_state], initializer={s.tf}.constant_initializer(1))',
        f'        b = {s.get_variable}("b", [n_state], initializer={s.tf}.constant_initializer(0))',
        f"        mean, variance = {s.nn}.moments(x, axes=[axis], keep_dims=True)",
        f"        x = (x - mean) * {s.tf}.rsqrt(variance + epsilon)",
        "        return x * g + b",
    ]


def tpl_conv1d(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name)
    return [
        f'def {name}(x, n_units, scope="{name}", w_init_stdev=0.02):',
        *w.docstring("    ", [("x", "a Tensor [batch, length, depth]."),
                              ("n_units", "output depth.")], "a Tensor [batch, length, n_units]."),
        f"    with {s.variable_scope}(scope):",
        "        *start, nx = x.get_shape().as_list()",
        f'        w = {s.get_variable}("w", [1, nx, n_units], '
        f"initializer={s.tf}.random_normal_initializer(stddev=w_init_stdev))",
        f'        b = {s.get_variable}("b", [n_units], initializer={s.tf}.constant_initializer(0))',
        f"        c = {s.tf}.matmul({s.tf}.reshape(x, [-1, nx]), "
        f"{s.tf}.reshape(w, [-1, n_units])) + b",
        f"        return {s.tf}.reshape(c, [-1] + start[1:] + [n_units])",
    ]


def tpl_conv_bn(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name, training=True)
    act = w.rng.choice(ACTIVATIONS)
    kernel = w.rng.choice((1, 3, 5))
    return [
        f'def {name}(x, n_units, scope="{name}", is_training=False, strides=1):',
        *w.docstring("    ", [("x", "a Tensor [batch, height, width, channels]."),
                              ("is_training", "a boolean, batch statistics or moving ones.")],
                     "a Tensor [batch, height', width', n_units]."),
        f"    with {s.variable_scope}(scope):",
        f"        h = {s.layers}.conv2d(x, n_units, {kernel}, strides=strides, padding='same',",
        "                              use_bias=False, name='conv')",
        f"        h = {s.layers}.batch_normalization(h, training=is_training, momentum=0.997,",
        "                                         epsilon=1e-5, name='bn')",
        w.comment("        "),
        f"        return {s.nn}.{act}(h)",
    ]


def tpl_dense_stack(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name, training=True)
    depth = w.rng.randint(2, 4)
    return [
        f'def {name}(x, n_units, scope="{name}", is_training=False, depth={depth}, rate=0.1):',
        *w.docstring("    ", [("x", "a Tensor."), ("depth", "number of dense layers."),
                              ("rate", "dropout rate.")], "a Tensor [..., n_units]."),
        f"    with {s.variable_scope}(scope):",
        "        h = x",
        "        for i in range(depth):",
        f"            h = {s.layers}.dense(h, n_units, activation={s.nn}.relu, "
        f'name="dense_%d" % i)',
        f"            h = {s.layers}.dropout(h, rate=rate, training=is_training)",
        "        return h",
    ]


def tpl_attention(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name)
    local = [h for h in w.local_helpers if h.takes_units and not h.takes_training]
    if local:
        proj = w.rng.choice(local).name
        qkv = [f'        {t} = {proj}(x, n_units, scope="{t}")' for t in "qkv"]
        out = f'        return {proj}(a, n_units, scope="output")'
    else:
        qkv = [f'        {t} = {s.layers}.dense(x, n_units, use_bias=False, name="{t}")'
               for t in "qkv"]
        out = f'        return {s.layers}.dense(a, n_units, name="output")'
    return [
        f'def {name}(x, n_units, scope="{name}", n_heads=8, causal=True):',
        *w.docstring("    ", [("x", "a Tensor [batch, length, depth]."),
                              ("n_heads", "number of attention heads."),
                              ("causal", "mask future positions.")],
                               "a Tensor [batch, length, n_units]."),
        f"    with {s.variable_scope}(scope):",
        *qkv,
        "",
        "        def split_heads(t):",
        f"            t = {s.tf}.reshape(t, [{s.tf}.shape(t)[0], {s.tf}.shape(t)[1], n_heads, "
        "n_units // n_heads])",
        f"            return {s.tf}.transpose(t, [0, 2, 1, 3])",
        "",
        "        q, k, v = split_heads(q), split_heads(k), split_heads(v)",
        f"        w = {s.tf}.matmul(q, k, transpose_b=True) * "
        f"{s.tf}.rsqrt({s.tf}.cast(n_units // n_heads, {s.tf}.float32))",
        "        if causal:",
        f"            length = {s.tf}.shape(w)[-1]",
        f"            mask = {s.tf}.matrix_band_part({s.tf}.ones([length, length]), -1, 0)",
        "            w = w * mask - 1e10 * (1 - mask)",
        f"        w = {s.nn}.softmax(w)",
        f"        a = {s.tf}.transpose({s.tf}.matmul(w, v), [0, 2, 1, 3])",
        f"        a = {s.tf}.reshape(a, [{s.tf}.shape(a)[0], {s.tf}.shape(a)[1], n_units])",
        out,
    ]


def tpl_embedding(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name)
    vocab = w.rng.choice((8192, 16384, 32000, 50257))
    return [
        f'def {name}(ids, n_units, scope="{name}", vocab_size={vocab}, multiply_by_sqrt=True):',
        *w.docstring("    ", [("ids", "an int Tensor of token ids."),
                              ("vocab_size", "an integer.")], "a float Tensor [..., n_units]."),
        f"    with {s.variable_scope}(scope, reuse={s.tf}.AUTO_REUSE):",
        f'        table = {s.get_variable}("weights", [vocab_size, n_units],',
        "                                 "
        f"initializer={s.tf}.random_normal_initializer(0.0, n_units ** -0.5))",
        f"        out = {s.tf}.gather(table, ids)",
        "        if multiply_by_sqrt:",
        "            out *= n_units ** 0.5",
        "        return out",
    ]


def tpl_lstm(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name)
    cell = w.rng.choice(("LSTMCell", "GRUCell", "BasicLSTMCell"))
    return [
        f'def {name}(x, n_units, scope="{name}", num_layers=2, sequence_length=None):',
        *w.docstring("    ", [("x", "a Tensor [batch, time, depth]."),
                              ("num_layers", "stacked recurrent layers.")],
                               "the outputs [batch, time, n_units]."),
        f"    with {s.variable_scope}(scope):",
        f"        cells = [{s.nn}.rnn_cell.{cell}(n_units) for _ in range(num_layers)]",
        f"        cell = {s.nn}.rnn_cell.MultiRNNCell(cells)",
        f"        outputs, _ = {s.nn}.dynamic_rnn(cell, x, sequence_length=sequence_length,",
        f"                                       dtype={s.tf}.float32)",
        "        return outputs",
    ]


def tpl_dense_class_layer(w: ModuleWriter) -> list[str]:
    s, name = w.style, w.func_name()
    _register(w, name)
    act = w.rng.choice(ACTIVATIONS)
    return [
        f'def {name}(x, n_units, scope="{name}"):',
        *w.docstring("    ", [("x", "a Tensor.")], "a Tensor [..., n_units]."),
        f"    with {s.variable_scope}(scope):",
        f'        hidden = {s.layers}.Dense(n_units * 4, activation={s.nn}.{act}, name="hidden")',
        f'        output = {s.layers}.Dense(n_units, name="output")',
        "        return output(hidden(x))",
    ]


def tpl_gated_residual(w: ModuleWriter) -> list[str]:
    """Composes two helpers of this module or imported from another: a call chain the
    repo-wide index has to follow to tell helpers from roots."""
    s = w.style
    callables = [(h.name, h) for h in w.local_helpers] + w.imported
    callables = [(ref, h) for ref, h in callables if not h.takes_training]
    if len(callables) < 2:
        return tpl_dense_get_variable(w)
    name = w.func_name()
    first, second = w.rng.sample(callables, 2)
    _register(w, name)

    def call(helper: tuple[str, Helper], x: str, scope: str) -> str:
        ref, h = helper
        return f'{ref}({x}, n_units, scope="{scope}")' if h.takes_units else \
            f'{ref}({x}, scope="{scope}")'

    return [
        f'def {name}(x, n_units, scope="{name}"):',
        *w.docstring("    ", [("x", "a Tensor [..., n_units].")], "a Tensor [..., n_units]."),
        f"    with {s.variable_scope}(scope):",
        f"        h = {call(first, 'x', 'transform')}",
        f"        g = {s.tf}.sigmoid({call(second, 'x', 'gate')})",
        w.comment("        "),
        "        return g * h + (1.0 - g) * x",
    ]


def tpl_slim_tower(w: ModuleWriter) -> list[str]:
    s = w.style
    if s.slim is None:
        return tpl_conv_bn(w)
    name = w.func_name()
    _register(w, name, training=True)
    return [
        f'def {name}(x, n_units, scope="{name}", is_training=False):',
        *w.docstring("    ", [("x", "images [batch, h, w, c].")], "a feature map."),
        f"    with {s.variable_scope}(scope):",
        f"        with {s.slim}.arg_scope([{s.slim}.conv2d], padding='SAME',",
        f"                            normalizer_fn={s.slim}.batch_norm,",
        "                            normalizer_params={'is_training': is_training}):",
        f"            net = {s.slim}.conv2d(x, n_units, [3, 3], scope='conv1')",
        f"            net = {s.slim}.conv2d(net, n_units, [3, 3], scope='conv2')",
        f"            net = {s.slim}.max_pool2d(net, [2, 2], scope='pool')",
        f"        return {s.slim}.fully_connected({s.slim}.flatten(net), n_units, scope='fc')",
    ]


def tpl_pure_tensor(w: ModuleWriter) -> list[str]:
    s = w.style
    name = w.fresh_name(lambda: w.rng.choice(
        ("gelu", "shape_list", "split_states", "merge_states", "causal_mask", "swish",
         "safe_log", "gather_last", "pad_to_multiple", "softmax_with_temperature")) + "_"
        + w.rng.choice(("v1", "v2", "fast", "impl", "fn", "op")))
    return [
        f"def {name}(x, axis=-1):",
        *w.docstring("    ", [("x", "a Tensor.")], "a Tensor; this creates no variables."),
        f"    x = {s.tf}.convert_to_tensor(x)",
        w.comment("    "),
        f"    return 0.5 * x * (1 + {s.tf}.tanh(0.7978845608 * (x + 0.044715 * {s.tf}.pow(x, 3))))",
    ]


def tpl_callable_class(w: ModuleWriter) -> list[str]:
    s = w.style
    snake = w.func_name()
    cls = _snake_to_camel(snake)
    return [
        f"class {cls}(object):",
        *w.docstring("    ", [("n_units", "output depth."), ("name", "variable scope name.")],
                     "a callable that creates its variables on the first call."),
        "",
        f'    def __init__(self, n_units, name="{snake}", activation=None):',
        "        self.n_units = n_units",
        "        self.name = name",
        "        self.activation = activation",
        "",
        "    def __call__(self, x):",
        f"        with {s.variable_scope}(self.name, reuse={s.tf}.AUTO_REUSE):",
        "            n_in = x.get_shape().as_list()[-1]",
        f'            kernel = {s.get_variable}("kernel", [n_in, self.n_units])',
        f'            bias = {s.get_variable}("bias", [self.n_units], '
        f"initializer={s.tf}.zeros_initializer())",
        f"            y = {s.tf}.tensordot(x, kernel, [[-1], [0]]) + bias",
        "            return self.activation(y) if self.activation else y",
        "",
        "    def __repr__(self):",
        '        return "%s(n_units=%d, name=%r)" % (type(self).__name__, self.n_units, self.name)',
    ]


def tpl_contrib_norm(w: ModuleWriter) -> list[str]:
    s = w.style
    if not s.contrib:
        return tpl_layer_norm(w)
    name = w.func_name()
    _register(w, name, units=False)
    return [
        f'def {name}(x, scope="{name}"):',
        *w.docstring("    ", [("x", "a Tensor.")], "a Tensor."),
        f"    with {s.variable_scope}(scope):",
        f"        return {s.tf}.contrib.layers.layer_norm(x, begin_norm_axis=-1, "
        "begin_params_axis=-1)",
    ]


HELPER_TEMPLATES: tuple[tuple[HelperTemplate, int], ...] = (
    (tpl_dense_get_variable, 14), (tpl_layer_norm, 8), (tpl_conv1d, 8), (tpl_conv_bn, 8),
    (tpl_dense_stack, 7), (tpl_attention, 8), (tpl_embedding, 5), (tpl_lstm, 4),
    (tpl_dense_class_layer, 5), (tpl_gated_residual, 8), (tpl_slim_tower, 3),
    (tpl_pure_tensor, 10), (tpl_callable_class, 4), (tpl_contrib_norm, 3),
)


# ----------------------------------------------------------------------------- files
@dataclass(frozen=True)
class PlannedFile:
    relpath: str
    kind: str  # init | helpers | model | script | data | util | test
    target_lines: int

    @property
    def dotted(self) -> str:
        return self.relpath[:-3].replace("/", ".").removesuffix(".__init__")


@dataclass(frozen=True)
class CorpusStats:
    files: int
    lines: int
    bytes: int
    by_kind: dict[str, int]


class CorpusGenerator:
    """Plans the tree, then writes helpers first so models and scripts import real names."""

    SUBPACKAGES = {
        "helpers": ("layers", "models/research"),
        "model": ("models", "models/research"),
        "data": ("data_generators",),
        "util": ("utils",),
        "script": ("bin",),
        "test": ("layers", "models", "utils"),
    }
    KIND_SHARES = (("helpers", 0.22), ("model", 0.21), ("data", 0.19), ("util", 0.15),
                   ("script", 0.10), ("test", 0.13))

    def __init__(self, files: int = DEFAULT_FILES, lines: int | None = None, seed: int = 0):
        if files < MIN_FILES:
            raise ValueError(f"a corpus needs at least {MIN_FILES} files (packages + each kind)")
        self.files, self.seed = files, seed
        self.lines = lines if lines is not None else files * LINES_PER_FILE
        self.rng = random.Random(seed)
        self.helpers: list[Helper] = []
        self.models: list[tuple[str, str]] = []  # (module, root function)

    # -- plan
    def plan(self) -> list[PlannedFile]:
        rng = self.rng
        inits = sorted({"__init__.py"} | {f"{sub}/__init__.py" for subs in
                                          self.SUBPACKAGES.values() for sub in subs}
                       | {"models/__init__.py"})
        n_modules = self.files - len(inits) - 1  # and setup.py
        counts = {kind: max(1, round(share * n_modules)) for kind, share in self.KIND_SHARES}
        counts["helpers"] += n_modules - sum(counts.values())
        names: set[str] = set()
        modules: list[tuple[str, str]] = []
        for kind, count in counts.items():
            for _ in range(count):
                sub = rng.choice(self.SUBPACKAGES[kind])
                while True:
                    stem = f"{rng.choice(MODULE_WORDS)}_{rng.choice(MODULE_WORDS)}"
                    if kind == "test":
                        stem += "_test"
                    elif kind == "script":
                        stem = f"train_{stem}"
                    path = f"{sub}/{stem}.py"
                    if path not in names:
                        names.add(path)
                        break
                modules.append((path, kind))
        sizes = [self._draw_size(kind) for _, kind in modules]
        budget = self.lines - 8 * len(inits)
        scale = 0.97 * budget / max(1, sum(sizes))  # files overshoot their target a little
        planned = [PlannedFile(f"{PACKAGE}/{p}", "init", rng.choice((1, 3, 8, 16))) for p in inits]
        planned += [PlannedFile(f"{PACKAGE}/{p}", k, max(12, int(s * scale)))
                    for (p, k), s in zip(modules, sizes)]
        order = {"init": 0, "helpers": 1, "util": 2, "data": 3, "model": 4, "test": 5, "script": 6}
        return sorted(planned, key=lambda f: (order[f.kind], f.relpath))

    def _draw_size(self, kind: str) -> float:
        median = {"helpers": 420, "model": 330, "data": 260, "util": 200, "script": 180,
                  "test": 220}[kind]
        size = math.exp(self.rng.gauss(math.log(median), 0.75))
        if kind == "helpers" and self.rng.random() < 0.04:
            size *= 8  # a few common_layers.py-sized files
        return min(size, 5000.0)

    # -- write
    def write(self, root: Path) -> CorpusStats:
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        total_lines = total_bytes = 0
        by_kind: dict[str, int] = {}
        for planned in self.plan():
            text = "\n".join(self.render(planned)) + "\n"
            path = root / planned.relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            total_lines += text.count("\n")
            total_bytes += len(text.encode("utf-8"))
            by_kind[planned.kind] = by_kind.get(planned.kind, 0) + 1
        # a repository that adopted tf1migrate: the config marks the project root, so a run
        # on one file still indexes the whole repository (the pre-commit case)
        (root / "pyproject.toml").write_text(
            f'[project]\nname = "{PACKAGE}"\nversion = "1.0"\n\n'
            '[tool.tf1migrate]\ntarget = "keras"\n', encoding="utf-8")
        (root / "setup.py").write_text(
            "from setuptools import find_packages, setup\n\n"
            f"setup(name={PACKAGE!r}, version='1.0', packages=find_packages())\n",
            encoding="utf-8")
        return CorpusStats(sum(by_kind.values()) + 1, total_lines + 3, total_bytes, by_kind)

    def render(self, planned: PlannedFile) -> list[str]:
        rng = self.rng
        if planned.kind == "init":
            lines = LICENSE[:] if planned.target_lines > 10 else []
            return lines + [f'"""{planned.dotted.split(".")[-1]} package."""']
        style = rng.choices(IMPORT_STYLES, weights=STYLE_WEIGHTS)[0]
        w = ModuleWriter(rng=rng, style=style, dotted=planned.dotted)
        if rng.random() < 0.8:
            w.lines += LICENSE
        w.lines.append(f'"""{rng.choice(VERBS)} {rng.choice(NOUNS)}: '
                       f'{planned.kind} module of the synthetic corpus."""')
        w.lines.append("")
        if rng.random() < 0.6:
            w.lines += [*FUTURE, ""]
        body = {"helpers": self._helpers_body, "model": self._model_body,
                "script": self._script_body, "data": self._data_body,
                "util": self._util_body, "test": self._test_body}[planned.kind]
        body(w, planned)
        return w.lines

    def _imports(self, w: ModuleWriter, extra: Sequence[str] = ()) -> None:
        stdlib = sorted(w.rng.sample(("collections", "functools", "math", "os", "re", "six"),
                                     w.rng.randint(0, 3)))
        w.lines += [f"import {m}" for m in stdlib]
        if stdlib:
            w.lines.append("")
        w.lines += list(w.style.header)
        w.lines += list(extra)
        w.lines += ["", ""]

    def _fill(self, w: ModuleWriter, target: int, make: Callable[[], list[str]],
              gap: int = 2) -> None:
        while True:  # at least one definition, however small the target
            w.lines += make()
            w.lines += [""] * gap
            if len(w.lines) >= target:
                break
        while w.lines and not w.lines[-1]:
            w.lines.pop()

    def _helpers_body(self, w: ModuleWriter, planned: PlannedFile) -> None:
        templates, weights = zip(*HELPER_TEMPLATES)
        import_lines: list[str] = []
        if self.helpers and w.rng.random() < 0.5:  # helpers built on other modules' helpers
            import_lines, w.imported = self._import_helpers(w, w.rng.randint(1, 3))
        self._imports(w, import_lines)
        self._fill(w, planned.target_lines,
                   lambda: w.rng.choices(templates, weights=weights)[0](w))
        self.helpers += w.local_helpers

    def _import_helpers(self, w: ModuleWriter,
                        count: int) -> tuple[list[str], list[tuple[str, Helper]]]:
        """Import some helpers from other modules, each import form; return (lines, callables)."""
        rng = w.rng
        chosen = rng.sample(self.helpers, min(count, len(self.helpers))) if self.helpers else []
        lines: list[str] = []
        refs: list[tuple[str, Helper]] = []
        module_alias: dict[str, str] = {}
        for helper in chosen:
            form = rng.random()
            package, _, leaf = helper.module.rpartition(".")
            if helper.module in module_alias:
                refs.append((f"{module_alias[helper.module]}.{helper.name}", helper))
            elif form < 0.45:
                lines.append(f"from {package} import {leaf}")
                module_alias[helper.module] = leaf
                refs.append((f"{leaf}.{helper.name}", helper))
            elif form < 0.7:
                alias = "".join(part[0] for part in leaf.split("_")) + f"_{len(module_alias)}"
                lines.append(f"import {helper.module} as {alias}")
                module_alias[helper.module] = alias
                refs.append((f"{alias}.{helper.name}", helper))
            elif form < 0.9:
                alias = f"{helper.name}_fn"
                lines.append(f"from {helper.module} import {helper.name} as {alias}")
                refs.append((alias, helper))
            else:
                lines.append(f"from {helper.module} import {helper.name}")
                refs.append((helper.name, helper))
        for ref, _ in refs:  # local definitions must not shadow what was imported
            w.used_names.add(ref.split(".")[0])
        # one name may be imported twice under the last form: keep the first binding unique
        seen: set[str] = set()
        unique = []
        for ref, helper in refs:
            if ref not in seen:
                seen.add(ref)
                unique.append((ref, helper))
        return sorted(set(lines)), unique

    @staticmethod
    def _call(ref: str, helper: Helper, x: str, scope: str, training: str | None) -> str:
        args = [x, "hparams['hidden_size']"] if helper.takes_units else [x]
        args.append(f'scope="{scope}"')
        if helper.takes_training and training:
            args.append(f"is_training={training}")
        return f"{ref}({', '.join(args)})"

    def _model_body(self, w: ModuleWriter, planned: PlannedFile) -> None:
        rng, s = w.rng, w.style
        import_lines, refs = self._import_helpers(w, rng.randint(2, 6))
        self._imports(w, import_lines)
        hp_name = w.fresh_name(lambda: f"{rng.choice(MODULE_WORDS)}_hparams")
        w.lines += [
            f"def {hp_name}():",
            '    """Default hyper-parameters."""',
            "    return dict(",
            f"        hidden_size={rng.choice((128, 256, 512, 768))},",
            f"        num_layers={rng.randint(2, 12)},",
            f"        num_heads={rng.choice((4, 8, 12))},",
            f"        dropout={rng.choice((0.0, 0.1, 0.2))},",
            f"        vocab_size={rng.choice((8192, 32000))},",
            "    )",
            "", "",
        ]
        # local helpers so a model module is also a mix
        templates, weights = zip(*HELPER_TEMPLATES)
        for _ in range(rng.randint(0, 3)):
            w.lines += rng.choices(templates, weights=weights)[0](w) + ["", ""]
        local = [(h.name, h) for h in w.local_helpers]
        callables = refs + local
        roots: list[str] = []

        def make_model() -> list[str]:
            name = w.combo(MODULE_WORDS, ("model", "body", "network", "net", "encoder", "decoder"))
            roots.append(name)
            steps = [self._call(ref, h, "h", f"{h.name}_{i}", "is_training")
                     for i, (ref, h) in enumerate(
                         rng.sample(callables, min(len(callables), rng.randint(1, 4))))]
            if not steps:
                steps = [f'{s.layers}.dense(h, hparams["hidden_size"], name="dense")']
            return [
                f'def {name}(hparams, inputs, is_training=False, scope="{name}", reuse=None):',
                *w.docstring("    ", [("hparams", "a dict of hyper-parameters."),
                                      ("inputs", "a Tensor [batch, length, depth]."),
                                      ("is_training", "a boolean.")], "logits."),
                f"    with {s.variable_scope}(scope, reuse=reuse):",
                f'        h = {s.layers}.dense(inputs, hparams["hidden_size"], '
                'name="input_projection")',
                '        for layer in range(hparams["num_layers"]):',
                f'            with {s.variable_scope}("layer_%d" % layer):',
                *(f"                h = {step}" for step in steps),
                '                if is_training and hparams["dropout"]:',
                f'                    h = {s.nn}.dropout(h, keep_prob=1.0 - hparams["dropout"])',
                w.comment("        "),
                f'        logits = {s.layers}.dense(h, hparams["vocab_size"], name="logits")',
                "        return logits",
            ]

        def make_class() -> list[str]:
            cls = w.combo(MODULE_WORDS, ("model", "encoder", "decoder"), camel=True)
            steps = [self._call(ref, h, "x", f"{h.name}_{i}", "self.is_training")
                     for i, (ref, h) in enumerate(rng.sample(callables, min(len(callables), 2)))]
            return [
                f"class {cls}(object):",
                f'    """A {cls} built from the helpers, graph mode."""',
                "",
                "    def __init__(self, hparams, is_training=False):",
                "        self.hparams = hparams",
                "        self.is_training = is_training",
                "",
                "    def body(self, features):",
                "        hparams = self.hparams",
                '        x = features["inputs"]',
                f'        with {s.variable_scope}("{cls.lower()}_body"):',
                *(f"            x = {step}" for step in steps),
                "            return x",
                "",
                "    def loss(self, logits, labels):",
                f"        xent = {s.nn}.sparse_softmax_cross_entropy_with_logits("
                "labels=labels, logits=logits)",
                f"        return {s.tf}.reduce_mean(xent)",
            ]

        def make_model_fn() -> list[str]:
            root = roots[-1] if roots else None
            if root is None:
                return make_model()
            name = w.fresh_name(lambda: f"{root}_model_fn")
            return [
                f"def {name}(features, labels, mode, params):",
                '    """Estimator model_fn: the training code around the model."""',
                f"    is_training = mode == {s.tf}.estimator.ModeKeys.TRAIN",
                f'    logits = {root}(params, features["inputs"], is_training=is_training)',
                f"    loss = {s.tf}.reduce_mean({s.nn}.sparse_softmax_cross_entropy_with_logits(",
                "        labels=labels, logits=logits))",
                f"    {s.tf}.summary.scalar('loss', loss)",
                f"    optimizer = {s.tf}.train.AdamOptimizer(learning_rate=params.get('lr', 1e-3))",
                "    train_op = optimizer.minimize(",
                f"        loss, global_step={s.tf}.train.get_or_create_global_step())",
                f"    return {s.tf}.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)",
            ]

        makers = (make_model, make_model, make_class, make_model_fn)
        self._fill(w, planned.target_lines, lambda: rng.choice(makers)())
        if not roots:
            w.lines += ["", ""] + make_model()
        self.models += [(w.dotted, r) for r in roots]
        self.helpers += w.local_helpers

    def _script_body(self, w: ModuleWriter, planned: PlannedFile) -> None:
        rng, s = w.rng, w.style
        module, root = rng.choice(self.models) if self.models else (None, None)
        package, _, leaf = (module or "").rpartition(".")
        extra = [f"from {package} import {leaf} as model_lib"] if module else []
        self._imports(w, extra)
        call = f"model_lib.{root}" if root else f"{s.layers}.dense"
        w.lines += [
            f"flags = {s.tf}.app.flags",
            "FLAGS = flags.FLAGS",
            'flags.DEFINE_string("output_dir", "/tmp/run", "Where checkpoints go.")',
            'flags.DEFINE_integer("train_steps", 1000, "Number of training steps.")',
            'flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate.")',
            "", "",
            "def build_graph(hparams):",
            '    """Placeholders, model, loss and train op."""',
            f"    inputs = {s.tf}.placeholder({s.tf}.float32,",
            "                            [None, None, hparams['hidden_size']], name='inputs')",
            f"    labels = {s.tf}.placeholder({s.tf}.int32, [None, None], name='labels')",
            f"    logits = {call}(hparams, inputs, is_training=True)" if root else
            f"    logits = {call}(inputs, hparams['vocab_size'])",
            f"    loss = {s.tf}.reduce_mean({s.nn}.sparse_softmax_cross_entropy_with_logits(",
            "        labels=labels, logits=logits))",
            f"    global_step = {s.tf}.train.get_or_create_global_step()",
            f"    train_op = {s.tf}.train.AdamOptimizer(FLAGS.learning_rate).minimize(",
            "        loss, global_step=global_step)",
            f"    {s.tf}.summary.scalar('loss', loss)",
            f"    return inputs, labels, loss, train_op, {s.tf}.summary.merge_all()",
            "", "",
        ]

        def make_loop() -> list[str]:
            name = w.combo(("train", "evaluate", "run", "fit"), MODULE_WORDS)
            return [
                f"def {name}(hparams, batches):",
                *w.docstring("    ", [("hparams", "a dict."),
                                      ("batches", "an iterable of (x, y).")], "the last loss."),
                f"    {s.tf}.reset_default_graph()",
                "    inputs, labels, loss, train_op, summaries = build_graph(hparams)",
                f"    saver = {s.tf}.train.Saver(max_to_keep=5)",
                f"    writer = {s.tf}.summary.FileWriter(FLAGS.output_dir)",
                "    last = None",
                f"    with {s.tf}.Session() as sess:",
                f"        sess.run({s.tf}.global_variables_initializer())",
                "        for step, (x, y) in enumerate(batches):",
                "            feed_dict = {inputs: x, labels: y}",
                "            last, _, summary = sess.run([loss, train_op, summaries],",
                "                                        feed_dict=feed_dict)",
                "            writer.add_summary(summary, step)",
                "            if step % 100 == 0:",
                f"                {s.tf}.logging.info('step %d loss %.4f', step, last)",
                "                saver.save(sess, FLAGS.output_dir + '/model.ckpt',",
                "                           global_step=step)",
                "    return last",
            ]

        self._fill(w, planned.target_lines - 8, make_loop)
        w.lines += ["", "", "def main(_):",
                    f"    {s.tf}.logging.set_verbosity({s.tf}.logging.INFO)",
                    "    print('training for %d steps' % FLAGS.train_steps)", "", "",
                    'if __name__ == "__main__":', f"    {s.tf}.app.run()"]

    def _data_body(self, w: ModuleWriter, planned: PlannedFile) -> None:
        rng, s = w.rng, w.style
        self._imports(w)

        def make_pipeline() -> list[str]:
            name = w.combo(("input_fn", "parse", "decode", "read", "batch"), MODULE_WORDS)
            return [
                f"def {name}(filenames, batch_size=32, max_length={rng.choice((64, 128, 256))}):",
                *w.docstring("    ", [("filenames", "a glob of TFRecord files."),
                                      ("batch_size", "an integer.")], "a tf.data.Dataset."),
                "    features = {",
                f'        "inputs": {s.tf}.VarLenFeature({s.tf}.int64),',
                f'        "targets": {s.tf}.FixedLenFeature([max_length], {s.tf}.int64),',
                "    }",
                "",
                "    def _parse(record):",
                f"        parsed = {s.tf}.parse_single_example(record, features)",
                f'        parsed["inputs"] = {s.tf}.sparse_tensor_to_dense(parsed["inputs"])',
                "        return parsed",
                "",
                f"    files = {s.tf}.gfile.Glob(filenames)",
                f"    dataset = {s.tf}.data.TFRecordDataset(files).map(_parse)",
                "    return dataset.shuffle(1000).padded_batch(batch_size, dataset.output_shapes)",
            ]

        def make_generator() -> list[str]:
            name = w.combo(("generate",), MODULE_WORDS, ("examples", "samples", "pairs"))
            return [
                f"def {name}(source_path, vocab, max_examples=None):",
                *w.docstring("    ", [("source_path", "a text file, one example per line."),
                                      ("vocab", "a dict from token to id.")], "yields dicts."),
                "    count = 0",
                f"    with {s.tf}.gfile.Open(source_path) as f:",
                "        for line in f:",
                "            tokens = line.strip().split()",
                "            if not tokens:",
                "                continue",
                '            ids = [vocab.get(t, vocab.get("<unk>", 1)) for t in tokens]',
                '            yield {"inputs": ids[:-1], "targets": ids[1:]}',
                "            count += 1",
                "            if max_examples is not None and count >= max_examples:",
                "                return",
            ]

        self._fill(w, planned.target_lines, lambda: rng.choice((make_pipeline, make_generator))())

    def _util_body(self, w: ModuleWriter, planned: PlannedFile) -> None:
        rng = w.rng
        w.lines += ["import collections", "import os", "import re", "", ""]

        def make_function() -> list[str]:
            name = w.combo(("parse", "format", "merge", "load", "count", "normalize"),
                           MODULE_WORDS)
            separator = repr(rng.choice((",", ";", " ", "\t")))
            return [
                f"def {name}(items, separator={separator}, lower=True):",
                *w.docstring("    ", [("items", "an iterable of strings.")], "a Counter."),
                "    counts = collections.Counter()",
                "    for item in items:",
                "        for token in re.split(re.escape(separator), item):",
                "            token = token.strip()",
                "            if lower:",
                "                token = token.lower()",
                "            if token:",
                "                counts[token] += 1",
                "    return counts",
            ]

        def make_class() -> list[str]:
            cls = w.combo(MODULE_WORDS, ("registry", "cache", "config", "vocab"), camel=True)
            return [
                f"class {cls}(object):",
                f'    """A small {cls} keyed by name."""',
                "",
                "    def __init__(self, root=None):",
                "        self._root = root or os.getcwd()",
                "        self._items = {}",
                "",
                "    def register(self, name, value):",
                "        if name in self._items:",
                '            raise KeyError("%s already registered" % name)',
                "        self._items[name] = value",
                "        return value",
                "",
                "    def path(self, name):",
                "        return os.path.join(self._root, name)",
                "",
                "    def __len__(self):",
                "        return len(self._items)",
            ]

        self._fill(w, planned.target_lines, lambda: rng.choice((make_function, make_class))())

    def _test_body(self, w: ModuleWriter, planned: PlannedFile) -> None:
        rng, s = w.rng, w.style
        import_lines, refs = self._import_helpers(w, rng.randint(1, 4))
        self._imports(w, ["import numpy as np", *import_lines])
        cls = w.combo(MODULE_WORDS, MODULE_WORDS, ("test",), camel=True)
        w.lines += [f"class {cls}({s.tf}.test.TestCase):", ""]

        def make_test() -> list[str]:
            name = "test" + w.combo(FUNC_MODIFIERS, FUNC_BASES, camel=True)
            if refs:
                ref, helper = rng.choice(refs)
                call = self._call(ref, helper, "x", "under_test", "False").replace(
                    "hparams['hidden_size']", "16")
            else:
                call = f"{s.layers}.dense(x, 16)"
            return [
                f"    def {name}(self):",
                "        x = np.random.rand(2, 5, 16).astype(np.float32)",
                "        with self.test_session() as sess:",
                f"            y = {call}",
                f"            sess.run({s.tf}.global_variables_initializer())",
                "            result = sess.run(y)",
                "        self.assertEqual(result.shape[0], 2)",
            ]

        self._fill(w, planned.target_lines - 3, make_test, gap=1)
        w.lines += ["", "", 'if __name__ == "__main__":', f"    {s.tf}.test.main()"]


def generate_corpus(root: Path, files: int = DEFAULT_FILES, lines: int | None = None,
                    seed: int = 0) -> CorpusStats:
    """Write the corpus under ``root`` and say what was written; same arguments, same bytes."""
    return CorpusGenerator(files, lines, seed).write(Path(root))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--lines", type=int, default=None, help="total lines (default files×311)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    stats = generate_corpus(args.out, args.files, args.lines, args.seed)
    print(f"{stats.files} files, {stats.lines} lines, {stats.bytes / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
