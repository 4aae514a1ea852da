"""One migration run: discover → read → pass 1 (summaries, cached) → link → pass 2
(rewrite + check, cached) → write / diff / check.

The stages are the typed functions of `passes.Stages`; each file's passes run in guarded
worker processes (`workers.GuardedPool`: a time budget and a memory cap per file, a
crashed worker is one finding), so hostile input never takes down the run. Every problem
with one file becomes a finding that names that file; the other files go on.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pathspec

from tf1migrate import cache as cache_mod
from tf1migrate import passes
from tf1migrate.config import Config
from tf1migrate.discovery import Discovery, discover, display_path, module_name
from tf1migrate.passes import DEFAULT_STAGES, INTERNAL_ERROR, PARSE_ERROR, Stages, error
from tf1migrate.rulepacks import RuleSet
from tf1migrate.sourcefile import (
    SourceFile,
    SourceReadError,
    decode_source,
    detect_newline,
    read_source,
)
from tf1migrate.types import (
    FileResult,
    FileStatus,
    Finding,
    Options,
    RunResult,
    Severity,
    SourceResult,
)
from tf1migrate.workers import Budget, Failure, GuardedPool
from tf1migrate.write import clean_temp_files, write_changed

if TYPE_CHECKING:
    from tf1migrate.facts import ModuleSummary
    from tf1migrate.index import ProjectIndex

Progress = Callable[[str, int, int], None]
READ_ERROR, BAD_CONFIG, OVER_BUDGET = "TFM003", "TFM008", "TFM009"
_error = error


class _UnitError(Exception):
    """A file could not be read or decoded; carries the finding that says so."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class _Unit:
    """One file as the passes see it: Python text (notebooks: their joined code cells).

    Files that are only indexed are identified by their content digest and read lazily:
    an unchanged re-run needs the digest (from the manifest) and nothing else.
    """

    path: Path
    display: str
    module: str
    digest: str  # sha256 of the file's bytes: what the cache keys are made of
    loaded: tuple[SourceFile, str, Any] | None = None  # (source, code, notebook)

    def load(self) -> tuple[SourceFile, str, Any]:
        """Read and decode (once); raises _UnitError with the finding for this file."""
        if self.loaded is None:
            self.loaded = _read_unit(self.path, self.display)
        return self.loaded

    @property
    def source(self) -> SourceFile:
        return self.load()[0]

    @property
    def code(self) -> str:
        return self.load()[1]

    @property
    def notebook(self) -> Any:  # notebooks.NotebookCode for .ipynb files
        return self.load()[2]


class _RunAborted(Exception):
    """Nothing more can be migrated in this run (rule packs unusable): one finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _load_rules(stages: Stages, options: Options, verbose: bool) -> RuleSet:
    """The merged rule packs, or _RunAborted naming the pack that is wrong."""
    try:
        return stages.load_rules(options.rule_packs)
    except Exception as exc:
        if verbose:
            traceback.print_exc()
        where = ", ".join(options.rule_packs) or "the built-in rule packs"
        finding = _error("<tf1migrate>", BAD_CONFIG, f"bad rule pack ({where}): {exc}")
        raise _RunAborted(finding) from exc


# ---------------------------------------------------------------- worker side (picklable)

_WORKER: dict[str, Any] = {}


def _shared(blob_path: str) -> dict[str, Any]:
    """Per-process memo of the shared (rules, project) blob a pass's workers load once."""
    if _WORKER.get("blob_path") != blob_path:
        with open(blob_path, "rb") as handle:
            _WORKER["shared"] = pickle.load(handle)
        _WORKER["blob_path"] = blob_path
    return _WORKER["shared"]


def _summarize_task(
    stages: Stages, blob_path: str, unit: tuple[str, str, str]
) -> tuple[ModuleSummary, str] | None:
    """Pass 1 for one file; None when the file does not parse (pass 2 reports it)."""
    code, module, display = unit
    summary = passes.summarize_one(stages, _shared(blob_path)["rules"], code, module, display)
    return None if summary is None else (summary, cache_mod.fingerprint(summary))


