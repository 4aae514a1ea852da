"""Small frozen dataclasses that flow between the pipeline stages.

Stages talk through these, never through each other's internals: discovery yields
paths, the index yields `ModuleSummary`s, the engine turns one source text into a
`SourceResult`, the runner wraps that into a `FileResult`, reporters read `RunResult`.
Everything here is picklable (worker processes) and JSON-friendly (the cache, reports).
The two exceptions a stage may raise for one file are here too, so the stages that catch
them need not import the stage that raises them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"  # the file could not be processed
    WARNING = "warning"  # needs a human (Session, placeholder loop, unmapped contrib, ...)
    INFO = "info"  # something we did, worth knowing


class FileStatus(str, enum.Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"  # would change (check/diff) or was rewritten (in place)
    ERROR = "error"  # left untouched because of an error finding
    SKIPPED = "skipped"  # `# tf1migrate: skip-file`, excluded, or not Python


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a person should know about, at file:line:col, from one rule."""

    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: Severity = Severity.WARNING
    # the rewrite removed a statement or changes what the code does (not a plain rename):
    # every report format marks it, so a reviewer sees it
    behaviour_change: bool = False


#: How reports and messages mark a behaviour change.
BEHAVIOUR_CHANGE = "behaviour change"


class ParseFailure(Exception):
    """The source does not parse as Python 3 (TFM001, or TFM002 when it looks like Python 2)."""

    def __init__(
        self, message: str, line: int = 0, col: int = 0, looks_like_python2: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.looks_like_python2 = looks_like_python2

    @property
    def rule(self) -> str:
        return "TFM002" if self.looks_like_python2 else "TFM001"


class InternalCheckError(Exception):
    """Our rewrite failed its own parse/compile/idempotence check (reported as TFM006)."""

    def __init__(self, message: str, rules: tuple[str, ...] | list[str]) -> None:
        names = ", ".join(rules) or "unknown rule"
        super().__init__(f"{message} (after {names})")
        self.rules = tuple(rules)

    @property
    def rule(self) -> str:
        return self.rules[0] if self.rules else "TFM006"


def rule_selected(rule: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """--select / --ignore by rule id or prefix ("TFM4" selects every TFM4xx); the one
    place that decides, for rules, wrappers and per-file ignores alike."""
    selected = not select or any(rule.startswith(prefix) for prefix in select)
    return selected and not any(rule.startswith(prefix) for prefix in ignore)


@dataclass(frozen=True)
class Options:
    """What the user asked for; identical in every worker process."""

    target: str = "keras"  # "keras" → tf.keras.layers.Layer wrappers, "module" → tf.Module
    select: tuple[str, ...] = ()  # rule ids or prefixes to run; empty = all
    ignore: tuple[str, ...] = ()  # rule ids or prefixes to skip
    rule_packs: tuple[str, ...] = ()  # extra user rule-pack TOML files
    wrap: tuple[str, ...] = ()  # "module:qualname" forced to be roots
    no_wrap: tuple[str, ...] = ()  # "module:qualname" never wrapped

    def enables(self, rule: str) -> bool:
        """Is `rule` on under these options' --select / --ignore?"""
        return rule_selected(rule, self.select, self.ignore)


@dataclass(frozen=True)
class GeneratedLayer:
    """A wrapper class the engine emitted for one root function or method."""

    class_name: str
    function: str  # qualified name of the wrapped callable inside its module
    line: int  # line of the generated class in the new source
    base: str  # "tf.keras.layers.Layer" or "tf.Module"
    scope: str | None = None  # default variable_scope reproduced for the root, if any


@dataclass(frozen=True)
class Fixpoint:
    """What the engine's self-check proved about its own output `code`: migrating it again
    changes nothing, finds `findings` (the upgrade walk's, located in `code`), meets the
    generated wrappers of `wrapped` (qualnames), and resolved its names through the
    re-exports `reexports`. With the index's findings for the module, that is the written
    file's own answer (`tf1migrate.learn`)."""

    findings: tuple[Finding, ...] = ()
    wrapped: frozenset[str] = frozenset()
    # every project re-export the rewrite looked up, and what it found (None: absent)
    reexports: tuple[tuple[str, str | None], ...] = ()
    # wrapped qualname -> generated class, of the wrappers in `code` (decision records)
    classes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Weighed:
    """One piece of evidence the plan weighed for or against wrapping a callable."""

    reason: str
    points: int = 0
    veto: bool = False
    advice: str = ""  # for a veto: what to do instead


@dataclass(frozen=True)
class CallableDecision:
    """Why one variable-creating callable of a file is, or is not, a layer (`explain`)."""

    callable: str  # qualname: "model", "TextCNN.__init__"
    line: int
    wrapped: bool
    verdict: str  # "wrapped" | "helper" | "not-a-layer" | "skipped"
    score: int
    threshold: int
    evidence: tuple[Weighed, ...] = ()
    layer: str | None = None  # the generated class, when wrapped

    @property
    def advice(self) -> str:
        return next((item.advice for item in self.evidence if item.veto and item.advice), "")


@dataclass(frozen=True)
class SourceResult:
    """The engine's answer for one source text (pure: text in, text out)."""

    code: str
    findings: tuple[Finding, ...] = ()
    layers: tuple[GeneratedLayer, ...] = ()
    upgrades: int = 0  # symbol upgrades and layer-call replacements applied
    tf1_debt: int = 0  # TF1 constructs left after the rewrite (for the CI report)
    compiled: bool = False  # the rewrite compiled `code` itself (CPython accepts it)
    # set by a rewrite asked to learn (runs that write); not part of the answer itself
    fixpoint: Fixpoint | None = field(default=None, compare=False)
    decisions: tuple[CallableDecision, ...] = ()  # every variable-creating callable's


@dataclass(frozen=True)
class FileResult:
    """What happened to one file in a run."""

    path: str
    status: FileStatus
    original: str | None = None
    migrated: str | None = None
    findings: tuple[Finding, ...] = ()
    layers: tuple[GeneratedLayer, ...] = ()
    upgrades: int = 0
    tf1_debt: int = 0
    cached: bool = False
    decisions: tuple[CallableDecision, ...] = ()


@dataclass(frozen=True)
class RunResult:
    """One run over many files, sorted by path so output is deterministic."""

    files: tuple[FileResult, ...] = ()
    findings: tuple[Finding, ...] = ()  # run-level (bad paths, config)
    seconds: float = 0.0
    mode: str = "write"  # "write" | "check" | "diff"
