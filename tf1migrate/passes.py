"""The two passes over a project, written once: summarize every file, link, rewrite each.

`Stages` names the function of each stage, typed; the runner, the in-memory
`migrate_sources` (tests, benchmarks, goldens) and the tests' stand-in engine all go
through it, so no stage is looked up by name or probed at run time. `summarize_one` and
`rewrite_one` are what a worker does with one file, including the CPython nesting gate
(`check.nesting_failure`) and the post-rewrite compile check; `failure_finding` turns what
a stage raised into the one finding for that file.

Example::

    results = migrate_sources({"model.py": source}, Options())
    results["model.py"].code      # upgraded source with `class ModelLayer(...)` after `model`
"""

from __future__ import annotations

import ast
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tf1migrate import check
from tf1migrate.rulepacks import RuleSet, load_rule_packs
from tf1migrate.types import (
    Finding,
    Fixpoint,
    InternalCheckError,
    Options,
    ParseFailure,
    Severity,
    SourceResult,
)

if TYPE_CHECKING:
    from tf1migrate.facts import ModuleSummary
    from tf1migrate.index import ProjectIndex

PARSE_ERROR, PYTHON2, INTERNAL_ERROR = "TFM001", "TFM002", "TFM006"
PYTHON2_MESSAGE = "looks like Python 2: run 2to3 (or pyupgrade) first"


class Summarize(Protocol):
    def __call__(
        self, source: str, *, module: str, path: str, rules: RuleSet, tree: ast.Module | None = None
    ) -> ModuleSummary:
        """Pass 1 for one file; SyntaxError (or RecursionError) if it does not parse.

        `tree`, when given, is `ast` of `source` (the nesting gate's), not parsed again."""
        ...


class Link(Protocol):
    def __call__(
        self, summaries: Sequence[ModuleSummary], options: Options, rules: RuleSet
    ) -> ProjectIndex:
        """The project index from every file's summary."""
        ...


class Rewrite(Protocol):
    def __call__(
        self,
        source: str,
        *,
        path: str,
        module: str,
        project: ProjectIndex,
        options: Options,
        rules: RuleSet,
        learn: bool = False,
    ) -> SourceResult:
        """Pass 2 for one file; ParseFailure or InternalCheckError for that file.

        `learn`: the file will be written; the result may carry its `fixpoint`."""
        ...


class LoadRules(Protocol):
    def __call__(self, extra: Sequence[str] = ()) -> RuleSet: ...


class Learn(Protocol):
    def __call__(
        self,
        code: str,
        fixpoint: Fixpoint,
        *,
        after: object,
        path: str,
        options: Options,
    ) -> SourceResult | None:
        """The answer for `code` (a written rewrite) under the view `after`, if known."""
        ...


class View(Protocol):
    def __call__(self, project: ProjectIndex, module: str) -> object:
        """What the rewrite of `module` reads from the index (its cache key, fingerprinted)."""
        ...


class Triage(Protocol):
    def __call__(
        self,
        source: str,
        *,
        summary: ModuleSummary,
        view: object,
        path: str,
        options: Options,
        rules: RuleSet,
    ) -> SourceResult | None:
        """The rewrite's answer when pass 1 proves it has nothing to do, else None."""
        ...


# The real stages. Their modules are imported on first use: LibCST costs half a second to
# import, and an unchanged re-run (every answer cached) never needs it.


def summarize(
    source: str, *, module: str, path: str, rules: RuleSet, tree: ast.Module | None = None
) -> ModuleSummary:
    from tf1migrate.summarize import summarize as summarize_module

    return summarize_module(source, module=module, path=path, rules=rules, tree=tree)


def link(summaries: Sequence[ModuleSummary], options: Options, rules: RuleSet) -> ProjectIndex:
    from tf1migrate.plan import build_index

    return build_index(summaries, options, rules)


def rewrite(
    source: str,
    *,
    path: str,
    module: str,
    project: ProjectIndex,
    options: Options,
    rules: RuleSet,
    learn: bool = False,
) -> SourceResult:
    from tf1migrate.engine import migrate_source

    return migrate_source(
        source, path=path, module=module, project=project, options=options, rules=rules,
        learn=learn,
    )


def learn(
    code: str,
    fixpoint: Fixpoint,
    *,
    after: object,
    path: str,
    options: Options,
) -> SourceResult | None:
    from tf1migrate.learn import learned_result

    return learned_result(
        code, fixpoint, after=after, path=path, options=options  # type: ignore[arg-type]
    )


def view(project: ProjectIndex, module: str) -> object:
    return project.view(module)


