"""`run_verify`: discover wrappers, resolve specs and sources, run children, fold results.

Per layer, a reference child (the original in a TF1 graph) and a migrated child (the
wrapper, eager, Keras 3) run in separate processes. For names and shapes alone they run
side by side; with numerics the migrated child starts when its reference's weights and
outputs are saved. Up to ``jobs`` children run at once; nothing here imports TensorFlow.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf1migrate.verify import specs as spec_mod
from tf1migrate.verify.compare import Comparison, compare_variables, compare_with_checkpoint
from tf1migrate.verify.discover import discover_wrappers
from tf1migrate.verify.infer import infer_from_call_sites, infer_from_docstring
from tf1migrate.verify.model import (
    CallSpec,
    LayerResult,
    ReferenceKind,
    Status,
    VariableInfo,
    VerifyResult,
    WrapperTarget,
)
from tf1migrate.verify.original import OriginalSourceError, OriginalTree, git_toplevel, resolve_original
from tf1migrate.verify.workers import ChildOutcome, run_child

SEED = 20240601
DEFAULT_MEMORY_LIMIT_MB = 8192


def graph_mode() -> str:
    """"tf-keras" when tf-keras is installed (checked without importing it), else "tf1compat".

    ``TF1MIGRATE_VERIFY_GRAPH_MODE=tf1compat`` forces tf1compat's layers even with tf-keras
    installed (to check a migration against the runtime's own graph mode).
    """
    forced = os.environ.get("TF1MIGRATE_VERIFY_GRAPH_MODE")
    if forced in ("tf-keras", "tf1compat"):
        return forced
    return "tf-keras" if importlib.util.find_spec("tf_keras") is not None else "tf1compat"


@dataclass
class _Plan:
    """One layer's work: what to run and what is already known."""

    target: WrapperTarget
    result: LayerResult
    spec: CallSpec | None = None
    original_root: Path | None = None
    reference: ChildOutcome | None = None
    migrated: ChildOutcome | None = None
    workdir: Path | None = None


def run_verify(
    paths: Sequence[str | os.PathLike[str]],
    *,
    base: str | None = None,
    original: str | os.PathLike[str] | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    numerics: bool | None = None,
    training: bool = False,
    rtol: float = 1e-5,
    atol: float = 1e-5,
    timeout: float = 300,
    memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
    jobs: int | None = None,
    emit_tests: str | os.PathLike[str] | None = None,
    select: Sequence[str] | None = None,
) -> VerifyResult:
    """Verify every generated wrapper under ``paths`` against its TF1 original or a checkpoint.

    ``select`` keeps only layers whose "module:ClassName" or "module:qualname" is listed.
    """
    started = time.monotonic()
    paths = [Path(p) for p in paths] or [Path.cwd()]
    result = VerifyResult()
    targets, problems = discover_wrappers(paths)
    result.messages += problems
    if select:
        targets = [t for t in targets if t.label in select or t.key in select]
    if not targets:
        result.messages.append(f"no generated wrappers found under {', '.join(map(str, paths))}")
        result.seconds = time.monotonic() - started
        return result
    migrated_root = _project_root(paths[0])
    use_numerics = numerics if numerics is not None else checkpoint is None
    tree: OriginalTree | None = None
    if checkpoint is None or original is not None or base is not None:
        try:
            tree, notes = resolve_original(
                sorted({Path(t.path) for t in targets}), migrated_root, base=base,
                original=str(original) if original is not None else None,
            )
            result.messages += notes
            result.original = tree.description if tree else None
        except OriginalSourceError as exc:
            result.messages.append(str(exc))
            if checkpoint is None:
                result.layers = [_layer_result(t, Status.ERROR, [str(exc)]) for t in targets]
                result.seconds = time.monotonic() - started
                return result
    scratch = Path(tempfile.mkdtemp(prefix="tf1migrate-verify-"))
    try:
        plans = [_plan(t, tree, migrated_root, checkpoint) for t in targets]
        runnable = [p for p in plans if p.spec is not None and p.result.status is Status.VERIFIED]
        settings = _Settings(
            checkpoint=str(Path(checkpoint).resolve()) if checkpoint else None,
            numerics=use_numerics and checkpoint is None,
            training=training, rtol=rtol, atol=atol, timeout=timeout,
            memory_limit_mb=memory_limit_mb, graph_mode=graph_mode(),
        )
        _execute(runnable, settings, scratch, jobs or os.cpu_count() or 1)
        for plan in runnable:
            _conclude(plan, settings)
        result.layers = [p.result for p in plans]
        if emit_tests is not None:
            from tf1migrate.verify.emit import emit_tests as write_tests

            written = write_tests(
                Path(emit_tests), targets, tree=tree, base=base,
                checkpoint=settings.checkpoint, numerics=settings.numerics, training=training,
                rtol=rtol, atol=atol,
            )
            result.messages += [f"wrote {path}" for path in written]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if tree is not None:
            tree.cleanup()
    result.seconds = time.monotonic() - started
    return result


@dataclass(frozen=True)
class _Settings:
    checkpoint: str | None
    numerics: bool
    training: bool
    rtol: float
    atol: float
    timeout: float
    memory_limit_mb: int | None
    graph_mode: str


def _project_root(path: Path) -> Path:
    pyproject = spec_mod.find_pyproject(path if path.is_dir() else path.parent)
    if pyproject is not None:
        return pyproject.parent.resolve()
    return git_toplevel(path) or (path if path.is_dir() else path.parent).resolve()


def _layer_result(target: WrapperTarget, status: Status, messages: list[str]) -> LayerResult:
    return LayerResult(
        layer=target.label, wraps=target.key, path=target.path, line=target.line,
        status=status, messages=list(messages),
    )


def _plan(target: WrapperTarget, tree: OriginalTree | None, migrated_root: Path, checkpoint: Any) -> _Plan:
    """Resolve the spec and the original's location; a plan that cannot run says why."""
    plan = _Plan(target, _layer_result(target, Status.VERIFIED, []))
    original_root = None
    if tree is not None:
        try:
            original_root = tree.counterpart(Path(target.import_root))
        except ValueError:
            plan.result.status = Status.ERROR
            plan.result.messages.append(f"{target.path} is outside {tree.mirror_of}, the tree the original mirrors")
            return plan
    plan.original_root = original_root
    try:
        plan.spec = resolve_spec(target, migrated_root, original_root)
    except spec_mod.SpecError as exc:
        plan.result.status = Status.ERROR
        plan.result.messages.append(str(exc))
        return plan
    missing = spec_mod.missing_arguments(target, plan.spec or CallSpec(args={}, inputs={}))
    if plan.spec is None or missing:
        plan.result.status = Status.NOT_VERIFIED
        plan.result.snippet = spec_mod.render_snippet(target, plan.spec)
        detail = f" (missing {', '.join(missing)})" if missing else ""
        plan.result.messages.append(
            f"not verified: no input spec{detail}; add to {migrated_root / 'pyproject.toml'}:\n{plan.result.snippet}"
        )
        plan.spec = None
        return plan
    plan.result.spec_source = plan.spec.source
    if original_root is None and checkpoint is None:
        plan.result.status = Status.NOT_VERIFIED
        plan.result.messages.append("not verified: no reference; pass --base REV, --original DIR or --checkpoint PATH")
        plan.spec = None
    return plan


def resolve_spec(target: WrapperTarget, migrated_root: Path, original_root: Path | None) -> CallSpec | None:
    """pyproject (migrated, then original) → placeholder call sites → docstring → None."""
    for pyproject in _pyprojects(migrated_root, original_root, target):
        tables = spec_mod.load_verify_tables(pyproject)
        if target.key in tables:
            return spec_mod.parse_call_spec(tables[target.key], target.key)
    roots = [r for r in (original_root, Path(target.import_root)) if r is not None and r.is_dir()]
    for infer in (infer_from_call_sites, infer_from_docstring):
        for root in roots:
            spec = infer(target, root)
            if spec is not None:
                return spec
    return None


def _pyprojects(migrated_root: Path, original_root: Path | None, target: WrapperTarget) -> list[Path]:
    found = [migrated_root / "pyproject.toml"]
    nearest = spec_mod.find_pyproject(Path(target.path).parent)
    if nearest is not None and nearest not in found:
        found.append(nearest)
    if original_root is not None:
        candidate = spec_mod.find_pyproject(original_root)
        if candidate is not None and candidate not in found:
            found.append(candidate)
    return [p for p in found if p.is_file()]


def _execute(plans: list[_Plan], settings: _Settings, scratch: Path, jobs: int) -> None:
    """Run every child, at most ``jobs`` at a time.

    Wrappers of the same callable with the same spec share one reference child. A migrated
    child that needs its reference's weights is submitted when that reference finishes.
    """
    if not plans:
        return
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending: dict[Future[ChildOutcome], tuple[list[_Plan], str]] = {}

        def submit(group: list[_Plan], kind: str, job: dict[str, Any], workdir: Path) -> None:
            env = _child_env(legacy=kind == "reference" and settings.graph_mode == "tf-keras")
            future = pool.submit(
                run_child, job, workdir, timeout=settings.timeout,
                memory_limit_mb=settings.memory_limit_mb, env=env,
            )
            pending[future] = (group, kind)

        references: dict[str, list[_Plan]] = {}
        for index, plan in enumerate(plans):
            plan.workdir = scratch / f"{index:04d}"
            if settings.checkpoint is None:
                key = json.dumps(_job(plan, "reference", settings), sort_keys=True)
                references.setdefault(key, []).append(plan)
        for group in references.values():
            first = group[0]
            assert first.workdir is not None
            submit(group, "reference", _job(first, "reference", settings), first.workdir / "reference")
        for plan in plans:
            if settings.checkpoint is not None or not settings.numerics:
                assert plan.workdir is not None
                submit([plan], "migrated", _job(plan, "migrated", settings), plan.workdir / "migrated")
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in done:
                group, kind = pending.pop(future)
                outcome = future.result()
                for plan in group:
                    assert plan.workdir is not None
                    if kind == "reference":
                        plan.reference = outcome
                        if settings.numerics and outcome.ok:
                            submit([plan], "migrated", _job(plan, "migrated", settings), plan.workdir / "migrated")
                    else:
                        plan.migrated = outcome


def _child_env(*, legacy: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)
    if legacy:
        env["TF_USE_LEGACY_KERAS"] = "1"
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    return env


def _job(plan: _Plan, kind: str, settings: _Settings) -> dict[str, Any]:
    target, spec = plan.target, plan.spec
    assert spec is not None
    training_values = list(spec.training) if settings.training else [False]
    if settings.training and True not in training_values:
        training_values.append(True)
    job: dict[str, Any] = {
        "kind": kind,
        "module": target.module,
        "wraps": target.wraps,
        "args": spec.args,
        "inputs": {name: _tensor_json(t) for name, t in spec.inputs.items()},
        "training": training_values if target.has_training else [False],
        "training_kwarg": target.training_kwarg,
        "training_position": target.training_position,
        "output_attributes": [list(pair) for pair in target.output_attributes],
        "seed": SEED,
        "numerics": settings.numerics,
        "rtol": settings.rtol,
        "atol": settings.atol,
    }
    if kind == "reference":
        assert plan.original_root is not None
        job.update(import_root=str(plan.original_root), graph_mode=settings.graph_mode, cwd=str(plan.original_root))
    else:
        job.update(
            args=spec_mod.wrapper_args(target, spec),
            import_root=target.import_root,
            cwd=target.import_root,
            class_name=target.class_name,
            init_params=[p.name for p in target.init_params if not p.variadic],
            call_params=[p.name for p in target.call_params],
            has_training=target.has_training,
            checkpoint=settings.checkpoint,
            reference=plan.reference.result if plan.reference is not None else None,
        )
    return job


def _tensor_json(spec: Any) -> dict[str, Any]:
    return {"dtype": spec.dtype, "shape": list(spec.shape), "minval": spec.minval, "maxval": spec.maxval}


def _variables(records: list[dict[str, Any]]) -> list[VariableInfo]:
    return [VariableInfo.from_json(r) for r in records]


def _conclude(plan: _Plan, settings: _Settings) -> None:
    """Fold the children's answers into the layer's status and messages."""
    result = plan.result
    children = [o for o in (plan.reference, plan.migrated) if o is not None]
    if children:  # wall time: the two children overlap when no numerics are run
        result.seconds = max(o.started + o.seconds for o in children) - min(o.started for o in children)
    if settings.checkpoint is not None:
        result.reference = ReferenceKind.CHECKPOINT
    elif settings.graph_mode == "tf-keras":
        result.reference = ReferenceKind.GRAPH_TF_KERAS
    else:
        result.reference = ReferenceKind.GRAPH_TF1COMPAT
    failures = [
        (side, outcome)
        for side, outcome in (("reference", plan.reference), ("migrated", plan.migrated))
        if outcome is not None and not outcome.ok
    ]
    if failures:
        result.status = Status.ERROR
        result.messages += [f"{side} child failed {outcome.error}" for side, outcome in failures]
        return
    if plan.migrated is None:
        result.status = Status.ERROR
        result.messages.append("the migrated child did not run")
        return
    migrated_vars = _variables(plan.migrated.result["variables"])
    result.variables = len(migrated_vars)
    result.params = sum(_size(v.shape) for v in migrated_vars)
    comparison: Comparison
    if settings.checkpoint is not None:
        comparison = compare_with_checkpoint(_variables(plan.migrated.result["checkpoint_variables"]), migrated_vars)
        result.checkpoint_load = plan.migrated.result.get("checkpoint_load")
        if comparison.ignored:
            result.messages.append(f"{len(comparison.ignored)} checkpoint entries outside this layer ignored")
    else:
        assert plan.reference is not None
        comparison = compare_variables(_variables(plan.reference.result["variables"]), migrated_vars)
    result.missing, result.unexpected = comparison.missing, comparison.unexpected
    result.names_ok = not comparison.missing and not comparison.unexpected
    result.messages += comparison.messages
    numerics = plan.migrated.result.get("numerics")
    if numerics is not None:
        result.max_abs_diff = numerics.get("max_abs_diff")
        result.messages += numerics.get("messages", []) + numerics.get("notes", [])
    mismatch = not comparison.ok or bool(numerics and numerics.get("messages"))
    result.status = Status.MISMATCH if mismatch else Status.VERIFIED


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= max(dim, 0)
    return size