def _migrate_task(
    stages: Stages,
    blob_path: str,
    unit: tuple[str, str, str, Options, Any, bool, bool],
    verbose: bool,
) -> tuple[SourceResult | Finding, tuple[ModuleSummary, str] | None]:
    """Pass 2 for one file: its SourceResult, or the finding that says why there is none.

    The unit carries the file's view of the index (all its rewrite may read), whether pass
    1 already found the text within CPython's nesting limits, and whether the result will
    be written: then a rewrite proven a fixpoint also comes with pass 1's summary of the
    new text, for the runner to learn the written file's answer (`tf1migrate.learn`).
    """
    code, module, display, options, view, nesting_checked, learn = unit
    rules = _shared(blob_path)["rules"]
    answer = passes.rewrite_one(
        stages,
        code,
        path=display,
        module=module,
        project=view,
        options=options,
        rules=rules,
        verbose=verbose,
        nesting_checked=nesting_checked,
        learn=learn,
    )
    after = None
    if isinstance(answer, SourceResult) and answer.fixpoint is not None and answer.code != code:
        summary = passes.summarize_one(stages, rules, answer.code, module, display)
        after = None if summary is None else (summary, cache_mod.fingerprint(summary))
    return answer, after


@dataclass(frozen=True)
class _Task:
    """`fn(*before, item, *after)`: a picklable one-argument task for the worker pool."""

    fn: Callable[..., Any]
    before: tuple[Any, ...]
    after: tuple[Any, ...] = ()

    def __call__(self, item: Any) -> Any:
        return self.fn(*self.before, item, *self.after)


def _failed(display: str, failure: Failure, budget: Budget) -> Finding:
    """A file whose worker timed out, ran out of memory or died: one finding for it."""
    if failure.kind in ("timeout", "memory"):
        message = f"not migrated: this file {failure.describe(budget)}; file left untouched"
        return _error(display, OVER_BUDGET, message)
    return _error(
        display,
        INTERNAL_ERROR,
        f"internal error: migrating this file crashed: {failure.describe(budget)}; file left "
        "untouched. Please report it",
    )


class _PerFileIgnores:
    """`per-file-ignores` globs, relative to the pyproject.toml (else the project root)."""

    def __init__(self, config: Config, root: Path | None) -> None:
        base = config.root or root
        self.base = os.path.realpath(base) if base is not None else None
        self.specs = [
            (pathspec.GitIgnoreSpec.from_lines([glob]), rules)
            for glob, rules in config.per_file_ignores
        ]

    def options_for(self, path: Path, options: Options) -> Options:
        if not self.specs:
            return options
        relative = os.path.relpath(path, self.base).replace(os.sep, "/") if self.base else path.name
        extra = [rule for spec, rules in self.specs if spec.match_file(relative) for rule in rules]
        if not extra:
            return options
        return replace(options, ignore=tuple(dict.fromkeys((*options.ignore, *extra))))


def _read_unit(path: Path, display: str) -> tuple[SourceFile, str, Any]:
    """(source, Python code, notebook or None) of one file, or _UnitError."""
    try:
        source = read_source(path)
    except SourceReadError as exc:
        raise _UnitError(_error(display, READ_ERROR, str(exc))) from exc
    if path.suffix != ".ipynb":
        return source, source.text, None
    from tf1migrate import notebooks

    try:
        notebook = notebooks.extract_code(source.text)
    except notebooks.NotPythonNotebook as exc:
        raise _UnitError(Finding(display, 1, 0, READ_ERROR, str(exc), Severity.INFO)) from exc
    except notebooks.NotebookError as exc:
        raise _UnitError(_error(display, READ_ERROR, str(exc))) from exc
    return source, notebook.code, notebook


def _too_big(display: str, size: int, max_size: int) -> Finding:
    return Finding(
        display,
        1,
        0,
        READ_ERROR,
        f"skipped: {size / 1e6:.1f} MB is over the {max_size / 1e6:.1f} MB limit (generated "
        "code?); raise max-file-size in [tool.tf1migrate] to migrate it",
        Severity.WARNING,
    )


def _load_target(path: Path, root: Path | None, max_size: int) -> _Unit | Finding:
    """A file to migrate: read and decoded now, so its problems are reported."""
    display = display_path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _error(display, READ_ERROR, f"cannot read: {exc.strerror or exc}")
    if size > max_size:
        return _too_big(display, size, max_size)
    try:
        loaded = _read_unit(path, display)
    except _UnitError as exc:
        return exc.finding
    return _Unit(path, display, module_name(path, root), loaded[0].stamp.sha256, loaded)


