"""Load, validate and merge rule packs (TOML data) into one immutable `RuleSet`.

The codemod's knowledge of TensorFlow lives in `rules/*.toml` (packaged as
`tf1migrate.rules`), not in code, so users can extend it with their own packs
(`--rules acme.toml`) using the same schema; see rules/README.md. Packaged packs load
first in file-name order, then user packs in the order given: a later pack overrides the
same key and appends its findings. Unknown keys are errors, never silently ignored,
because a misspelt section would otherwise disable a user's rules without a word.

Loading runs in every worker process, so the parsed result is cached per pack set.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PACKAGED = "tf1migrate.rules"
RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
CONTEXTS = ("anywhere", "model_code")
SEVERITIES = ("error", "warning", "info")
CREATOR_CATEGORIES = ("direct", "in_variable_scope", "exclude")


class RulePackError(ValueError):
    """A rule pack cannot be read or is invalid; the message names the file and the key.

    Callers report it as TFM008 (bad configuration) with `str(error)`.
    """


@dataclass(frozen=True)
class Reorder:
    """Keep the first `keep_positional` arguments positional; name the next ones."""

    keep_positional: int
    to_keywords: tuple[str, ...]


@dataclass(frozen=True)
class CompatCondition:
    """Move a call to compat.v1 when it passes one of `keywords` or too many positionals."""

    keywords: tuple[str, ...]
    max_positional: int | None = None


@dataclass(frozen=True)
class LayerMapping:
    """A TF1 layer/cell name moved to a runtime name (`import_` is what the file must import)."""

    target: str
    rule: str  # "TFM201" for layers, "TFM202" for cells, "TFM203" for tf.contrib / tf_slim
    import_: str


@dataclass(frozen=True)
class FindingRule:
    """One [[findings]] entry: what to look for and what to tell the user."""

    rule: str
    message: str
    symbols: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    context: str = "anywhere"
    severity: str = "warning"
    # documentation (`tf1migrate rules` / `explain`); examples are tested for packaged packs
    name: str = ""
    summary: str = ""
    why: str = ""
    valid: tuple[str, ...] = ()  # snippets that must not report `rule`
    invalid: tuple[str, ...] = ()  # snippets that must report it, left unchanged


@dataclass(frozen=True)
class RuleSet:
    """Everything the upgrades and the index know about TensorFlow, merged from all packs.

    Picklable (plain dicts and tuples); treat the dicts as read-only.
    """

    renames: dict[str, str] = field(default_factory=dict)
    reorders: dict[str, Reorder] = field(default_factory=dict)
    keyword_renames: dict[str, dict[str, str]] = field(default_factory=dict)
    keyword_removals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # calls that keep their TF1 meaning only on compat.v1 when they pass certain arguments
    compat_v1_when: dict[str, CompatCondition] = field(default_factory=dict)
    layer_map: dict[str, LayerMapping] = field(default_factory=dict)
    module_map: dict[str, str] = field(default_factory=dict)
    # creators: "direct" / "in_variable_scope" / "exclude" -> name patterns (rules/creators.toml)
    creators: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # training markers: kind ("session", "optimizer", ..., "methods") -> name patterns
    training_markers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    findings: tuple[FindingRule, ...] = ()
    sources: tuple[str, ...] = ()  # the packs merged, in order

    def user_roots(self) -> frozenset[str]:
        """Top-level packages named by rule keys that are not TensorFlow (`acme` for
        `acme.legacy.x`): files importing them are rewritten like TensorFlow files."""
        cached = _USER_ROOTS.get(id(self))
        if cached is None or cached[0] is not self:
            names = [*self.renames, *self.layer_map, *(s for f in self.findings for s in f.symbols)]
            roots = frozenset(n.split(".")[0] for n in names if not n.startswith(("tf.", "*.")))
            cached = _USER_ROOTS[id(self)] = (self, roots)
        return cached[1]

    def finding_for_symbol(self, symbol: str) -> FindingRule | None:
        """The finding whose symbol is the longest prefix of `symbol` (dotted), if any."""
        return _finding_index(self).get_symbol(symbol)

    def findings_for_keyword(self, keyword: str) -> tuple[FindingRule, ...]:
        return tuple(f for f in self.findings if keyword in f.keywords)

    def findings_for_attribute(self, attribute: str) -> tuple[FindingRule, ...]:
        return tuple(f for f in self.findings if attribute in f.attributes)

    def finding_by_rule(self, rule: str) -> FindingRule | None:
        for finding in self.findings:
            if finding.rule == rule:
                return finding
        return None


class _FindingIndex:
    """Symbol -> finding with longest-prefix lookup (built once per RuleSet)."""

    def __init__(self, findings: Iterable[FindingRule]) -> None:
        self.by_symbol: dict[str, FindingRule] = {}
        for finding in findings:
            for symbol in finding.symbols:
                self.by_symbol[symbol] = finding

    def get_symbol(self, symbol: str) -> FindingRule | None:
        parts = symbol.split(".")
        for end in range(len(parts), 0, -1):
            hit = self.by_symbol.get(".".join(parts[:end]))
            if hit is not None:
                return hit
        return None


_INDEXES: dict[int, tuple[RuleSet, _FindingIndex]] = {}


_USER_ROOTS: dict[int, tuple[RuleSet, frozenset[str]]] = {}


def _finding_index(rules: RuleSet) -> _FindingIndex:
    cached = _INDEXES.get(id(rules))
    if cached is None or cached[0] is not rules:
        cached = (rules, _FindingIndex(rules.findings))
        _INDEXES[id(rules)] = cached
    return cached[1]


# ------------------------------------------------------------------------ public API
def load_rule_packs(extra: Sequence[str | Path] = ()) -> RuleSet:
    """The packaged packs plus `extra` user packs, validated and merged (cached)."""
    keys = tuple(_pack_key(Path(p)) for p in extra)
    return _load_cached(keys)


def packaged_pack_names() -> list[str]:
    return sorted(
        entry.name for entry in resources.files(PACKAGED).iterdir() if entry.name.endswith(".toml")
    )


def _pack_key(path: Path) -> tuple[str, int, int]:
    """Cache key that changes when a user pack is edited (path, mtime, size)."""
    try:
        stat = path.stat()
    except OSError as error:
        raise RulePackError(f"{path}: cannot read rule pack ({error.strerror})") from None
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load_cached(user_packs: tuple[tuple[str, int, int], ...]) -> RuleSet:
    builder = _Builder()
    for name in packaged_pack_names():
        text = resources.files(PACKAGED).joinpath(name).read_text(encoding="utf-8")
        builder.add(f"{PACKAGED}/{name}", _parse(name, text))
    for path, _mtime, _size in user_packs:
        text = Path(path).read_text(encoding="utf-8")
        builder.add(path, _parse(path, text))
    return builder.build()


def _parse(origin: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulePackError(f"{origin}: invalid TOML ({error})") from None


# ------------------------------------------------------------------------ validation
class _Builder:
    """Validates one pack at a time and merges it over the previous ones."""

    def __init__(self) -> None:
        self.renames: dict[str, str] = {}
        self.reorders: dict[str, Reorder] = {}
        self.keyword_renames: dict[str, dict[str, str]] = {}
        self.keyword_removals: dict[str, tuple[str, ...]] = {}
        self.compat_v1: dict[str, str] = {}
        self.compat_v1_when: dict[str, CompatCondition] = {}
        self.layer_map: dict[str, LayerMapping] = {}
        self.module_map: dict[str, str] = {}
        self.creators: dict[str, tuple[str, ...]] = {}
        self.training_markers: dict[str, tuple[str, ...]] = {}
        self.findings: list[FindingRule] = []
        self.sources: list[str] = []

    def add(self, origin: str, data: Mapping[str, Any]) -> None:
        for section, value in data.items():
            handler = getattr(self, f"_section_{section}", None)
            if handler is None:
                raise RulePackError(f"{origin}: unknown key {section!r} (see rules/README.md)")
            handler(_Where(origin, section), value)
        self.sources.append(origin)

    def build(self) -> RuleSet:
        renames = {
            **{name: "tf.compat.v1." + name[len("tf.") :] for name in self.compat_v1},
            **self.renames,
        }
        return RuleSet(
            renames=_without_chains(renames, self.reorders),
            reorders=self.reorders,
            keyword_renames=self.keyword_renames,
            keyword_removals=self.keyword_removals,
            compat_v1_when=self.compat_v1_when,
            layer_map=self.layer_map,
            module_map=self.module_map,
            creators=self.creators,
            training_markers=self.training_markers,
            findings=tuple(self.findings),
            sources=tuple(self.sources),
        )

    # One method per section; the name after `_section_` is the TOML key.
    def _section_meta(self, where: _Where, value: Any) -> None:
        for key, item in where.table(value).items():
            where.string(item, key)

    def _section_renames(self, where: _Where, value: Any) -> None:
        for name, target in where.table(value).items():
            self.renames[name] = where.string(target, name)

    def _section_compat_v1(self, where: _Where, value: Any) -> None:
        for name, reason in where.table(value).items():
            if not name.startswith("tf."):
                raise where.error(f"{name}: compat_v1 names start with 'tf.'")
            self.compat_v1[name] = where.string(reason, name)

    def _section_compat_v1_when(self, where: _Where, value: Any) -> None:
        for name, spec in where.table(value).items():
            at = where.at(name)
            entry = at.table(spec, {"keywords", "max_positional"})
            limit = entry.get("max_positional")
            if limit is not None and (not isinstance(limit, int) or limit < 0):
                raise at.error("max_positional must be a non-negative integer")
            self.compat_v1_when[name] = CompatCondition(
                at.strings(entry.get("keywords", [])), limit
            )

    def _section_reorders(self, where: _Where, value: Any) -> None:
        for name, spec in where.table(value).items():
            entry = where.at(name).table(spec, {"keep_positional", "to_keywords"})
            keep = entry.get("keep_positional", 0)
            if not isinstance(keep, int) or keep < 0:
                raise where.error(f"{name}.keep_positional must be a non-negative integer")
            keywords = where.at(name).strings(entry.get("to_keywords", []))
            self.reorders[name] = Reorder(keep, keywords)

    def _section_keyword_renames(self, where: _Where, value: Any) -> None:
        for name, table in where.table(value).items():
            renames = where.at(name).table(table)
            self.keyword_renames[name] = {
                old: where.at(name).string(new, old) for old, new in renames.items()
            }

    def _section_keyword_removals(self, where: _Where, value: Any) -> None:
        for name, keywords in where.table(value).items():
            self.keyword_removals[name] = where.at(name).strings(keywords)

    def _section_modules(self, where: _Where, value: Any) -> None:
        for name, target in where.table(value).items():
            self.module_map[name] = where.string(target, name)

    def _section_layers(self, where: _Where, value: Any) -> None:
        self._mappings(where, value, "TFM201")

    def _section_cells(self, where: _Where, value: Any) -> None:
        self._mappings(where, value, "TFM202")

    def _section_contrib(self, where: _Where, value: Any) -> None:
        self._mappings(where, value, "TFM203")

    def _mappings(self, where: _Where, value: Any, rule: str) -> None:
        for name, spec in where.table(value).items():
            if isinstance(spec, str):
                target, import_ = spec, spec.split(".")[0]
            else:
                entry = where.at(name).table(spec, {"to", "import"})
                target = where.at(name).string(entry.get("to"), "to")
                import_ = where.at(name).string(entry.get("import", target.split(".")[0]), "import")
            self.layer_map[name] = LayerMapping(target, rule, import_)

    def _section_creators(self, where: _Where, value: Any) -> None:
        for category, patterns in where.table(value, set(CREATOR_CATEGORIES)).items():
            _extend(self.creators, category, where.at(category).strings(patterns))

    def _section_training(self, where: _Where, value: Any) -> None:
        for kind, patterns in where.table(value).items():
            _extend(self.training_markers, kind, where.at(kind).strings(patterns))

    def _section_findings(self, where: _Where, value: Any) -> None:
        if not isinstance(value, list):
            raise where.error("must be an array of tables ([[findings]])")
        allowed = {
            "rule",
            "message",
            "symbols",
            "keywords",
            "attributes",
            "context",
            "severity",
            "name",
            "summary",
            "why",
            "valid",
            "invalid",
        }
        for index, spec in enumerate(value):
            at = where.at(str(index))
            entry = at.table(spec, allowed)
            rule = at.string(entry.get("rule"), "rule")
            if not RULE_ID.match(rule):
                raise at.error(f"rule {rule!r} is not a rule id like TFM401 or ACME001")
            context = at.string(entry.get("context", "anywhere"), "context")
            severity = at.string(entry.get("severity", "warning"), "severity")
            if context not in CONTEXTS:
                raise at.error(f"context must be one of {CONTEXTS}, not {context!r}")
            if severity not in SEVERITIES:
                raise at.error(f"severity must be one of {SEVERITIES}, not {severity!r}")
            finding = FindingRule(
                rule=rule,
                message=at.string(entry.get("message"), "message"),
                symbols=at.strings(entry.get("symbols", [])),
                keywords=at.strings(entry.get("keywords", [])),
                attributes=at.strings(entry.get("attributes", [])),
                context=context,
                severity=severity,
                name=at.string(entry["name"], "name") if "name" in entry else "",
                summary=at.string(entry["summary"], "summary") if "summary" in entry else "",
                why=at.string(entry["why"], "why") if "why" in entry else "",
                valid=at.strings(entry.get("valid", [])),
                invalid=at.strings(entry.get("invalid", [])),
            )
            if not (finding.symbols or finding.keywords or finding.attributes):
                raise at.error("needs at least one of symbols, keywords, attributes")
            self.findings.append(finding)


def _without_chains(renames: dict[str, str], reorders: dict[str, Reorder]) -> dict[str, str]:
    """Give renames whose target is itself a TF1 name in the tables an unambiguous target.

    `tf.nn.avg_pool_v2` -> `tf.nn.avg_pool` is right in TF2, but TF1 also had a
    `tf.nn.avg_pool` (-> `tf.nn.avg_pool2d`), so a second run would rename it again and
    change its meaning. Likewise `tf.nn.ctc_beam_search_decoder_v2` -> `..._decoder`,
    whose TF1 reorder would name arguments the first run left positional. Such entries
    use the compat.v1 spelling of the original name, which is exact and stable (contrib
    names, absent from compat.v1, follow the rename chain).
    """
    fixed = dict(renames)
    for old, new in renames.items():
        if not old.startswith("tf.") or new.startswith("tf.compat."):
            continue
        if new not in renames and not _reorders_again(old, new, reorders):
            continue
        if old.startswith("tf.contrib."):  # contrib is not in compat.v1: follow the chain
            seen = {old}
            while new in renames and new not in seen and not new.startswith("tf.compat."):
                seen.add(new)
                new = renames[new]
            fixed[old] = new
        else:
            fixed[old] = "tf.compat.v1." + old[len("tf.") :]
    return fixed


def _reorders_again(old: str, new: str, reorders: dict[str, Reorder]) -> bool:
    """Would `new`'s reorder name arguments a call to `old` keeps positional after a run?"""
    if new not in reorders:
        return False
    kept = reorders[old].keep_positional if old in reorders else None  # None: all positional
    return kept is None or kept > reorders[new].keep_positional


