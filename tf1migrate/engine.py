"""The rewrite of one source text: upgrades, wrapper classes, imports, then self-checks.

`migrate_source` is pure (text in, `SourceResult` out) and picklable in its arguments, so
the CLI runs it in worker processes after building the `ProjectIndex` from every file's
summary. It never imports TensorFlow or the code it rewrites. Its output is checked: it
must parse and compile, and migrating it again must change nothing; otherwise it raises
`InternalCheckError` (the runner leaves the file untouched and reports TFM006).

Both passes over a project (summaries, index, then this) are `tf1migrate.passes`::

    results = passes.migrate_sources({"model.py": source}, Options())
    results["model.py"].code      # upgraded source with `class ModelLayer(...)` after `model`
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate import noqa
from tf1migrate.codegen import module_code
from tf1migrate.feeds import rewrite_feeds
from tf1migrate.generate import BASES, class_name_for, generate_wrapper, wrapped_name
from tf1migrate.facts import file_has_skip_comment
from tf1migrate.index import ProjectIndex, RootInfo
from tf1migrate.markers import def_has_skip_comment, generated_wrapper_target
from tf1migrate.project_findings import decision_records, project_findings
from tf1migrate.resolve import COMPAT_V1, TF_ROOT, Resolver
from tf1migrate.rulepacks import RuleSet, load_rule_packs
from tf1migrate.types import (
    Finding,
    Fixpoint,
    GeneratedLayer,
    InternalCheckError,
    Options,
    ParseFailure,
    Severity,
    SourceResult,
)

RUNTIME_MODULE = "tf1compat"


# ---------------------------------------------------------------------- Python 2
_PYTHON2 = [
    re.compile(r"^\s*print\s+[^\s(=][^=]*$", re.MULTILINE),  # print statement
    re.compile(r"^\s*print\s*$", re.MULTILINE),
    re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:", re.MULTILINE),  # except E, e:
    re.compile(r"^\s*raise\s+[\w.]+\s*,\s*", re.MULTILINE),  # raise E, "msg"
    re.compile(r"^\s*exec\s+[\"'\w]", re.MULTILINE),  # exec statement
    re.compile(r"(?<![\w.])0[0-7]+\b"),  # 0777 octal literal
    re.compile(r"(?<![\w.])\d+[lL]\b"),  # long literal
    re.compile(r"<>"),
    re.compile(r"`[^`\n]+`"),  # backtick repr
    re.compile(r"\bur[\"']"),
]


def looks_like_python2(source: str) -> bool:
    """Cheap signs of Python 2 syntax (so the message can say "run 2to3 first")."""
    return any(pattern.search(source) for pattern in _PYTHON2)


def parse(source: str, path: str = "") -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        python2 = looks_like_python2(source)
        hint = " (looks like Python 2: run 2to3 or pyupgrade first)" if python2 else ""
        raise ParseFailure(
            f"{path or '<source>'}: does not parse: {error.message}{hint}",
            error.raw_line,
            error.raw_column,
            python2,
        ) from None


# ---------------------------------------------------------------------- the rewrite
@dataclass
class _Rewrite:
    """The result of one rewrite pass (before checks)."""

    tree: cst.Module
    changed: bool
    findings: list[Finding]
    layers: list[GeneratedLayer]
    upgrades: int
    rules_applied: set[str]
    code_findings: list[Finding]  # the upgrade walk's own (not the index's, not wrapping's)


def migrate_source(
    source: str, *, path: str, module: str, project: ProjectIndex, options: Options,
    rules: RuleSet | None = None, learn: bool = False,
) -> SourceResult:
    """Migrate one file's text; raises ParseFailure or InternalCheckError.

    `learn=True` (a run that writes): the self-check's second run also reports and locates
    its findings, and the result's `fixpoint` keeps them, so the written text's own answer
    can be cached without migrating it again (see `Fixpoint`).
    """
    if file_has_skip_comment(source):
        return SourceResult(code=source)
    rules = rules if rules is not None else load_rule_packs(options.rule_packs)
    first = _rewrite(parse(source, path), path, module, project, options, rules, code=source)
    code = source
    layers = first.layers
    compiled = False
    fixpoint = None
    if first.changed:
        code = module_code(first.tree)
        fixpoint = _check(first, code, path, module, project, options, rules, learn)
        layers = _locate_layers(code, layers)
        compiled = True
    findings = tuple(sorted(set(noqa.filter_findings(first.findings, noqa.suppressed_lines(source)))))
    return SourceResult(
        code=code,
        findings=findings,
        layers=tuple(layers),
        upgrades=first.upgrades,
        tf1_debt=sum(1 for f in findings if f.severity == Severity.WARNING),
        compiled=compiled,
        fixpoint=fixpoint,
        decisions=decision_records(
            project.decisions_in(module), wrapper_classes(first.tree.body, layers)
        ),
    )


def _check(
    result: _Rewrite, code: str, path: str, module: str, project: ProjectIndex,
    options: Options, rules: RuleSet, learn: bool = False,
) -> Fixpoint | None:
    """The output compiles and a second run changes nothing; else InternalCheckError.

    The second run works on the rewritten tree itself rather than on a re-parse of `code`:
    LibCST trees round-trip through their code, and skipping the parse and the final
    codegen halves the check's cost. (The fuzz tests re-run on the text.) With `learn`,
    the second run is a full one (every rule, positions) and its findings are returned.
    """
    applied = sorted(result.rules_applied)
    try:
        compile(code, path or "<migrated>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        message = f"{path}: rewritten code does not compile: {error}"
        raise InternalCheckError(message, applied) from None
    consulted: dict[str, str | None] = {}
    if learn:
        again = _rewrite(
            result.tree, path, module, project, options, rules, code=code, check_only=True,
            consulted=consulted,
        )
    else:
        # findings never change code: skip them on the re-run, and never locate the rest
        # (positions cost a codegen pass; only the rule ids are kept, for the error message)
        rewrite_only = replace(options, ignore=(*options.ignore, "TFM4"))
        again = _rewrite(
            result.tree, path, module, project, rewrite_only, rules, locate=False, code=code,
            check_only=True,
        )
    if again.changed:
        raise InternalCheckError(
            f"{path}: rewrite is not idempotent (a second run changed the file)",
            sorted(again.rules_applied) or applied,
        )
    if not learn:
        return None
    classes = wrapper_classes(again.tree.body)
    return Fixpoint(
        findings=tuple(again.code_findings),
        wrapped=frozenset(classes),
        classes=tuple(sorted(classes.items())),
        reexports=tuple(sorted(consulted.items(), key=lambda item: item[0])),
    )


def _rewrite(
    tree: cst.Module, path: str, module_name: str, project: ProjectIndex, options: Options,
    rules: RuleSet, *, locate: bool = True, code: str | None = None, check_only: bool = False,
    consulted: dict[str, str | None] | None = None,
) -> _Rewrite:
    """One rewrite of `tree` (upgrades, wrappers, imports); `locate=False` skips positions.

    `code` is the tree's text when known: its `# tf1migrate: noqa` comments mute rewrites.
    `check_only` (the self-check's second run) leaves out the index's findings, which are
    the first run's already.
    """
    muted = noqa.for_tree(tree, code) if code is not None and "noqa" in code else None
    is_package = path.replace("\\", "/").endswith("__init__.py")
    resolver = Resolver.from_module(
        tree, module_name=module_name, is_package=is_package, reexports=project.reexports,
        record=consulted is not None,
    )
    findings: list[Finding] = []
    applied: set[str] = set()
    upgraded, upgrade_count, imports = _upgrade(
        tree, resolver, rules, options, path, findings, applied, locate, muted
    )
    # before the feed placeholders' TFM402 go: their lines are the index's, which a learnt
    # answer takes from the index of the written text (`tf1migrate.learn`)
    code_findings = list(findings)
    fed = project.feeds_in(module_name)
    if fed:  # placeholders of classes wrapped as a whole: fed from their layer's call
        upgraded, count = rewrite_feeds(upgraded, [(m, k) for m, k, _ in fed], resolver)
        if count:
            imports.add(RUNTIME_MODULE)
            applied.add("TFM303")
            upgrade_count += count
        lines = {line for _, _, line in fed}
        findings[:] = [f for f in findings if not (f.rule == "TFM402" and f.line in lines)]

    roots = [
        root for root in project.roots_in(module_name)
        if _enabled("TFM303" if root.kind in ("init", "method") else "TFM301", options)
    ]
    upgraded, layers, bindings = _insert_wrappers(
        upgraded, roots, options, path, findings, applied, project.lines, muted is not None
    )
    if layers:
        imports.add(RUNTIME_MODULE)
        if any(layer.scope for layer in layers) and not _binds_tensorflow(bindings):
            imports.add(TF_ROOT)
    if consulted is not None and resolver.consulted is not None:
        consulted.update(resolver.consulted)  # the lookups made while walking included
    if not check_only:
        findings += project_findings(project, module_name, path, options)
    changed = bool(layers or upgrade_count)
    if imports and changed:
        upgraded = _add_imports(upgraded, imports)
    return _Rewrite(
        upgraded, changed, findings, layers, upgrade_count + len(layers), applied, code_findings
    )


def _upgrade(
    tree: cst.Module, resolver: Resolver, rules: RuleSet, options: Options, path: str,
    findings: list[Finding], applied: set[str], locate: bool,
    muted: noqa.TreeSuppressions | None = None,
) -> tuple[cst.Module, int, set[str]]:
    """The rules engineer's symbol upgrades (renames, layer mappings, findings)."""
    from tf1migrate.upgrades import apply_upgrades

    extra = {"suppressions": muted} if muted is not None else {}
    outcome = apply_upgrades(tree, resolver, rules, options, path=path, locate=locate, **extra)
    findings.extend(outcome.findings)
    applied.update(f.rule for f in outcome.findings)
    if outcome.count:
        applied.add("TFM1xx/TFM2xx upgrades")
    return outcome.module, outcome.count, set(outcome.imports)


def _add_imports(tree: cst.Module, imports: set[str]) -> cst.Module:
    """`import tf1compat` (and friends) once, after the module's leading imports.

    Only the module's top-level statements are looked at: LibCST's AddImportsVisitor does
    the same job but walks every node, which cost more than the rest of the rewrite.
    """
    body = list(tree.body)
    present: set[str] = set()
    last_import = -1
    for index, statement in enumerate(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            last_import = index
            for small in statement.body:
                if isinstance(small, cst.Import):
                    present.update(
                        get_full_name_for_node(alias.name) or ""
                        for alias in small.names
                        if alias.asname is None
                    )
    missing = sorted(imports - present)
    if not missing:
        return tree
    position = last_import + 1 if last_import >= 0 else _after_docstring(body)
    new = [
        cst.parse_statement(f"import {name}{tree.default_newline}", config=tree.config_for_parsing)
        for name in missing
    ]
    return tree.with_changes(body=[*body[:position], *new, *body[position:]])


def _after_docstring(body: Sequence[cst.BaseStatement]) -> int:
    first = body[0] if body else None
    if isinstance(first, cst.SimpleStatementLine) and isinstance(first.body[0], cst.Expr):
        value = body[0].body[0].value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            return 1
    return 0


# ---------------------------------------------------------------------- wrappers
def _insert_wrappers(
    tree: cst.Module, roots: Sequence[RootInfo], options: Options, path: str,
    findings: list[Finding], applied: set[str], lines: Mapping[str, int],
    honour_noqa: bool = False,
) -> tuple[cst.Module, list[GeneratedLayer], Resolver | None]:
    """Each root's class right after its def (or class); `lines` are the defs' lines.

    Also returns the resolver of `tree` it used (generated classes bind no module-level
    name, so it holds for the result too)."""
    if not roots:
        return tree, [], None
    body = list(tree.body)
    existing = {generated_wrapper_target(s) for s in body if isinstance(s, cst.ClassDef)} - {None}
    bindings = Resolver.from_module(tree)
    taken = {s.name.value for s in body if isinstance(s, (cst.ClassDef, cst.FunctionDef))}
    taken |= set(bindings.tf_aliases) | set(bindings.project_bindings)
    insert_after: dict[int, list[cst.ClassDef]] = {}
    layers: list[GeneratedLayer] = []
    tf_v1: str | None = None
    for root in roots:
        if wrapped_name(root) in existing:
            continue
        found = _find_definition(body, root)
        if found is None:  # defined inside an if/try or a nested class: say so, do not guess
            findings.append(Finding(path, lines.get(root.key, 1), 0, "TFM301", (
                f"`{root.qualname}` is model code no other model code calls, but it is not defined "
                "at module level (or directly in a module-level class), so no wrapper was "
                "generated: move it to module level, or wrap it by hand"
            ), Severity.WARNING))
            continue
        index, function, owner = found
        owner_skipped = owner is not None and def_has_skip_comment(tree, owner)
        if def_has_skip_comment(tree, function) or owner_skipped:
            continue
        wrap_rule = "TFM301" if root.kind == "function" else "TFM303"
        if honour_noqa and any(
            noqa.def_line_muted(tree, node, wrap_rule) for node in (function, owner) if node
        ):
            continue  # `def f(x):  # tf1migrate: noqa` keeps it unwrapped
        if root.outer_scope and tf_v1 is None:
            tf_v1 = _tf_v1_prefix(bindings)
        class_name = class_name_for(root, options.target, taken)
        taken.add(class_name)
        wrapper = generate_wrapper(
            function, root, class_name=class_name, target=options.target,
            tf_v1=tf_v1 or "tf.compat.v1", module=tree,
            docstring=owner.get_docstring(clean=True) if root.kind == "init" and owner else None,
        )
        insert_after.setdefault(index, []).append(wrapper)
        base = BASES[options.target]
        layers.append(GeneratedLayer(class_name, wrapped_name(root), 0, base, root.outer_scope))
        findings.extend(_wrap_findings(root, class_name, path, lines.get(root.key, 1)))
        applied.add("TFM303" if root.kind in ("init", "method") else "TFM301")
    if not insert_after:
        return tree, [], bindings
    new_body: list[cst.BaseStatement] = []
    for index, statement in enumerate(body):
        new_body.append(statement)
        new_body.extend(insert_after.get(index, ()))
    return tree.with_changes(body=new_body), layers, bindings


def _find_definition(
    body: Sequence[cst.BaseStatement], root: RootInfo
) -> tuple[int, cst.FunctionDef, cst.ClassDef | None] | None:
    """(index in module body, the def to wrap, its class) for a top-level function or method."""
    parts = root.qualname.split(".")
    for index, statement in enumerate(body):
        named = getattr(getattr(statement, "name", None), "value", None) == parts[0]
        if len(parts) == 1 and isinstance(statement, cst.FunctionDef) and named:
            return index, statement, None
        if len(parts) == 2 and isinstance(statement, cst.ClassDef) and named:
            block = statement.body
            if isinstance(block, cst.IndentedBlock):
                for member in block.body:
                    if isinstance(member, cst.FunctionDef) and member.name.value == parts[1]:
                        return index, member, statement
    return None


def _tf_v1_prefix(resolver: Resolver) -> str:
    """How generated code names `tensorflow.compat.v1` in this module (its own alias)."""
    for alias, qual in sorted(resolver.tf_aliases.items()):
        if qual == COMPAT_V1:
            return alias
    for alias, qual in sorted(resolver.tf_aliases.items()):
        if qual == TF_ROOT:
            return f"{alias}.compat.v1"
    return f"{TF_ROOT}.compat.v1"  # `import tensorflow` is added with the wrapper


def _binds_tensorflow(resolver: Resolver | None) -> bool:
    aliases = resolver.tf_aliases.values() if resolver is not None else ()
    return any(q in (TF_ROOT, COMPAT_V1) for q in aliases)


def _locate_layers(code: str, layers: list[GeneratedLayer]) -> list[GeneratedLayer]:
    located = []
    for layer in layers:
        match = re.search(rf"^class[ \t]+{re.escape(layer.class_name)}\b", code, re.MULTILINE)
        line = code.count("\n", 0, match.start()) + 1 if match else 0
        located.append(replace(layer, line=line))
    return located


# ---------------------------------------------------------------------- findings
def _enabled(rule: str, options: Options) -> bool:
    return options.enables(rule)


def _wrap_findings(root: RootInfo, class_name: str, path: str, line: int) -> list[Finding]:
    what = wrapped_name(root)
    why = f" [evidence: {root.evidence}]" if root.evidence else ""
    if root.kind == "function":
        rule, message = "TFM301", (
            f"`{what}` is a network entry point: wrapped in `{class_name}` (its variables keep "
            f"their TF1 names){why}"
        )
    elif root.kind == "closure":
        rule, message = "TFM301", (
            f"`{what}` is a builder whose returned function creates the variables: wrapped in "
            f"`{class_name}` (the constructor takes the builder's arguments, the call runs the "
            f"returned function on the inputs){why}"
        )
    elif root.kind == "init":
        rule, message = "TFM303", (
            f"`{what}` builds its graph in __init__: wrapped as a whole in `{class_name}`{why}"
        )
    else:
        rule, message = "TFM303", (
            f"`{what}` of a TF1 model class builds the graph: wrapped in `{class_name}`{why}"
        )
    found = [Finding(path, line, 0, rule, message, Severity.INFO)]
    if root.outer_scope:
        found.append(Finding(path, line, 0, "TFM302", (
            f"every call site runs `{what}` inside variable_scope('{root.outer_scope}'): "
            f"`{class_name}` enters it too, so names match checkpoints written by the training code"
        ), Severity.INFO))
    if root.scope_default is not None:
        found.append(Finding(path, line, 0, "TFM302", (
            f"every call site passes scope/name '{root.scope_default}' to `{what}`: the "
            f"constructor of `{class_name}` defaults to it, so names match checkpoints written "
            "by the training code"
        ), Severity.INFO))
    return found


def wrapper_classes(
    body: Sequence[cst.CSTNode], layers: Sequence[GeneratedLayer] = ()
) -> dict[str, str]:
    """Wrapped qualname -> its generated class: `layers` (this run's) and the generated
    classes already in `body` (an earlier run's)."""
    classes = {layer.function: layer.class_name for layer in layers}
    for statement in body:
        if isinstance(statement, cst.ClassDef):
            wraps = generated_wrapper_target(statement)
            if wraps is not None:
                classes.setdefault(wraps, statement.name.value)
    return classes


# ---------------------------------------------------------------------- in-process runs
def module_name_for(path: str) -> str:
    """"pkg/sub/mod.py" → "pkg.sub.mod"; "pkg/__init__.py" → "pkg"."""
    parts = path.replace("\\", "/").removesuffix(".py").split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(p for p in parts if p and p != ".")
