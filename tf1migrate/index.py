"""Link (pass 2, first half): join every module's summary into one call graph.

Pass 1 (`tf1migrate.summarize`) wrote down each file's facts (`tf1migrate.facts`).
`Linker.link` resolves calls across modules (`from .ops import linear`, `import ops;
ops.linear`), propagates "creates variables" and "is training code" to callers, and splits
each parameter into tensor (a `call` argument) or configuration (a constructor argument):
direct evidence from the body (`x.shape`, first argument of a TF op vs `hparams.n_head`,
sizes in shape lists, `range(n)`, `if flag:`), then what the callee does with the value it
is passed, then defaults (a literal default is configuration).

The `CallGraph` it returns is what `tf1migrate.plan` weighs to choose the roots. The plan's
result types are defined here, beside the graph, so that every later stage can read them
without importing the plan: `ProjectIndex`, and the `ModuleView` one file's rewrite sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tf1migrate.facts import (
    CONFIG_NAMES,
    SIZE_NAME,
    TRAINING_NAMES,
    CallSite,
    CreatorRules,
    FunctionSummary,
    ModuleSummary,
    ParamInfo,
)
from tf1migrate.resolve import canonical_tf1_name
from tf1migrate.types import Options

# ----------------------------------------------------------------------- pass 2
@dataclass(frozen=True)
class Evidence:
    """One fact for or against wrapping a callable, with its weight (see `tf1migrate.plan`)."""

    reason: str
    points: int = 0
    veto: bool = False  # decides alone: the callable is never wrapped
    advice: str = ""  # for a veto: what the user can do instead


@dataclass(frozen=True)
class Decision:
    """Why a variable-creating callable is, or is not, wrapped (shown per callable)."""

    key: str  # "module:qualname"
    line: int
    wrapped: bool
    score: int
    evidence: tuple[Evidence, ...]
    verdict: str  # "wrapped" | "helper" | "training" | "not-a-layer" | "skipped"

    @property
    def advice(self) -> str:
        return next((item.advice for item in self.evidence if item.veto and item.advice), "")

    @property
    def module(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def qualname(self) -> str:
        return self.key.split(":", 1)[1]

    def explain(self) -> str:
        """"+2 outermost model code; -1 private helper; ..." in the order the plan weighed them."""
        parts = []
        for item in self.evidence:
            weight = "veto" if item.veto else f"{item.points:+d}"
            parts.append(f"{weight} {item.reason}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ImportBlocker:
    """A module-level tf.contrib import the migration keeps: the module cannot be imported on
    TF2, nor can any module importing it (`tf.contrib` is gone), so their layers cannot run."""

    module: str
    path: str
    line: int
    local: str  # the name it binds ("slim")
    symbol: str  # "tf.contrib.slim"
    unmapped: tuple[tuple[str, int], ...]  # the uses that keep it: (symbol, line)
    affected: tuple[str, ...] = ()  # "GAN.py: GAN.generator" for every layer it blocks


@dataclass(frozen=True)
class FeedInput:
    """A placeholder a model class makes while it is built, fed from the wrapper's call."""

    key: str  # the call parameter, and the placeholder's feed key (tf1migrate.classflow)
    spec: str  # "int32[None, ?]" as written
    default: str | None = None  # source of the call parameter's default; None: required
    omits: tuple[str, ...] = ()  # outputs left out when it is not given (they need it)
    from_training: bool = False  # a bool `is_training` placeholder: fed Keras's `training`
    line: int = 0
    module: str = ""  # where the placeholder is made (a base class may live elsewhere)
    method: str = ""  # "Model.__init__", "Model._build_inputs"

    @property
    def dtype(self) -> str:
        return self.spec.partition("[")[0]


