"""Helpers shared by the reference and migrated children (run only in child processes).

Kept free of TensorFlow imports so each child decides how TensorFlow is loaded (the
reference binds ``tensorflow`` to ``tensorflow.compat.v1`` before user code is imported).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator
from typing import Any

import numpy as np

_FLOAT_KINDS = "fc"


def apply_memory_limit(limit_mb: int | None) -> None:
    """Cap this process's address space so runaway allocations fail here, not on the host."""
    if not limit_mb:
        return
    try:
        import resource
    except ImportError:  # not POSIX: no address-space limit, the timeout still applies
        return
    limit = int(limit_mb) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def import_user_module(
    import_root: str,
    module: str,
    argv0: str,
    flags: dict[str, list[Any]] | None = None,
    package: list[str] | None = None,
) -> Any:
    """Import the user's module the way a script in its repository would see it: with every
    flag the repository defines (``flags``: ``{name: [kind, default]}``, read from its
    ``DEFINE_*`` calls) holding its default, parsed, so ``FLAGS.hidden1`` reads the same
    whether the flag is defined in this module or in a training script never imported; and,
    for a repository whose root is a package (``package``: ``[name, root]``), that package
    importable by its name (see `alias_root_package`)."""
    sys.path.insert(0, import_root)
    sys.argv = [argv0]  # user code often parses argv at import time
    if flags:
        define_flags(flags)
    if package:
        alias_root_package(*package)
    imported = importlib.import_module(module)
    _mark_absl_flags_parsed()
    return imported


def alias_root_package(name: str, root: str) -> None:
    """Make ``import <name>`` the repository root, for a repository whose root holds an
    ``__init__.py`` and whose own modules import each other through it (ALBERT's ``from albert
    import modeling``, run from a checkout named ``albert``): the root is imported as a package
    of that name, whatever the directory holding it is called (a temporary export)."""
    if name in sys.modules or not name.isidentifier():
        return
    init = f"{root}/__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[root])
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        spec.loader.exec_module(package)
    except Exception:  # noqa: BLE001 - the user's own import will fail and say why
        del sys.modules[name]


_DEFINERS = {
    "integer": "DEFINE_integer", "float": "DEFINE_float", "boolean": "DEFINE_boolean",
    "string": "DEFINE_string", "list": "DEFINE_list",
}  # fmt: skip


def define_flags(flags: dict[str, list[Any]]) -> list[str]:
    """Define each absl flag not yet defined with its default (overridable: the module's own
    definition, when it is imported, replaces it), then mark FLAGS parsed. Returns the names
    defined here."""
    try:
        from absl import flags as absl_flags
    except ImportError:  # no absl, no FLAGS to fill
        return []
    defined = []
    for name, (kind, default) in sorted(flags.items()):
        if name in absl_flags.FLAGS:
            continue
        definer = getattr(absl_flags, _DEFINERS.get(kind, "DEFINE_string"))
        value = list(default) if isinstance(default, list | tuple) else default
        try:
            definer(name, value, f"{name} (defined by tf1migrate verify)", allow_override=True)
        except (absl_flags.Error, TypeError, ValueError):
            continue  # a flag absl refuses is left to the user's own definition
        defined.append(name)
    _mark_absl_flags_parsed()
    return defined


def _mark_absl_flags_parsed() -> None:
    """``tf.app.flags`` / absl FLAGS defined at import time raise when read unparsed."""
    flags = sys.modules.get("absl.flags")
    if flags is not None and not flags.FLAGS.is_parsed():
        flags.FLAGS(sys.argv[:1], known_only=True)



def resolve_qualname(module: Any, qualname: str) -> Any:
    obj = module
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def evaluate_args(module: Any, args: dict[str, str]) -> dict[str, Any]:
    """Evaluate each configuration expression in the module's namespace (a copy of it)."""
    namespace = dict(vars(module))
    values = {}
    for name, expression in args.items():
        try:
            code = compile(expression, f"<verify arg {name}>", "eval")
            values[name] = eval(code, namespace)  # noqa: S307 - the user's own configuration
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
            raise ValueError(f"argument {name} = {expression!r} failed: {problem}") from exc
    return values


def as_instance(module: Any, job: dict[str, Any], kwargs: dict[str, Any]) -> None:
    """A method's ``self`` given as a stand-in (a ``SimpleNamespace`` or dict of the attributes
    the method reads, for a class whose ``__init__`` loads data) becomes an instance of the
    method's class with those attributes and no ``__init__`` run, on both sides alike: the
    wrapper calls ``self.gan.generator(...)``, which a namespace does not have, and the
    method's own calls of ``self.<other method>`` need the class too."""
    receiver, owner = job.get("receiver"), job.get("owner_class")
    if not receiver or not owner or receiver not in kwargs:
        return
    cls = resolve_qualname(module, owner)
    value = kwargs[receiver]
    if not isinstance(cls, type) or isinstance(value, cls):
        return
    if isinstance(value, types.SimpleNamespace):
        attributes = vars(value)
    elif isinstance(value, dict):
        attributes = value
    else:
        return
    instance = cls.__new__(cls)
    instance.__dict__.update(attributes)
    kwargs[receiver] = instance


