"""Every rule id tf1migrate reports, with what it means, why, and examples.

Backs `tf1migrate rules` and `tf1migrate explain RULE`. The examples are executable:
tests/rules/test_catalog.py runs every `valid` snippet (must not change or trigger the
rule) and every `invalid` one (must give `after`, or the finding when `after` is None)
through `upgrades.apply_upgrades` with only that rule selected. Rules of the `engine` and
`runner` stages are applied elsewhere (wrapper generation, file handling); their examples
document behaviour and are exercised by those stages' own tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """`before` rewritten to `after`; `after=None`: unchanged, but the rule reports it."""

    before: str
    after: str | None = None


@dataclass(frozen=True)
class RuleDoc:
    id: str
    name: str
    summary: str  # one line
    why: str
    stage: str  # "upgrade" (upgrades.py), "engine" (index/generate), "runner" (files, config)
    severity: str  # default severity of its findings ("info" for silent rewrites)
    before: str
    after: str
    valid: tuple[str, ...] = ()
    invalid: tuple[Example, ...] = ()


TF = "import tensorflow as tf\n"
V1 = "import tensorflow.compat.v1 as tf\n"


def _doc(
    id: str,
    name: str,
    summary: str,
    why: str,
    *,
    stage: str = "upgrade",
    severity: str = "warning",
    before: str = "",
    after: str = "",
    valid: tuple[str, ...] = (),
    invalid: tuple[Example, ...] = (),
) -> RuleDoc:
    """A RuleDoc whose before/after default to its first invalid example."""
    if invalid and not before:
        before = invalid[0].before
        after = invalid[0].after if invalid[0].after is not None else invalid[0].before
    return RuleDoc(id, name, summary, why, stage, severity, before, after, valid, invalid)


_RULES: tuple[RuleDoc, ...] = (
    # ------------------------------------------------------------------ file level
    _doc(
        "TFM001", "syntax-error", "The file does not parse.",
        "Nothing can be rewritten safely in a file LibCST cannot parse; it is left untouched.",
        stage="runner", severity="error",
        before="def f(:\n    pass\n", after="def f(:\n    pass\n  # unchanged, reported",
    ),
    _doc(
        "TFM002", "python2", "The file looks like Python 2: run 2to3 (or pyupgrade) first.",
        "Old TF1 repositories often still contain print statements or `except E, e`; the "
        "codemod needs Python 3 syntax.",
        stage="runner", severity="error",
        before="print 'loss', loss\n", after="print('loss', loss)  # after 2to3; then migrate",
    ),
    _doc(
        "TFM003", "unreadable", "The file cannot be read or decoded.",
        "Permissions or an encoding that is neither UTF-8 nor declared by a coding cookie.",
        stage="runner", severity="error",
        before="# -*- coding: latin-1 -*- with invalid bytes", after="(left untouched, reported)",
    ),
    _doc(
        "TFM004", "unwritable", "The rewritten file cannot be written.",
        "Writes are atomic (temp file + rename); a read-only file or directory stops that.",
        stage="runner", severity="error",
        before="chmod -w model.py", after="(model.py unchanged, reported)",
    ),
    _doc(
        "TFM005", "changed-during-run", "The file changed while tf1migrate was running; skipped.",
        "Writing over an edit made meanwhile (by an editor or another tool) would lose it.",
        stage="runner", severity="error",
        before="(file edited between read and write)", after="(skipped, reported)",
    ),
    _doc(
        "TFM006", "internal-check-failed",
        "A rewrite failed the parse/compile/idempotence check; the file is left untouched.",
        "Every output must parse, compile, and be stable under a second run; when it is not, "
        "the finding names the rule so the bug can be reported instead of corrupting code.",
        stage="runner", severity="error",
        before="(a rule produced code that does not compile)", after="(file untouched, rule named)",
    ),
    _doc(
        "TFM007", "bad-path", "A path is missing, a symlink leaves the tree, or links loop.",
        "Following links out of the project could rewrite files the user did not ask for.",
        stage="runner", severity="error",
        before="tf1migrate migrate does/not/exist", after="(reported, nothing done)",
    ),
    _doc(
        "TFM008", "bad-configuration", "The configuration or a rule pack is invalid.",
        "An unknown key or wrong type in [tool.tf1migrate] or a --rules pack would otherwise "
        "silently disable rules.",
        stage="runner", severity="error",
        before='[tool.tf1migrate]\nselcet = ["TFM1"]\n', after="(reported: unknown key 'selcet')",
    ),
    # ------------------------------------------------------------- symbol upgrades
    _doc(
        "TFM101", "symbol-renamed", "A TF1 symbol is renamed to its TF2 name.",
        "TF2 moved or removed most of the TF1 root namespace; the table is generated from "
        "tf_upgrade_v2. Names used through tensorflow.compat.v1 already work and are kept; "
        "calls whose TF1 meaning TF2 changed (tf.nn.dropout's keep_prob) move to compat.v1.",
        severity="info",
        valid=(
            V1 + "w = tf.get_variable('w', [1])\n",
            TF + "y = tf.nn.relu(x)\n",
            "import numpy as tf\nw = tf.get_variable('w')\n",
            TF + "def f(tf):\n    return tf.get_variable('w')\n",
            "from tensorflow.compat.v1 import get_variable\nw = get_variable('w', [1])\n",
            TF + "z = tf.zeros_like(x)\nwith tf.name_scope('block'):\n    pass\n",
        ),
        invalid=(
            Example(TF + "w = tf.get_variable('w', [1])  # kept\n",
                    TF + "w = tf.compat.v1.get_variable('w', [1])  # kept\n"),
            Example(TF + "import tensorflow.compat.v1 as tf1\nw = tf.get_variable('w', [1])\n",
                    TF + "import tensorflow.compat.v1 as tf1\nw = tf1.get_variable('w', [1])\n"),
            Example(TF + "ok = tf.gfile.Exists(path)\n", TF + "ok = tf.io.gfile.exists(path)\n"),
            Example("from tensorflow import get_variable\nw = get_variable('w', [1])\n",
                    "from tensorflow.compat.v1 import get_variable\nw = get_variable('w', [1])\n"),
            Example("import tensorflow\nwith tensorflow.variable_scope('a'):\n    pass\n",
                    "import tensorflow\nwith tensorflow.compat.v1.variable_scope('a'):\n    pass\n"),
            Example(TF + "h = tf.nn.dropout(h, 0.9)  # keep_prob in TF1, rate in TF2\n",
                    TF + "h = tf.compat.v1.nn.dropout(h, 0.9)  # keep_prob in TF1, rate in TF2\n"),
            Example(TF + "z = tf.zeros_like(x, optimize=False)\n",
                    TF + "z = tf.compat.v1.zeros_like(x, optimize=False)\n"),
            Example(TF + "with tf.name_scope(None, 'block', [x]):\n    pass\n",
                    TF + "with tf.compat.v1.name_scope(None, 'block', [x]):\n    pass\n"),
        ),
    ),
    _doc(
        "TFM102", "arguments-changed",
        "A keyword was renamed or removed, or positional arguments must become keywords.",
        "TF2 reordered or renamed parameters of ~120 functions (tables from tf_upgrade_v2); "
        "naming the arguments keeps the call meaning the same thing.",
        severity="info",
        valid=(
            TF + "i = tf.argmax(x, 1)\n",
            V1 + "i = tf.argmax(x, 1, 'n')\n",
            TF + "y = tf.cond(p, true_fn=f, false_fn=g)\n",
        ),
        invalid=(
            Example(TF + "i = tf.argmax(x, 1, 'idx')\n", TF + "i = tf.argmax(x, 1, name='idx')\n"),
            Example(TF + "y = tf.cond(p, fn1=f, fn2=g, strict=True)\n",
                    TF + "y = tf.cond(p, true_fn=f, false_fn=g)\n"),
            Example(TF + "op = opt.minimize(\n    loss,\n    colocate_gradients_with_ops=True,\n)\n",
                    TF + "op = opt.minimize(\n    loss,\n)\n"),
            Example(TF + "i = tf.argmin(x, dimension=0)\n", TF + "i = tf.argmin(x, axis=0)\n"),
        ),
    ),
    _doc(
        "TFM103", "dimension-value",
        "`x.shape[i].value` / `tf.Dimension(n).value` → `tf.compat.dimension_value(...)`.",
        "In TF2 a static dimension is an int or None, so `.value` raises AttributeError; "
        "tf.compat.dimension_value works in TF1 and TF2.",
        severity="info",
        valid=(
            TF + "n = tf.compat.dimension_value(x.shape[1])\n",
            "import numpy as np\nn = a.shape[1].value\n",
            TF + "n = x.shape[1]\n",
        ),
        invalid=(
            Example(TF + "n = x.shape[1].value\n", TF + "n = tf.compat.dimension_value(x.shape[1])\n"),
            Example(TF + "d = h.get_shape()[-1].value * 4\n",
                    TF + "d = tf.compat.dimension_value(h.get_shape()[-1]) * 4\n"),
            Example(V1 + "n = x.shape[0].value\n", V1 + "n = tf.compat.dimension_value(x.shape[0])\n"),
            Example(TF + "n = tf.Dimension(3).value\n", TF + "n = tf.compat.dimension_value(3)\n"),
        ),
    ),
    _doc(
        "TFM104", "graph-mode-switch",
        "`tf.disable_v2_behavior()` / `tf.disable_eager_execution()` statements are removed.",
        "They switch the whole process to graph mode, often at import time, and the migrated "
        "layers must run eagerly. A comment line is left where the call was.",
        severity="info",
        valid=(
            TF + "tf.enable_eager_execution()\n",
            TF + "switch = tf.compat.v1.disable_v2_behavior\n",
            "import mylib as tf\ntf.disable_v2_behavior()\n",
        ),
        invalid=(
            Example(V1 + "\ntf.disable_v2_behavior()\n\n\ndef f(x):\n    return x\n",
                    V1 + "\n# tf1migrate: removed tf.disable_v2_behavior() (TF2 runs eagerly)\n"
                    "\n\ndef f(x):\n    return x\n"),
            Example(TF + "if __name__ == '__main__':\n    # graph mode\n"
                    "    tf.compat.v1.disable_eager_execution()  # for the old code\n    main()\n",
                    TF + "if __name__ == '__main__':\n    # graph mode\n"
                    "    # tf1migrate: removed tf.disable_eager_execution() (TF2 runs eagerly)\n"
                    "    # for the old code\n    main()\n"),
            Example(TF + "def setup():\n    tf.disable_v2_behavior()\n",
                    TF + "def setup():\n"
                    "    # tf1migrate: removed tf.disable_v2_behavior() (TF2 runs eagerly)\n"
                    "    pass\n"),
        ),
    ),
    # ------------------------------------------------------------- layers and cells
    _doc(
        "TFM201", "tf1-layer",
        "`tf.layers.X` / `tf.compat.v1.layers.X` → `tf1compat.layers.X`.",
        "Keras 3 removed the TF1 layers, in compat.v1 too; tf1compat.layers reproduces their "
        "variable names, shapes and initializers, so TF1 checkpoints still load.",
        severity="info",
        valid=(
            TF + "y = tf.keras.layers.Dense(3)(x)\n",
            "import tf1compat\ny = tf1compat.layers.dense(x, 3)\n",
            "from tf1compat.layers import dense\ny = dense(x, 3)\n",
        ),
        invalid=(
            Example(TF + "y = tf.layers.dense(x, 3, name='fc')\n",
                    TF + "y = tf1compat.layers.dense(x, 3, name='fc')\n"),
            Example(V1 + "y = tf.layers.conv2d(x, 8, 3)\n",
                    V1 + "y = tf1compat.layers.conv2d(x, 8, 3)\n"),
            Example("from tensorflow.layers import dense, conv2d\ny = dense(x, 3)\n",
                    "from tf1compat.layers import dense, conv2d\ny = dense(x, 3)\n"),
            Example("from tensorflow import layers\ny = layers.batch_normalization(x)\n",
                    "from tf1compat import layers\ny = layers.batch_normalization(x)\n"),
            Example(TF + "class Block(tf.layers.Layer):\n    pass\n",
                    TF + "class Block(tf1compat.layers.Layer):\n    pass\n"),
        ),
    ),
    _doc(
        "TFM202", "tf1-rnn-cell",
        "`tf.nn.rnn_cell.X` / `tf.contrib.rnn.X` (mapped cells) → `tf1compat.nn.rnn_cell.X`.",
        "The TF1 cells are gone under Keras 3; tf1compat's cells keep the TF1 names "
        "(`rnn/lstm_cell/kernel`) and work with tf.compat.v1.nn.dynamic_rnn. A tf.contrib "
        "import left with no use is removed: it would fail at import time in TF2.",
        severity="info",
        valid=(
            TF + "cell = tf.contrib.rnn.LayerNormBasicLSTMCell(8)\n",
            TF + "cell = tf.keras.layers.LSTMCell(8)\n",
        ),
        invalid=(
            Example(TF + "cell = tf.nn.rnn_cell.LSTMCell(128)\n",
                    TF + "cell = tf1compat.nn.rnn_cell.LSTMCell(128)\n"),
            Example(TF + "cell = tf.contrib.rnn.GRUCell(64)\n",
                    TF + "cell = tf1compat.nn.rnn_cell.GRUCell(64)\n"),
            Example(V1 + "cells = tf.nn.rnn_cell.MultiRNNCell([a, b])\n",
                    V1 + "cells = tf1compat.nn.rnn_cell.MultiRNNCell([a, b])\n"),
            Example("from tensorflow.contrib import rnn  # dead once migrated\ncell = rnn.LSTMCell(8)\n",
                    "cell = tf1compat.nn.rnn_cell.LSTMCell(8)\n"),
        ),
    ),
    # ------------------------------------------------------------- wrappers (engine)
    _doc(
        "TFM301", "root-wrapped",
        "A root model function got a generated Keras Layer (or tf.Module) wrapper.",
        "Roots are the outermost model-code callables; the wrapper tracks their TF1 variables "
        "under the original names, and the function stays for old callers.",
        stage="engine", severity="info",
        before="def model(hparams, X, scope='model'):\n    ...\n",
        after="def model(hparams, X, scope='model'):\n    ...\n\n\n"
        "class ModelLayer(tf.keras.layers.Layer):\n"
        "    @tf1compat.track_tf1_style_variables\n"
        "    def call(self, X):\n        return model(self.hparams, X, scope=self.scope)\n",
    ),
    _doc(
        "TFM302", "root-scope-reproduced",
        "The wrapper's default scope reproduces the variable_scope every call site uses.",
        "Checkpoints written by the training script name variables `generator/...`; without "
        "the prefix they would not load by name.",
        stage="engine", severity="info",
        before="with tf.variable_scope('generator'):\n    g = generator(z)\n",
        after="class GeneratorLayer(...):\n    def __init__(self, scope='generator', **kwargs): ...\n",
    ),
    _doc(
        "TFM303", "method-wrapped",
        "A method of a TF1 model class got an equivalent wrapper.",
        "Classes such as a BERT-style model build their graph in __init__ or in "
        "generator/discriminator methods; those are the roots to wrap.",
        stage="engine", severity="info",
        before="class Model:\n    def __init__(self, config, input_ids):\n        ...\n",
        after="class ModelLayer(tf.keras.layers.Layer):  # runs Model(config, input_ids)\n    ...\n",
    ),
    # ------------------------------------------------------------- needs a human
    _doc(
        "TFM401", "session", "tf.Session / InteractiveSession: TF2 runs eagerly.",
        "Sessions drive graph execution; in TF2 the migrated layer is called directly and "
        "weights are restored with tf1compat.load_tf1_checkpoint.",
        valid=(TF + "session = make_session()\n",),
        invalid=(Example(TF + "sess = tf.Session()\n"), Example(V1 + "sess = tf.InteractiveSession()\n")),
    ),
    _doc(
        "TFM402", "placeholder-feed-dict", "placeholder / feed_dict training loop.",
        "Placeholders and feed_dict exist only in graph mode; the batch becomes a call "
        "argument of the migrated layer or a tf.data pipeline.",
        valid=("import numpy as np\nrun(feed_dict={})\n", TF + "x = tf.constant([1.0])\n"),
        invalid=(
            Example(TF + "x = tf.placeholder(tf.float32, [None, 784])\n"),
            Example(TF + "sess.run(train_op, feed_dict={x: batch})\n"),
        ),
    ),
    _doc(
        "TFM403", "unmapped-contrib", "tf.contrib symbol without a mapping.",
        "tf.contrib is not in TF2; each use needs a replacement (core TF, Keras, a maintained "
        "package) or a mapping in your own rule pack.",
        valid=(
            TF + "cell = tf.contrib.rnn.LSTMCell(8)\n",
            TF + "opt = tf.train.AdamOptimizer(0.1)\n",
        ),
        invalid=(
            Example("from tensorflow.contrib import slim\nnet = slim.conv2d(x, 64, [3, 3])\n"),
            Example(TF + "init = tf.contrib.layers.xavier_initializer()\n"),
        ),
    ),
    _doc(
        "TFM404", "flags-app", "tf.flags / tf.app are gone in TF2.",
        "They were thin wrappers around absl; absl.flags and absl.app are drop-in.",
        valid=("from absl import flags\nFLAGS = flags.FLAGS\n",),
        invalid=(
            Example(TF + "tf.flags.DEFINE_string('data_dir', '', 'where')\n"),
            Example(TF + "tf.app.run()\n"),
        ),
    ),
    _doc(
        "TFM405", "input-queues", "Queue-based input pipeline / QueueRunner.",
        "Queue runners need a Session and threads; tf.data replaces them.",
        valid=(TF + "ds = tf.data.TFRecordDataset(files)\n",),
        invalid=(
            Example(TF + "q = tf.train.string_input_producer(files)\n"),
            Example(TF + "threads = tf.train.start_queue_runners(sess=sess, coord=coord)\n"),
        ),
    ),
    _doc(
        "TFM406", "estimator", "tf.estimator is removed in recent TF2 releases.",
        "Train the migrated layer with Keras Model.fit or a custom loop; keep the model_fn "
        "body as the layer's call.",
        valid=(TF + "model = tf.keras.Model(inputs, outputs)\n",),
        invalid=(
            Example(TF + "est = tf.estimator.Estimator(model_fn=model_fn)\n"),
            Example(TF + "est = tf.contrib.tpu.TPUEstimator(model_fn=model_fn)\n"),
        ),
    ),
    _doc(
        "TFM407", "tensor-name", "`.name` of a tensor or variable is used.",
        "Eager tensors have no name and Keras names variables differently. In model code "
        "(functions that create variables and the helpers they call) a tensor's `.name` "
        "becomes tf1compat.tensor_name(tensor): the TF1 name in graphs, a stable description "
        "for eager tensors. Elsewhere, logic keyed on names must use "
        "tf1compat.tf1_variables(layer).",
        valid=(
            TF + "print(args.name)\n",
            TF + "v = make()\nprint(v.name)\n",
            TF + "with tf.variable_scope('enc') as scope:\n    print(scope.name)\n",
            TF + "def main(args):\n    print(args.name)\n",
        ),
        invalid=(
            Example(
                TF + "def model(x):\n    check(x)\n    return tf.get_variable('w', [3]) * x\n\n\n"
                "def check(tensor, name=None):\n    name = name or tensor.name\n",
                TF + "def model(x):\n    check(x)\n    return tf.get_variable('w', [3]) * x\n\n\n"
                "def check(tensor, name=None):\n    name = name or tf1compat.tensor_name(tensor)\n",
            ),
            Example(
                TF + "def block(x):\n    h = tf.layers.dense(x, 4)\n    y = tf.nn.relu(h)\n"
                "    print(y.name)\n    return y\n",
                TF + "def block(x):\n    h = tf.layers.dense(x, 4)\n    y = tf.nn.relu(h)\n"
                "    print(tf1compat.tensor_name(y))\n    return y\n",
            ),
            Example(TF + "def describe(x):  # not model code: reported\n"
                    "    y = tf.nn.relu(x)\n    return y.name\n"),
            Example(TF + "v = tf.get_variable('w', [3])\nprint(v.name)\n"),
            Example(TF + "for v in tf.trainable_variables():\n    print(v.op.name)\n"),
        ),
    ),
    _doc(
        "TFM408", "graph-collections", "tf.get_default_graph / graph collections are used.",
        "Collections stay empty inside a migrated layer: regularizers are in layer.losses, "
        "variables in layer.weights, batch-norm updates happen in place.",
        valid=(TF + "losses = layer.losses\n",),
        invalid=(
            Example(TF + "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"),
            Example(TF + "g = tf.get_default_graph()\n"),
        ),
    ),
    _doc(
        "TFM409", "dimension-arithmetic", "tf.Dimension arithmetic.",
        "TF1 Dimension arithmetic propagated unknown sizes; in TF2 the operand is an int or "
        "None and `None * 2` raises.",
        valid=(
            TF + "n = x.shape[1] * 2\n",
            TF + "n = tf.compat.dimension_value(x.shape[1]) * 2\n",
        ),
        invalid=(
            Example(TF + "n = x.get_shape()[1] * 2\n"),
            Example(TF + "d = tf.Dimension(3)\n"),
        ),
    ),
    _doc(
        "TFM410", "training-creates-variables",
        "Training code creates variables, so it is not wrapped (see the message).",
        "A function that also touches sessions, optimizers, summaries or placeholders is "
        "training code; wrapping it would hide the loop inside a layer. Move the forward "
        "pass into its own function or list it under `wrap = [...]`.",
        stage="engine",
        before="def train():\n    logits = tf.layers.dense(x, 10)\n    opt.minimize(loss)\n",
        after="(not wrapped; finding TFM410 at def train)",
    ),
    _doc(
        "TFM411", "training-objects-in-model-code",
        "tf.train.Saver / summaries / optimizers inside model code.",
        "The generated layer must only build the forward pass; savers, summaries and "
        "optimizers belong to the training step.",
        valid=(
            TF + "def train(loss):\n    return tf.train.AdamOptimizer(0.1).minimize(loss)\n",
        ),
        invalid=(
            Example(TF + "def model(x):\n    w = tf.get_variable('w', [3])\n"
                    "    tf.summary.histogram('w', w)\n    return x * w\n"),
            Example(TF + "def model(x):\n    y = tf.layers.dense(x, 3)\n"
                    "    saver = tf.train.Saver()\n    return y\n"),
        ),
    ),
)

_BY_ID = {rule.id: rule for rule in _RULES}


def all_rules() -> tuple[RuleDoc, ...]:
    """Every rule, ordered by id."""
    return _RULES


def get(rule_id: str) -> RuleDoc:
    """The rule with this id (case-insensitive); KeyError names the known ids otherwise."""
    try:
        return _BY_ID[rule_id.upper()]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id!r}; known: {', '.join(_BY_ID)}") from None
