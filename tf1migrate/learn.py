"""A written file's own answer, from the self-check that proved it a fixpoint.

Before a rewrite is kept, the engine migrates its output once more and requires that
nothing changes (`engine._check`). In a run that writes, that second run also reports and
locates its findings (`SourceResult.fixpoint`), so once the file is written the runner
knows what migrating the new text would answer, without migrating it: the text itself,
those findings, and the project index's findings for the module. The runner caches that
answer under the new text's key, so `tf1migrate migrate . && tf1migrate migrate --check .`
(a fix-then-check hook) finds every written file in the cache.

The second run saw the module's view of the index *before* the write. The answer holds
for the index after the write when every re-export lookup the second run made gives the
same answer in the new view (names resolve the same way) and every root of the new view
already has its class in the output (so the wrapper stage inserts nothing and reports
nothing); otherwise nothing is learnt and the next run migrates the file as usual.
"""

from __future__ import annotations

from tf1migrate import noqa
from tf1migrate.generate import wrapped_name
from tf1migrate.index import ModuleView
from tf1migrate.project_findings import decision_records, project_findings
from tf1migrate.types import Fixpoint, Options, Severity, SourceResult


def learned_result(
    code: str,
    fixpoint: Fixpoint,
    *,
    after: ModuleView,
    path: str,
    options: Options,
) -> SourceResult | None:
    """`migrate_source(code, ...)` under the view `after`, or None if it cannot be known."""
    reexports = after.reexports
    if any(reexports.get(prefix) != found for prefix, found in fixpoint.reexports):
        return None  # a name the rewrite resolved through a re-export resolves otherwise now
    for root in after.roots:
        rule = "TFM303" if root.kind in ("init", "method") else "TFM301"
        if options.enables(rule) and wrapped_name(root) not in fixpoint.wrapped:
            return None
    fed = {line for _, _, line in after.feeds}  # placeholders fed by their layer's call
    found = [
        *(f for f in fixpoint.findings if not (f.rule == "TFM402" and f.line in fed)),
        *project_findings(after, after.module, path, options),
    ]
    findings = tuple(sorted(set(noqa.filter_findings(found, noqa.suppressed_lines(code)))))
    return SourceResult(
        code=code,
        findings=findings,
        tf1_debt=sum(1 for f in findings if f.severity == Severity.WARNING),
        decisions=decision_records(after.decisions, dict(fixpoint.classes)),
    )
