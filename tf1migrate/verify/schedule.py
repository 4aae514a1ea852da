"""Run the children of many layers, at most ``jobs`` at a time.

Wrappers of the same callable with the same spec share one reference child. Reference and
migrated children run side by side; with numerics the migrated child builds its layer, then
waits for the marker the parent writes when the reference has exited, and reads the
reference's weights, inputs and outputs from there.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf1migrate.verify import specs as spec_mod
from tf1migrate.verify.model import flatten_inputs
from tf1migrate.verify.planning import LayerPlan
from tf1migrate.verify.workers import ChildOutcome, kill_all, run_batch

#: Seed of the graph and of the generated inputs, so every run feeds the same numbers.
SEED = 20240601
#: Written by the parent into a reference's work directory when that child has exited.
REFERENCE_DONE = "reference_done.json"


@dataclass(frozen=True)
class RunSettings:
    """The options every child of one run shares."""

    checkpoint: str | None
    numerics: bool
    training: bool
    rtol: float
    atol: float
    timeout: float
    memory_limit_mb: int | None
    graph_mode: str  # "tf-keras" | "tf1compat"


def execute(plans: list[LayerPlan], settings: RunSettings, scratch: Path, jobs: int) -> None:
    """Fill ``plan.reference`` and ``plan.migrated`` for every plan.

    Layers run in batches: one child per side per batch (TensorFlow is imported once per
    batch, not once per layer). With ``jobs`` slots there are ``jobs // 2`` batches, so each
    batch's reference and migrated children run side by side. Every reference batch is
    queued before any migrated one, so a migrated child waiting for its reference's weights
    (numerics) never holds the slot that reference needs.
    """
    if not plans:
        return
    references: dict[str, list[LayerPlan]] = {}
    for index, plan in enumerate(plans):
        plan.workdir = scratch / f"{index:04d}"
        if settings.checkpoint is None:
            key = json.dumps(build_job(plan, "reference", settings), sort_keys=True)
            references.setdefault(key, []).append(plan)
    first_of = {}
    for group in references.values():
        first_of[id(group[0])] = group
        for plan in group:
            plan.reference_dir = _workdir(group[0], "reference")
    count = max(1, min(len(plans), jobs // 2 if settings.checkpoint is None else jobs))
    size = -(-len(plans) // count)
    chunks = [plans[i : i + size] for i in range(0, len(plans), size)]
    batches: list[tuple[str, list[list[LayerPlan]], list[dict[str, Any]]]] = []
    for chunk in chunks:
        groups = [first_of[id(plan)] for plan in chunk if id(plan) in first_of]
        reference_jobs = [_reference_job(group[0], settings) for group in groups]
        for part in _without_module_clashes(list(zip(groups, reference_jobs, strict=True))):
            batches.append(("reference", [g for g, _ in part], [j for _, j in part]))
    for chunk in chunks:
        migrated_jobs = [_migrated_job(plan, settings) for plan in chunk]
        pairs = [([plan], job) for plan, job in zip(chunk, migrated_jobs, strict=True)]
        for part in _without_module_clashes(pairs):
            batches.append(("migrated", [g for g, _ in part], [j for _, j in part]))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures: dict[Future[list[ChildOutcome]], tuple[str, list[list[LayerPlan]]]] = {}
        for kind, groups, batch_jobs in batches:
            future = pool.submit(
                run_batch,
                batch_jobs,
                scratch / f"{kind}-batch-{len(futures):02d}",
                memory_limit_mb=settings.memory_limit_mb,
                env=child_env(legacy=kind == "reference" and settings.graph_mode == "tf-keras"),
            )
            futures[future] = (kind, groups)
        try:
            for future, (kind, groups) in futures.items():
                for group, outcome in zip(groups, future.result(), strict=True):
                    for plan in group:
                        setattr(plan, kind, outcome)
        except BaseException:  # Ctrl-C or a bug here: leave no child running behind us
            pool.shutdown(wait=False, cancel_futures=True)
            kill_all()
            raise


def _reference_job(plan: LayerPlan, settings: RunSettings) -> dict[str, Any]:
    workdir = _workdir(plan, "reference")
    job = build_job(plan, "reference", settings)
    job.update(workdir=str(workdir), timeout=settings.timeout)
    job["done_marker"] = str(workdir / REFERENCE_DONE)
    return job


def _migrated_job(plan: LayerPlan, settings: RunSettings) -> dict[str, Any]:
    job = build_job(plan, "migrated", settings)
    # waiting for the reference's weights counts against the layer's time limit
    timeout = settings.timeout * (2 if settings.numerics else 1)
    job.update(workdir=str(_workdir(plan, "migrated")), timeout=timeout)
    return job


def _without_module_clashes(pairs: list[Any]) -> list[list[Any]]:
    """Split ``(plans, job)`` pairs so no batch imports one module name from two roots
    (``model`` from ``src/`` and from ``tools/``): one interpreter holds one ``model``."""
    parts: list[list[Any]] = []
    roots: list[dict[str, str]] = []
    for pair in pairs:
        job = pair[1]
        for part, seen in zip(parts, roots, strict=True):
            if seen.get(job["module"], job["import_root"]) == job["import_root"]:
                part.append(pair)
                seen[job["module"]] = job["import_root"]
                break
        else:
            parts.append([pair])
            roots.append({job["module"]: job["import_root"]})
    return parts


def _workdir(plan: LayerPlan, kind: str) -> Path:
    assert plan.workdir is not None
    return plan.workdir / kind


def child_env(*, legacy: bool) -> dict[str, str]:
    """The parent's environment, with tf-keras's legacy layers only where asked for."""
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)
    if legacy:
        env["TF_USE_LEGACY_KERAS"] = "1"
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    return env


def build_job(plan: LayerPlan, kind: str, settings: RunSettings) -> dict[str, Any]:
    """The job document a child reads (see reference_child.py and migrated_child.py)."""
    target, spec = plan.target, plan.spec
    assert spec is not None
    leaves, structure = flatten_inputs(spec.inputs)
    flags = list(spec.training) if settings.training else [False]
    if settings.training and True not in flags:
        flags.append(True)
    job: dict[str, Any] = {
        "kind": kind,
        "module": target.module,
        "wraps": target.wraps,
        "args": spec.args,
        "inputs": {path: _tensor_json(t) for path, t in leaves.items()},
        "input_structure": structure,
        "training": flags if target.has_training else [False],
        "training_kwarg": target.training_kwarg,
        "training_position": target.training_position,
        "output_attributes": [list(pair) for pair in target.output_attributes],
        "output_needs": {key: list(needs) for key, needs in target.output_needs},
        "feeds": [list(pair) for pair in target.feeds],
        "forward": target.forward,
        "seed": SEED,
        "numerics": settings.numerics,
        "rtol": settings.rtol,
        "atol": settings.atol,
        "flags": plan.flags,
        # the class of a method target, whose instance `self` (or the wrapper's receiver) is
        "owner_class": target.wraps.rsplit(".", 1)[0] if "." in target.wraps else None,
    }
    if kind == "reference":
        assert plan.original_root is not None
        root = str(plan.original_root)
        job.update(
            args=spec_mod.reference_args(target, spec),
            defaults=spec_mod.reference_defaults(target, spec),
            scope=spec_mod.scope_expression(target, spec),
            builder=target.builder,
            feed_defaults={
                p.name: p.default for p in target.call_params
                if p.default is not None and any(source == p.name for _, source in target.feeds)
            },
            import_root=root,
            cwd=root,
            graph_mode=settings.graph_mode,
            receiver="self" if "." in target.wraps and "self" in spec.args else None,
            package=_package(plan, original=True),
        )
    else:
        job.update(
            args=spec_mod.wrapper_args(target, spec),
            call_args=spec_mod.call_args(target, spec),
            receiver=spec_mod.receiver_param(target, spec),
            package=_package(plan, original=False),
            import_root=target.import_root,
            cwd=target.import_root,
            class_name=target.class_name,
            init_params=[p.name for p in target.init_params if not p.variadic],
            call_params=[p.name for p in target.call_params],
            has_training=target.has_training,
            checkpoint=settings.checkpoint,
            reference_done=(
                str(plan.reference_dir / REFERENCE_DONE)
                if settings.numerics and plan.reference_dir is not None
                else None
            ),
        )
    return job


def _package(plan: LayerPlan, *, original: bool) -> list[str] | None:
    """``[name, root]`` of the tree root as a package, on the side's own tree."""
    if plan.package is None:
        return None
    name, migrated, original_root = plan.package
    root = original_root if original else migrated
    return [name, str(root)] if root is not None else None


def _tensor_json(spec: Any) -> dict[str, Any]:
    return {
        "dtype": spec.dtype,
        "shape": list(spec.shape),
        "minval": spec.minval,
        "maxval": spec.maxval,
    }