@dataclass(frozen=True)
class RootInfo:
    """A callable the engine wraps, with everything the generator needs to know."""

    module: str
    qualname: str
    kind: str  # "function" | "init" (graph-building __init__) | "method" | "closure" (builder)
    tensor_params: tuple[str, ...]
    config_params: tuple[str, ...]
    training_param: str | None = None
    outer_scope: str | None = None  # every call site's enclosing variable_scope
    scope_default: str | None = None  # every call site's literal `scope=` value
    outputs: tuple[str, ...] = ()  # for "init": self attributes holding results
    # param -> "dtype[shape]" of the placeholders passed at call sites
    placeholder_inputs: tuple[tuple[str, str], ...] = ()
    forced: bool = False
    # for "closure": the returned function's parameters (the call inputs) and whether the
    # builder takes `**kwargs` (forwarded from the constructor)
    closure_params: tuple[ParamInfo, ...] = ()
    evidence: str = ""  # `Decision.explain()`, quoted in the wrap finding
    # for "init" (a class wrapped as a whole): placeholders fed from the call, the method
    # the call runs when __init__ keeps no outputs (with its tensor parameters), and the
    # other forward methods the layer exposes (name, parameters)
    feeds: tuple[FeedInput, ...] = ()
    forward: str | None = None
    forward_params: tuple[ParamInfo, ...] = ()
    methods: tuple[tuple[str, tuple[ParamInfo, ...]], ...] = ()
    #: the instance's class keeps no inputs of its own: exposed methods build it themselves
    builds_without_inputs: bool = False

    @property
    def key(self) -> str:
        return f"{self.module}:{self.qualname}"


@dataclass
class ProjectIndex:
    """Pass-2 result: the roots per module and the facts needed to rewrite each file."""

    roots: dict[str, tuple[RootInfo, ...]] = field(default_factory=dict)  # module -> roots
    model_code: frozenset[str] = frozenset()  # "module:qualname"
    training_code: frozenset[str] = frozenset()
    creates_variables: frozenset[str] = frozenset()
    training_reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> kinds
    reexports: dict[str, str] = field(default_factory=dict)  # "pkg.mod.tf" -> "tensorflow"
    lines: dict[str, int] = field(default_factory=dict)  # key -> line of its def (findings)
    decisions: dict[str, Decision] = field(default_factory=dict)  # every creating callable
    # module -> the dotted targets its imports bind (to know which re-exports it can reach)
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _by_module: dict[str, tuple[Decision, ...]] | None = field(default=None, repr=False)
    # module -> (method qualname, feed key, line) of the placeholders wrapped classes feed
    feeds: dict[str, tuple[tuple[str, str, int], ...]] = field(default_factory=dict)
    # what keeps a wrapped model from running as migrated (finding TFM306): the kept
    # tf.contrib imports per module, and per root key the blocking imports of its module or
    # of modules it imports, and the unmapped tf.contrib calls its code makes (symbol, path,
    # line)
    import_blockers: dict[str, tuple[ImportBlocker, ...]] = field(default_factory=dict)
    blocked_roots: dict[str, tuple[ImportBlocker, ...]] = field(default_factory=dict)
    contrib_blockers: dict[str, tuple[tuple[str, str, int], ...]] = field(default_factory=dict)

    def feeds_in(self, module: str) -> tuple[tuple[str, str, int], ...]:
        return self.feeds.get(module, ())

    def roots_in(self, module: str) -> tuple[RootInfo, ...]:
        return self.roots.get(module, ())

    def decisions_in(self, module: str) -> tuple[Decision, ...]:
        if self._by_module is None:
            grouped: dict[str, list[Decision]] = {}
            for _, decision in sorted(self.decisions.items()):
                grouped.setdefault(decision.module, []).append(decision)
            self._by_module = {m: tuple(found) for m, found in grouped.items()}
        return self._by_module.get(module, ())

    def view(self, module: str) -> ModuleView:
        """Everything the rewrite of `module` reads from this index, and nothing more.

        The engine is given this view instead of the index, so the view's fingerprint is
        a sound cache key for the module's result: a change elsewhere in the project that
        does not change this view leaves the module's cached answer valid.
        """
        prefix = module + ":"
        roots = self.roots_in(module)
        training = tuple(
            (key, self.training_reasons.get(key, ()))
            for key in sorted(self.training_code) if key.startswith(prefix)
        )
        keys = [root.key for root in roots] + [key for key, _ in training]
        lines = tuple(sorted((key, self.lines[key]) for key in set(keys) if key in self.lines))
        return ModuleView(
            module=module,
            roots=roots,
            decisions=self.decisions_in(module),
            training=training,
            line_table=lines,
            reexport_table=_reachable_reexports(self.reexports, self.imports.get(module, ())),
            feeds=self.feeds_in(module),
            import_blocker_table=self.import_blockers.get(module, ()),
            blocked_root_table=tuple(
                (root.key, self.blocked_roots[root.key])
                for root in roots if root.key in self.blocked_roots
            ),
            contrib_blocker_table=tuple(
                (root.key, self.contrib_blockers[root.key])
                for root in roots if root.key in self.contrib_blockers
            ),
        )


    def is_training(self, module: str, qualname: str) -> bool:
        return f"{module}:{qualname}" in self.training_code

    @classmethod
    def empty(cls) -> ProjectIndex:
        return cls()


