"""TFM402 (and user ids): calls passing a keyword that marks a TF1 pattern (`feed_dict=`).

`sess.run(train_op, feed_dict={...})` is the placeholder training loop: the session is
held in a variable, so the keyword is what identifies it. Only files using TensorFlow.
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import Context, Rule
from tf1migrate.types import Severity


class KeywordFindings(Rule):
    ids = ("TFM402",)

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
