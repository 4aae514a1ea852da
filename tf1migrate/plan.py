"""The plan stage: which variable-creating callables become wrapper layers, and why.

Linking (`tf1migrate.index`) says what creates variables, who calls whom and what is
training code. Planning weighs that evidence per callable and records a `Decision` for every
variable-creating callable, wrapped or not, so no callable is skipped silently.

The scoring (a callable is wrapped at `THRESHOLD` points or more, unless a veto applies):

====  ======================================================================================
 +2   outermost model code: no other model code calls it
 +2   called from training code (a training loop, a model_fn, a sampler script)
 +2   called by module-level code (a script)
 +2   a class whose ``__init__`` builds the graph (wrapped as a whole)
 +1   a class whose ``__init__`` only creates the variables a public forward method uses
      (``predict(self, x)``, ``__call__``): wrapped as a whole, its call runs that method
 +2   a builder returning a nested function that creates variables (a closure)
 +1   a network (it calls other variable-creating code) called by model code of another
      module; an op that creates its variables directly gets no such point
 +1   opens a variable scope named by its ``scope``/``name``/``reuse`` parameter
 -1   called by model code of its own module (a helper of that code)
 -1   a building block: model code calls it at 3 or more sites (``conv2d``, ``linear``)
 -1   a private name (``_helper``)
 -2   a step of building a class (a method its ``__init__`` runs): it runs in that layer
veto  training code (placeholders, sessions, optimizers, summaries, global step, ...)
veto  a method of an optimizer / estimator / TPU class (``tf.train.Optimizer`` subclass)
veto  returns nothing, or only configuration (a dict, a literal): not a forward pass
veto  no tensor input: a layer's ``call`` would have nothing to run on
veto  ``# tf1migrate: skip``, or listed under ``no_wrap``
veto  a class that keeps no tensor on self and has no forward method; a placeholder made
      while it is built that is not assigned to a name (no call input can feed it)
 -3   ``__call__`` of a callable object (a batch-norm helper class): it runs in its caller
====  ======================================================================================

``wrap = [...]`` in the configuration forces a callable in, whatever its score.

**Classes wrapped as a whole.** The layer's call builds the object (``__init__`` and the
methods it runs, `_construction`), keeps it on the layer, and returns the tensors the object
kept on ``self`` (`tf1migrate.classflow` tells tensors from placeholders, variables, numpy
arrays and configuration), or, when it keeps none, the result of its forward method. Its
other forward methods are exposed on the layer. Placeholders made while the object is built
become call inputs named by the name each is assigned to (`_feed`): required when every
output needs it; optional, with the outputs that need it left out when it is not given
(labels); zeros of its shape when its shape is fully known (an LSTM state); 1.0 for a keep
probability; Keras's ``training`` for a bool ``is_training``. `tf1migrate.feeds` rewrites
them to ``tf1compat.placeholder(..., feed=<name>)``.

**What blocks a layer** (`_Blockers`, finding TFM306): a module-level tf.contrib import kept
for an unmapped use, in the layer's module or one it imports, and unmapped tf.contrib calls
in the code the layer runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tf1migrate.classflow import PlaceholderInfo
from tf1migrate.facts import (
    TRAINING_NAMES,
    CallSite,
    CreatorRules,
    FunctionSummary,
    ModuleSummary,
    ParamInfo,
)
from tf1migrate.index import (
    CallGraph,
    Decision,
    Evidence,
    FeedInput,
    ImportBlocker,
    Linker,
    ProjectIndex,
    RootInfo,
    is_tensor_param,
    param_at,
)
from tf1migrate.types import Options

THRESHOLD = 2
#: Called at this many model-code sites, a callable is an op (conv2d, linear), not a network.
BUILDING_BLOCK_SITES = 3


def build_index(
    summaries: Iterable[ModuleSummary], options: Options = Options(), rules: object = None
) -> ProjectIndex:
    """Link every module's summary (`tf1migrate.index`), then plan: pass 2's one entry point."""
    summaries = list(summaries)
    graph = Linker(summaries, options, CreatorRules.coerce(rules)).link()
    index = plan_project(graph, rules)
    index.imports = {
        s.module: tuple(sorted({target for _, target in s.imports})) for s in summaries
    }
    return index


def plan_project(graph: CallGraph, rules: object = None) -> ProjectIndex:
    """Score every variable-creating callable; the wrapped ones become the roots.

    `rules` (a RuleSet; the packaged packs when None) says which tf.contrib symbols the
    rewrite maps, so what keeps a wrapped model from running as migrated is known here.
    """
    planner = _Planner(graph)
    roots: dict[str, list[RootInfo]] = {}
    decisions: dict[str, Decision] = {}
    model: set[str] = set()
    for key in sorted(graph.creates | graph.forced):
        if key in graph.training_keys and key not in graph.forced:
            continue  # training code: reported as TFM410 by the engine
        decision, root = planner.decide(key)
        decisions[key] = decision
        if decision.verdict != "not-a-layer" or key in graph.forced:
            model.add(key)
        if root is not None:
            roots.setdefault(root.module, []).append(root)
    feeds: dict[str, list[tuple[str, str, int]]] = {}
    for infos in roots.values():
        for root in infos:
            for feed in root.feeds:
                feeds.setdefault(feed.module, []).append((feed.method, feed.key, feed.line))
    blockers = _Blockers(graph, _contrib_mapped(rules), roots)
    return ProjectIndex(
        import_blockers=blockers.by_module,
        blocked_roots=blockers.by_root,
        contrib_blockers=blockers.calls_by_root,
        roots={module: tuple(infos) for module, infos in roots.items()},
        model_code=frozenset(model),
        training_code=frozenset(graph.training_keys & graph.creates),
        creates_variables=frozenset(graph.creates),
        training_reasons={
            k: tuple(sorted(v)) for k, v in graph.training.items() if k in graph.creates
        },
        reexports=graph.reexports,
        lines={key: function.line for key, (_, function) in graph.functions.items()},
        decisions=decisions,
        feeds={module: tuple(sorted(set(pairs))) for module, pairs in feeds.items()},
    )


class _Planner:
    def __init__(self, graph: CallGraph) -> None:
        self.graph = graph
        # model code as linking sees it, before scoring: creates variables, not training,
        # a forward pass (returns something, or a graph-building __init__)
        self.model = {
            key for key in graph.creates
            if key not in graph.training_keys and self._forward(graph.functions[key][1])
        }
        # what runs inside a wrapped caller: any variable-creating code that is not training
        self.inner = graph.creates - graph.training_keys
        self._builds: dict[str, _ClassBuild] = {}
        # the methods an object's __init__ runs while it is built (`self._build()`): model
        # code of that class, whatever they return
        self.built_by: dict[str, str] = {}
        for key in sorted(self.model):
            if graph.functions[key][1].name == "__init__":
                for step in self._construction(key)[1:]:
                    self.built_by.setdefault(step, key)
        self.model |= set(self.built_by) - graph.training_keys

    @staticmethod
    def _forward(function: FunctionSummary) -> bool:
        return function.returns_value or function.name == "__init__"

    def decide(self, key: str) -> tuple[Decision, RootInfo | None]:
        summary, function = self.graph.functions[key]
        forced = key in self.graph.forced
        evidence = self._vetoes(key, summary, function)
        closure = key in self.graph.closure_builders
        root = self._root_info(key, summary, function, forced, closure)
        step = key in self.built_by  # part of a class's construction: its layer runs it
        configuration_only = not closure and not root.tensor_params and root.kind != "init"
        if configuration_only and not forced and not step:
            evidence.append(Evidence(
                "no tensor input: every parameter is configuration (str/bool/number/dict/"
                "hparams), so a layer's call would have nothing to run on", veto=True,
                advice="wrap the function it builds or calls with tensors instead, or pass a "
                "tensor argument (a parameter used as a tensor becomes a call input)"))
        evidence += self._points(key, summary, function, closure)
        if root.kind == "init":
            evidence += self._class_evidence(key, root, forced)
        score = sum(item.points for item in evidence)
        vetoed = any(item.veto for item in evidence)
        wrapped = forced or (not vetoed and score >= THRESHOLD)
        if forced:
            evidence.append(Evidence("listed under `wrap = [...]`", 0))
        called_inside = any(
            caller in self.inner and caller != key for caller, _ in self.graph.callers.get(key, ())
        )
        verdict = (
            "wrapped" if wrapped
            else "skipped" if function.skip or key in self.graph.forbidden
            else "not-a-layer" if vetoed and not called_inside
            else "helper"
        )
        decision = Decision(key, function.line, wrapped, score, tuple(evidence), verdict)
        if not wrapped:
            return decision, None
        return decision, _replace_evidence(root, decision.explain())

    # ------------------------------------------------------------------ evidence
    def _vetoes(
        self, key: str, summary: ModuleSummary, function: FunctionSummary
    ) -> list[Evidence]:
        found: list[Evidence] = []
        if function.skip:
            found.append(Evidence("`# tf1migrate: skip` on its def", veto=True))
        if key in self.graph.forbidden:
            found.append(Evidence("listed under `no_wrap = [...]`", veto=True))
        if function.class_name is not None:
            owner = f"{summary.module}:{function.class_name}"
            base = self.graph.training_classes.get(owner)
            if base is not None:
                found.append(Evidence(
                    f"a method of a training-side class (`{function.class_name}` derives from "
                    f"`{base}`): optimizers, estimators and TPU plumbing are never layers",
                    veto=True, advice="use a Keras 3 optimizer (keras.optimizers) or keep it "
                    "on the TF1 side; the model's layers do not need it"))
            if function.name.startswith("__") and function.name != "__init__":
                found.append(Evidence(
                    f"`{function.name}` of a callable object: it runs inside its caller's layer",
                    -3))
        if key in self.graph.closure_builders:
            return found
        returns = set(function.returns)
        if function.name != "__init__" and key not in self.built_by:
            if not function.returns_value:
                found.append(Evidence(
                    "returns nothing: a procedure, not a forward pass", veto=True,
                    advice="return its output tensors, or wrap the model code it calls"))
            elif returns <= {"dict", "literal", "none"}:
                found.append(Evidence(
                    "returns only configuration (a dict or literal), not tensors", veto=True,
                    advice="the networks it names are wrapped (or reported) on their own"))
        return found

    def _points(
        self, key: str, summary: ModuleSummary, function: FunctionSummary, closure: bool
    ) -> list[Evidence]:
        found: list[Evidence] = []
        callers = self.graph.callers.get(key, [])
        model_callers = sorted({c for c, _ in callers if c in self.model and c != key})
        training_callers = sorted({c for c, _ in callers if c in self.graph.training_keys})
        own_module = [c for c in model_callers if c.split(":", 1)[0] == summary.module]
        other_module = [c for c in model_callers if c.split(":", 1)[0] != summary.module]
        if not model_callers:
            found.append(Evidence("outermost model code: no other model code calls it", 2))
        if training_callers:
            found.append(Evidence(f"called from training code ({_show(training_callers)})", 2))
        if self.graph.module_callers.get(key):
            found.append(Evidence("called by module-level code", 2))
        if function.name == "__init__" and function.class_name is not None:
            build = self._builds.get(key)
            if build is not None and build.forward is not None:
                found.append(Evidence(
                    f"`{function.class_name}.__init__` creates the variables its forward method "
                    f"`{build.forward}` uses: the class is wrapped", 1))
            else:
                found.append(Evidence(
                    f"`{function.class_name}.__init__` builds the graph: the class is wrapped", 2))
        if key in self.built_by:
            owner = self.graph.functions[self.built_by[key]][1].class_name
            found.append(Evidence(
                f"a step of building `{owner}` (its __init__ runs it): it runs in that "
                "class's layer", -2))
        if closure:
            found.append(Evidence(
                "a builder: the function it returns creates the variables", 2))
        composite = any(c in self.graph.creates for c, _ in self.graph.callees.get(key, ()))
        if other_module and composite:
            found.append(Evidence(f"a network called by model code of another module "
                                  f"({_show(other_module)})", 1))
        elif other_module:
            found.append(Evidence(
                "an op (creates its variables directly, composes no other model code) "
                f"used by {_show(other_module)}", 0))
        if function.opens_param_scope:
            found.append(Evidence(
                "opens a variable scope named by its scope/name/reuse parameter", 1))
        model_sites = sum(1 for c, _ in callers if c in self.model and c != key)
        if model_sites >= BUILDING_BLOCK_SITES:
            found.append(Evidence(
                f"a building block: model code calls it at {model_sites} sites", -1))
        if own_module and not other_module:
            found.append(Evidence(f"a helper of {_show(own_module)} in its module", -1))
        if function.name.startswith("_") and not function.name.startswith("__"):
            found.append(Evidence("a private name", -1))
        return found

    # ------------------------------------------------------------------ the root
    def _root_info(
        self, key: str, summary: ModuleSummary, function: FunctionSummary, forced: bool,
        closure: bool,
    ) -> RootInfo:
        graph = self.graph
        sites = [site for _, site in graph.callers.get(key, [])]
        sites += graph.module_callers.get(key, [])
        params = [p for p in function.params if p.kind in ("positional", "keyword_only")]
        training_param = next((p.name for p in params if p.name in TRAINING_NAMES), None)
        tensor_params = graph.tensor_params.get(key, set())
        closure_params: tuple[ParamInfo, ...] = ()
        if closure:
            tensors: tuple[str, ...] = ()
            configs = tuple(p.name for p in params)
            training_param = None
            closure_params = function.closure_params
        else:
            others = [p.name for p in params if p.name != training_param]
            tensors = tuple(name for name in others if name in tensor_params)
            if function.name == "__init__":  # kept on self, used elsewhere: names decide
                evident = set(function.tensor_evidence) | _placeholder_params(sites, function)
                tensors = tuple(n for n in tensors if n in evident or _TENSOR_NAME.search(n))
            configs = tuple(name for name in others if name not in tensors)
        scope_default = _scope_default(sites, params)
        kind = "closure" if closure else "function"
        if function.class_name is not None:
            kind = "init" if function.name == "__init__" else "method"
        placeholders: dict[str, str] = {}
        for site in sites:
            for position, keyword, spec in site.placeholders:
                param = param_at(function.params, position, keyword)
                if param is not None:
                    placeholders.setdefault(param, spec)
        scope_paths = {site.scope_path for site in sites}
        outer_scope = scope_paths.pop() if len(scope_paths) == 1 else None
        if closure:
            tensors = tuple(p.name for p in closure_params if _closure_tensor(p))
        build = self._class_build(key, tensors, training_param) if kind == "init" else None
        if build is not None:
            return RootInfo(
                module=summary.module,
                qualname=function.qualname,
                kind=kind,
                tensor_params=tensors,
                config_params=configs,
                training_param=training_param,
                outer_scope=outer_scope or None,
                scope_default=scope_default,
                outputs=build.outputs,
                placeholder_inputs=tuple(sorted(placeholders.items())),
                forced=forced,
                feeds=build.feeds,
                forward=build.forward,
                forward_params=build.forward_params,
                methods=build.methods,
                builds_without_inputs=not tensors and not build.feeds,
            )
        return RootInfo(
            module=summary.module,
            qualname=function.qualname,
            kind=kind,
            tensor_params=tensors,
            config_params=configs,
            training_param=training_param,
            outer_scope=outer_scope or None,
            scope_default=scope_default,
            outputs=self._init_outputs(key) if kind == "init" else (),
            placeholder_inputs=tuple(sorted(placeholders.items())),
            forced=forced,
            closure_params=closure_params,
        )


    # ------------------------------------------------------------------ whole classes
    def _construction(self, key: str) -> list[str]:
        """`__init__` and the methods of its object it runs (`self._build()`), in call order."""
        seen, work, order = {key}, [key], []
        while work:
            current = work.pop(0)
            order.append(current)
            function = self.graph.functions[current][1]
            for callee, site in self.graph.callees.get(current, ()):
                method = callee.rsplit(".", 1)[-1]
                own = site.target.endswith(f"{function.class_name}.{method}")  # self.method()
                if callee not in seen and own and not site.nested:
                    seen.add(callee)
                    work.append(callee)
        return order

    def _class_build(
        self, key: str, tensors: tuple[str, ...], training_param: str | None
    ) -> _ClassBuild:
        """What the layer of a class wrapped as a whole feeds, returns and exposes."""
        cached = self._builds.get(key)
        if cached is not None:
            return cached
        build = _ClassBuild()
        construction = self._construction(key)
        functions = [self.graph.functions[k][1] for k in construction]
        names = {self.graph.functions[k][1].name: k for k in construction}
        made_in = {
            id(p): k for k in construction for p in self.graph.functions[k][1].placeholders
        }
        placeholders = [p for f in functions for p in f.placeholders]
        attributes = _attributes(construction, names, self.graph)
        outputs = [name for name, (kind, _) in attributes.items() if kind == "tensor"]
        keys = [p.key for p in placeholders if p.key]
        build.unkeyed = [p for p in placeholders if not p.key]
        build.duplicates = sorted({k for k in keys if keys.count(k) > 1})
        taken = set(tensors) | {"self", "training", training_param or ""}
        build.clashes = sorted({k for k in keys if k in taken})
        owner = key.rsplit(".", 1)[0]
        forward = self._forward_methods(owner, set(construction))
        if not outputs and forward:
            primary = _primary(forward)
            build.forward = primary
            inputs = set(self._tensor_inputs(forward[primary])) - set(tensors) - set(keys)
            build.forward_params = tuple(
                p for p in self.graph.functions[forward[primary]][1].params if p.name in inputs
            )
            forward = {name: k for name, k in forward.items() if name != primary}
        build.methods = tuple(
            (name, tuple(p for p in self.graph.functions[k][1].params))
            for name, k in sorted(forward.items(), key=lambda item: self._line(item[1]))
        )
        build.feeds = tuple(
            replace(
                _feed(p, outputs, attributes),
                module=made_in[id(p)].split(":", 1)[0],
                method=made_in[id(p)].split(":", 1)[1],
            )
            for p in placeholders
            if p.key and p.key not in build.duplicates and p.key not in build.clashes
        )
        build.outputs = tuple(outputs)
        self._builds[key] = build
        return build

    def _line(self, key: str) -> int:
        return self.graph.functions[key][1].line

    def _tensor_inputs(self, key: str) -> list[str]:
        function = self.graph.functions[key][1]
        tensors = self.graph.tensor_params.get(key, set())
        return [
            p.name for p in function.params
            if p.kind in ("positional", "keyword_only") and p.name in tensors
            and p.name not in TRAINING_NAMES
        ]

    def _forward_methods(self, owner: str, construction: set[str]) -> dict[str, str]:
        """Public methods that run the built object on tensors (`predict(self, waveform)`)."""
        found: dict[str, str] = {}
        for name, key in self.graph.class_methods.get(owner, {}).items():
            function = self.graph.functions[key][1]
            if key in construction or name == "__init__" or key in self.graph.training_keys:
                continue
            if name.startswith("_") and name != "__call__":
                continue
            if not function.self_reads or not self._tensor_inputs(key):
                continue
            if not function.returns_value or set(function.returns) <= {"dict", "literal", "none"}:
                continue
            found[name] = key
        return found

    def _class_evidence(self, key: str, root: RootInfo, forced: bool) -> list[Evidence]:
        """Why a class can, or cannot, be wrapped as a whole (the vetoes say what to do)."""
        build = self._builds.get(key) or _ClassBuild()
        found: list[Evidence] = []
        for placeholder in build.unkeyed:
            found.append(Evidence(
                f"a placeholder at line {placeholder.line} is not assigned to a name, so no call "
                "input can feed it", veto=True,
                advice="assign it (`self.inputs = tf.placeholder(...)`): the name becomes the "
                "layer's call input"))
        for name in build.duplicates:
            found.append(Evidence(
                f"two placeholders are assigned to `{name}`: one call input cannot feed both",
                veto=True, advice="give each placeholder its own name"))
        for name in build.clashes:
            found.append(Evidence(
                f"a placeholder is assigned to `{name}`, which is already a call input of the "
                "layer", veto=True, advice="rename the placeholder's variable"))
        if build.feeds:
            found.append(Evidence(
                "its placeholders become call inputs: "
                + ", ".join(_describe(f) for f in build.feeds)
            ))
        if build.forward is not None:
            found.append(Evidence(
                f"its __init__ keeps no output: the layer's call runs `{build.forward}` on the "
                "object it builds"))
        if build.methods:
            shown = ", ".join(f"`{name}`" for name, _ in build.methods)
            found.append(Evidence(f"the layer also exposes its forward methods {shown}"))
        if forced:
            return found
        if not build.outputs and build.forward is None:
            found.append(Evidence(
                "it keeps no computed tensor on self and has no public method that runs it on "
                "tensors, so a layer would have nothing to return", veto=True,
                advice="store the outputs on self (self.logits = ...), or give it a forward "
                "method taking tensors (`def predict(self, x)`)"))
        elif not root.tensor_params and not build.feeds and build.forward is None:
            found.append(Evidence(
                "its __init__ takes no tensor and makes no placeholder: the layer would have "
                "nothing to run on", veto=True,
                advice="give it a forward method taking tensors, or list that method under "
                "`wrap = [...]`"))
        return found


def _scope_default(sites: list[CallSite], params: list[ParamInfo]) -> str | None:
    """The literal `scope=`/`name=` every call site passes, when the wrapper can default to it.

    Only a parameter that has a default in the original can take the call sites' value as its
    new default (TFM302 says so); a required one stays required.
    """
    keywords = {site.scope_keyword for site in sites}
    value = keywords.pop() if len(keywords) == 1 and sites else None
    if value is None:
        return None
    if not any(p.name in ("scope", "name") and p.default is not None for p in params):
        return None
    return value


#: Parameter names that hold tensors (an `__init__` stores them on self for other methods).
_TENSOR_NAME = re.compile(
    r"(^|_)(x|inputs?|ids|images?|features|tokens|waveforms?|latents?|adj|support|mask)$"
)


def _placeholder_params(sites: list[CallSite], function: FunctionSummary) -> set[str]:
    found = set()
    for site in sites:
        for position, keyword, _ in site.placeholders:
            param = param_at(function.params, position, keyword)
            if param is not None:
                found.add(param)
    return found


def _closure_tensor(param: ParamInfo) -> bool:
    """Inputs of the returned function: what is not configuration by name or default."""
    return param.name not in TRAINING_NAMES and is_tensor_param(param, False, False)


def _show(keys: list[str]) -> str:
    names = [key.split(":", 1)[1] for key in keys[:3]]
    return ", ".join(names) + (", ..." if len(keys) > 3 else "")


def _replace_evidence(root: RootInfo, evidence: str) -> RootInfo:
    return replace(root, evidence=evidence)


# ---------------------------------------------------------------------- whole classes
@dataclass
class _ClassBuild:
    outputs: tuple[str, ...] = ()
    feeds: tuple[FeedInput, ...] = ()
    forward: str | None = None
    forward_params: tuple[ParamInfo, ...] = ()
    methods: tuple[tuple[str, tuple[ParamInfo, ...]], ...] = ()
    unkeyed: list[PlaceholderInfo] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)


#: The Keras `training` flag feeds a bool placeholder named like one.
_TRAINING_PLACEHOLDER = re.compile(r"^(is_)?train(ing)?$|^phase_train$|^is_train$")
#: A keep probability: 1.0 (no dropout) when the caller does not give it; zeros would drop all.
_KEEP_PROBABILITY = re.compile(r"keep_?prob|keep_probability|keep_rate")
#: Preferred forward method when a class has several.
_FORWARD_NAMES = ("__call__", "call", "forward", "predict", "apply", "inference", "logits")


def _primary(forward: dict[str, str]) -> str:
    for name in _FORWARD_NAMES:
        if name in forward:
            return name
    return sorted(forward)[0]


def _attributes(
    construction: list[str], methods: dict[str, str], graph: CallGraph
) -> dict[str, tuple[str, frozenset[str]]]:
    """`self.<attr>` → (kind, placeholder keys it needs), over the construction methods.

    An attribute's kind is the most tensor-like one it is ever given (`self.outputs = None`,
    then `self.outputs = hidden`, is a tensor). What pass 1 left open is resolved here: `=x`
    copies, `~...` computations, methods' results, and parameters (a tensor parameter makes
    a computed value a tensor; a plain copy of one is an input, kind "param").
    """
    given: dict[str, list[tuple[str, str]]] = {}  # attr -> [(kind, method key)]
    deps: dict[str, set[str]] = {}
    for key in construction:
        for value in graph.functions[key][1].self_values:
            given.setdefault(value.attr, []).append((value.kind, key))
            deps.setdefault(value.attr, set()).update(value.deps)
    return_deps = {
        name: set(graph.functions[key][1].return_deps) for name, key in methods.items()
    }
    resolving: set[str] = set()

    def resolve(kind: str, context: str) -> str:
        if kind in ("tensor", "placeholder", "variable", "other"):
            return kind
        if kind.startswith("="):
            return ref_kind(kind[1:], context)
        refs = kind[1:].split("|")
        tensorish = ("tensor", "placeholder", "variable")
        resolved = [ref_kind(ref, context) for ref in refs]
        return "tensor" if any(k in tensorish or k == "param:tensor" for k in resolved) else "other"

    def ref_kind(ref: str, context: str) -> str:
        if ref.startswith("param:"):
            tensor = ref[6:] in graph.tensor_params.get(context, set())
            return "param:tensor" if tensor else "param"
        if ref.endswith("()"):
            method = methods.get(ref[:-2])
            if method is None or ref in resolving:
                return "other"
            resolving.add(ref)
            try:
                return resolve(graph.functions[method][1].return_kind, method)
            finally:
                resolving.discard(ref)
        return attribute_kind(ref)

    def attribute_kind(attr: str) -> str:
        if attr not in given or attr in resolving:
            return "other"
        resolving.add(attr)
        try:
            kinds = [resolve(kind, context) for kind, context in given[attr]]
        finally:
            resolving.discard(attr)
        for concrete in ("tensor", "placeholder", "variable"):
            if concrete in kinds:
                return concrete
        return "param" if any(k.startswith("param") for k in kinds) else "other"

    for _ in range(len(deps) + 2):  # `@attr` / `@m()` dependencies to a fixed point
        changed = False
        for table in (deps, return_deps):
            for name, needs in table.items():
                new = set(needs)
                for dep in needs:
                    if dep.endswith("()"):
                        new |= return_deps.get(dep[1:-2], set())
                    elif dep.startswith("@"):
                        new |= deps.get(dep[1:], set())
                if new != needs:
                    table[name] = new
                    changed = True
        if not changed:
            break
    return {
        attr: (attribute_kind(attr), frozenset(d for d in deps[attr] if not d.startswith("@")))
        for attr in given
    }


def _feed(
    placeholder: PlaceholderInfo, outputs: list[str],
    attributes: dict[str, tuple[str, frozenset[str]]],
) -> FeedInput:
    """How the call feeds one placeholder: required, a default, or left out with its outputs."""
    key, label = placeholder.key or "", placeholder.name or ""
    spec, line = placeholder.spec, placeholder.line
    if placeholder.dtype == "bool" and (
        _TRAINING_PLACEHOLDER.search(key) or _TRAINING_PLACEHOLDER.search(label)
    ):
        return FeedInput(key, spec, "None", from_training=True, line=line)
    if _KEEP_PROBABILITY.search(key) or _KEEP_PROBABILITY.search(label):
        return FeedInput(key, spec, "1.0", line=line)
    if placeholder.with_default or not placeholder.data:
        return FeedInput(key, spec, "None", line=line)  # its default, or zeros of its shape
    needing = [name for name in outputs if key in attributes[name][1]]
    if not outputs or len(needing) == len(outputs):
        return FeedInput(key, spec, None, line=line)
    return FeedInput(key, spec, "None", omits=tuple(needing), line=line)


def _describe(feed: FeedInput) -> str:
    if feed.from_training:
        return f"`{feed.key}` (Keras's training flag)"
    if feed.default is None:
        return f"`{feed.key}` (required)"
    if feed.omits:
        shown = ", ".join(feed.omits[:4]) + (", ..." if len(feed.omits) > 4 else "")
        return f"`{feed.key}` (optional; without it the layer leaves out {shown})"
    if feed.default != "None":
        return f"`{feed.key}` (defaults to {feed.default})"
    return f"`{feed.key}` (optional; zeros of its shape when not given)"


# ---------------------------------------------------------------------- what blocks a layer
def _contrib_mapped(rules: object):
    """`symbol -> bool`: does the rewrite map this tf.contrib symbol (so its use goes)?"""
    from tf1migrate.rules_impl.names import longest_prefix

    if not hasattr(rules, "layer_map"):
        from tf1migrate.rulepacks import load_rule_packs

        rules = load_rule_packs()
    layer_map, renames = rules.layer_map, rules.renames  # type: ignore[attr-defined]

    def mapped(symbol: str) -> bool:
        return (
            longest_prefix(symbol, layer_map) is not None
            or longest_prefix(symbol, renames) is not None
        )

    return mapped


class _Blockers:
    """tf.contrib that stays after the rewrite, and the wrapped models it keeps from running.

    A module-level `import tensorflow.contrib.x as y` (or `from tensorflow.contrib import
    y`) goes when every use of `y` is mapped; one unmapped use keeps it, and then importing
    the module fails on TF2, and so does importing any module that imports it. Unmapped
    calls inside a model's own code fail when its layer runs.
    """

    def __init__(self, graph: CallGraph, mapped, roots: dict[str, list[RootInfo]]) -> None:
        self.graph = graph
        self.mapped = mapped
        summaries = {s.module: s for s in graph.summaries}
        kept: dict[str, list[ImportBlocker]] = {}
        for summary in graph.summaries:
            if not summary.contrib_imports:
                continue
            uses = list(summary.module_contrib)
            uses += [use for f in summary.functions for use in f.contrib]
            for line, local, symbol in summary.contrib_imports:
                unmapped = sorted({
                    (used, at) for used, at in uses
                    if (used == symbol or used.startswith(symbol + ".")) and not mapped(used)
                }, key=lambda item: item[1])
                if unmapped:
                    kept.setdefault(summary.module, []).append(ImportBlocker(
                        summary.module, summary.path, line, local, symbol, tuple(unmapped)
                    ))
        reach = _import_closure(summaries)
        by_root: dict[str, tuple[ImportBlocker, ...]] = {}
        affected: dict[tuple[str, int], list[str]] = {}
        for infos in roots.values():
            for root in infos:
                blocking = [
                    blocker for module in sorted(reach.get(root.module, set()) | {root.module})
                    for blocker in kept.get(module, ())
                ]
                if blocking:
                    by_root[root.key] = tuple(blocking)
                    path = summaries[root.module].path if root.module in summaries else root.module
                    for blocker in blocking:
                        affected.setdefault((blocker.module, blocker.line), []).append(
                            f"{path}: {root.qualname.removesuffix('.__init__')}"
                        )
        self.by_module = {
            module: tuple(
                replace(b, affected=tuple(sorted(affected.get((module, b.line), ()))))
                for b in blockers
            )
            for module, blockers in kept.items()
        }
        refreshed = {(b.module, b.line): b for bs in self.by_module.values() for b in bs}
        self.by_root = {
            key: tuple(refreshed[(b.module, b.line)] for b in blockers)
            for key, blockers in by_root.items()
        }
        self.calls_by_root = {}
        for infos in roots.values():
            for root in infos:
                calls = self._unmapped_calls(root.key)
                if calls:
                    self.calls_by_root[root.key] = calls

    def _unmapped_calls(self, key: str) -> tuple[tuple[str, str, int], ...]:
        """Unmapped tf.contrib calls made by `key` or anything it runs."""
        seen, work, found = {key}, [key], set()
        while work:
            current = work.pop()
            summary, function = self.graph.functions[current]
            for symbol, line in function.contrib:
                if not self.mapped(symbol):
                    found.add((symbol, summary.path, line))
            for callee, _ in self.graph.callees.get(current, ()):
                if callee not in seen and callee not in self.graph.training_keys:
                    seen.add(callee)
                    work.append(callee)
        return tuple(sorted(found, key=lambda item: (item[1], item[2])))


def _import_closure(summaries: dict[str, ModuleSummary]) -> dict[str, set[str]]:
    """Module -> every project module its module-level imports load, transitively."""
    modules = set(summaries)
    direct: dict[str, set[str]] = {}
    for name, summary in summaries.items():
        package = name.rpartition(".")[0]
        found: set[str] = set(summary.star_imports) & modules
        for _, target in summary.imports:
            for candidate in (target, f"{package}.{target}" if package else target):
                parts = candidate.split(".")
                hit = next(
                    (".".join(parts[:end]) for end in range(len(parts), 0, -1)
                     if ".".join(parts[:end]) in modules),
                    None,
                )
                if hit is not None and hit != name:
                    found.add(hit)
                    break
        direct[name] = found
    closure: dict[str, set[str]] = {}
    for name in direct:
        seen: set[str] = set()
        work = list(direct[name])
        while work:
            current = work.pop()
            if current in seen:
                continue
            seen.add(current)
            work.extend(direct.get(current, ()))
        closure[name] = seen
    return closure
