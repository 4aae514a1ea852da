"""Migrate real TF1 repositories from local git mirrors, then ask verify whether each model a user
would want as a layer is wrapped, runs as migrated, keeps its TF1 names and reproduces its outputs.

The harness itself never imports TensorFlow: migration and verification run as child processes
(``tf1migrate migrate`` / ``tf1migrate verify``), each with a time limit.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tomllib

HERE = Path(__file__).resolve().parent

# Columns of the table, in order; each cell is True (pass), False (fail) or None (not reached).
CELLS = ("wrapper", "runs", "names", "outputs")


class ManifestError(ValueError):
    """A manifest that cannot be used as written."""


@dataclass
class ModelSpec:
    """One model of a manifest: where the original lives and how to call it."""

    name: str
    target: str  # "module:qualname" of the original forward pass, module dotted from the root
    args: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    training: list[bool] = field(default_factory=lambda: [False])
    note: str = ""

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    @property
    def qualname(self) -> str:
        return self.target.partition(":")[2]

    def verify_table(self) -> dict[str, Any]:
        """The verify spec (docs/verify.md) this entry stands for."""
        table: dict[str, Any] = {"args": dict(self.args), "inputs": dict(self.inputs)}
        if self.training != [False]:
            table["training"] = list(self.training)
        return table


@dataclass
class Manifest:
    """A repository (or an installed package) and the models to measure in it."""

    name: str
    path: Path
    repository: str | None  # "owner/name"
    commit: str | None
    package: str | None  # an installed distribution standing in for a repository
    version: str | None
    subdir: str | None  # inside the package: the directory to export
    timeout: float
    models: list[ModelSpec]
    requires: list[str] = field(default_factory=list)  # importable names the repository needs


@dataclass
class ModelResult:
    """One row of the table."""

    repo: str
    name: str
    target: str
    wrapper: bool | None = None
    runs: bool | None = None
    names: bool | None = None
    outputs: bool | None = None
    reason: str = ""
    wrapper_class: str | None = None
    variables: int | None = None
    max_abs_diff: float | None = None
    verify_status: str | None = None
    verify_messages: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # migrate findings that name this model
    direct_run: dict[str, Any] | None = None  # run_child.py's answer when verify did not run it


@dataclass
class RepoResult:
    """What happened to one repository before any model was asked about."""

    name: str
    source: str = ""
    exported_files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    migrate_exit: int | None = None
    migrate_seconds: float = 0.0
    migrate_errors: list[str] = field(default_factory=list)  # files migrate could not handle
    migrate_summary: dict[str, Any] = field(default_factory=dict)
    missing_requirements: list[str] = field(default_factory=list)
    idempotent: bool | None = None
    changed_on_second_run: list[str] = field(default_factory=list)
    compile_failures: list[str] = field(default_factory=list)
    python_files: int = 0
    verify_exit: int | None = None
    verify_seconds: float = 0.0
    error: str | None = None
    models: list[ModelResult] = field(default_factory=list)


# --------------------------------------------------------------------------- manifests


def load_manifest(path: Path) -> Manifest:
    """Read and check one ``<repo>.toml``; every problem names the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read ({exc})") from exc
    repository, commit = data.get("repository"), data.get("commit")
    package = data.get("package")
    if not package and not (isinstance(repository, str) and "/" in repository and commit):
        raise ManifestError(f"{path}: needs repository = 'owner/name' and commit, or package")
    models = []
    for index, item in enumerate(data.get("model", [])):
        where = f"{path}: model #{index + 1}"
        target = item.get("target", "")
        if not isinstance(target, str) or ":" not in target:
            raise ManifestError(f"{where}: target must be 'module:qualname', got {target!r}")
        unknown = set(item) - {"name", "target", "args", "inputs", "outputs", "training", "note"}
        if unknown:
            raise ManifestError(f"{where}: unknown keys {sorted(unknown)}")
        args = item.get("args", {})
        if not all(isinstance(v, str) for v in args.values()):
            raise ManifestError(f"{where}: args values are Python expressions (strings)")
        models.append(
            ModelSpec(
                name=item.get("name", target.partition(":")[2]),
                target=target,
                args=dict(args),
                inputs=dict(item.get("inputs", {})),
                outputs=list(item.get("outputs", [])),
                training=list(item.get("training", [False])),
                note=item.get("note", ""),
            )
        )
    if not models:
        raise ManifestError(f"{path}: no [[model]] entries")
    return Manifest(
        name=path.stem,
        path=path,
        repository=repository,
        commit=commit,
        package=package,
        version=data.get("version"),
        subdir=data.get("subdir"),
        timeout=float(data.get("timeout", 240)),
        models=models,
        requires=list(data.get("requires", [])),
    )


