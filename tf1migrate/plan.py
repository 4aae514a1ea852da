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
 +2   a builder returning a nested function that creates variables (a closure)
 +1   a network (it calls other variable-creating code) called by model code of another
      module; an op that creates its variables directly gets no such point
 +1   opens a variable scope named by its ``scope``/``name``/``reuse`` parameter
 -1   called by model code of its own module (a helper of that code)
 -1   a building block: model code calls it at 3 or more sites (``conv2d``, ``linear``)
 -1   a private name (``_helper``)
veto  training code (placeholders, sessions, optimizers, summaries, global step, ...)
veto  a method of an optimizer / estimator / TPU class (``tf.train.Optimizer`` subclass)
veto  returns nothing, or only configuration (a dict, a literal): not a forward pass
veto  no tensor input: a layer's ``call`` would have nothing to run on
veto  ``# tf1migrate: skip``, or listed under ``no_wrap``
 -3   ``__call__`` of a callable object (a batch-norm helper class): it runs in its caller
====  ======================================================================================

``wrap = [...]`` in the configuration forces a callable in, whatever its score.
"""

from __future__ import annotations

import re

from tf1migrate.index import (
    TRAINING_NAMES,
    CallGraph,
    CallSite,
    Decision,
    Evidence,
    FunctionSummary,
    ModuleSummary,
    ParamInfo,
    ProjectIndex,
    RootInfo,
    _is_tensor_param,
    _param_at,
)

THRESHOLD = 2
#: Called at this many model-code sites, a callable is an op (conv2d, linear), not a network.
BUILDING_BLOCK_SITES = 3


def plan_project(graph: CallGraph) -> ProjectIndex:
    """Score every variable-creating callable; the wrapped ones become the roots."""
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
    return ProjectIndex(
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

    @staticmethod
    def _forward(function: FunctionSummary) -> bool:
        return function.returns_value or function.name == "__init__"

    def decide(self, key: str) -> tuple[Decision, RootInfo | None]:
        summary, function = self.graph.functions[key]
        forced = key in self.graph.forced
        evidence = self._vetoes(key, summary, function)
        closure = key in self.graph.closure_builders
        root = self._root_info(key, summary, function, forced, closure)
        if not closure and not root.tensor_params and root.kind != "init" and not forced:
            evidence.append(Evidence(
                "no tensor input: every parameter is configuration (str/bool/number/dict/"
                "hparams), so a layer's call would have nothing to run on", veto=True,
                advice="wrap the function it builds or calls with tensors instead, or pass a "
                "tensor argument (a parameter used as a tensor becomes a call input)"))
        if root.kind == "init" and not root.outputs and not forced:
            evidence.append(Evidence(
                "its __init__ keeps no computed tensor on self, so the layer would return the "
                "object itself, not tensors", veto=True,
                advice="store the outputs on self (self.logits = ...), or wrap the forward "
                "method with `wrap = [...]`"))
        if root.kind == "init" and not root.tensor_params and not forced:
            evidence.append(Evidence(
                "its __init__ takes no tensor: the variables it builds are used by its other "
                "methods", veto=True,
                advice="list its forward method under `wrap = [...]`, or build the instance "
                "inside a layer of your own"))
        evidence += self._points(key, summary, function, closure)
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
        if function.name != "__init__":
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
            found.append(Evidence(
                f"`{function.class_name}.__init__` builds the graph: the class is wrapped", 2))
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
                param = _param_at(function.params, position, keyword)
                if param is not None:
                    placeholders.setdefault(param, spec)
        scope_paths = {site.scope_path for site in sites}
        outer_scope = scope_paths.pop() if len(scope_paths) == 1 else None
        if closure:
            tensors = tuple(p.name for p in closure_params if _closure_tensor(p))
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


    def _init_outputs(self, key: str) -> tuple[str, ...]:
        """`self.x = <computed>` in __init__ and in the methods of the class it calls."""
        seen, work, outputs = {key}, [key], []
        while work:
            current = work.pop(0)
            function = self.graph.functions[current][1]
            outputs += [name for name in function.self_outputs if name not in outputs]
            for callee, site in self.graph.callees.get(current, ()):
                method = callee.rsplit(".", 1)[-1]
                own = site.target.endswith(f"{function.class_name}.{method}")  # self.method()
                if callee not in seen and own:
                    seen.add(callee)
                    work.append(callee)
        return tuple(outputs)


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
            param = _param_at(function.params, position, keyword)
            if param is not None:
                found.add(param)
    return found


def _closure_tensor(param: ParamInfo) -> bool:
    """Inputs of the returned function: what is not configuration by name or default."""
    return param.name not in TRAINING_NAMES and _is_tensor_param(param, False, False)


def _show(keys: list[str]) -> str:
    names = [key.split(":", 1)[1] for key in keys[:3]]
    return ", ".join(names) + (", ..." if len(keys) > 3 else "")


def _replace_evidence(root: RootInfo, evidence: str) -> RootInfo:
    from dataclasses import replace

    return replace(root, evidence=evidence)