def _peek_unit(path: Path, root: Path | None, max_size: int, manifest: _Manifest) -> _Unit | None:
    """A file that is only indexed: its digest (from the manifest when unchanged), no decoding."""
    digest = manifest.digest(path, max_size)
    if digest is None:
        return None  # unreadable or too big: left out of the index, reported when migrated
    return _Unit(path, display_path(path), module_name(path, root), digest)


class _Manifest:
    """path → (mtime, size, inode, sha256) from the last run: unchanged files are not read.

    Kept per project root in the cache; files not seen in a run are dropped from it.
    """

    def __init__(self, cache: cache_mod.Cache, root: Path | None) -> None:
        self.cache = cache if root is not None else None
        self.key = cache_mod.make_key("manifest", str(root).encode())
        stored = self.cache.get(self.key) if self.cache is not None else None
        self.entries: dict[str, tuple[int, int, int, str]] = (
            stored if isinstance(stored, dict) else {}
        )
        self.seen: set[str] = set()
        self.changed = False

    def digest(self, path: Path, max_size: int) -> str | None:
        name = str(path)
        self.seen.add(name)
        try:
            st = os.stat(path)
            if st.st_size > max_size:
                return None
            known = self.entries.get(name)
            if known is not None and known[:3] == (st.st_mtime_ns, st.st_size, st.st_ino):
                return known[3]
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        self.entries[name] = (st.st_mtime_ns, st.st_size, st.st_ino, digest)
        self.changed = True
        return digest

    def record(self, path: Path, digest: str) -> None:
        """`path` now holds bytes of `digest` (just written): the next run need not hash it."""
        try:
            st = os.stat(path)
        except OSError:
            return
        self.entries[str(path)] = (st.st_mtime_ns, st.st_size, st.st_ino, digest)
        self.seen.add(str(path))
        self.changed = True

    def save(self) -> None:
        if self.cache is None:
            return
        kept = {name: self.entries[name] for name in self.seen if name in self.entries}
        if self.changed or len(kept) != len(self.entries):
            self.cache.put(self.key, kept)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _notebook_findings(unit: _Unit, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Findings on the joined code → 'cell N' positions a person can find in Jupyter."""
    out = []
    for f in findings:
        cell, line = unit.notebook.locate(f.line)
        bad = unit.notebook.syntax_error() if f.rule == PARSE_ERROR else None
        if bad is not None:  # the cell Python itself rejects, not where the joined parse gave up
            cell, line, col, detail = bad
            f = replace(f, col=col, message=f"does not parse: {detail}")
        out.append(replace(f, line=line, message=f"cell {cell + 1}: {f.message}"))
    return tuple(out)


def _file_result(unit: _Unit, result: SourceResult, cached: bool) -> FileResult:
    findings = tuple(
        f if f.path == unit.display else replace(f, path=unit.display) for f in result.findings
    )
    new_text = result.code
    if unit.notebook is not None:
        from tf1migrate import notebooks

        findings = _notebook_findings(unit, findings)
        try:
            new_text = notebooks.replace_code(unit.source.text, unit.notebook, result.code)
        except notebooks.NotebookError as exc:
            return FileResult(
                unit.display,
                FileStatus.ERROR,
                findings=(_error(unit.display, INTERNAL_ERROR, str(exc)), *findings),
            )
    changed = new_text != unit.source.text
    status = FileStatus.CHANGED if changed else FileStatus.UNCHANGED
    if any(f.severity == Severity.ERROR for f in findings):
        status = FileStatus.ERROR
    return FileResult(
        path=unit.display,
        status=status,
        original=unit.source.text if changed else None,
        migrated=new_text if changed else None,
        findings=tuple(sorted(findings)),
        layers=result.layers,
        upgrades=result.upgrades,
        tf1_debt=result.tf1_debt,
        cached=cached,
        decisions=result.decisions,
    )


def run_migrate(
    paths: Sequence[str | os.PathLike[str]],
    options: Options | None = None,
    mode: str = "write",
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    *,
    config: Config | None = None,
    stages: Stages | None = None,
    verbose: bool = False,
    before_write: Callable[[list[Path]], None] | None = None,
) -> RunResult:
    """Migrate `paths` (files or directories); `mode` is "write", "check" or "diff".

    Returns results sorted by path. Nothing is written unless mode == "write";
    `before_write` sees the files about to be rewritten and may raise to write none.
    """
    if mode not in ("write", "check", "diff"):
        raise ValueError(f"mode must be write, check or diff, not {mode!r}")
    started = time.perf_counter()
    config = config or Config()
    options = options or config.options()
    found: Discovery = discover(paths, config)
    run_findings = list(found.findings)
    if mode == "write":
        clean_temp_files(found.targets)

    stages = stages or DEFAULT_STAGES
    with _Run(found, options, config, stages, jobs, use_cache, progress, verbose) as run:
        targets = set(found.targets)
        units: dict[Path, _Unit] = {}
        results: dict[Path, FileResult] = {}
        for path in found.project:
            if path in targets:
                loaded = _load_target(path, found.root, config.max_file_size)
            else:
                loaded = _peek_unit(path, found.root, config.max_file_size, run.manifest)
            if isinstance(loaded, _Unit):
                units[path] = loaded
            elif loaded is not None:
                status = (
                    FileStatus.SKIPPED if loaded.severity != Severity.ERROR else FileStatus.ERROR
                )
                results[path] = FileResult(loaded.path, status, findings=(loaded,))
        try:
            summaries = run.pass_one(units.values())
            todo = [units[p] for p in found.targets if p in units]
            results.update(run.pass_two(todo, summaries, learn=mode == "write"))
        except _RunAborted as aborted:  # rules or index unusable: one finding, not one per file
            run_findings.append(aborted.finding)
            files = sorted(results.values(), key=lambda r: r.path)
            return RunResult(
                tuple(files), tuple(sorted(run_findings)), time.perf_counter() - started, mode
            )

        if mode == "write":
            changed = [p for p, r in results.items() if r.status == FileStatus.CHANGED]
            if before_write is not None and changed:
                before_write(sorted(changed))  # the dirty-tree guard raises here
            sources = {path: units[path].source for path in changed}
            write_changed(results, sources, progress or _no_progress)
            written = [p for p in changed if results[p].status == FileStatus.CHANGED]
            run.learn([units[p] for p in written], summaries, todo)

    files = sorted(results.values(), key=lambda r: r.path)
    return RunResult(
        tuple(files), tuple(sorted(run_findings)), time.perf_counter() - started, mode
    )


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _common_dir(paths: Sequence[Path]) -> Path | None:
    if not paths:
        return None
    common = Path(os.path.commonpath([str(p) for p in paths]))
    return common if common.is_dir() else common.parent


@dataclass
class _Summary:
    """One module's pass-1 answer: its fingerprint always, the summary itself on demand.

    Unpickling a summary imports the engine (and LibCST); an unchanged re-run only needs
    the fingerprints, so it never pays for that import.
    """

    key: str
    fingerprint: str  # "" when the file does not parse (it is left out of the index)
    unit: _Unit
    value: Any = None


class _Run:
    """What both passes share: cache, stages, worker budget, options; cleans up on exit."""

    def __init__(
        self,
        found: Discovery,
        options: Options,
        config: Config,
        stages: Stages,
        jobs: int | None,
        use_cache: bool,
        progress: Progress | None,
        verbose: bool,
    ) -> None:
        self.root = found.root
        self.options, self.config, self.stages, self.verbose = options, config, stages, verbose
        self.cache = cache_mod.Cache.for_root(found.root or _common_dir(found.targets), use_cache)
        self.packs = cache_mod.rule_packs_fingerprint(options.rule_packs)
        self.options_fp = cache_mod.fingerprint(options)
        self.report = progress or _no_progress
        self.jobs = jobs or os.cpu_count() or 1
        self.budget = Budget(float(config.file_timeout), config.file_memory_mb)
        self._rules: RuleSet | None = None
        self._linked: tuple[ProjectIndex, RuleSet] | None = None
        # file -> (its options, the rewrite proven a fixpoint): for `learn`
        self._fixpoints: dict[Path, tuple[Options, SourceResult]] = {}
        # files whose pass 1 ran out of time or memory, or crashed: pass 2 would again
        self._failed_first: dict[Path, Failure] = {}
        self.manifest = _Manifest(self.cache, found.root)
        self._blobs = tempfile.TemporaryDirectory(prefix="tf1migrate-")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.manifest.save()
        self.cache.sweep()
        self._blobs.cleanup()
        _WORKER.clear()

    def _share(self, name: str, **data: Any) -> str:
        """Pickle data for the workers once, into a file they load once per process."""
        blob = os.path.join(self._blobs.name, f"{name}.pkl")
        with open(blob, "wb") as handle:
            pickle.dump(data, handle)
        return blob

    def rules(self) -> RuleSet:
        if self._rules is None:
            self._rules = _load_rules(self.stages, self.options, self.verbose)
        return self._rules

    def _map(self, task: _Task, items: Sequence[Any], stage: str) -> list[Any]:
        """`task` over `items` in guarded workers (see `tf1migrate.workers`)."""
        with GuardedPool(task, self.jobs, self.budget) as pool:
            return pool.map(items, self._ticker(stage, len(items)))

    def _ticker(self, stage: str, total: int) -> Callable[[], None]:
        done = [0]

        def tick() -> None:
            done[0] += 1
            self.report(stage, done[0], total)

        return tick

    # -- pass 1

    def pass_one(self, units: Iterable[_Unit]) -> dict[str, _Summary]:
        """Summary fingerprints for every project file, from the cache where possible."""
        entries: dict[str, _Summary] = {}
        misses: list[_Summary] = []
        for unit in units:
            key = self._summary_key(unit.digest, unit.module)
            fingerprint = self.cache.get(key + ".fp")
            entry = _Summary(key, fingerprint if isinstance(fingerprint, str) else "", unit)
            entries[unit.module] = entry
            if not isinstance(fingerprint, str):
                misses.append(entry)
        if misses:
            self._summarize(misses)
        return entries

    def _summarize(self, todo: list[_Summary]) -> None:
        """Run pass 1 on `todo` and cache the answers (and their fingerprints)."""
        rules = self.rules()
        readable = []
        for entry in todo:
            try:
                entry.unit.load()
                readable.append(entry)
            except _UnitError:  # not indexed; reported if it is ever migrated
                entry.value, entry.fingerprint = None, ""
                self.cache.put(entry.key + ".fp", "")
        todo = readable
        answers = self._map(
            _Task(_summarize_task, (self.stages, self._share("rules", rules=rules))),
            [(e.unit.code, e.unit.module, e.unit.display) for e in todo],
            "index",
        )
        for entry, answer in zip(todo, answers):
            if isinstance(answer, Failure):  # the file does not count; pass 2 reports it
                if answer.kind != "error":
                    self._failed_first[entry.unit.path] = answer
                answer = None
            entry.value, entry.fingerprint = answer if answer is not None else (None, "")
            if answer is not None:
                self.cache.put(entry.key, entry.value)
            self.cache.put(entry.key + ".fp", entry.fingerprint)

    def _project_index(self, entries: dict[str, _Summary]) -> tuple[ProjectIndex, RuleSet]:
        """(ProjectIndex, rules): summaries from the cache, recomputing any lost entry."""
        lost = []
        for entry in entries.values():
            if entry.fingerprint and entry.value is None:
                entry.value = self.cache.get(entry.key)
                if entry.value is None:
                    lost.append(entry)
        if lost:
            self._summarize(lost)
        summaries = [entries[m].value for m in sorted(entries) if entries[m].value is not None]
        rules = self.rules()
        try:
            return self.stages.link(summaries, self.options, rules), rules
        except Exception as exc:
            if self.verbose:
                traceback.print_exc()
            raise _RunAborted(
                _error(
                    "<tf1migrate>",
                    INTERNAL_ERROR,
                    f"internal error while building the project index ({type(exc).__name__}: {exc}); "
                    "nothing was written. Please report it",
                )
            ) from exc

    # -- pass 2

    def pass_two(
        self, todo: list[_Unit], summaries: dict[str, _Summary], learn: bool = False
    ) -> dict[Path, FileResult]:
        """Migrated results for the target files; the project index is only built on a miss.

        A result is cached under its file's bytes, options and *view* of the index (what
        its rewrite reads), so an edit elsewhere that leaves that view alone keeps it. The
        views' fingerprints are cached per index, so a warm run links nothing.
        """
        index_fp = cache_mod.fingerprint(sorted((m, e.fingerprint) for m, e in summaries.items()))
        per_file = _PerFileIgnores(self.config, self.root)
        views_key = cache_mod.make_key("views", index_fp.encode(), self.packs, self.options_fp)
        stored = self.cache.get(views_key)
        view_fps: dict[str, str] = stored if isinstance(stored, dict) else {}
        if any(unit.module not in view_fps for unit in todo):
            self._link(summaries)
            view_fps = {**view_fps, **self._view_fingerprints(summaries, todo)}
            self.cache.put(views_key, view_fps)
        results: dict[Path, FileResult] = {}
        misses: list[tuple[str, _Unit, Options]] = []
        for unit in todo:
            options = per_file.options_for(unit.path, self.options)
            key = self._result_key(unit, options, view_fps[unit.module])
            hit = self.cache.get(key)
            if isinstance(hit, SourceResult):
                results[unit.path] = _file_result(unit, hit, cached=True)
            else:
                misses.append((key, unit, options))
        for key, unit, options in list(misses):
            failure = self._failed_first.get(unit.path)
            if failure is not None:  # the same file would fail the same way in pass 2
                misses.remove((key, unit, options))
                results[unit.path] = self._failure_result(
                    unit, _failed(unit.display, failure, self.budget)
                )
        if not misses:
            return results
        project, rules = self._link(summaries)
        work: list[tuple[str, _Unit, Options, Any]] = []
        for key, unit, options in misses:
            view = self.stages.view(project, unit.module)
            answer = None
            if self._indexed(unit, summaries):  # pass 1 may prove pass 2 has nothing to do
                summary = summaries[unit.module].value
                answer = self.stages.triage(
                    unit.code, summary=summary, view=view, path=unit.display,
                    options=options, rules=rules,
                )
            if answer is not None:
                self.cache.put(key, answer)
                results[unit.path] = _file_result(unit, answer, cached=False)
            else:
                work.append((key, unit, options, view))
        if not work:
            return results
        blob = self._share("migrate", rules=rules)
        answers = self._map(
            _Task(_migrate_task, (self.stages, blob), (self.verbose,)),
            [
                (u.code, u.module, u.display, o, v, self._indexed(u, summaries), learn)
                for _, u, o, v in work
            ],
            "migrate",
        )
        for (key, unit, options, _), outcome in zip(work, answers):
            answer, after = outcome if isinstance(outcome, tuple) else (outcome, None)
            if isinstance(answer, SourceResult):
                self.cache.put(key, answer)
                results[unit.path] = _file_result(unit, answer, cached=False)
                if answer.fixpoint is not None:
                    self._fixpoints[unit.path] = (options, answer)
                    if after is not None and unit.notebook is None:
                        summary_key = self._summary_key(
                            _digest(unit.source.render(answer.code)), unit.module
                        )
                        self.cache.put(summary_key, after[0])
                        self.cache.put(summary_key + ".fp", after[1])
            else:
                if isinstance(answer, Failure):
                    answer = _failed(unit.display, answer, self.budget)
                results[unit.path] = self._failure_result(unit, answer)
        return results

    # -- after the write

    def learn(
        self, written: list[_Unit], summaries: dict[str, _Summary], todo: list[_Unit]
    ) -> None:
        """Cache what migrating each written file's new text would answer (tf1migrate.learn).

        Each written file's new summary (pass 1 of the new text, computed by its worker)
        goes into a new index; the views of that index are cached as a warm run will look
        them up, and each written file gets the answer its rewrite's self-check proved,
        under its new bytes and view. A file whose answer cannot be known is left out: the
        next run migrates it as usual.
        """
        entries = dict(summaries)
        learnt: list[tuple[_Unit, Options, SourceResult]] = []
        for unit in written:
            known = self._fixpoints.get(unit.path)
            if known is None or unit.notebook is not None:
                continue  # a notebook's next run reads its cells back: not known here
            options, answer = known
            if not self._relearnable(unit, answer):
                continue
            data = unit.source.render(answer.code)
            key = self._summary_key(_digest(data), unit.module)
            summary, fingerprint = self.cache.get(key), self.cache.get(key + ".fp")
            if summary is None or not isinstance(fingerprint, str) or not fingerprint:
                continue
            new_unit = _Unit(unit.path, unit.display, unit.module, _digest(data))
            entries[unit.module] = _Summary(key, fingerprint, new_unit, summary)
            self.manifest.record(unit.path, new_unit.digest)
            learnt.append((new_unit, options, answer))
        if not learnt:
            return
        try:
            project, _ = self._project_index(entries)
        except _RunAborted:
            return
        index_fp = cache_mod.fingerprint(sorted((m, e.fingerprint) for m, e in entries.items()))
        views_key = cache_mod.make_key("views", index_fp.encode(), self.packs, self.options_fp)
        modules = {m for m, e in entries.items() if e.fingerprint} | {u.module for u in todo}
        views = {m: self.stages.view(project, m) for m in sorted(modules)}
        view_fps = {m: cache_mod.fingerprint(v) for m, v in views.items()}
        self.cache.put(views_key, view_fps)
        for unit, options, answer in learnt:
            assert answer.fixpoint is not None
            known_answer = self.stages.learn(
                answer.code, answer.fixpoint, after=views[unit.module],
                path=unit.display, options=options,
            )
            if known_answer is not None:
                key = self._result_key(unit, options, view_fps[unit.module])
                self.cache.put(key, known_answer)

    @staticmethod
    def _relearnable(unit: _Unit, answer: SourceResult) -> bool:
        """The new text reads back as exactly the text proven a fixpoint."""
        data = unit.source.render(answer.code)
        try:
            text, _, _ = decode_source(data, unit.path)
        except Exception:  # noqa: BLE001 - not decodable the way it was written: do not learn
            return False
        newline = detect_newline(text)
        if newline in ("\r\n", "\r"):
            text = text.replace(newline, "\n")
        return text == answer.code

    def _summary_key(self, digest: str, module: str) -> str:
        return cache_mod.make_key("summary", digest.encode(), self.packs, self.options_fp, module)

    @staticmethod
    def _indexed(unit: _Unit, summaries: dict[str, _Summary]) -> bool:
        """Pass 1 summarised this file's text (so it is within CPython's nesting limits)."""
        entry = summaries.get(unit.module)
        return entry is not None and entry.unit is unit and bool(entry.fingerprint)

    def _result_key(self, unit: _Unit, options: Options, view_fp: str) -> str:
        return cache_mod.make_key(
            "result",
            unit.digest.encode(),
            self.packs,
            cache_mod.fingerprint(options),
            view_fp,
            unit.module,
        )

    def _link(self, summaries: dict[str, _Summary]) -> tuple[ProjectIndex, RuleSet]:
        """The project index (built once per run) and the rules."""
        if self._linked is None:
            self._linked = self._project_index(summaries)
        return self._linked

    def _view_fingerprints(
        self, summaries: dict[str, _Summary], todo: Iterable[_Unit]
    ) -> dict[str, str]:
        """module -> fingerprint of its view, for every indexed module and every target."""
        project, _ = self._link(summaries)
        modules = {m for m, e in summaries.items() if e.fingerprint} | {u.module for u in todo}
        return {m: cache_mod.fingerprint(self.stages.view(project, m)) for m in sorted(modules)}

    @staticmethod
    def _failure_result(unit: _Unit, finding: Finding) -> FileResult:
        findings = (finding,)
        if unit.notebook is not None:
            findings = _notebook_findings(unit, findings)
        return FileResult(unit.display, FileStatus.ERROR, findings=findings)


def exit_code(result: RunResult) -> int:
    """2 if anything could not be processed, 1 if check/diff found pending changes, else 0."""
    if any(f.severity == Severity.ERROR for f in result.findings) or any(
        r.status == FileStatus.ERROR or any(f.severity == Severity.ERROR for f in r.findings)
        for r in result.files
    ):
        return 2
    if result.mode != "write" and any(r.status == FileStatus.CHANGED for r in result.files):
        return 1
    return 0
