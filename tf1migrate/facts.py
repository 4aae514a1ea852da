"""Pass 1's facts: what `tf1migrate.summarize` writes down about one module, and its tables.

A `ModuleSummary` is plain, frozen, picklable data (cached by content hash, computed in
worker processes). The heuristic tables below are what pass 1 reads tensors and
configuration by (`x.shape` is a tensor, `hparams.n_head` configuration); linking
(`tf1migrate.index`) and planning (`tf1migrate.plan`) read the same tables. The marks
tf1migrate leaves in user code (`# tf1migrate: skip`, `tf1migrate_wraps`) are named here
once, for the passes that look for them.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tf1migrate.classflow import PlaceholderInfo, SelfValue

MODULE_LEVEL = "<module>"
#: Parameter names that hold sizes or counts (configuration without a default to say so).
SIZE_NAME = re.compile(r"(^(num|n)_|_(dim|dims|size|units|layers|classes|heads)$|^(dim|size)$)")

#: Parameter names that are configuration whatever the body does with them.
CONFIG_NAMES = frozenset(
    {"scope", "name", "reuse", "hparams", "params", "config", "cfg", "hps", "opts", "options",
     "dtype", "initializer", "activation", "regularizer", "data_format", "padding",
     "trainable", "bert_config", "model_config", "flags", "args", "mode", "device"}
)
#: Parameter names that are the training flag (mapped to Keras's `training`).
TRAINING_NAMES = ("is_training", "training", "train", "phase_train", "is_train", "istrain")
#: Attribute reads that only tensors have.
TENSOR_ATTRIBUTES = frozenset({"shape", "get_shape", "dtype", "set_shape", "op", "graph", "ndim"})
#: TensorFlow callables whose first positional argument is not a tensor.
NON_TENSOR_FIRST = frozenset(
    {"tf.get_variable", "tf.get_local_variable", "tf.variable_scope", "tf.name_scope",
     "tf.zeros", "tf.ones", "tf.fill", "tf.range", "tf.placeholder", "tf.make_template",
     "tf.truncated_normal", "tf.random_normal", "tf.random_uniform", "tf.constant",
     "tf.Variable", "tf.device", "tf.control_dependencies", "tf.py_func", "tf.cond",
     "tf.while_loop", "tf.map_fn", "tf.scan"}
)
#: Scope calls whose `values` argument (at this position) lists the scope's input tensors:
#: `tf.variable_scope(scope, "resnet_v1", [inputs])` marks `inputs` a tensor, not a size.
TENSOR_LIST_POSITIONS = {"tf.variable_scope": 2, "tf.name_scope": 2, "tf.op_scope": 0}
#: Positional arguments of non-creating TF calls that are hyperparameters: dropout's rate /
#: keep_prob next to a training switch (transformer-xl's dropout, dropatt).
CONFIG_POSITIONS = {
    "tf.layers.dropout": (1,),
    "tf1compat.layers.dropout": (1,),
    "tf.contrib.layers.dropout": (1,),
    "tf.contrib.slim.dropout": (1,),
    "tf1compat.slim.dropout": (1,),
    "tf1compat.contrib.layers.dropout": (1,),
}
#: Keyword arguments of TensorFlow calls that carry tensors.
TENSOR_KEYWORDS = frozenset(
    {"inputs", "input", "x", "y", "value", "values", "tensor", "logits", "labels", "a", "b",
     "initial_state", "sequence_length", "mask", "params", "indices", "features", "state",
     "cell_input", "memory", "query", "keys"}
)


# ----------------------------------------------------------------------- creator rules
@dataclass(frozen=True)
class PatternSet:
    """Dotted-name patterns: exact names, `ns.*` namespaces and `*` globs (cheap to test)."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()

    @classmethod
    def of(cls, patterns: Iterable[str]) -> PatternSet:
        exact, prefixes, globs = set(), [], []
        for pattern in patterns:
            if pattern.endswith(".*") and "*" not in pattern[:-2]:
                prefixes.append(pattern[:-1])
            elif "*" in pattern or "?" in pattern:
                globs.append(pattern)
            else:
                exact.add(pattern)
        return cls(frozenset(exact), tuple(prefixes), tuple(globs))

    def __contains__(self, name: str) -> bool:
        return (
            name in self.exact
            or name.startswith(self.prefixes)
            or any(fnmatch.fnmatchcase(name, glob) for glob in self.globs)
        )