def triage(
    source: str,
    *,
    summary: ModuleSummary,
    view: object,
    path: str,
    options: Options,
    rules: RuleSet,
) -> SourceResult | None:
    from tf1migrate.triage import needs_rewrite, untouched_result

    if needs_rewrite(summary, view, options, rules):  # type: ignore[arg-type]
        return None
    return untouched_result(source, summary, view, path, options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Stages:
    """One function per stage. Module-level functions, so spawned workers can unpickle them.

    `view` gives the slice of the index one file's rewrite reads (the rewrite is given that
    slice, and the cache keys its result by it); `triage` answers for a file pass 1 proves
    the rewrite leaves alone, without running it; `learn` gives a written file's answer
    from the fixpoint the rewrite proved (`tf1migrate.learn`).
    """

    load_rules: LoadRules = load_rule_packs
    summarize: Summarize = summarize
    link: Link = link
    rewrite: Rewrite = rewrite
    view: View = view
    triage: Triage = triage
    learn: Learn = learn


DEFAULT_STAGES = Stages()


def error(path: str, rule: str, message: str, line: int = 1, col: int = 0) -> Finding:
    return Finding(path, line, col, rule, message, Severity.ERROR)


# --------------------------------------------------------------------------- one file


def summarize_one(
    stages: Stages, rules: RuleSet, code: str, module: str, path: str
) -> ModuleSummary | None:
    """Pass 1 for one file; None when it does not parse (pass 2 says why).

    MemoryError propagates: in a worker it is that file's memory-budget finding.
    """
    try:
        tree, too_deep = check.gated_parse(code, path)
        if too_deep is not None:
            return None
        return stages.summarize(code, module=module, path=path, rules=rules, tree=tree)
    except (SyntaxError, ValueError, RecursionError):
        return None


def rewrite_one(
    stages: Stages,
    code: str,
    *,
    path: str,
    module: str,
    project: ProjectIndex,
    options: Options,
    rules: RuleSet,
    verbose: bool = False,
    nesting_checked: bool = False,
    learn: bool = False,
) -> SourceResult | Finding:
    """Pass 2 for one file: its result, or the one finding that says why there is none.

    `nesting_checked`: pass 1 summarised this very text, so CPython's nesting gate passed
    (it is a function of the text alone) and is not run again. A result whose `compiled`
    says the rewrite compiled its output itself is not compiled a second time.
    """
    too_deep = None if nesting_checked else check.nesting_failure(code, path)
    if too_deep is not None:
        return failure_finding(too_deep, path, verbose)
    try:
        result = stages.rewrite(
            code, path=path, module=module, project=project, options=options, rules=rules,
            learn=learn,
        )
        if not result.compiled:
            check.rewrite_compiles(code, result.code, path)
    except SyntaxError as exc:
        return error(
            path,
            INTERNAL_ERROR,
            f"internal error: the migrated code does not compile ({exc.msg}, line {exc.lineno}); "
            "file left untouched. Please report it",
        )
    except Exception as exc:  # noqa: BLE001 - any failure is this file's finding
        return failure_finding(exc, path, verbose)
    return result


def failure_finding(exc: BaseException, path: str, verbose: bool = False) -> Finding:
    """Anything a stage raised for one file → one finding naming the file (and the rule)."""
    if isinstance(exc, ParseFailure):
        line, col = exc.line or 1, exc.col or 0
        if exc.looks_like_python2:
            return error(path, PYTHON2, PYTHON2_MESSAGE, line, col)
        detail = exc.message or str(exc) or "syntax error"
        for prefix in (f"{path}: ", "does not parse: "):  # the engine may say these already
            detail = detail.removeprefix(prefix)
        return error(path, PARSE_ERROR, f"does not parse: {detail}", line, col)
    if isinstance(exc, InternalCheckError):
        rule = ", ".join(exc.rules) or exc.rule
        message = (
            f"internal error: the rewrite by {rule} failed its safety check ({exc}); file left "
            f"untouched. Skip it with --ignore {rule} and please report it"
        )
    elif isinstance(exc, MemoryError):
        message = "internal error: out of memory; file left untouched"
    else:
        message = (
            f"internal error ({type(exc).__name__}: {exc}); file left untouched. Please report it"
        )
    if verbose:
        message += "\n" + "".join(traceback.format_exception(exc))
    return error(path, INTERNAL_ERROR, message)


# ------------------------------------------------------------------ both passes, in memory


def migrate_texts(
    sources: Mapping[str, str], options: Options | None = None, stages: Stages = DEFAULT_STAGES
) -> dict[str, SourceResult | ParseFailure]:
    """Both passes in this process over `{relative path: source}`, sorted by path.

    A file that does not parse maps to its ParseFailure (with LibCST's message and the
    Python 2 hint); the others are linked without it, as the CLI does.
    """
    from tf1migrate.engine import module_name_for

    options = options or Options()
    rules = stages.load_rules(options.rule_packs)
    by_path: dict[str, ModuleSummary] = {}
    failures: dict[str, ParseFailure] = {}
    for path, source in sorted(sources.items()):
        summary = summarize_one(stages, rules, source, module_name_for(path), path)
        if summary is None:
            failures[path] = _parse_failure(source, path)
        else:
            by_path[path] = summary
    project = stages.link(list(by_path.values()), options, rules)
    results: dict[str, SourceResult | ParseFailure] = dict(failures)
    for path, source in sorted(sources.items()):
        if path in failures:
            continue
        module = module_name_for(path)
        part = stages.view(project, module)
        answer = stages.triage(
            source, summary=by_path[path], view=part, path=path, options=options, rules=rules
        )
        if answer is not None:
            results[path] = answer
            continue
        try:
            results[path] = stages.rewrite(
                source, path=path, module=module, project=part, options=options, rules=rules
            )
        except ParseFailure as failure:  # LibCST rejects what Python's ast accepted
            results[path] = failure
    return dict(sorted(results.items()))


def migrate_sources(
    sources: Mapping[str, str], options: Options | None = None
) -> dict[str, SourceResult]:
    """`migrate_texts` for sources that must all parse: raises the first ParseFailure."""
    results = migrate_texts(sources, options)
    for result in results.values():
        if isinstance(result, ParseFailure):
            raise result
    return {path: result for path, result in results.items() if isinstance(result, SourceResult)}


def _parse_failure(source: str, path: str) -> ParseFailure:
    """Why `source` does not parse: CPython's depth limit, LibCST's message, or ast's."""
    from tf1migrate.engine import parse

    too_deep = check.nesting_failure(source, path)
    if too_deep is not None:
        return too_deep
    try:
        parse(source, path)  # raises the ParseFailure with line, column and Python 2 hint
    except ParseFailure as failure:
        return failure
    try:
        compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", 0) or 0  # LibCST parses what Python rejects
        return ParseFailure(f"{path}: not valid Python: {exc}", line, 0)
    return ParseFailure(f"{path}: not valid Python", 0, 0)