@dataclass(frozen=True)
class ModuleView:
    """One module's slice of the `ProjectIndex`, with the accessors the engine uses.

    `reexports` holds only the entries the module's imports can reach (`utils.tf` when it
    imports `pkg.utils`, or `pkg.utils.tf` itself), which resolve its names exactly as the
    whole table would.
    """

    module: str
    roots: tuple[RootInfo, ...] = ()
    decisions: tuple[Decision, ...] = ()
    training: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, kinds) of training code
    line_table: tuple[tuple[str, int], ...] = ()
    reexport_table: tuple[tuple[str, str], ...] = ()
    feeds: tuple[tuple[str, str, int], ...] = ()  # (method qualname, feed key, line)
    # TFM306: the module's kept tf.contrib imports, and (root key, blockers) of its roots
    import_blocker_table: tuple[ImportBlocker, ...] = ()
    blocked_root_table: tuple[tuple[str, tuple[ImportBlocker, ...]], ...] = ()
    contrib_blocker_table: tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...] = ()

    def feeds_in(self, module: str) -> tuple[tuple[str, str, int], ...]:
        return self.feeds if module == self.module else ()

    @property
    def import_blockers(self) -> dict[str, tuple[ImportBlocker, ...]]:
        return {self.module: self.import_blocker_table} if self.import_blocker_table else {}

    @property
    def blocked_roots(self) -> dict[str, tuple[ImportBlocker, ...]]:
        return dict(self.blocked_root_table)

    @property
    def contrib_blockers(self) -> dict[str, tuple[tuple[str, str, int], ...]]:
        return dict(self.contrib_blocker_table)

    def roots_in(self, module: str) -> tuple[RootInfo, ...]:
        return self.roots if module == self.module else ()

    def decisions_in(self, module: str) -> tuple[Decision, ...]:
        return self.decisions if module == self.module else ()

    @property
    def training_code(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.training)

    @property
    def training_reasons(self) -> dict[str, tuple[str, ...]]:
        return dict(self.training)

    @property
    def lines(self) -> dict[str, int]:
        return dict(self.line_table)

    @property
    def reexports(self) -> dict[str, str]:
        return dict(self.reexport_table)


def _reachable_reexports(
    reexports: Mapping[str, str], targets: Iterable[str]
) -> tuple[tuple[str, str], ...]:
    """The re-export entries a module importing `targets` can resolve a name through.

    `Resolver` looks up dotted prefixes of `<import target>.<attribute chain>`: the target's
    own prefixes, and anything under the target.
    """
    if not reexports:
        return ()
    wanted: dict[str, str] = {}
    for target in targets:
        parts = target.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix in reexports:
                wanted[prefix] = reexports[prefix]
        below = target + "."
        for key, value in reexports.items():
            if key.startswith(below):
                wanted[key] = value
    return tuple(sorted(wanted.items()))