@dataclass(frozen=True)
class CreatorRules:
    """The `creators` and `training` sections of the rule packs, ready for matching."""

    direct: PatternSet = PatternSet()
    in_variable_scope: PatternSet = PatternSet()
    exclude: PatternSet = PatternSet()
    training: tuple[tuple[str, PatternSet], ...] = ()
    methods: frozenset[str] = frozenset()

    @classmethod
    def from_tables(
        cls, creators: Mapping[str, Sequence[str]], training: Mapping[str, Sequence[str]]
    ) -> CreatorRules:
        return cls(
            direct=PatternSet.of(creators.get("direct", ())),
            in_variable_scope=PatternSet.of(creators.get("in_variable_scope", ())),
            exclude=PatternSet.of(creators.get("exclude", ())),
            training=tuple(
                (kind, PatternSet.of(names))
                for kind, names in training.items()
                if kind != "methods"
            ),
            methods=frozenset(training.get("methods", ())),
        )

    @classmethod
    def coerce(cls, rules: object) -> CreatorRules:
        """Accept a `CreatorRules`, a rule-pack `RuleSet`, or None (the packaged packs)."""
        if isinstance(rules, CreatorRules):
            return rules
        if rules is None:
            from tf1migrate.rulepacks import load_rule_packs

            rules = load_rule_packs()
        cached = _COERCED.get(id(rules))
        if cached is None or cached[0] is not rules:
            tables = (rules.creators, rules.training_markers)  # type: ignore[attr-defined]
            made = cls.from_tables(*tables)
            cached = (rules, made)
            _COERCED[id(rules)] = cached
        return cached[1]

    def creator_kind(self, symbol: str, *, in_scope: bool) -> str | None:
        """"direct"/"in_variable_scope" if calling `symbol` creates variables, else None."""
        if symbol in self.exclude:
            return None
        if symbol in self.direct:
            return "direct"
        if in_scope and symbol in self.in_variable_scope:
            return "in_variable_scope"
        return None

    def training_kind(self, symbol: str) -> str | None:
        for kind, patterns in self.training:
            if symbol in patterns:
                return kind
        return None


_COERCED: dict[int, tuple[object, CreatorRules]] = {}


# ----------------------------------------------------------------------- summaries
@dataclass(frozen=True)
class ParamInfo:
    name: str
    kind: str = "positional"  # "positional" | "keyword_only" | "var_positional" | "var_keyword"
    default: str | None = None  # source code of the default, None if there is none
    default_is_literal: bool = False  # a number/string/bool/tuple of those (not None)


@dataclass(frozen=True)
class CallSite:
    """One call from a summarized callable to something that may be a project callable."""

    target: str  # dotted name as resolved in the calling module ("pkg.ops.linear", ...)
    line: int
    scope_path: str | None  # enclosing literal variable_scope path ("" if none; None if dynamic)
    scope_keyword: str | None = None  # literal `scope=` / `name=` passed, if any
    # caller parameter flowing into the callee: (caller param, position or -1, keyword or "")
    param_flow: tuple[tuple[str, int, str], ...] = ()
    # placeholders passed: (position or -1, keyword or "", "dtype[d0, d1]")
    placeholders: tuple[tuple[int, str, str], ...] = ()
    scoped: bool = False  # inside any variable_scope or name_scope (dynamic ones included)
    nested: bool = False  # made by a def nested in the callable (runs when that def runs)