def load_manifests(directory: Path, only: list[str] | None = None) -> list[Manifest]:
    paths = sorted(directory.glob("*.toml"))
    if only:
        wanted = set(only)
        paths = [p for p in paths if p.stem in wanted]
        unknown = wanted - {p.stem for p in paths}
        if unknown:
            names = ", ".join(sorted(p.stem for p in directory.glob("*.toml")))
            raise ManifestError(f"no manifest named {', '.join(sorted(unknown))} (have: {names})")
    return [load_manifest(p) for p in paths]


# --------------------------------------------------------------------------- mirrors


def mirror_candidates(mirrors: Path, repository: str) -> list[Path]:
    """Every layout a mirror of owner/name may have under ``mirrors``, in lookup order."""
    owner, name = repository.split("/", 1)
    bases = [
        mirrors / f"{owner}+{name}" / "repo",
        mirrors / f"{owner}+{name}",
        mirrors / owner / name,
        mirrors / owner / f"{name}.git",
        mirrors / name,
        mirrors / f"{name}.git",
    ]
    found: list[Path] = []
    for base in bases:
        found += [base / ".git", base]
    return found


def is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def find_mirror(mirrors: Path, repository: str) -> Path:
    """The git directory of ``repository``; the error lists every path tried."""
    tried = mirror_candidates(mirrors, repository)
    for path in tried:
        if is_git_dir(path):
            return path
    listing = "\n  ".join(str(p) for p in tried)
    raise FileNotFoundError(f"no git mirror of {repository}; tried:\n  {listing}")


def _git(git_dir: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, check=False, **kwargs
    )


def export_commit(git_dir: Path, commit: str, dest: Path) -> tuple[int, list[str]]:
    """``git archive`` of ``commit`` into ``dest``; (files written, paths skipped).

    Mirrors made with a blob filter lack large data files; then only the blobs present are
    exported (``git cat-file``) and the absent ones are listed, since code never needs them.
    """
    dest.mkdir(parents=True, exist_ok=True)
    if _git(git_dir, "rev-parse", "--verify", f"{commit}^{{commit}}").returncode != 0:
        raise RuntimeError(f"{git_dir}: commit {commit} not found")
    archive = _git(git_dir, "archive", "--format=tar", commit)
    if archive.returncode == 0:
        with tempfile.TemporaryFile() as handle:
            handle.write(archive.stdout)
            handle.seek(0)
            with tarfile.open(fileobj=handle) as tar:
                members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
                tar.extractall(dest, members=members, filter="data")
        return sum(1 for m in members if m.isfile()), []
    listing = _git(git_dir, "ls-tree", "-r", "-z", commit).stdout.decode()
    entries = []
    for record in filter(None, listing.split("\0")):
        meta, path = record.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            entries.append((path, sha, mode))
    written, skipped = 0, []
    for path, sha, mode in entries:
        blob = _git(git_dir, "cat-file", "blob", sha)
        if blob.returncode != 0:
            skipped.append(path)
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
        if mode == "100755":
            target.chmod(0o755)
        written += 1
    return written, skipped


