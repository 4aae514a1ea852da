"""Files the rewrite provably leaves as they are, answered without LibCST.

The engine (`tf1migrate.engine.migrate_source`) changes a file, or reports anything beyond
the project index's own findings, only in three ways:

- its upgrade walk runs, which it does only when the module binds TensorFlow (an import,
  a re-export of another project module, `tensorflow.compat.v1`) or imports a package a
  user rule pack has rules for (`Context.uses_tensorflow`, `Context.uses_user_packages`);
- the index has roots in the module (wrappers to generate, or a TFM301 finding that it
  could not);
- `# tf1migrate: skip-file`, which returns the text with no findings at all.

Pass 1's summary (Python's `ast`, already computed for the index) records the module's
bindings exactly as the rewrite's resolver computes them, and the module's `ModuleView`
holds its roots and the re-exports its imports reach. When neither says the rewrite has
work, the answer is the source itself with the index findings (`project_findings`),
filtered by the file's `noqa` comments: the same `SourceResult`, for no LibCST parse,
walk, codegen or self-check. 16% of the benchmark corpus (tests, input pipelines,
utilities) takes this path.

(One difference: a file LibCST cannot parse but Python can, with nothing to migrate, is
reported unchanged rather than as a LibCST parse failure.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tf1migrate import noqa
from tf1migrate.project_findings import decision_records, project_findings
from tf1migrate.resolve import COMPAT_V1, is_tf_qualname
from tf1migrate.types import Options, Severity, SourceResult

if TYPE_CHECKING:
    from tf1migrate.facts import ModuleSummary
    from tf1migrate.index import ModuleView
    from tf1migrate.rulepacks import RuleSet


def needs_rewrite(
    summary: ModuleSummary, view: ModuleView, options: Options, rules: RuleSet
) -> bool:
    """False only when the rewrite of this module cannot change it or find anything in it."""
    if summary.skip_file:
        return False
    if any(_wrapping_enabled(root.kind, options) for root in view.roots):
        return True
    if summary.tf_aliases or summary.uses_compat_v1:
        return True
    if view.feeds or (summary.wrapped and any(d.wrapped for d in view.decisions)):
        return True  # placeholders to feed; generated classes the decision records name
    stars = summary.star_imports
    if any(base.startswith(COMPAT_V1) or base == "tensorflow.compat" for base in stars):
        return True  # `from tensorflow.compat.v1 import *`: compat.v1 without a name for it
    reexports = view.reexports
    user_roots = rules.user_roots()
    for _, target in summary.imports:
        if target.split(".")[0] in user_roots:
            return True
        if reexports and is_tf_qualname(_through(reexports, target)):
            return True  # `from pkg.utils import tf`: TensorFlow, re-exported
    return False


def untouched_result(
    source: str, summary: ModuleSummary, view: ModuleView, path: str, options: Options
) -> SourceResult:
    """What `migrate_source` answers for a module `needs_rewrite` says it leaves alone."""
    if summary.skip_file:
        return SourceResult(code=source)
    found = project_findings(view, summary.module, path, options)
    findings = tuple(sorted(set(noqa.filter_findings(found, noqa.suppressed_lines(source)))))
    return SourceResult(
        code=source,
        findings=findings,
        tf1_debt=sum(1 for f in findings if f.severity == Severity.WARNING),
        decisions=decision_records(view.decisions, {}),  # none wrapped: no class to name
    )


def _wrapping_enabled(kind: str, options: Options) -> bool:
    return options.enables("TFM303" if kind in ("init", "method") else "TFM301")


def _through(reexports: dict[str, str], dotted: str) -> str:
    """`Resolver._through_reexports`: the longest re-exported prefix replaced."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in reexports:
            return ".".join([reexports[prefix], *parts[end:]])
    return dotted
