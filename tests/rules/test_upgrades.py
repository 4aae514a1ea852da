"""apply_upgrades on whole snippets: aliases, compat.v1 policy, formatting, idempotence."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.rules.helpers import rules_reported, upgrade

# (id, source, expected) — every import form reaching a renamed, mapped or kept symbol.
ALIASES = [
    ("import-as", "import tensorflow as tf\nw = tf.get_variable('w', [2])\n",
     "import tensorflow as tf\nw = tf.compat.v1.get_variable('w', [2])\n"),
    ("import-plain", "import tensorflow\ny = tensorflow.layers.dense(x, 2)\n",
     "import tensorflow\ny = tf1compat.layers.dense(x, 2)\n"),
    ("compat-v1-kept", "import tensorflow.compat.v1 as tf\nw = tf.get_variable('w', [2])\n",
     "import tensorflow.compat.v1 as tf\nw = tf.get_variable('w', [2])\n"),
    ("from-compat-import-v1", "from tensorflow.compat import v1 as tf\nc = tf.nn.rnn_cell.GRUCell(3)\n",
     "from tensorflow.compat import v1 as tf\nc = tf1compat.nn.rnn_cell.GRUCell(3)\n"),
    ("tf1-beside-tf",
     "import tensorflow as tf\nimport tensorflow.compat.v1 as tf1\n"
     "a = tf1.variable_scope('a')\nb = tf.variable_scope('b')\nc = tf1.layers.dense(x, 1)\n",
     "import tensorflow as tf\nimport tensorflow.compat.v1 as tf1\n"
     "a = tf1.variable_scope('a')\nb = tf1.variable_scope('b')\nc = tf1compat.layers.dense(x, 1)\n"),
    ("from-tf-import-layers", "from tensorflow import layers\ny = layers.dense(x, 2)\n",
     "from tf1compat import layers\ny = layers.dense(x, 2)\n"),
    ("from-compat-v1-import-layers", "from tensorflow.compat.v1 import layers as L\ny = L.conv1d(x, 2, 1)\n",
     "from tf1compat import layers as L\ny = L.conv1d(x, 2, 1)\n"),
    ("from-layers-import-dense", "from tensorflow.layers import dense as fc\ny = fc(x, 2)\n",
     "from tf1compat.layers import dense as fc\ny = fc(x, 2)\n"),
    ("import-layers-as", "import tensorflow.layers as L\ny = L.dense(x, 2)\n",
     "import tf1compat.layers as L\ny = L.dense(x, 2)\n"),
    ("from-tf-mixed-split",
     "from tensorflow import get_variable, nn, layers\n",
     "from tensorflow import nn\nfrom tensorflow.compat.v1 import get_variable\nfrom tf1compat import layers\n"),
    ("contrib-rnn-cell", "import tensorflow as tf\nc = tf.contrib.rnn.BasicLSTMCell(4)\n",
     "import tensorflow as tf\nc = tf1compat.nn.rnn_cell.BasicLSTMCell(4)\n"),
    ("contrib-rnn-module-dropped", "from tensorflow.contrib import rnn\nc = rnn.LSTMCell(4)\n",
     "c = tf1compat.nn.rnn_cell.LSTMCell(4)\n"),
    ("contrib-rnn-module-still-used",
     "from tensorflow.contrib import rnn\nc = rnn.LSTMCell(4)\nd = rnn.NASCell(4)\n",
     "from tensorflow.contrib import rnn\nc = tf1compat.nn.rnn_cell.LSTMCell(4)\n"
     "d = rnn.NASCell(4)\n"),
    ("contrib-rnn-block-cell",
     "from tensorflow.contrib import rnn\nc = rnn.LSTMBlockCell(4)\n",
     "c = tf1compat.contrib.rnn.LSTMBlockCell(4)\n"),
    ("contrib-import-as-dropped-others-kept",
     "import tensorflow.contrib.rnn as crnn\nfrom tensorflow.contrib import rnn, seq2seq\n"
     "a = crnn.GRUCell(2)\nb = rnn.GRUCell(2)\nc = seq2seq.dynamic_decode(x)\n",
     "from tensorflow.contrib import seq2seq\n"
     "a = tf1compat.nn.rnn_cell.GRUCell(2)\nb = tf1compat.nn.rnn_cell.GRUCell(2)\n"
     "c = seq2seq.dynamic_decode(x)\n"),
    ("contrib-implementation-module",
     "from tensorflow.contrib.framework.python.ops import add_arg_scope, arg_scope\n"
     "from tensorflow.contrib.framework.python.ops.arg_scope import arg_scoped_arguments\n"
     "from tensorflow.contrib.layers.python.layers import layers as layers_lib\n"
     "f = add_arg_scope(g)\ny = layers_lib.fully_connected(x, 3)\n",
     "from tf1compat.contrib.framework import add_arg_scope, arg_scope\n"
     "from tf1compat.contrib.framework import arg_scoped_arguments\n"
     "from tf1compat.contrib import layers as layers_lib\n"
     "f = add_arg_scope(g)\ny = layers_lib.fully_connected(x, 3)\n"),
    ("slim-module-repointed",
     "from tensorflow.contrib import rnn, slim\nb = rnn.GRUCell(2)\nc = slim.flatten(x)\n",
     "from tf1compat import slim\nb = tf1compat.nn.rnn_cell.GRUCell(2)\nc = slim.flatten(x)\n"),
    ("tf-slim-package", "import tf_slim as slim\nn = slim.conv2d(x, 1, 3)\n",
     "import tf1compat.slim as slim\nn = slim.conv2d(x, 1, 3)\n"),
    ("tf-slim-package-bare", "import tf_slim\nn = tf_slim.conv2d(x, 1, 3)\n",
     "import tf1compat.slim as tf_slim\nn = tf_slim.conv2d(x, 1, 3)\n"),
    ("from-tf-slim", "from tf_slim import arg_scope, conv2d\nn = conv2d(x, 1, 3)\n",
     "from tf1compat.slim import arg_scope, conv2d\nn = conv2d(x, 1, 3)\n"),
    # an unmapped use (slim.learning) keeps the import; the mapped uses move one by one, and
    # a name tf_upgrade_v2 moves into core TF keeps that rename
    ("slim-module-partly-mapped",
     "import tensorflow as tf\nfrom tensorflow.contrib import slim, framework\n"
     "n = slim.conv2d(x, 1, 3)\nop = slim.learning.create_train_op(l, o)\ns = framework.sort(n)\n",
     "import tensorflow as tf\nfrom tensorflow.contrib import slim\n"
     "n = tf1compat.slim.conv2d(x, 1, 3)\nop = slim.learning.create_train_op(l, o)\ns = tf.sort(n)\n"),
    ("unused-contrib-import-removed",
     "import tensorflow as tf\nfrom tensorflow.contrib import seq2seq\nimport tensorflow.contrib.rnn\n"
     "y = tf.layers.dense(x, 1)\n",
     "import tensorflow as tf\nimport tensorflow\ny = tf1compat.layers.dense(x, 1)\n"),
    ("slim-attribute-alias", "import tensorflow as tf\nslim = tf.contrib.slim\nn = slim.conv2d(x, 1, 3)\n",
     "import tensorflow as tf\nslim = tf1compat.slim\nn = slim.conv2d(x, 1, 3)\n"),
    ("slim-attribute-alias-partly-mapped",
     "import tensorflow as tf\nslim = tf.contrib.slim\nn = slim.conv2d(x, 1, 3)\nm = slim.nets.vgg\n",
     "import tensorflow as tf\nslim = tf.contrib.slim\nn = tf1compat.slim.conv2d(x, 1, 3)\nm = slim.nets.vgg\n"),
    ("rebound-to-compat", "import tensorflow as tf\ntf = tf.compat.v1\nw = tf.get_variable('w', [1])\n",
     "import tensorflow as tf\ntf = tf.compat.v1\nw = tf.get_variable('w', [1])\n"),
    ("private-module-kept",
     "from tensorflow.python.ops import variable_scope as vs\nw = vs.get_variable('w', [1])\n",
     "from tensorflow.python.ops import variable_scope as vs\nw = vs.get_variable('w', [1])\n"),
    ("function-level-import", "def f(x):\n    import tensorflow as tf\n    return tf.layers.flatten(x)\n",
     "def f(x):\n    import tensorflow as tf\n    return tf1compat.layers.flatten(x)\n"),
    ("only-compat-alias-dimension", "import tensorflow.compat.v1 as v1\nn = x.shape[1].value\n",
     "import tensorflow.compat.v1 as v1\nn = v1.compat.dimension_value(x.shape[1])\n"),
    ("no-tf-alias-needs-import",
     "from tensorflow.python.ops import variable_scope as vs\nn = x.get_shape()[0].value\n",
     "from tensorflow.python.ops import variable_scope as vs\n"
     "n = tensorflow.compat.dimension_value(x.get_shape()[0])\n"),
]


@pytest.mark.parametrize(("source", "expected"), [pytest.param(s, e, id=i) for i, s, e in ALIASES])
def test_every_alias_form(source: str, expected: str) -> None:
    outcome = upgrade(source)
    assert outcome.module.code == expected
    assert upgrade(outcome.module.code).module.code == expected  # idempotent


def test_imports_reported_once_for_the_engine() -> None:
    assert upgrade(ALIASES[1][1]).imports == {"tf1compat"}
    assert upgrade(ALIASES[-1][1]).imports == {"tensorflow"}
    assert upgrade(ALIASES[0][1]).imports == set()


NOT_REFERENCES = [
    # names that merely look like TensorFlow symbols must never be rewritten
    ("keyword-argument", "from tensorflow.nn import relu\nf(relu=3)\n"),
    ("attribute-name", "from tensorflow.nn import relu\ny = obj.relu\n"),
    ("parameter-name", "from tensorflow.nn import relu\ndef f(relu=1):\n    pass\n"),
    ("shadowing-parameter", "import tensorflow as tf\ndef f(tf):\n    return tf.layers.dense(1)\n"),
    ("not-tensorflow", "import mylib as tf\ny = tf.layers.dense(x, 1)\nn = x.shape[0].value\n"),
    ("string", "import tensorflow as tf\ns = 'tf.get_variable'\n"),
    ("method-definition", "import tensorflow as tf\nclass A:\n    def get_variable(self):\n        pass\n"),
]


@pytest.mark.parametrize("source", [pytest.param(s, id=i) for i, s in NOT_REFERENCES])
def test_lookalikes_are_untouched(source: str) -> None:
    outcome = upgrade(source)
    assert outcome.module.code == source
    assert outcome.count == 0
    assert not outcome.findings


def test_formatting_and_comments_survive() -> None:
    source = textwrap.dedent('''\
        # -*- coding: utf-8 -*-
        """Model."""
        import tensorflow as tf  # the only import


        def model(x,   scope = "m"):
            # build it
            with tf.variable_scope(scope):   # odd spacing kept
                h = tf.layers.dense(
                    x,
                    4,  # units
                    name="fc",
                )
                i = tf.argmax(h,   1,  "idx")  # trailing
            return (tf.layers.dense)(h, 1), i
        ''')
    expected = textwrap.dedent('''\
        # -*- coding: utf-8 -*-
        """Model."""
        import tensorflow as tf  # the only import


        def model(x,   scope = "m"):
            # build it
            with tf.compat.v1.variable_scope(scope):   # odd spacing kept
                h = tf1compat.layers.dense(
                    x,
                    4,  # units
                    name="fc",
                )
                i = tf.argmax(h,   1,  name="idx")  # trailing
            return (tf1compat.layers.dense)(h, 1), i
        ''')
    outcome = upgrade(source)
    assert outcome.module.code == expected
    assert upgrade(expected).module.code == expected


def test_file_without_tensorflow_is_returned_as_is() -> None:
    source = "import numpy as np\nx = np.zeros(3)\n"
    outcome = upgrade(source)
    assert outcome.module.code == source and outcome.count == 0 and not outcome.findings


def test_select_and_ignore_by_id_and_prefix() -> None:
    source = (
        "import tensorflow as tf\nw = tf.get_variable('w', [1])\ny = tf.layers.dense(x, 1)\n"
        "s = tf.Session()\n"
    )
    only_layers = upgrade(source, select=("TFM2",))
    assert "tf.get_variable(" in only_layers.module.code
    assert "tf1compat.layers.dense" in only_layers.module.code
    assert not only_layers.findings
    no_renames = upgrade(source, ignore=("TFM101",))
    assert "tf.get_variable(" in no_renames.module.code
    assert rules_reported(no_renames) == {"TFM401"}
    assert "tf.compat.v1.get_variable" in upgrade(source, ignore=("TFM4",)).module.code


def test_findings_carry_path_line_column_and_advice() -> None:
    source = "import tensorflow as tf\n\n\ndef train():\n    sess = tf.Session()\n"
    (finding,) = upgrade(source).findings
    assert (finding.path, finding.line, finding.col, finding.rule) == ("example.py", 5, 11, "TFM401")
    assert "tf1compat.load_tf1_checkpoint" in finding.message


def test_one_finding_per_line_and_rule() -> None:
    source = "import tensorflow as tf\nops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
    (finding,) = upgrade(source, select=("TFM408",)).findings
    assert (finding.line, finding.col) == (2, 6)
    assert finding.message.startswith("tf.get_collection:")


def test_model_code_only_findings_need_a_variable_creating_function() -> None:
    source = textwrap.dedent('''\
        import tensorflow as tf

        def model(x):
            w = tf.get_variable("w", [3])
            tf.summary.histogram("w", w)
            return x * w

        def train(loss):
            tf.summary.scalar("loss", loss)
            return tf.train.AdamOptimizer(1e-3).minimize(loss)
        ''')
    findings = [f for f in upgrade(source).findings if f.rule == "TFM411"]
    assert [f.line for f in findings] == [5]


def test_skip_comment_leaves_a_function_alone() -> None:
    source = textwrap.dedent('''\
        import tensorflow as tf

        # tf1migrate: skip
        def legacy(x):
            return tf.layers.dense(tf.Session(), 1)

        class Old:  # tf1migrate: skip
            def build(self):
                return tf.get_variable("w", [1])

        def model(x):
            return tf.layers.dense(x, 1)
        ''')
    outcome = upgrade(source)
    assert outcome.module.code == source.replace(
        "    return tf.layers.dense(x, 1)", "    return tf1compat.layers.dense(x, 1)"
    )
    assert not outcome.findings


def test_reorder_with_star_args_is_reported_not_guessed() -> None:
    source = "import tensorflow as tf\ni = tf.argmax(*args)\n"
    outcome = upgrade(source, select=("TFM102",))
    assert outcome.module.code == source
    assert rules_reported(outcome) == {"TFM102"}


def test_dimension_value_from_renamed_dimension_leaves_no_stale_finding() -> None:
    source = "import tensorflow as tf\nn = tf.Dimension(3).value\nprint(n)\n"
    outcome = upgrade(source)
    assert outcome.module.code == source.replace("tf.Dimension(3).value", "tf.compat.dimension_value(3)")
    assert "TFM409" not in rules_reported(outcome)


def test_never_imports_tensorflow() -> None:
    script = textwrap.dedent('''\
        import sys
        from tests.rules.helpers import upgrade
        out = upgrade("import tensorflow as tf\\ny = tf.layers.dense(x, 1)\\nn = x.shape[0].value\\n")
        assert "tf1compat.layers.dense" in out.module.code
        from tf1migrate import catalog
        catalog.all_rules()
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras"))
        print(leaked)
        sys.exit(1 if leaked else 0)
        ''')
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