@dataclass
class CallGraph:
    """What linking found: every callable, who calls whom, what creates variables."""

    functions: dict[str, tuple[ModuleSummary, FunctionSummary]]
    callers: dict[str, list[tuple[str, CallSite]]]
    callees: dict[str, list[tuple[str, CallSite]]]
    module_callers: dict[str, list[CallSite]]
    creates: set[str]
    training: dict[str, set[str]]  # key -> training marker kinds (callers included)
    training_keys: set[str]
    tensor_params: dict[str, set[str]]
    closure_builders: set[str]
    training_classes: dict[str, str]  # "module:Class" -> the training base it derives from
    reexports: dict[str, str]
    forced: set[str]
    forbidden: set[str]
    # "module:Class" -> {method name: "module:Owner.method"} through the project's bases
    class_methods: dict[str, dict[str, str]] = field(default_factory=dict)
    summaries: list[ModuleSummary] = field(default_factory=list)


class Linker:
    """Joins module summaries into a `CallGraph` (see module docstring)."""

    def __init__(
        self, summaries: list[ModuleSummary], options: Options, rules: CreatorRules
    ) -> None:
        self.summaries = [s for s in summaries if not s.skip_file]
        self.options = options
        self.rules = rules
        self.functions: dict[str, tuple[ModuleSummary, FunctionSummary]] = {}
        self.classes: set[str] = set()
        self.bases: dict[str, tuple[str, ...]] = {}
        self.modules = {s.module for s in self.summaries}
        # a flat `xlnet.py` and a repo-root `__init__.py` (module "") are different modules:
        # the root package is never a prefix that dotted names are looked up under
        self.lookup_modules = {m for m in self.modules if m}
        self.star_imports = {s.module: s.star_imports for s in self.summaries}
        for summary in self.summaries:
            for function in summary.functions:
                self.functions[f"{summary.module}:{function.qualname}"] = (summary, function)
            for name in summary.classes:
                self.classes.add(f"{summary.module}:{name}")
            for name, bases in summary.class_bases:
                self.bases[f"{summary.module}:{name}"] = bases
        # "module:method" -> the one "module:Class.method" of that name (untyped receivers)
        by_name: dict[str, list[str]] = {}
        for key, (summary, function) in self.functions.items():
            if function.class_name is not None and not function.name.startswith("__"):
                by_name.setdefault(f"{summary.module}:{function.name}", []).append(key)
        self.methods_by_name = {name: keys[0] for name, keys in by_name.items() if len(keys) == 1}
        self.reexports = self._reexports()
        self._subclasses: dict[str, list[str]] | None = None

    # ------------------------------------------------------------------ name lookup
    def _reexports(self) -> dict[str, str]:
        """"pkg.util.tf" → "tensorflow" for every module-level TF alias, through imports."""
        table: dict[str, str] = {}
        for summary in self.summaries:
            prefix = f"{summary.module}." if summary.module else ""
            for local, qual in summary.tf_aliases:
                table[prefix + local] = qual
        for _ in range(3):  # `from .util import tf` in a module that is itself imported
            changed = False
            for summary in self.summaries:
                prefix = f"{summary.module}." if summary.module else ""
                for local, target in summary.imports:
                    resolved = _longest_prefix(table, target)
                    if resolved is not None and prefix + local not in table:
                        table[prefix + local] = resolved
                        changed = True
            if not changed:
                break
        return table

    def class_key(self, dotted: str) -> str | None:
        """"pkg.models.Model" → "pkg.models:Model" when that is a project class."""
        parts = dotted.split(".")
        for split in range(len(parts) - 1, -1, -1):
            key = f"{'.'.join(parts[:split])}:{'.'.join(parts[split:])}"
            if key in self.classes:
                return key
        return None

    def mro(self, class_key: str) -> list[str]:
        """The class and its project base classes, depth first (cycles cut)."""
        order: list[str] = []
        work = [class_key]
        while work:
            key = work.pop(0)
            if key in order:
                continue
            order.append(key)
            for base in self.bases.get(key, ()):
                found = self.class_key(base)
                if found is not None:
                    work.append(found)
        return order

    def subclasses(self) -> dict[str, list[str]]:
        """Project class -> its project subclasses (transitive), computed once."""
        if self._subclasses is None:
            table: dict[str, list[str]] = {}
            for key in sorted(self.classes):
                for base in self.mro(key)[1:]:
                    table.setdefault(base, []).append(key)
            self._subclasses = table
        return self._subclasses

    def method_of(self, class_key: str, method: str) -> str | None:
        """`Class.method` through the project's inheritance (GCN(Model) calling self.build)."""
        for key in self.mro(class_key):
            candidate = f"{key}.{method}"
            if candidate in self.functions:
                return candidate
        return None

    def lookup(self, dotted: str, from_module: str) -> str | None:
        """Dotted call target → "module:qualname" of a project callable, if it is one."""
        if dotted.startswith("?"):
            return self.methods_by_name.get(dotted[1:])
        if dotted.startswith("*"):
            stars = self.star_imports.get(from_module, ())
            candidates = [f"{star}.{dotted[1:]}" for star in stars]
        else:
            candidates = [dotted]
        package = from_module.rpartition(".")[0]
        if package:  # Python-2 style implicit relative imports (`import ops` inside a package)
            candidates += [f"{package}.{c}" for c in candidates if not c.startswith(package + ".")]
        for candidate in candidates:
            call = candidate.endswith(".__call__")
            base = candidate[: -len(".__call__")] if call else candidate
            parts = base.split(".")
            for split in range(len(parts) - 1, -1, -1):
                module = ".".join(parts[:split])
                qual = ".".join(parts[split:])
                if module not in self.lookup_modules and not (module == from_module == ""):
                    continue
                key = f"{module}:{qual}"
                if key in self.classes:
                    return self.method_of(key, "__call__" if call else "__init__")
                if key in self.functions and not call:
                    return key
                owner, _, method = qual.rpartition(".")
                if owner and f"{module}:{owner}" in self.classes and not call:
                    return self.method_of(f"{module}:{owner}", method)
        return None

    def _overrides(
        self, module: str, site: CallSite, caller: FunctionSummary, callee: str | None
    ) -> list[str]:
        """`self._build()` in a base class runs the subclass's `_build`: link those too."""
        if caller.class_name is None:
            return []
        prefix = f"{module}.{caller.class_name}." if module else f"{caller.class_name}."
        method = site.target.removeprefix(prefix)
        if not site.target.startswith(prefix) or "." in method:
            return []  # only `self.method()` dispatches on the instance's class
        base = f"{module}:{caller.class_name}"
        found: list[str] = []
        for key in self.subclasses().get(base, ()):
            override = f"{key}.{method}"
            if override in self.functions and override not in (callee, *found):
                found.append(override)
        return sorted(found)

    def tf_symbol_of(self, dotted: str) -> str | None:
        """A call target that reaches TensorFlow through a project re-export."""
        qual = _longest_prefix(self.reexports, dotted)
        return canonical_tf1_name(qual) if qual else None

    def training_base(self, class_key: str) -> str | None:
        """The TF training class (`tf.train.Optimizer`, estimator/TPU plumbing) it derives from."""
        for key in self.mro(class_key):
            for base in self.bases.get(key, ()):
                if self.class_key(base) is not None:
                    continue
                symbol = self.tf_symbol_of(base) or base
                kind = self.rules.training_kind(symbol)
                if kind in ("optimizer", "estimator", "session") or symbol.endswith("Optimizer"):
                    return symbol
        return None

    # ------------------------------------------------------------------ linking
    def link(self) -> CallGraph:
        edges: dict[str, list[tuple[str, CallSite]]] = {key: [] for key in self.functions}
        callers: dict[str, list[tuple[str, CallSite]]] = {key: [] for key in self.functions}
        creates: set[str] = set()
        helpers: set[str] = set()  # tf.Variable outside any scope: the caller's scope decides
        training: dict[str, set[str]] = {}
        for key, (summary, function) in self.functions.items():
            if function.creators:
                creates.add(key)
            if function.unscoped_variables:
                helpers.add(key)
            if function.training:
                training.setdefault(key, set()).update(kind for kind, _, _ in function.training)
            for site in function.calls:
                callee = self.lookup(site.target, summary.module)
                targets = [callee] if callee is not None and callee != key else []
                targets += self._overrides(summary.module, site, function, callee)
                for target in targets:
                    edges[key].append((target, site))
                    callers[target].append((key, site))
                if targets or callee == key:
                    continue
                symbol = self.tf_symbol_of(site.target) or site.target
                in_scope = site.scoped or site.scope_path not in ("", None)
                if self.rules.creator_kind(symbol, in_scope=in_scope):
                    creates.add(key)
                kind = self.rules.training_kind(symbol)
                if kind is not None:
                    training.setdefault(key, set()).add(kind)
        module_callers: dict[str, list[CallSite]] = {}
        for summary in self.summaries:
            for site in summary.module_calls:
                callee = self.lookup(site.target, summary.module)
                if callee is not None:
                    module_callers.setdefault(callee, []).append(site)

        for key in self._placeholders_outside_construction(edges):
            training.setdefault(key, set()).add("placeholder")
        _propagate_helpers(helpers, creates, callers)
        full = set(creates)
        _propagate_to_callers(full, callers)
        closure_builders = {
            key for key in full
            if "closure" in self.functions[key][1].returns
            and not self.functions[key][1].eager_creators
            and not any(site for callee, site in edges[key] if callee in full and not site.nested)
        }
        _propagate_to_callers(creates, callers, stop=closure_builders)
        training_keys = set(training)
        creating_callers = {
            key: [(caller, site) for caller, site in sites if caller in creates]
            for key, sites in callers.items()
        }
        _propagate_to_callers(training_keys, creating_callers)
        for key in training_keys:
            training.setdefault(key, {"calls training code"})
        training_classes = {
            key: base for key in self.classes if (base := self.training_base(key)) is not None
        }
        return CallGraph(
            functions=self.functions,
            callers=callers,
            callees=edges,
            module_callers=module_callers,
            creates=creates,
            training=training,
            training_keys=training_keys,
            tensor_params=self._classify_params(edges),
            closure_builders=closure_builders,
            training_classes=training_classes,
            reexports=self.reexports,
            forced={self._key_of(name) for name in self.options.wrap} - {None},
            forbidden={self._key_of(name) for name in self.options.no_wrap} - {None},
            class_methods=self._class_methods(),
            summaries=self.summaries,
        )

    def _class_methods(self) -> dict[str, dict[str, str]]:
        own: dict[str, dict[str, str]] = {}
        for function_key, (summary, function) in self.functions.items():
            if function.class_name is not None:
                owner = f"{summary.module}:{function.class_name}"
                own.setdefault(owner, {})[function.name] = function_key
        by_class: dict[str, dict[str, str]] = {}
        for key in own:
            table: dict[str, str] = {}
            for owner in reversed(self.mro(key)):  # a subclass's own method wins
                table.update(own.get(owner, {}))
            by_class[key] = table
        return by_class

    def _placeholders_outside_construction(
        self, edges: Mapping[str, list[tuple[str, CallSite]]]
    ) -> list[str]:
        """Methods making placeholders that no `__init__` runs: those feed a Session (training).

        Placeholders made while an object is constructed (`__init__` and the methods it calls)
        are that model class's inputs, which its wrapper feeds from its call.
        """
        reached: set[str] = set()
        work = [key for key, (_, f) in self.functions.items() if f.name == "__init__"]
        while work:
            key = work.pop()
            if key in reached:
                continue
            reached.add(key)
            for callee, _ in edges.get(key, ()):
                if self.functions[callee][1].class_name is not None:
                    work.append(callee)
        return [
            key for key, (_, function) in self.functions.items()
            if function.placeholders and key not in reached
        ]

    def _key_of(self, name: str) -> str | None:
        if ":" in name:
            return name if name in self.functions else None
        matches = [key for key in self.functions if key.split(":", 1)[1] == name]
        return matches[0] if len(matches) == 1 else None

    def _classify_params(
        self, edges: Mapping[str, list[tuple[str, CallSite]]]
    ) -> dict[str, set[str]]:
        """Tensor parameters per callable: direct evidence plus flow into callees' tensors."""
        tensors: dict[str, set[str]] = {}
        configs: dict[str, set[str]] = {}
        for key, (_, function) in self.functions.items():
            tensors[key] = set(function.tensor_evidence)
            # a literal default (0.8, True, "VGG") is configuration whatever the body does
            # (`is_tensor_param`), and so is what a caller passes there
            configs[key] = set(function.config_evidence) | {
                p.name for p in function.params
                if p.default_is_literal and p.name not in tensors[key]
            }
        for _ in range(4):
            changed = False
            for key, calls in edges.items():
                for callee, site in calls:
                    callee_params = self.functions[callee][1].params
                    for name, position, keyword in site.param_flow:
                        param = param_at(callee_params, position, keyword)
                        if param is None:
                            continue
                        bucket = (
                            tensors if param in tensors[callee]
                            else configs if param in configs[callee]
                            else None
                        )
                        if bucket is not None and name not in bucket[key]:
                            bucket[key].add(name)
                            changed = True
            if not changed:
                break
        result: dict[str, set[str]] = {}
        for key, (_, function) in self.functions.items():
            result[key] = {
                p.name for p in function.params
                if is_tensor_param(p, p.name in tensors[key], p.name in configs[key])
            }
        return result


