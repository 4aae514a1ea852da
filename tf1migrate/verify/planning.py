"""Per-layer planning: where the original lives, which input spec applies, and whether the
layer can run at all (a layer that cannot says why, with the TOML to add)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tf1migrate.verify import specs as spec_mod
from tf1migrate.verify.infer import infer_from_call_sites, infer_from_docstring, with_defaults
from tf1migrate.verify.infer_body import infer_from_body
from tf1migrate.verify.model import CallSpec, LayerResult, Status, WrapperTarget
from tf1migrate.verify.original import OriginalTree
from tf1migrate.verify.source import literal_flags
from tf1migrate.verify.workers import ChildOutcome

NO_REFERENCE = "not verified: no reference; pass --base REV, --original DIR or --checkpoint PATH"


@dataclass
class LayerPlan:
    """One layer's work: what to run, and the children's answers once they ran."""

    target: WrapperTarget
    result: LayerResult
    spec: CallSpec | None = None
    original_root: Path | None = None
    reference: ChildOutcome | None = None
    migrated: ChildOutcome | None = None
    workdir: Path | None = None
    reference_dir: Path | None = None  # the (possibly shared) reference child's directory
    # the repository's flags with literal defaults ({name: [kind, default]}), defined in both
    # children before user code is imported (see childlib.define_flags)
    flags: dict[str, list] | None = None
    pyproject: Path | None = None  # where a spec for this layer belongs
    # a tree root that is a package: (its name, the migrated root, the original root)
    package: tuple[str, Path, Path | None] | None = None

    @property
    def runnable(self) -> bool:
        return self.spec is not None and self.result.status is Status.VERIFIED


def layer_result(target: WrapperTarget, status: Status, messages: list[str]) -> LayerResult:
    return LayerResult(
        layer=target.label,
        wraps=target.key,
        path=target.path,
        line=target.line,
        status=status,
        messages=list(messages),
    )


def plan_layer(
    target: WrapperTarget, tree: OriginalTree | None, migrated_root: Path, *, checkpoint: bool
) -> LayerPlan:
    """Resolve the original's location and the spec; a plan that cannot run says why."""
    plan = LayerPlan(target, layer_result(target, Status.VERIFIED, []))
    plan.pyproject = migrated_root / "pyproject.toml"
    if tree is not None:
        try:
            plan.original_root = tree.counterpart(Path(target.import_root))
        except ValueError:
            plan.result.status = Status.ERROR
            outside = f"{target.path} is outside {tree.mirror_of}, the tree the original mirrors"
            plan.result.messages.append(outside)
            return plan
    try:
        spec = resolve_spec(target, migrated_root, plan.original_root)
    except spec_mod.SpecError as exc:
        plan.result.status = Status.ERROR
        plan.result.messages.append(str(exc))
        return plan
    unknown = spec_mod.unknown_inputs(target, spec) if spec is not None else []
    if unknown:
        takes = ", ".join(p.name for p in target.call_params) or "none"
        plan.result.status = Status.ERROR
        plan.result.messages.append(
            f'[tool.tf1migrate.verify."{target.key}"] inputs: {target.class_name}.'
            f"{target.method} takes no input {', '.join(unknown)} (its inputs: {takes})"
        )
        return plan
    missing = spec_mod.missing_arguments(target, spec or CallSpec(args={}, inputs={}))
    if spec is None or missing:
        plan.result.status = Status.NOT_VERIFIED
        plan.result.snippet = spec_mod.render_snippet(target, spec)
        detail = f" (missing {', '.join(missing)})" if missing else ""
        where = migrated_root / "pyproject.toml"
        plan.result.messages.append(
            f"not verified: no input spec{detail}; add to {where}:\n{plan.result.snippet}"
        )
        return plan
    plan.result.spec_source = spec.source
    if plan.original_root is None and not checkpoint:
        plan.result.status = Status.NOT_VERIFIED
        plan.result.messages.append(NO_REFERENCE)
        return plan
    plan.spec = spec
    plan.flags = literal_flags(tree.root if tree is not None else migrated_root) or None
    mirrored = tree.mirror_of if tree is not None else migrated_root
    if (mirrored / "__init__.py").is_file():
        plan.package = (mirrored.name, mirrored, tree.root if tree is not None else None)
    return plan


def resolve_spec(
    target: WrapperTarget, migrated_root: Path, original_root: Path | None
) -> CallSpec | None:
    """A pyproject table (migrated, then original) as written; else what placeholder call
    sites, docstrings and the function's own body (shape asserts, the ops its inputs flow
    into) say, merged (an earlier source wins per argument); else None."""
    for pyproject in _pyprojects(migrated_root, original_root, target):
        tables = spec_mod.load_verify_tables(pyproject)
        if target.key in tables:
            return spec_mod.parse_call_spec(tables[target.key], target.key)
    # the original's tree when there is one (the migrated copy says the same, read once)
    candidates = [original_root] if original_root is not None else [Path(target.import_root)]
    roots = [r for r in candidates if r.is_dir()]
    merged: CallSpec | None = None
    for infer in (infer_from_call_sites, infer_from_docstring, infer_from_body):
        for root in roots:
            found = infer(target, root)
            if found is None:
                continue
            if merged is None:
                merged = found
                continue
            added = (set(found.inputs) - set(merged.inputs)) | (set(found.args) - set(merged.args))
            if not added:
                continue
            sources = merged.source
            if found.source not in sources.split("+"):
                sources = f"{sources}+{found.source}"
            merged = CallSpec(
                args={**found.args, **merged.args},
                inputs={**found.inputs, **merged.inputs},
                training=merged.training,
                source=sources,
            )
    if merged is None or not roots:
        return merged
    return with_defaults(merged, target, roots[0])


def _pyprojects(
    migrated_root: Path, original_root: Path | None, target: WrapperTarget
) -> list[Path]:
    found = [migrated_root / "pyproject.toml"]
    candidates = [spec_mod.find_pyproject(Path(target.path).parent)]
    if original_root is not None:
        candidates.append(spec_mod.find_pyproject(original_root))
    found += [c for c in candidates if c is not None and c not in found]
    return [p for p in found if p.is_file()]