def make_inputs(inputs: dict[str, dict[str, Any]], seed: int) -> dict[str, np.ndarray]:
    """Seeded input arrays: floats ~ N(0, 1) (or uniform in [minval, maxval)), ints in [0, 10)."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for name in sorted(inputs):
        spec = inputs[name]
        dtype = np.dtype("float32" if spec["dtype"] == "bfloat16" else spec["dtype"])
        shape = tuple(spec["shape"])
        low, high = spec.get("minval"), spec.get("maxval")
        if dtype.kind == "b":
            arrays[name] = rng.integers(0, 2, size=shape).astype(bool)
        elif dtype.kind in "iu":
            low = 0 if low is None else int(low)
            high = low + 10 if high is None else int(high)
            arrays[name] = rng.integers(low, high, size=shape).astype(dtype)
        elif low is not None or high is not None:
            low = 0.0 if low is None else float(low)
            high = low + 1.0 if high is None else float(high)
            arrays[name] = rng.uniform(low, high, size=shape).astype(dtype)
        else:
            arrays[name] = rng.standard_normal(size=shape).astype(dtype)
    return arrays


def build_arguments(job: dict[str, Any], leaves: dict[str, Any]) -> dict[str, Any]:
    """Each tensor argument from its leaves (``features/input_ids`` ...), rebuilt as the
    dict / list the spec describes (``job["input_structure"]``); flat without one."""
    structure = job.get("input_structure") or {path: path for path in leaves}

    def rebuild(node: Any) -> Any:
        if isinstance(node, str):
            return leaves[node]
        if isinstance(node, dict):
            return {key: rebuild(value) for key, value in node.items()}
        return [rebuild(value) for value in node]

    return {name: rebuild(node) for name, node in structure.items()}


def flatten_outputs(value: Any, is_tensor, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, tensor) for every tensor leaf of a nested dict/list/tuple, in a stable order."""
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from flatten_outputs(value[key], is_tensor, f"{path}/{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from flatten_outputs(item, is_tensor, f"{path}/{index}" if path else str(index))
    elif is_tensor(value):
        yield path, value


def variable_record(
    name: str,
    shape: Any,
    dtype: str,
    trainable: bool | None,
    in_trainable_collection: bool | None = None,
) -> dict[str, Any]:
    dims = [-1 if d is None else int(d) for d in shape]
    record = {"name": name, "shape": dims, "dtype": dtype, "trainable": trainable}
    if in_trainable_collection is not None and in_trainable_collection != trainable:
        record["in_trainable_collection"] = in_trainable_collection
    return record


def compare_outputs(
    reference: dict[str, np.ndarray], migrated: dict[str, np.ndarray], rtol: float, atol: float
) -> tuple[float | None, list[str]]:
    """Max abs difference over matching outputs, and one message per disagreement."""
    messages: list[str] = []
    worst: float | None = None
    for path in sorted(set(reference) | set(migrated)):
        label = f"output {path}" if path else "the output"
        if path not in migrated:
            messages.append(f"{label}: produced by the reference, not by the migrated layer")
            continue
        if path not in reference:
            messages.append(f"{label}: produced by the migrated layer, not by the reference")
            continue
        ref, new = np.asarray(reference[path]), np.asarray(migrated[path])
        if ref.shape != new.shape:
            shapes = f"{list(ref.shape)} in the reference, {list(new.shape)} migrated"
            messages.append(f"{label}: shape {shapes}")
            continue
        if ref.dtype != new.dtype:
            messages.append(f"{label}: dtype {ref.dtype} in the reference, {new.dtype} migrated")
        if ref.size == 0:
            continue
        if ref.dtype.kind in _FLOAT_KINDS or new.dtype.kind in _FLOAT_KINDS:
            diff = float(np.max(np.abs(ref.astype(np.float64) - new.astype(np.float64))))
            close = np.allclose(new, ref, rtol=rtol, atol=atol, equal_nan=True)
        else:
            close = bool(np.array_equal(ref, new))
            diff = 0.0 if close else float("inf")
            if ref.dtype.kind in "iub" and new.dtype.kind in "iub":
                diff = float(np.max(np.abs(ref.astype(np.int64) - new.astype(np.int64))))
        worst = diff if worst is None else max(worst, diff)
        if not close:
            tolerance = f"rtol={rtol:g}, atol={atol:g}"
            messages.append(f"{label}: max abs diff {diff:.3g} exceeds {tolerance}")
    return worst, messages
