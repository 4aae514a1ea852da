"""TFM102 (and TFM101): calls whose TF2 signature changed.

Tables from tf_upgrade_v2, applied in its order and keyed by the OLD function name:
positional arguments that would land in the wrong TF2 slot become keywords (`reorders`),
then keywords are renamed (`keyword_renames`) or dropped (`keyword_removals`). A call
passing an argument whose TF1 meaning TF2 dropped (`compat_v1_when`, e.g.
`tf.zeros_like(x, optimize=False)`) moves to compat.v1 instead (TFM101), as do functions
renamed to compat.v1: both keep their TF1 keywords. Calls reached through compat.v1 are
left alone. A `*.method` key applies to that method on any object (optimizers are held in
variables).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rulepacks import CompatCondition, Reorder
from tf1migrate.rules_impl.base import Context, Rule, call_symbol, is_working_api
from tf1migrate.rules_impl.names import head_name, keep_parentheses, longest_prefix
from tf1migrate.types import Severity

NO_SPACE = cst.SimpleWhitespace("")


class CallArguments(Rule):
    ids = ("TFM101", "TFM102")

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        keys = self._table_keys(ctx, original)
        if not keys:
            return updated
        arguments_on = ctx.enabled("TFM102")
        args = list(updated.args)
        changed = False
        for key in keys:
            reorder = ctx.rules.reorders.get(key)
            if reorder is not None and arguments_on:
                new_args = _keywordize(ctx, original, args, reorder)
                changed |= new_args is not args
                args = new_args
            condition = ctx.rules.compat_v1_when.get(key)
            if condition is not None and _meets(condition, args) and ctx.enabled("TFM101"):
                # the TF1 meaning needs the TF1 function: keep the call on compat.v1
                ctx.changed()
                func = ctx.tf_expression("tf.compat.v1." + key[len("tf.") :])
                return updated.with_changes(func=keep_parentheses(updated.func, func), args=args)
            if not arguments_on or _renamed_to_compat_v1(ctx, key):
                continue  # compat.v1 keeps the TF1 keywords
            renames = ctx.rules.keyword_renames.get(key, {})
            removals = ctx.rules.keyword_removals.get(key, ())
            for index, arg in enumerate(args):
                if arg.keyword is not None and arg.keyword.value in renames:
                    args[index] = arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
                    changed = True
            if any(a.keyword is not None and a.keyword.value in removals for a in args):
                args = _without(args, removals)
                changed = True
        if not changed:
            return updated
        ctx.changed()
        return updated.with_changes(args=args)

    def _table_keys(self, ctx: Context, original: cst.Call) -> list[str]:
        """The table keys this call answers to: its TF1 symbol and/or `*.method`."""
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


def _meets(condition: CompatCondition, args: list[cst.Arg]) -> bool:
    """Does the call pass an argument whose TF1 meaning TF2 dropped?"""
    if any(a.keyword is not None and a.keyword.value in condition.keywords for a in args):
        return True
    if condition.max_positional is None:
        return False
    positional = [a for a in args if a.keyword is None]
    return any(a.star for a in positional) or len(positional) > condition.max_positional


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