def _extend(table: dict[str, tuple[str, ...]], key: str, items: tuple[str, ...]) -> None:
    """Append `items` to `table[key]` keeping first-seen order and no duplicates."""
    table[key] = tuple(dict.fromkeys((*table.get(key, ()), *items)))


@dataclass(frozen=True)
class _Where:
    """Where in which pack we are, for error messages that name file and key."""

    origin: str
    path: str

    def at(self, key: str) -> _Where:
        return _Where(self.origin, f"{self.path}.{key}")

    def error(self, what: str) -> RulePackError:
        return RulePackError(f"{self.origin}: {self.path}: {what}")

    def table(self, value: Any, allowed: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error("must be a table")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    raise RulePackError(
                        f"{self.origin}: unknown key {key!r} in {self.path} "
                        f"(allowed: {', '.join(sorted(allowed))})"
                    )
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(f"{key} must be a non-empty string")
        return value

    def strings(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error("must be a list of non-empty strings")
        return tuple(value)


def clear_cache() -> None:
    """Forget parsed packs (tests that edit a pack in place within one mtime tick)."""
    _load_cached.cache_clear()
    _INDEXES.clear()


__all__ = [
    "CompatCondition",
    "FindingRule",
    "LayerMapping",
    "Reorder",
    "RulePackError",
    "RuleSet",
    "clear_cache",
    "load_rule_packs",
    "packaged_pack_names",
]
