"""Run the children of many layers, at most ``jobs`` at a time.

Wrappers of the same callable with the same spec share one reference child. For names and
shapes alone the reference and migrated children run side by side; with numerics the
migrated child starts when its reference's weights and outputs are saved.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tf1migrate.verify import specs as spec_mod
from tf1migrate.verify.planning import LayerPlan
from tf1migrate.verify.workers import ChildOutcome, run_child

#: Seed of the graph and of the generated inputs, so every run feeds the same numbers.
SEED = 20240601


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
    """Fill ``plan.reference`` and ``plan.migrated`` for every plan."""
    if not plans:
        return
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending: dict[Future[ChildOutcome], tuple[list[LayerPlan], str]] = {}

        def submit(group: list[LayerPlan], kind: str) -> None:
            first = group[0]
            assert first.workdir is not None
            env = child_env(legacy=kind == "reference" and settings.graph_mode == "tf-keras")
            future = pool.submit(
                run_child,
                build_job(first, kind, settings),
                first.workdir / kind,
                timeout=settings.timeout,
                memory_limit_mb=settings.memory_limit_mb,
                env=env,
            )
            pending[future] = (group, kind)

        references: dict[str, list[LayerPlan]] = {}
        for index, plan in enumerate(plans):
            plan.workdir = scratch / f"{index:04d}"
            if settings.checkpoint is None:
                key = json.dumps(build_job(plan, "reference", settings), sort_keys=True)
                references.setdefault(key, []).append(plan)
        for group in references.values():
            submit(group, "reference")
        if settings.checkpoint is not None or not settings.numerics:
            for plan in plans:
                submit([plan], "migrated")
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in done:
                group, kind = pending.pop(future)
                outcome = future.result()
                for plan in group:
                    if kind == "migrated":
                        plan.migrated = outcome
                        continue
                    plan.reference = outcome
                    if settings.numerics and outcome.ok:
                        submit([plan], "migrated")


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
    flags = list(spec.training) if settings.training else [False]
    if settings.training and True not in flags:
        flags.append(True)
    job: dict[str, Any] = {
        "kind": kind,
        "module": target.module,
        "wraps": target.wraps,
        "args": spec.args,
        "inputs": {name: _tensor_json(t) for name, t in spec.inputs.items()},
        "training": flags if target.has_training else [False],
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
        root = str(plan.original_root)
        job.update(import_root=root, cwd=root, graph_mode=settings.graph_mode)
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
    return {
        "dtype": spec.dtype,
        "shape": list(spec.shape),
        "minval": spec.minval,
        "maxval": spec.maxval,
    }
