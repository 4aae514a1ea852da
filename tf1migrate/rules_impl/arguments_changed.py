"""TFM102: calls whose TF2 signature changed.

Tables from tf_upgrade_v2, applied in its order and keyed by the OLD function name:
positional arguments that would land in the wrong TF2 slot become keywords (`reorders`),
then keywords are renamed (`keyword_renames`) or dropped (`keyword_removals`). A call
that TFM101 moves to compat.v1 (`tf.zeros_like(x, optimize=False)`), and a function
renamed to compat.v1, keep their TF1 keywords. Calls reached through compat.v1 are
left alone. A `*.method` key applies to that method on any object (optimizers are held in
variables).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rulepacks import Reorder
from tf1migrate.rules_impl.base import TF, V1, Context, Example, Rule
from tf1migrate.rules_impl.names import longest_prefix
from tf1migrate.rules_impl.symbol_renamed import call_table_keys, kept_on_compat_v1
from tf1migrate.types import Severity

NO_SPACE = cst.SimpleWhitespace("")


class ArgumentsChanged(Rule):
    id = "TFM102"
    name = "arguments-changed"
    summary = "A keyword was renamed or removed, or positional arguments must become keywords."
    why = (
        "TF2 reordered or renamed parameters of ~120 functions (tables from tf_upgrade_v2); "
        "naming the arguments keeps the call meaning the same thing."
    )
    order = 30
    VALID = (
        TF + "i = tf.argmax(x, 1)\n",
        V1 + "i = tf.argmax(x, 1, 'n')\n",
        TF + "y = tf.cond(p, true_fn=f, false_fn=g)\n",
    )
    INVALID = (
        Example(TF + "i = tf.argmax(x, 1, 'idx')\n", TF + "i = tf.argmax(x, 1, name='idx')\n"),
        Example(
            TF + "y = tf.cond(p, fn1=f, fn2=g, strict=True)\n",
            TF + "y = tf.cond(p, true_fn=f, false_fn=g)\n",
        ),
        Example(
            TF + "op = opt.minimize(\n    loss,\n    colocate_gradients_with_ops=True,\n)\n",
            TF + "op = opt.minimize(\n    loss,\n)\n",
        ),
        Example(TF + "i = tf.argmin(x, dimension=0)\n", TF + "i = tf.argmin(x, axis=0)\n"),
    )

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        keys = call_table_keys(ctx, original)
        if not keys:
            return updated
        arguments_on = ctx.enabled(self.id)
        args = list(updated.args)
        changed = False
        for key in keys:
            reorder = ctx.rules.reorders.get(key)
            if reorder is not None and arguments_on:
                new_args = _keywordize(ctx, original, args, reorder)
                changed |= new_args is not args
                args = new_args
            if kept_on_compat_v1(ctx, key, args):
                # TFM101 moves the call to compat.v1 (and counts it): TF1 keywords stay
                return updated.with_changes(args=args) if changed else updated
            if not arguments_on or _renamed_to_compat_v1(ctx, key):
                continue  # compat.v1 keeps the TF1 keywords
            renames = ctx.rules.keyword_renames.get(key, {})
            removals = ctx.rules.keyword_removals.get(key, ())
            for index, arg in enumerate(args):
                if arg.keyword is not None and arg.keyword.value in renames:
                    args[index] = arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
                    changed = True
            dropped = [
                a.keyword.value
                for a in args
                if a.keyword is not None and a.keyword.value in removals
            ]
            if dropped:
                ctx.report(
                    original,
                    self.id,
                    f"removed {', '.join(k + '=' for k in dropped)} from {key}: TF2 has no such "
                    "parameter, so what it did is gone (check the call does what you need)",
                    Severity.INFO,
                    behaviour_change=True,
                )
                args = _without(args, removals)
                changed = True
        if not changed:
            return updated
        ctx.changed()
        return updated.with_changes(args=args)


def _renamed_to_compat_v1(ctx: Context, key: str) -> bool:
    hit = longest_prefix(key, ctx.rules.renames)
    return hit is not None and hit[1].startswith("tf.compat.v1.")


def _keywordize(
    ctx: Context, original: cst.Call, args: list[cst.Arg], reorder: Reorder
) -> list[cst.Arg]:
    """Name the positional arguments after the first `keep_positional` (same list if none)."""
    positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
    if any(a.star == "*" for a in args):
        ctx.report(
            original,
            "TFM102",
            "arguments of this call were reordered in TF2 but it passes *args: "
            f"check them by hand against ({', '.join(reorder.to_keywords)})",
            Severity.WARNING,
        )
        return args
    extra = positional[reorder.keep_positional :]
    if not extra or len(extra) > len(reorder.to_keywords):
        return args
    passed = {a.keyword.value for a in args if a.keyword is not None}
    names = reorder.to_keywords[: len(extra)]
    if passed & set(names):
        return args  # the call is already invalid TF1; do not make it worse
    new_args = list(args)
    for index, name in zip(extra, names):
        new_args[index] = args[index].with_changes(
            keyword=cst.Name(name),
            equal=cst.AssignEqual(whitespace_before=NO_SPACE, whitespace_after=NO_SPACE),
        )
    return new_args


def _without(args: list[cst.Arg], removals: tuple[str, ...]) -> list[cst.Arg]:
    """Drop keyword arguments, keeping the last remaining argument's trailing comma as it was."""
    kept = [a for a in args if a.keyword is None or a.keyword.value not in removals]
    if kept and kept[-1] is not args[-1]:
        kept[-1] = kept[-1].with_changes(comma=args[-1].comma)
    return kept