@dataclass(frozen=True)
class FunctionSummary:
    """Facts about one function or method (nested functions are folded into their parent)."""

    qualname: str  # "model", "BertModel.__init__"
    line: int
    params: tuple[ParamInfo, ...] = ()
    class_name: str | None = None
    creators: tuple[str, ...] = ()  # TF1 creator symbols called directly
    training: tuple[tuple[str, str, int], ...] = ()  # (kind, symbol, line)
    calls: tuple[CallSite, ...] = ()
    tensor_evidence: tuple[str, ...] = ()  # params used as tensors
    config_evidence: tuple[str, ...] = ()  # params used as configuration
    self_outputs: tuple[str, ...] = ()  # `self.x = <computed>` attributes (graph-building __init__)
    returns_value: bool = False
    docstring: str | None = None
    skip: bool = False  # `# tf1migrate: skip`
    # what `return` statements give back: "closure", "dict", "literal", "none" or "value"
    returns: tuple[str, ...] = ()
    closure_params: tuple[ParamInfo, ...] = ()  # of the returned nested def
    nested_creators: bool = False  # some creator call is inside a nested def
    eager_creators: bool = False  # some creator call is in the callable's own body
    unscoped_variables: bool = False  # `tf.Variable` outside any scope (a variable helper)
    opens_param_scope: bool = False  # `variable_scope(<a parameter>)`: scope/name/reuse
    # methods of classes only (tf1migrate.classflow): placeholders made, `self.x = ...` kept,
    # `self.x` read, and what the returned values are computed from
    placeholders: tuple[PlaceholderInfo, ...] = ()
    self_values: tuple[SelfValue, ...] = ()
    self_reads: tuple[str, ...] = ()
    return_deps: tuple[str, ...] = ()
    return_kind: str = "other"
    contrib: tuple[tuple[str, int], ...] = ()  # tf.contrib symbols it calls, with their lines

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class ModuleSummary:
    """Pass-1 result for one module: JSON-able/picklable, cached by content hash."""

    module: str
    path: str
    functions: tuple[FunctionSummary, ...] = ()
    classes: tuple[str, ...] = ()
    tf_aliases: tuple[tuple[str, str], ...] = ()  # module-level name -> TF qualname (re-exports)
    imports: tuple[tuple[str, str], ...] = ()  # local name -> dotted project target
    module_calls: tuple[CallSite, ...] = ()  # calls made by module-level code
    module_training: tuple[tuple[str, str, int], ...] = ()
    is_package: bool = False
    skip_file: bool = False
    star_imports: tuple[str, ...] = ()  # modules imported with `from x import *`
    wrapped: tuple[str, ...] = ()  # qualnames already wrapped by a generated class
    # class qualname -> its bases, resolved ("tf.train.Optimizer", "pkg.models.Model")
    class_bases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    uses_compat_v1: bool = False  # imports from tensorflow.compat.v1 (`Resolver.uses_compat_v1`)
    # (line, local, "tf.contrib.rnn") of module-level imports binding a tf.contrib module
    contrib_imports: tuple[tuple[int, str, str], ...] = ()
    module_contrib: tuple[tuple[str, int], ...] = ()  # tf.contrib calls of module-level code


SKIP_FILE = "tf1migrate: skip-file"
SKIP = "tf1migrate: skip"


def has_skip_comment(text: str) -> bool:
    """True if a comment says `# tf1migrate: skip` (and not skip-file)."""
    for line in text.splitlines():
        comment = line.partition("#")[2].strip()
        if comment == SKIP or comment.startswith(SKIP + " ") or comment.startswith(SKIP + ","):
            return True
    return False


WRAPS_ATTRIBUTE = "tf1migrate_wraps"


def file_has_skip_comment(source: str) -> bool:
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and stripped.lstrip("#").strip().startswith(SKIP_FILE):
            return True
    return False