def export_package(package: str, version: str | None, subdir: str | None, dest: Path) -> int:
    """Copy an installed package's source files (``subdir`` of it) into ``dest``."""
    installed = importlib.metadata.version(package.replace("_", "-"))
    if version and installed != version:
        raise RuntimeError(f"{package} {installed} is installed, the manifest pins {version}")
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{package} is not importable")
    source = Path(spec.origin).parent / (subdir or "")
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for file in sorted(source.rglob("*.py")):
        if "__pycache__" in file.parts:
            continue
        target = dest / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
        count += 1
    return count


# --------------------------------------------------------------------------- migrate


def tf1migrate_command() -> list[str]:
    """The CLI of this interpreter's tf1migrate, so the benchmark measures this checkout."""
    return [sys.executable, "-m", "tf1migrate"]


def migrate_flags() -> list[str]:
    """Flags for a tree that is not a git repository: pass a dirty-tree override if the CLI has
    one (the temp dir is never a git work tree, but a guard may still ask)."""
    help_text = subprocess.run(
        [*tf1migrate_command(), "migrate", "--help"], capture_output=True, text=True, check=False
    ).stdout
    for flag in ("--allow-dirty", "--force", "--allow-uncommitted"):
        if flag in help_text:
            return [flag]
    return []


def tree_digest(root: Path) -> dict[str, str]:
    digest = {}
    for file in sorted(root.rglob("*")):
        if file.is_file() and ".tf1migrate_cache" not in file.parts:
            digest[str(file.relative_to(root))] = hashlib.sha256(file.read_bytes()).hexdigest()
    return digest


