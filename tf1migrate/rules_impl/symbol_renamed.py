"""TFM101: a TF1 symbol reached through plain `tensorflow` gets its TF2 name.

The rename table is generated from tf_upgrade_v2 (rules/symbols.toml). Unlike
tf_upgrade_v2, names reached through `tensorflow.compat.v1` (or private modules) are left
alone: they already work in TF2, and "upgrading" them changes behaviour. Calls whose TF1
meaning TF2 changed (`[compat_v1]`, and `[compat_v1_when]` when the call passes such an
argument: `tf.zeros_like(x, optimize=False)`) move to compat.v1 and keep their TF1
keywords. Imported names are re-pointed on their import line
(`from tensorflow import get_variable` -> `from tensorflow.compat.v1 import ...`).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rulepacks import CompatCondition
from tf1migrate.rules_impl.base import (
    TF,
    V1,
    Context,
    Example,
    Reference,
    Rule,
    call_symbol,
    is_working_api,
)
from tf1migrate.rules_impl.names import head_name, keep_parentheses, longest_prefix


class SymbolRenamed(Rule):
    id = "TFM101"
    name = "symbol-renamed"
    summary = "A TF1 symbol is renamed to its TF2 name."
    why = (
        "TF2 moved or removed most of the TF1 root namespace; the table is generated from "
        "tf_upgrade_v2. Names used through tensorflow.compat.v1 already work and are kept; "
        "calls whose TF1 meaning TF2 changed (tf.nn.dropout's keep_prob) move to compat.v1."
    )
    # after TFM201/TFM202 (a mapped layer is not renamed) and after TFM102's leave_call
    # (the compat.v1 move keeps the arguments TFM102 turned into keywords)
    order = 35
    VALID = (
        V1 + "w = tf.get_variable('w', [1])\n",
        TF + "y = tf.nn.relu(x)\n",
        "import numpy as tf\nw = tf.get_variable('w')\n",
        TF + "def f(tf):\n    return tf.get_variable('w')\n",
        "from tensorflow.compat.v1 import get_variable\nw = get_variable('w', [1])\n",
        TF + "z = tf.zeros_like(x)\nwith tf.name_scope('block'):\n    pass\n",
    )
    INVALID = (
        Example(
            TF + "w = tf.get_variable('w', [1])  # kept\n",
            TF + "w = tf.compat.v1.get_variable('w', [1])  # kept\n",
        ),
        Example(
            TF + "import tensorflow.compat.v1 as tf1\nw = tf.get_variable('w', [1])\n",
            TF + "import tensorflow.compat.v1 as tf1\nw = tf1.get_variable('w', [1])\n",
        ),
        Example(TF + "ok = tf.gfile.Exists(path)\n", TF + "ok = tf.io.gfile.exists(path)\n"),
        Example(
            "from tensorflow import get_variable\nw = get_variable('w', [1])\n",
            "from tensorflow.compat.v1 import get_variable\nw = get_variable('w', [1])\n",
        ),
        Example(
            "import tensorflow\nwith tensorflow.variable_scope('a'):\n    pass\n",
            "import tensorflow\nwith tensorflow.compat.v1.variable_scope('a'):\n    pass\n",
        ),
        Example(
            TF + "h = tf.nn.dropout(h, 0.9)  # keep_prob in TF1, rate in TF2\n",
            TF + "h = tf.compat.v1.nn.dropout(h, 0.9)  # keep_prob in TF1, rate in TF2\n",
        ),
        Example(
            TF + "z = tf.zeros_like(x, optimize=False)\n",
            TF + "z = tf.compat.v1.zeros_like(x, optimize=False)\n",
        ),
        Example(
            TF + "with tf.name_scope(None, 'block', [x]):\n    pass\n",
            TF + "with tf.compat.v1.name_scope(None, 'block', [x]):\n    pass\n",
        ),
    )

    def rewrite_reference(self, ctx: Context, ref: Reference) -> cst.BaseExpression | None:
        if not ctx.enabled(self.id) or ref.through_working_api:
            return None
        if head_name(ref.original) in ctx.repointed_locals:
            return None  # its import line was re-pointed; the name is already right
        hit = longest_prefix(ref.symbol, ctx.rules.renames)
        if hit is None:
            return None
        prefix, target = hit
        ctx.changed()
        return keep_parentheses(ref.updated, ctx.tf_expression(target + ref.symbol[len(prefix) :]))

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        """`tf.zeros_like(x, optimize=False)` -> `tf.compat.v1.zeros_like(...)`."""
        for key in call_table_keys(ctx, original):
            if kept_on_compat_v1(ctx, key, list(updated.args)):
                ctx.changed()
                func = ctx.tf_expression("tf.compat.v1." + key[len("tf.") :])
                return updated.with_changes(func=keep_parentheses(updated.func, func))
        return updated

    def import_destination(self, ctx: Context, qualname: str, symbol: str) -> str | None:
        target = ctx.rules.renames.get(symbol)
        if target is None or is_working_api(qualname) or not ctx.enabled(self.id):
            return None
        return target


def call_table_keys(ctx: Context, original: cst.Call) -> list[str]:
    """The call-table keys an ORIGINAL-tree call answers to: its TF1 symbol, `*.method`."""
    keys = []
    found = call_symbol(ctx, original)
    if found is not None:
        qualname, symbol = found
        repointed = head_name(original.func) in ctx.repointed_locals
        if not is_working_api(qualname) and not repointed:
            keys.append(symbol)
    if isinstance(original.func, cst.Attribute) and ctx.uses_tensorflow:
        keys.append("*." + original.func.attr.value)
    return keys


def kept_on_compat_v1(ctx: Context, key: str, args: list[cst.Arg]) -> bool:
    """Does this call (table key, arguments) keep its TF1 meaning only on compat.v1?"""
    condition = ctx.rules.compat_v1_when.get(key)
    return condition is not None and _meets(condition, args) and ctx.enabled("TFM101")


def _meets(condition: CompatCondition, args: list[cst.Arg]) -> bool:
    """Does the call pass an argument whose TF1 meaning TF2 dropped?"""
    if any(a.keyword is not None and a.keyword.value in condition.keywords for a in args):
        return True
    if condition.max_positional is None:
        return False
    positional = [a for a in args if a.keyword is None]
    return any(a.star for a in positional) or len(positional) > condition.max_positional
