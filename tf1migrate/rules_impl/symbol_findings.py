"""TFM401-TFM406, TFM408, TFM409, TFM411 (and user ids): references that need a human.

The symbols and messages are data (rules/findings.toml, user packs); the longest matching
symbol wins. A `tf.contrib` name with a rename or layer mapping (applied, or switched off
by --ignore) is not reported as unmapped.
Entries with `context = "model_code"` are reported only inside functions that create
variables (see `Context.report`).
"""

from __future__ import annotations

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.names import longest_prefix
from tf1migrate.types import Severity

UNMAPPED_CONTRIB = "TFM403"


class SymbolFindings(Rule):
    ids = ("TFM401", "TFM402", "TFM403", "TFM404", "TFM405", "TFM406", "TFM408", "TFM409", "TFM411")

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


def _has_mapping(ctx: Context, symbol: str) -> bool:
    return (
        longest_prefix(symbol, ctx.rules.layer_map) is not None
        or longest_prefix(symbol, ctx.rules.renames) is not None
    )
