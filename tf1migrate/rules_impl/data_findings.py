"""The engine side of data-only findings: `[[findings]]` entries of the rule packs.

A finding that needs no code (rules/findings.toml, and users' own packs) is one TOML entry:
its id, message, symbols / keywords / attributes, and its documentation and examples.
This walker hook reports every entry; it owns no rule id itself.

- a reference to one of its `symbols` (the longest matching symbol wins; a `tf.contrib`
  name with a rename or layer mapping, applied or switched off, is not "unmapped");
- a call passing one of its `keywords` (`sess.run(op, feed_dict={...})`);
- a read of one of its `attributes` on a value a TensorFlow call produced.

Entries with `context = "model_code"` are reported only inside functions that create
variables (see `Context.report`).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.names import longest_prefix
from tf1migrate.types import Severity

UNMAPPED_CONTRIB = "TFM403"


class DataFindings(Rule):
    """Reports the rule packs' `[[findings]]` entries (not a rule: it has no id)."""

    def inspect_reference(self, ctx: Context, ref: Reference, *, migrated: bool) -> None:
        finding = ctx.rules.finding_for_symbol(ref.symbol)
        if finding is None:
            return
        if finding.rule == UNMAPPED_CONTRIB and (migrated or _has_mapping(ctx, ref.symbol)):
            return
        ctx.report(
            ref.original,
            finding.rule,
            f"{ref.symbol}: {finding.message}",
            Severity(finding.severity),
            context=finding.context,
        )

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not ctx.uses_tensorflow:
            return updated
        for arg in original.args:
            if arg.keyword is None:
                continue
            for finding in ctx.rules.findings_for_keyword(arg.keyword.value):
                ctx.report(
                    arg,
                    finding.rule,
                    f"{arg.keyword.value}=: {finding.message}",
                    Severity(finding.severity),
                    context=finding.context,
                )
        return updated

    def leave_attribute(
        self, ctx: Context, original: cst.Attribute, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        findings = ctx.rules.findings_for_attribute(original.attr.value)
        if findings and ctx.uses_tensorflow and ctx.produced_by_tensorflow(original.value):
            for finding in findings:
                ctx.report(
                    original,
                    finding.rule,
                    f".{original.attr.value}: {finding.message}",
                    Severity(finding.severity),
                    context=finding.context,
                )
        return updated


def _has_mapping(ctx: Context, symbol: str) -> bool:
    return (
        longest_prefix(symbol, ctx.rules.layer_map) is not None
        or longest_prefix(symbol, ctx.rules.renames) is not None
    )
