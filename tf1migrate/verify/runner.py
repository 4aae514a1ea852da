"""`run_verify`: discover wrappers, find the original, plan each layer, run, conclude.

Per layer, a reference child (the original in a TF1 graph, or a checkpoint's variable list)
and a migrated child (the wrapper, eager, Keras 3) run in separate processes; nothing in
the calling process imports TensorFlow or user code.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tf1migrate.verify import specs as spec_mod
from tf1migrate.verify.compare import closest
from tf1migrate.verify.conclude import conclude
from tf1migrate.verify.discover import discover_wrappers
from tf1migrate.verify.infer import clear_caches
from tf1migrate.verify.model import Status, VerifyResult, WrapperTarget
from tf1migrate.verify.original import OriginalSourceError, git_toplevel, resolve_original
from tf1migrate.verify.planning import layer_result, plan_layer
from tf1migrate.verify.schedule import RunSettings, execute

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
    allow_empty: bool = False,
) -> VerifyResult:
    """Verify every generated wrapper under ``paths`` against its TF1 original or a checkpoint.

    ``numerics`` defaults to on with a graph reference (there is nothing to compare outputs
    with in a checkpoint). ``select`` keeps only the layers whose "module:ClassName" or
    "module:qualname" is listed. A run that verifies nothing (no wrappers, or none could be
    checked) exits 1 with a message saying so; ``allow_empty`` accepts a run with no wrappers.
    See docs/verify.md.
    """
    started = time.monotonic()
    clear_caches()  # files may have changed since an earlier run in this process
    result = VerifyResult(allow_empty=allow_empty)
    roots = [Path(p) for p in paths] or [Path.cwd()]
    migrated_root = project_root(roots[0])
    mirrored = tree_root(roots[0], original_given=original is not None)
    targets, problems = discover_wrappers(roots, mirrored)
    result.messages += problems
    if select:
        targets = [t for t in targets if t.label in select or t.key in select]
    if not targets:
        where = ", ".join(map(str, roots))
        hint = "" if allow_empty else " (pass --allow-empty to accept an empty run)"
        result.messages.append(f"nothing verified: no generated wrappers found under {where}{hint}")
        result.seconds = time.monotonic() - started
        return result
    if not select:
        result.messages += unused_spec_messages(migrated_root, targets)
    tree = None
    if checkpoint is None or original is not None or base is not None:
        try:
            files = sorted({Path(t.path) for t in targets})
            original_dir = str(original) if original is not None else None
            tree, notes = resolve_original(files, mirrored, base=base, original=original_dir)
        except OriginalSourceError as exc:
            result.messages.append(str(exc))
            if checkpoint is None:
                result.layers = [layer_result(t, Status.ERROR, [str(exc)]) for t in targets]
                result.seconds = time.monotonic() - started
                return result
        else:
            result.messages += notes
            result.original = tree.description if tree else None
    settings = RunSettings(
        checkpoint=str(Path(checkpoint).resolve()) if checkpoint is not None else None,
        numerics=checkpoint is None and numerics is not False,
        training=training,
        rtol=rtol,
        atol=atol,
        timeout=timeout,
        memory_limit_mb=memory_limit_mb,
        graph_mode=graph_mode(),
    )
    scratch = Path(tempfile.mkdtemp(prefix="tf1migrate-verify-"))
    try:
        has_checkpoint = checkpoint is not None
        plans = [plan_layer(t, tree, migrated_root, checkpoint=has_checkpoint) for t in targets]
        runnable = [plan for plan in plans if plan.runnable]
        execute(runnable, settings, scratch, jobs or os.cpu_count() or 1)
        for plan in runnable:
            conclude(plan, settings)
        result.layers = [plan.result for plan in plans]
        if result.nothing_verified and result.exit_code != 2:
            result.messages.append(
                f"nothing verified: none of the {len(result.layers)} layer(s) could be checked"
            )
        if emit_tests is not None:
            from tf1migrate.verify.emit import emit_tests as write_tests

            written = write_tests(
                Path(emit_tests), targets, tree=tree, base=base, settings=settings
            )
            result.messages += [f"wrote {path}" for path in written]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        clear_caches()
        if tree is not None:
            tree.cleanup()
    result.seconds = time.monotonic() - started
    return result


def unused_spec_messages(migrated_root: Path, targets: list[WrapperTarget]) -> list[str]:
    """A verify table whose key matches no wrapper is most likely a typo: say so."""
    keys = {target.key for target in targets}
    pyproject = migrated_root / "pyproject.toml"
    try:
        tables = spec_mod.load_verify_tables(pyproject)
    except (OSError, ValueError) as exc:
        return [f"{pyproject}: cannot read ({exc})"]
    return [
        f'{pyproject}: [tool.tf1migrate.verify."{key}"] matches no generated wrapper '
        f"(closest: {closest(key, sorted(keys)) or 'none'})"
        for key in sorted(set(tables) - keys)
    ]


def tree_root(path: Path, *, original_given: bool) -> Path:
    """The root of the tree the original mirrors, whatever ``__init__.py`` files exist: the
    project (config) root with ``--original``, else the git top level (what ``git archive``
    exports), else the project root."""
    directory = path if path.is_dir() else path.parent
    if not original_given:
        toplevel = git_toplevel(directory)
        if toplevel is not None:
            return toplevel
    return project_root(path)


def project_root(path: Path) -> Path:
    """The migrated project: the nearest pyproject.toml's directory, else the git top level."""
    directory = path if path.is_dir() else path.parent
    pyproject = spec_mod.find_pyproject(directory)
    if pyproject is not None:
        return pyproject.parent.resolve()
    return git_toplevel(directory) or directory.resolve()
