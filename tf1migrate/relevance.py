"""Which statements of a module the upgrade rules could react to, found with `ast`.

The upgrade walk (`tf1migrate.upgrades`) is a LibCST transformer that visits every node.
Python's `ast` parses in C, so a cheap conservative scan says which statements can matter,
and the walk skips the others (returns False from their visit). It is opt-in (the engine's
`prune`): on TF-dense code the scan costs more than the walk it saves (see
benchmarks/README.md, "Codemod throughput: engine profile").

A statement can matter when it

* imports anything (import rules see every import line),
* mentions a name bound to TensorFlow or to a package a rule pack names (resolver heads),
* reads an attribute, or passes a keyword, that a rule inspects on any object (`.value`,
  `.get_shape`, `.name`, `*.minimize`, `feed_dict=`), or
* mentions a function defined in the module (`helper(x)`, `self.helper(x)`): TensorNames
  follows calls to learn which functions are model code, or
* binds a name that some statement of the kinds above mentions: rules track bindings
  (`v = tf.get_variable(...)` then `v.name`), and skipping a rebinding could change a
  later decision.

It only ever answers "maybe" for more statements than needed, never fewer; anything it
cannot map exactly (ast and LibCST disagreeing on structure) disables pruning for the file,
and so does a rule it was not written for (`UNDERSTOOD_RULES`): a new rule may react to
syntax listed nowhere here, so it is walked everywhere until this module learns about it.
`tests/codemod/test_equivalence.py` checks pruned and full walks give identical results.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from tf1migrate.resolve import Resolver
from tf1migrate.rulepacks import RuleSet

#: Rules whose triggers `triggers_for` and `_mark` cover (class names in `all_rules()`).
UNDERSTOOD_RULES = frozenset({
    "ImportRepoint", "LayerMappingRule", "SymbolRename", "CallArguments", "DimensionValue",
    "SymbolFindings", "KeywordFindings", "TensorNames", "AttributeFindings",
    "DimensionArithmetic", "GraphModeSwitches", "DeadContribImports",
})

#: Attributes rules inspect whatever the object is (DimensionValue, DimensionArithmetic).
RULE_ATTRIBUTES = frozenset({"value", "get_shape", "shape"})

_CHILD_BODIES = ("body", "orelse", "finalbody")

#: LibCST small-statement class name -> ast class name, where they differ.
_SMALL_NAMES = {"Del": "Delete"}
#: LibCST compound class name -> the ast class names it may correspond to.
_COMPOUND_NAMES = {
    "FunctionDef": ("FunctionDef", "AsyncFunctionDef"),
    "ClassDef": ("ClassDef",),
    "If": ("If",),
    "For": ("For", "AsyncFor"),
    "While": ("While",),
    "Try": ("Try",),
    "TryStar": ("TryStar",),
    "With": ("With", "AsyncWith"),
    "Match": ("Match",),
}


@dataclass(frozen=True)
class Triggers:
    """What makes a statement matter, for one module and rule set."""

    heads: frozenset[str]  # local names that may resolve to TensorFlow or a user package
    attributes: frozenset[str]  # attribute names rules inspect on any object
    keywords: frozenset[str]  # keyword arguments rules inspect on any call


def triggers_for(
    resolver: Resolver, rules: RuleSet, user_roots: Iterable[str], active: Iterable[object]
) -> Triggers | None:
    """What any of the `active` rules could react to (None: a rule this does not know)."""
    if any(type(rule).__name__ not in UNDERSTOOD_RULES for rule in active):
        return None
    heads = set(resolver.tf_aliases)
    roots = set(user_roots)
    for local, target in resolver.project_bindings.items():
        if target.split(".")[0] in roots or _may_reexport(target, resolver.reexports):
            heads.add(local)
    attributes = set(RULE_ATTRIBUTES)
    keywords: set[str] = set()
    for finding in rules.findings:
        attributes.update(finding.attributes)
        keywords.update(finding.keywords)
    for table in (rules.reorders, rules.compat_v1_when, rules.keyword_renames,
                  rules.keyword_removals):
        attributes.update(key[2:] for key in table if key.startswith("*."))
    return Triggers(frozenset(heads), frozenset(attributes), frozenset(keywords))


def _may_reexport(target: str, reexports: Iterable[str]) -> bool:
    """Could `target.x.y` go through a project re-export of TensorFlow?"""
    return any(
        key == target or key.startswith(target + ".") or target.startswith(key + ".")
        for key in reexports
    )


# ------------------------------------------------------------------ the ast scan
# Python's ast gives the statements and their lines (in C); what a statement mentions is
# then read from its text with one regular expression, also in C. Text over-approximates
# (a word in a string or comment counts too), which only ever walks more.
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
#: The line breaks ast counts (str.splitlines also splits at form feeds and \u2028).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class _Unit:
    """One ast statement: its own text (the header lines, for a compound) and bindings."""

    node: ast.stmt
    text: str
    stores: set[str] = field(default_factory=set)  # names its binding hooks would see
    children: list[list[_Unit]] = field(default_factory=list)  # child statement lists
    relevant: bool = False


def _scan_block(statements: Sequence[ast.stmt], lines: list[str]) -> list[_Unit]:
    return [_scan_statement(statement, lines) for statement in statements]


def _scan_statement(statement: ast.stmt, lines: list[str]) -> _Unit:
    children: list[list[ast.stmt]] = []
    for name, value in ast.iter_fields(statement):
        if name in _CHILD_BODIES and isinstance(value, list):
            children.append(value)
        elif name == "handlers":
            children.extend(handler.body for handler in value)
        elif name == "cases":
            children.extend(case.body for case in value)
    first, last = _first_line(statement), statement.end_lineno or statement.lineno
    covered: set[int] = set()
    for block in children:
        for child in block:
            start = _first_line(child)
            if not lines[start - 1][: _first_column(child)].strip():  # alone on its line
                covered.add(start)
            covered.update(range(start + 1, (child.end_lineno or start) + 1))
    text = "\n".join(lines[n - 1] for n in range(first, last + 1) if n not in covered)
    unit = _Unit(statement, text, _stores(statement))
    unit.children = [_scan_block(block, lines) for block in children]
    return unit


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].lineno if decorators else statement.lineno


def _first_column(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].col_offset - 1 if decorators else statement.col_offset  # the `@`


def _stores(statement: ast.stmt) -> set[str]:
    """Names bound where the walk calls rules' `bind` (assignments, for, with ... as)."""
    if isinstance(statement, ast.Assign):
        targets: list[ast.AST] = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in statement.items if item.optional_vars]
    else:
        return set()
    return {
        node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)
    }


