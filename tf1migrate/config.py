"""`[tool.tf1migrate]` in pyproject.toml: find it, validate it, merge CLI flags over it.

Found by walking up from the paths being migrated, like ruff and black do. Every key is
checked here so a typo fails loudly (naming the key) instead of being silently ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tf1migrate.types import Options

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

#: Directories nobody wants migrated; `exclude` replaces this list, `extend-exclude` adds.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git/", ".hg/", ".svn/", ".tox/", ".nox/", ".venv/", "venv/", ".eggs/", "*.egg-info/",
    "__pycache__/", "build/", "dist/", "node_modules/", "site-packages/",
    ".ipynb_checkpoints/", ".tf1migrate_cache/", ".mypy_cache/", ".pytest_cache/",
)
DEFAULT_INCLUDE: tuple[str, ...] = ("*.py", "*.ipynb")
#: Files above this size are skipped with a finding (generated code, data dumped as .py).
DEFAULT_MAX_FILE_SIZE = 2_000_000
TARGETS = ("keras", "module")


class ConfigError(Exception):
    """Bad configuration (reported as TFM008, exit code 2)."""


@dataclass(frozen=True)
class Config:
    """Everything a run is configured with, after CLI flags were applied over the file."""

    root: Path | None = None  # directory of the pyproject.toml that was read, if any
    source: Path | None = None  # that pyproject.toml
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    target: str = "keras"
    rules: tuple[str, ...] = ()  # extra rule-pack TOML files, absolute paths
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    jobs: int | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    wrap: tuple[str, ...] = ()
    no_wrap: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_timeout: int = 30  # seconds one file's parse + rewrite may take (tf1migrate.workers)
    file_memory_mb: int = 768  # memory one file's worker may grow by
    respect_gitignore: bool = True
    verify: Mapping[str, Any] = field(default_factory=dict)  # consumed by tf1migrate.verify

    def options(self) -> Options:
        """The engine's view of this configuration (identical in every worker)."""
        return Options(
            target=self.target,
            select=self.select,
            ignore=self.ignore,
            rule_packs=self.rules,
            wrap=self.wrap,
            no_wrap=self.no_wrap,
        )

    def with_overrides(self, **overrides: Any) -> Config:
        """Apply CLI flags: any value that is not None (or not empty) wins over the file;
        rule packs from the command line are added to those of the file."""
        given = {k: v for k, v in overrides.items() if v is not None and v != ()}
        if "target" in given and given["target"] not in TARGETS:
            choices = ", ".join(TARGETS)
            raise ConfigError(f"target must be one of {choices}, not {given['target']!r}")
        for key in ("select", "ignore"):
            if key in given:
                given[key] = _rule_ids(f"--{key}", list(given[key]))
        if "rules" in given:  # packs add up: an in-house pack from the file stays in force
            extra = (str(Path(p).resolve()) for p in given["rules"])
            given["rules"] = tuple(dict.fromkeys((*self.rules, *extra)))
        return replace(self, **given)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"[tool.tf1migrate] {key} must be a string or a list of strings")


_RULE_ID = re.compile(r"^TFM[0-9]{0,3}$")


def _rule_ids(key: str, value: Any) -> tuple[str, ...]:
    """Rule ids or prefixes ("TFM201", "TFM2"); a typo would otherwise silently select nothing."""
    ids = tuple(v.upper() for v in _strings(key, value))
    bad = [v for v in ids if not _RULE_ID.match(v)]
    if bad:
        where = key if key.startswith("--") else f"[tool.tf1migrate] {key}"
        raise ConfigError(f"{where}: {bad[0]!r} is not a rule id or prefix (like TFM201 or TFM2)")
    return ids


def _target(key: str, value: Any) -> str:
    if value not in TARGETS:
        choices = ", ".join(TARGETS)
        raise ConfigError(f"[tool.tf1migrate] {key} must be one of {choices}, not {value!r}")
    return value


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"[tool.tf1migrate] {key} must be a positive integer, not {value!r}")
    return value


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"[tool.tf1migrate] {key} must be true or false, not {value!r}")
    return value


def _per_file_ignores(key: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'[tool.tf1migrate] {key} must be a table of glob = ["RULE", ...]')
    return tuple((str(glob), _rule_ids(f"{key}.{glob!r}", rules)) for glob, rules in value.items())


def _table(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"[tool.tf1migrate] {key} must be a table")
    return value


#: key in pyproject.toml → (Config field, validator)
_KEYS = {
    "include": ("include", _strings),
    "exclude": ("exclude", _strings),
    "extend-exclude": ("extend_exclude", _strings),
    "target": ("target", _target),
    "rules": ("rules", _strings),
    "select": ("select", _rule_ids),
    "ignore": ("ignore", _rule_ids),
    "jobs": ("jobs", _positive_int),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "wrap": ("wrap", _strings),
    "no-wrap": ("no_wrap", _strings),
    "max-file-size": ("max_file_size", _positive_int),
    "file-timeout": ("file_timeout", _positive_int),
    "file-memory-mb": ("file_memory_mb", _positive_int),
    "respect-gitignore": ("respect_gitignore", _bool),
    "verify": ("verify", _table),
}


def parse_config(table: Mapping[str, Any], *, source: Path | None = None) -> Config:
    """Validate a `[tool.tf1migrate]` table; unknown keys are an error naming the key."""
    where = f" in {source}" if source else ""
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        known = ", ".join(sorted(_KEYS))
        raise ConfigError(
            f"unknown key {unknown[0]!r} in [tool.tf1migrate]{where} (known keys: {known})"
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        name, validate = _KEYS[key]
        values[name] = validate(key, value)
    root = source.parent if source else None
    if "rules" in values and root is not None:
        values["rules"] = tuple(str((root / p).resolve()) for p in values["rules"])
    return Config(root=root, source=source, **values)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a [tool.tf1migrate] table."""
    start = Path(os.path.abspath(start))
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read {candidate}: {exc}") from exc
            if "tf1migrate" in data.get("tool", {}):
                return candidate
    return None


def load_config(paths: Iterable[str | os.PathLike[str]], config_file: Path | None = None) -> Config:
    """Read the configuration that applies to `paths` (defaults when there is none)."""
    if config_file is None:
        paths = [Path(p) for p in paths] or [Path.cwd()]
        existing = [p for p in paths if p.exists()] or [Path.cwd()]
        common = Path(os.path.commonpath([os.path.abspath(p) for p in existing]))
        config_file = find_pyproject(common)
        if config_file is None:
            return Config()
    config_file = Path(config_file).resolve()
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {config_file}: {exc}") from exc
    table = data.get("tool", {}).get("tf1migrate", {})
    if not isinstance(table, dict):
        raise ConfigError(f"[tool.tf1migrate] in {config_file} must be a table")
    return parse_config(table, source=config_file)