def is_tensor_param(param: ParamInfo, tensor: bool, config: bool) -> bool:
    if param.kind not in ("positional", "keyword_only"):
        return False
    if param.name in CONFIG_NAMES or param.name in TRAINING_NAMES:
        return False
    if SIZE_NAME.search(param.name):  # input_dim, num_layers, hidden_size: sizes
        return False
    if param.default_is_literal:
        return False
    if tensor:  # a tensor use is unambiguous; config evidence may come from `if x:` tests
        return True
    if config:
        return False
    return param.default is None or param.default == "None"


def param_at(params: Sequence[ParamInfo], position: int, keyword: str) -> str | None:
    if keyword:
        return keyword if any(p.name == keyword for p in params) else None
    positional = [p for p in params if p.kind == "positional"]
    return positional[position].name if 0 <= position < len(positional) else None


def _propagate_helpers(
    helpers: set[str], creates: set[str], callers: Mapping[str, list[tuple[str, CallSite]]]
) -> None:
    """`tf.Variable` reached through helpers: a call under a scope creates, others pass it up."""
    work = list(helpers)
    while work:
        key = work.pop()
        for caller, site in callers.get(key, ()):
            if site.scoped or site.scope_path not in ("", None):
                creates.add(caller)
            elif caller not in helpers:
                helpers.add(caller)
                work.append(caller)


def _propagate_to_callers(
    marked: set[str], callers: Mapping[str, list[tuple[str, CallSite]]],
    stop: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Grow `marked` with every (transitive) caller, not past the `stop` callables."""
    work = [key for key in marked if key not in stop]
    while work:
        key = work.pop()
        for caller, _ in callers.get(key, ()):
            if caller in stop:
                marked.add(caller)
                continue
            if caller not in marked:
                marked.add(caller)
                work.append(caller)


def _longest_prefix(table: Mapping[str, str], dotted: str) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in table:
            rest = parts[end:]
            return ".".join([table[prefix], *rest])
    return None