def _all_units(block: list[_Unit]) -> Iterable[_Unit]:
    for unit in block:
        yield unit
        for child in unit.children:
            yield from _all_units(child)


def _trigger_pattern(triggers: Triggers, functions: set[str]) -> re.Pattern[str] | None:
    """One regular expression for every word, `.attribute` and `keyword=` that matters."""
    parts = []
    words = sorted(triggers.heads | functions)
    if words:
        parts.append(r"(?<!\w)(?:%s)(?!\w)" % "|".join(map(re.escape, words)))
    if triggers.attributes:
        names = "|".join(map(re.escape, sorted(triggers.attributes)))
        parts.append(r"\.\s*(?:%s)(?!\w)" % names)
    if triggers.keywords:
        names = "|".join(map(re.escape, sorted(triggers.keywords)))
        parts.append(r"(?<!\w)(?:%s)\s*=" % names)
    return re.compile("|".join(parts)) if parts else None


def _mark(block: list[_Unit], triggers: Triggers) -> None:
    """Set `relevant` on every unit (and its ancestors) that could matter."""
    units = list(_all_units(block))
    functions = {
        unit.node.name for unit in units
        if isinstance(unit.node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    pattern = _trigger_pattern(triggers, functions)
    needed: set[str] = set()
    for unit in units:
        if isinstance(unit.node, (ast.Import, ast.ImportFrom)) or (
            pattern is not None and pattern.search(unit.text)
        ):
            unit.relevant = True
            needed.update(_IDENTIFIER.findall(unit.text))
    for unit in units:
        if not unit.relevant and not unit.stores.isdisjoint(needed):
            unit.relevant = True
    _propagate(block)


def _propagate(block: list[_Unit]) -> bool:
    """A compound statement matters when anything inside it does."""
    any_relevant = False
    for unit in block:
        for child in unit.children:
            if _propagate(child):
                unit.relevant = True
        any_relevant |= unit.relevant
    return any_relevant


# ------------------------------------------------------------- mapping onto LibCST
class _Mismatch(Exception):
    """ast and LibCST disagree on the statement structure: do not prune."""


def skippable_statements(
    module: cst.Module, source: str, triggers: Triggers
) -> frozenset[int] | None:
    """ids of LibCST statements no rule can react to (None: could not tell, walk all).

    `source` must be the code of `module` (its ast is mapped onto the LibCST statements).
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    block = _scan_block(tree.body, _LINE_BREAK.split(source))
    _mark(block, triggers)
    skip: set[int] = set()
    try:
        _map_block(module.body, block, skip)
    except _Mismatch:
        return None
    return frozenset(skip)


def _map_block(statements: Sequence[cst.CSTNode], units: list[_Unit], skip: set[int]) -> None:
    position = 0
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            count = len(statement.body)
            line_units = units[position : position + count]
            if len(line_units) != count:
                raise _Mismatch
            for small, unit in zip(statement.body, line_units):
                name = type(small).__name__
                if _SMALL_NAMES.get(name, name) != type(unit.node).__name__:
                    raise _Mismatch
            if not any(unit.relevant for unit in line_units):
                skip.add(id(statement))
            position += count
            continue
        if position >= len(units):
            raise _Mismatch
        unit = units[position]
        position += 1
        _map_compound(statement, unit, skip)
        if not unit.relevant:
            skip.add(id(statement))
    if position != len(units):
        raise _Mismatch


def _map_compound(statement: cst.CSTNode, unit: _Unit, skip: set[int]) -> None:
    expected = _COMPOUND_NAMES.get(type(statement).__name__)
    if expected is None or type(unit.node).__name__ not in expected:
        raise _Mismatch
    if not unit.relevant:
        return  # skipped whole: its inside needs no mapping
    suites = _cst_child_suites(statement)
    if len(suites) != len(unit.children):
        raise _Mismatch
    for suite, units in zip(suites, unit.children):
        if isinstance(suite, cst.IndentedBlock):
            _map_block(suite.body, units, skip)
        elif isinstance(suite, cst.If):  # `elif`: ast nests it as the only `orelse` statement
            if len(units) != 1:
                raise _Mismatch
            _map_compound(suite, units[0], skip)
            if not units[0].relevant:
                skip.add(id(suite))
        # SimpleStatementSuite (`if x: y`) is walked whole with its statement


def _cst_child_suites(statement: cst.CSTNode) -> list[cst.CSTNode | None]:
    """Child suites in the order `_scan_statement` lists ast child statement lists."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef, cst.With)):
        return [statement.body]
    if isinstance(statement, cst.If):
        return [statement.body, _else_suite(statement.orelse)]
    if isinstance(statement, (cst.For, cst.While)):
        return [statement.body, _else_suite(statement.orelse)]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        suites: list[cst.CSTNode | None] = [statement.body]
        suites += [handler.body for handler in statement.handlers]
        suites.append(_else_suite(statement.orelse))
        suites.append(statement.finalbody.body if statement.finalbody else None)
        return suites
    if isinstance(statement, cst.Match):
        return [case.body for case in statement.cases]
    raise _Mismatch


def _else_suite(orelse: cst.CSTNode | None) -> cst.CSTNode | None:
    if orelse is None:
        return None
    if isinstance(orelse, cst.If):
        return orelse
    return orelse.body  # type: ignore[attr-defined]
