"""TFM104: graph-mode switches are removed from migrated files, visibly."""

from __future__ import annotations

from tests.rules.helpers import rules_reported, upgrade

MARKER = "# tf1migrate: removed tf.disable_v2_behavior() (TF2 runs eagerly)"


def test_module_level_switch_is_removed_and_the_file_still_upgrades() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\n\n"
        "tf.disable_v2_behavior()\n\n\n"
        "def head(x):\n    return tf.layers.dense(x, 3)\n"
    )
    outcome = upgrade(source)
    code = outcome.module.code
    assert "disable_v2_behavior()" not in code.replace(MARKER, "")
    assert MARKER in code
    assert "tf1compat.layers.dense(x, 3)" in code
    assert rules_reported(outcome) == {"TFM104"}
    assert [f.line for f in outcome.findings] == [3]
    assert upgrade(code).module.code == code


def test_other_statements_on_the_line_stay() -> None:
    source = "import tensorflow as tf\ntf.disable_v2_behavior(); run()\n"
    code = upgrade(source, select=("TFM104",)).module.code
    assert code == f"import tensorflow as tf\n{MARKER}\nrun()\n"


def test_last_statement_of_a_block_leaves_the_comments_in_the_block() -> None:
    source = (
        "import tensorflow as tf\n\n\nclass Main:\n    def setup(self):\n"
        "        tf.disable_v2_behavior()\n        # done\n\n    def run(self):\n        pass\n"
    )
    code = upgrade(source, select=("TFM104",)).module.code
    compile(code, "x.py", "exec")
    assert f"        {MARKER}\n        pass\n        # done\n" in code


def test_switch_through_a_direct_import_and_a_used_value_is_kept() -> None:
    source = (
        "from tensorflow.compat.v1 import disable_eager_execution\n"
        "disable_eager_execution()\nok = disable_eager_execution\n"
    )
    code = upgrade(source, select=("TFM104",)).module.code
    assert "# tf1migrate: removed tf.disable_eager_execution()" in code
    assert code.endswith("ok = disable_eager_execution\n")


def test_ignoring_the_rule_keeps_the_call() -> None:
    source = "import tensorflow as tf\ntf.disable_v2_behavior()\n"
    outcome = upgrade(source, ignore=("TFM104",))
    assert "tf.compat.v1.disable_v2_behavior()" in outcome.module.code
    assert "TFM104" not in rules_reported(outcome)


def test_removed_alongside_a_dead_contrib_import() -> None:
    source = (
        "import tensorflow as tf\nfrom tensorflow.contrib import rnn\n\n"
        "tf.disable_v2_behavior()\ncell = rnn.LSTMCell(8)\n"
    )
    code = upgrade(source).module.code
    assert "contrib" not in code
    assert MARKER in code and "disable_v2_behavior()\n" not in code.replace(MARKER, "")