def run_migrate(root: Path, flags: list[str], timeout: float, report: Path) -> int:
    command = [*tf1migrate_command(), "migrate", str(root), "--no-cache", "-q", *flags]
    command += ["--output-format", "json", "--output-file", str(report)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1
    return done.returncode


def read_migrate_report(path: Path, root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(summary, files) of migrate's JSON report; empty when it wrote none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, []
    files = []
    for entry in data.get("files", []):
        entry = dict(entry)
        try:
            entry["path"] = Path(entry["path"]).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
        files.append(entry)
    return dict(data.get("summary", {})), files


def model_findings(files: list[dict[str, Any]], relative: str, qualname: str) -> list[str]:
    """Findings migrate reported in the model's file that mention it (by its last name part)."""
    last = qualname.rsplit(".", 1)[-1]
    found = []
    for entry in files:
        if entry.get("path") != relative:
            continue
        for finding in entry.get("findings", []):
            message = str(finding.get("message", ""))
            if last in message:
                found.append(f"{finding.get('rule')} line {finding.get('line')}: {message}")
    return found


def compile_failures(root: Path) -> tuple[int, list[str]]:
    failures, count = [], 0
    for file in sorted(root.rglob("*.py")):
        count += 1
        try:
            with warnings.catch_warnings():  # the repositories' own SyntaxWarnings are noise here
                warnings.simplefilter("ignore")
                compile(file.read_bytes(), str(file), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            failures.append(f"{file.relative_to(root)}: {exc.__class__.__name__}: {exc}")
    return count, failures


def module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def find_wrapper(path: Path, qualname: str) -> str | None:
    """The class in ``path`` that says ``tf1migrate_wraps = "<qualname>"`` (at any depth)."""
    try:
        tree = ast.parse(path.read_bytes())
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(
                    isinstance(t, ast.Name) and t.id == "tf1migrate_wraps"
                    for t in statement.targets
                )
                and isinstance(statement.value, ast.Constant)
                and statement.value.value == qualname
            ):
                return node.name
    return None


# --------------------------------------------------------------------------- verify


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def verify_tables(tables: dict[str, dict[str, Any]]) -> str:
    lines = ["", "# written by benchmarks/real_world: one verify spec per manifest model"]
    for key, table in tables.items():
        lines.append(f'[tool.tf1migrate.verify."{key}"]')
        lines += [f"{name} = {toml_value(value)}" for name, value in table.items()]
        lines.append("")
    return "\n".join(lines)


def without_tables(text: str, keys: set[str]) -> str:
    """``text`` (a pyproject) minus the ``[tool.tf1migrate.verify."<key>"]`` tables for ``keys``,
    so the manifest's spec replaces a repository's own instead of making the TOML invalid."""
    headers = {f'[tool.tf1migrate.verify."{key}"]' for key in keys}
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = stripped in headers
        if not skipping:
            kept.append(line)
    return "".join(kept)


def verify_keys(migrated: Path) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """(file, wrapped qualname) -> (verify key "module:qualname", "module:WrapperClass"), using
    verify's own discovery (LibCST, no TensorFlow) so the keys are the ones verify looks up."""
    import inspect

    from tf1migrate.verify.discover import discover_wrappers

    if "tree_root" in inspect.signature(discover_wrappers).parameters:
        # verify names modules from the repository root, whatever __init__.py files exist
        targets, _problems = discover_wrappers([migrated], tree_root=migrated)
    else:
        targets, _problems = discover_wrappers([migrated])
    found = {}
    for target in targets:
        found[(str(Path(target.path).resolve()), target.wraps)] = (
            target.key,
            f"{target.module}:{target.class_name}",
            target.module,
            target.import_root,
        )
    return found


def missing_modules(names: list[str]) -> list[str]:
    """The manifest's required modules this interpreter cannot import (found, not imported)."""
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def run_direct(jobs: dict[str, dict[str, Any]], timeout: float, work: Path) -> dict[str, Any]:
    """Step 2 without verify: ``run_child.py`` imports each module under Keras 3 and calls the
    wrapper with the manifest's arguments; {key: {"ok": ..., "error"/"outputs": ...}}."""
    job_file, out_file = work / "direct-jobs.json", work / "direct.json"
    job_file.write_text(json.dumps(jobs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    command = [sys.executable, str(HERE / "run_child.py"), str(job_file), str(out_file)]
    error = None
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=work,
            timeout=timeout * max(1, len(jobs)),
            start_new_session=True,
        )
        if done.returncode != 0:
            error = f"the run child exited {done.returncode}: " + short(done.stderr[-300:])
    except subprocess.TimeoutExpired:
        error = f"the run child took longer than {timeout * len(jobs):.0f} s"
    try:
        answers = json.loads(out_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        answers = {}
    for key in jobs:
        answers.setdefault(key, {"ok": False, "error": error or "the run child gave no answer"})
    return answers


def run_verify(
    migrated: Path, original: Path, selects: list[str], timeout: float, jobs: int, out: Path
) -> tuple[int, dict[str, Any] | None, str]:
    command = [*tf1migrate_command(), "verify", str(migrated), "--original", str(original)]
    command += ["--timeout", str(timeout), "-j", str(jobs), "--output-format", "json"]
    command += ["--output-file", str(out)]
    for select in selects:
        command += ["--select", select]
    budget = timeout * 2 * (len(selects) // jobs + 2) + 60
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=budget)
    except subprocess.TimeoutExpired:
        return -1, None, f"verify took longer than {budget:.0f} s"
    try:
        return done.returncode, json.loads(out.read_text()), done.stderr[-2000:]
    except (OSError, ValueError):
        return done.returncode, None, (done.stderr or done.stdout)[-2000:]


def short(message: str, limit: int = 160) -> str:
    """The first line of a message (verify puts the summary there, the traceback after it)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fold_layer(model: ModelResult, layer: dict[str, Any]) -> None:
    """Turn verify's answer for one layer into the runs/names/outputs cells."""
    status = layer["status"]
    messages = [str(m) for m in layer.get("messages", [])]
    model.verify_status = status
    model.verify_messages = messages
    model.variables = layer.get("variables")
    model.max_abs_diff = layer.get("max_abs_diff")
    migrated_failed = [m for m in messages if m.startswith("migrated child failed")]
    reference_failed = [m for m in messages if m.startswith("reference child failed")]
    if status == "error":
        migrated = (
            short(migrated_failed[0].removeprefix("migrated child failed "))
            if migrated_failed
            else ""
        )
        reference = (
            short(reference_failed[0].removeprefix("reference child failed "))
            if reference_failed
            else ""
        )
        model.runs = False if migrated_failed else None
        if migrated and migrated == reference:
            model.reason = f"both sides: {migrated}"
        else:
            parts = [f"migrated: {migrated}"] if migrated else []
            parts += [f"reference: {reference}"] if reference else []
            model.reason = "; ".join(parts) or (short(messages[0]) if messages else "verify error")
        return
    if status == "not-verified":
        first = (messages[0] if messages else "not verified").splitlines()[0]
        model.reason = "verify: " + short(first.split("; add to")[0])
        return
    model.runs = True
    model.names = bool(layer.get("names_ok"))
    if not model.names:
        detail = [m for m in messages if "variable" in m or "shape" in m]
        missing, unexpected = len(layer.get("missing", [])), len(layer.get("unexpected", []))
        model.reason = f"names: {missing} missing, {unexpected} unexpected"
        if detail:
            model.reason += f" ({short(detail[0], 100)})"
        return
    diff = layer.get("max_abs_diff")
    output_problems = [m for m in messages if "max abs diff" in m or "output" in m]
    if diff is None and not output_problems:
        model.outputs = None
        model.reason = "outputs not compared" + (f": {short(messages[0])}" if messages else "")
        return
    model.outputs = status == "verified"
    if not model.outputs:
        model.reason = short(output_problems[0] if output_problems else messages[0])


# --------------------------------------------------------------------------- one repository


def run_repo(
    manifest: Manifest, mirrors: Path | None, scratch: Path, jobs: int, log: Any = print
) -> RepoResult:
    result = RepoResult(name=manifest.name)
    models = [
        ModelResult(repo=manifest.name, name=m.name, target=m.target) for m in manifest.models
    ]
    result.models = models
    work = scratch / manifest.name
    # The tree's directory name becomes a package name when its root has __init__.py (verify
    # imports by dotted name): a package subdir keeps its own name so it never shadows the
    # installed package (tf_slim/nets -> nets, not tf_slim).
    top = Path(manifest.subdir).name if manifest.package and manifest.subdir else manifest.name
    pristine, migrated = work / "original" / top, work / "migrated" / top
    try:
        if manifest.package:
            count = export_package(manifest.package, manifest.version, manifest.subdir, pristine)
            result.source = f"{manifest.package} {manifest.version or ''} (installed)".strip()
            result.exported_files = count
        else:
            if mirrors is None:
                raise FileNotFoundError("--mirrors is required for repository manifests")
            assert manifest.repository and manifest.commit
            git_dir = find_mirror(mirrors, manifest.repository)
            result.source = f"{manifest.repository}@{manifest.commit} ({git_dir})"
            result.exported_files, result.skipped_files = export_commit(
                git_dir, manifest.commit, pristine
            )
    except (OSError, RuntimeError) as exc:
        result.error = str(exc)
        for model in models:
            model.reason = f"not exported: {str(exc).splitlines()[0]}"
        return result
    shutil.copytree(pristine, migrated)
    flags = migrate_flags()
    started = time.monotonic()
    result.migrate_exit = run_migrate(migrated, flags, manifest.timeout, work / "migrate1.json")
    result.migrate_seconds = time.monotonic() - started
    before = tree_digest(migrated)
    second = run_migrate(migrated, flags, manifest.timeout, work / "migrate2.json")
    after = tree_digest(migrated)
    result.changed_on_second_run = sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )
    result.idempotent = not result.changed_on_second_run and second != -1
    result.python_files, result.compile_failures = compile_failures(migrated)
    result.migrate_summary, report_files = read_migrate_report(work / "migrate1.json", migrated)
    result.migrate_errors = [
        f"{entry['path']}: {finding.get('message')}"
        for entry in report_files
        if entry.get("status") == "error"
        for finding in entry.get("findings", [])
        if finding.get("severity") == "error"
    ]
    log(
        f"[{manifest.name}] exported {result.exported_files} files, migrate exit "
        f"{result.migrate_exit} in {result.migrate_seconds:.1f} s, idempotent {result.idempotent}, "
        f"{len(result.compile_failures)}/{result.python_files} files fail to compile"
    )
    keys = verify_keys(migrated)
    tables: dict[str, dict[str, Any]] = {}
    selects: dict[str, ModelResult] = {}
    coordinates: dict[str, tuple[str, str]] = {}  # model name -> (dotted module, import root)
    for spec, model in zip(manifest.models, models):
        file = module_file(migrated, spec.module)
        if file is None:
            model.wrapper = False
            model.reason = f"no module {spec.module} in the repository"
            continue
        model.wrapper_class = find_wrapper(file, spec.qualname)
        model.wrapper = model.wrapper_class is not None
        model.findings = model_findings(
            report_files, file.relative_to(migrated).as_posix(), spec.qualname
        )
        if not model.wrapper:
            model.runs = False
            model.reason = f"no wrapper for {spec.qualname} in {file.relative_to(migrated)}"
            continue
        if file.relative_to(migrated).as_posix() in result.compile_failures:
            model.reason = "migrated module does not compile"
        key = keys.get((str(file.resolve()), spec.qualname))
        if key is not None:
            coordinates[model.name] = (key[2], key[3])
        if key is None:
            model.reason = "verify does not discover this wrapper"
            continue
        tables[key[0]] = spec.verify_table()
        selects[key[1]] = model
    result.missing_requirements = missing_modules(manifest.requires)
    if result.missing_requirements:
        names = ", ".join(result.missing_requirements)
        for model in models:
            if model.wrapper:
                model.reason = f"environment: the repository needs {names} (pip install it)"
        log(f"[{manifest.name}] not run: {names} not installed")
        return result
    if selects:
        verify_models(manifest, result, migrated, pristine, work, tables, selects, jobs, log)
    direct_runs(manifest, models, migrated, work, coordinates, log)
    return result


def verify_models(
    manifest: Manifest,
    result: RepoResult,
    migrated: Path,
    pristine: Path,
    work: Path,
    tables: dict[str, dict[str, Any]],
    selects: dict[str, ModelResult],
    jobs: int,
    log: Any,
) -> None:
    """Steps 2-4 through one `tf1migrate verify` run over the manifest's wrappers."""
    pyproject = migrated / "pyproject.toml"
    existing = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    existing = without_tables(existing, set(tables))
    pyproject.write_text(existing + verify_tables(tables), encoding="utf-8")
    started = time.monotonic()
    code, answer, stderr = run_verify(
        migrated, pristine, list(selects), manifest.timeout, jobs, work / "verify.json"
    )
    result.verify_seconds = time.monotonic() - started
    result.verify_exit = code
    log(f"[{manifest.name}] verify exit {code} in {result.verify_seconds:.1f} s")
    layers = {layer["layer"]: layer for layer in (answer or {}).get("layers", [])}
    for select, model in selects.items():
        layer = layers.get(select)
        if layer is None:
            model.reason = "verify gave no answer: " + short(stderr or "no output")
            continue
        fold_layer(model, layer)
        model.reason = model.reason.replace(f"{work}/migrated/", "").replace(
            f"{work}/original/", ""
        )


def direct_runs(
    manifest: Manifest,
    models: list[ModelResult],
    migrated: Path,
    work: Path,
    coordinates: dict[str, tuple[str, str]],
    log: Any,
) -> None:
    """Step 2 for wrapped models verify did not run (a spec it refused, no discovery)."""
    jobs = {}
    for spec, model in zip(manifest.models, models):
        if model.wrapper and model.runs is None:
            module, root = coordinates.get(model.name, (spec.module, str(migrated)))
            jobs[model.name] = {
                "module": module,
                "import_root": root,
                "class": model.wrapper_class,
                "args": spec.args,
                "inputs": spec.inputs,
            }
    if not jobs:
        return
    started = time.monotonic()
    answers = run_direct(jobs, manifest.timeout, work)
    log(
        f"[{manifest.name}] direct run of {len(jobs)} wrappers in {time.monotonic() - started:.1f} s"
    )
    for model in models:
        answer = answers.get(model.name)
        if answer is None:
            continue
        model.runs = bool(answer.get("ok"))
        model.direct_run = answer
        if not model.runs:
            note = "runs: " + short(str(answer.get("error", "")), 200)
            model.reason = f"{model.reason}; {note}" if model.reason else note
        else:
            model.reason = f"{model.reason} (runs when called directly)".strip()


# --------------------------------------------------------------------------- reporting


def mark(value: bool | None) -> str:
    return {True: "✓", False: "✗", None: "–"}[value]


def render_table(results: list[RepoResult]) -> str:
    rows = ["| model | wrapper | runs | names | outputs | reason |", "|---|---|---|---|---|---|"]
    for repo in results:
        for model in repo.models:
            reason = model.reason.replace("|", "\\|").replace("\n", " ")
            cells = " | ".join(mark(getattr(model, c)) for c in CELLS)
            rows.append(f"| {repo.name}: {model.name} | {cells} | {reason} |")
    return "\n".join(rows)


def render_summary(results: list[RepoResult], seconds: float) -> str:
    models = [m for r in results for m in r.models]
    counts = {c: sum(1 for m in models if getattr(m, c)) for c in CELLS}
    lines = [
        f"{len(models)} models in {len(results)} repositories, {seconds:.0f} s wall: "
        + ", ".join(f"{c} {counts[c]}/{len(models)}" for c in CELLS)
    ]
    for repo in results:
        if repo.error:
            lines.append(f"- {repo.name}: {repo.error.splitlines()[0]}")
            continue
        notes = [
            f"migrate exit {repo.migrate_exit}",
            "idempotent"
            if repo.idempotent
            else f"second run changed {len(repo.changed_on_second_run)} files",
            f"{len(repo.compile_failures)}/{repo.python_files} files fail to compile",
        ]
        if repo.migrate_errors:
            notes.append(
                f"{len(repo.migrate_errors)} files migrate could not handle ({repo.migrate_errors[0][:90]})"
            )
        if repo.skipped_files:
            notes.append(f"{len(repo.skipped_files)} absent blobs skipped")
        lines.append(f"- {repo.name}: " + ", ".join(notes))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.real_world", description=__doc__)
    parser.add_argument("--mirrors", type=Path, help="directory holding the git mirrors")
    parser.add_argument("--only", action="append", help="manifest name (repeatable)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--manifests", type=Path, default=HERE, help=argparse.SUPPRESS)
    parser.add_argument("-j", "--jobs", type=int, default=2, help="verify children at once")
    parser.add_argument("--keep", type=Path, help="keep the exported trees under this directory")
    args = parser.parse_args(argv)
    try:
        manifests = load_manifests(args.manifests, args.only)
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = []
    scratch = Path(tempfile.mkdtemp(prefix="tf1migrate-realworld-"))
    try:
        for manifest in manifests:
            work = args.keep if args.keep else scratch
            results.append(run_repo(manifest, args.mirrors, work, args.jobs, log=_log))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.monotonic() - started
    print(render_table(results))
    print()
    print(render_summary(results, seconds))
    if args.json:
        payload = {
            "seconds": seconds,
            "python": sys.version.split()[0],
            "repositories": [asdict(r) for r in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    failed = any(r.error for r in results)
    return 2 if failed else 0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
