"""Every rule id tf1migrate reports, generated from where each rule is defined.

Backs `tf1migrate rules`, `tf1migrate explain RULE` and the SARIF rule list. A rule is
defined in one place, and this module only collects them:

- upgrade rules with code: one `Rule` class per id in `tf1migrate/rules_impl/` (found
  automatically), with its documentation and VALID/INVALID examples;
- data-only findings: one `[[findings]]` entry of the packaged `rules/findings.toml`, its
  documentation and examples in the entry;
- rules of the other stages (file handling, wrapper generation), emitted by the runner and
  the engine, are documented below in `STAGE_RULES`; their behaviour is tested by those
  stages' own tests.

tests/rules/test_rule_examples.py runs every upgrade rule's and finding's examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tf1migrate.rulepacks import FindingRule, load_rule_packs
from tf1migrate.rules_impl import rule_classes
from tf1migrate.rules_impl.base import Example, Rule

__all__ = ["STAGE_RULES", "Example", "RuleDoc", "all_rules", "get"]


@dataclass(frozen=True)
class RuleDoc:
    id: str
    name: str
    summary: str  # one line
    why: str
    stage: str  # "upgrade" (rules_impl/, findings.toml), "engine" (wrappers), "runner" (files)
    severity: str  # default severity of its findings ("info" for silent rewrites)
    before: str
    after: str
    valid: tuple[str, ...] = ()
    invalid: tuple[Example, ...] = ()
    source: str = (
        ""  # where the rule is defined: "tf1migrate/rules_impl/x.py", "rules/findings.toml"
    )


def _doc(
    id: str,
    name: str,
    summary: str,
    why: str,
    *,
    stage: str = "upgrade",
    severity: str = "warning",
    before: str = "",
    after: str = "",
    valid: tuple[str, ...] = (),
    invalid: tuple[Example, ...] = (),
    source: str = "",
) -> RuleDoc:
    """A RuleDoc whose before/after default to its first invalid example."""
    if invalid and not before:
        before = invalid[0].before
        after = invalid[0].after if invalid[0].after is not None else invalid[0].before
    return RuleDoc(id, name, summary, why, stage, severity, before, after, valid, invalid, source)


#: Rules of the file-handling (runner) and wrapper (engine) stages: no upgrade code.
STAGE_RULES: tuple[RuleDoc, ...] = (
    # ------------------------------------------------------------------ file level
    _doc(
        "TFM001",
        "syntax-error",
        "The file does not parse.",
        "Nothing can be rewritten safely in a file LibCST cannot parse; it is left untouched.",
        stage="runner",
        severity="error",
        before="def f(:\n    pass\n",
        after="def f(:\n    pass\n  # unchanged, reported",
    ),
    _doc(
        "TFM002",
        "python2",
        "The file looks like Python 2: run 2to3 (or pyupgrade) first.",
        "Old TF1 repositories often still contain print statements or `except E, e`; the "
        "codemod needs Python 3 syntax.",
        stage="runner",
        severity="error",
        before="print 'loss', loss\n",
        after="print('loss', loss)  # after 2to3; then migrate",
    ),
    _doc(
        "TFM003",
        "unreadable",
        "The file cannot be read or decoded.",
        "Permissions or an encoding that is neither UTF-8 nor declared by a coding cookie.",
        stage="runner",
        severity="error",
        before="# -*- coding: latin-1 -*- with invalid bytes",
        after="(left untouched, reported)",
    ),
    _doc(
        "TFM004",
        "unwritable",
        "The rewritten file cannot be written.",
        "Writes are atomic (temp file + rename); a read-only file or directory stops that.",
        stage="runner",
        severity="error",
        before="chmod -w model.py",
        after="(model.py unchanged, reported)",
    ),
    _doc(
        "TFM005",
        "changed-during-run",
        "The file changed while tf1migrate was running; skipped.",
        "Writing over an edit made meanwhile (by an editor or another tool) would lose it.",
        stage="runner",
        severity="error",
        before="(file edited between read and write)",
        after="(skipped, reported)",
    ),
    _doc(
        "TFM006",
        "internal-check-failed",
        "A rewrite failed the parse/compile/idempotence check; the file is left untouched.",
        "Every output must parse, compile, and be stable under a second run; when it is not, "
        "the finding names the rule so the bug can be reported instead of corrupting code.",
        stage="runner",
        severity="error",
        before="(a rule produced code that does not compile)",
        after="(file untouched, rule named)",
    ),
    _doc(
        "TFM007",
        "bad-path",
        "A path is missing, a symlink leaves the tree, or links loop.",
        "Following links out of the project could rewrite files the user did not ask for.",
        stage="runner",
        severity="error",
        before="tf1migrate migrate does/not/exist",
        after="(reported, nothing done)",
    ),
    _doc(
        "TFM008",
        "bad-configuration",
        "The configuration or a rule pack is invalid.",
        "An unknown key or wrong type in [tool.tf1migrate] or a --rules pack would otherwise "
        "silently disable rules.",
        stage="runner",
        severity="error",
        before='[tool.tf1migrate]\nselcet = ["TFM1"]\n',
        after="(reported: unknown key 'selcet')",
    ),
    _doc(
        "TFM009",
        "over-budget",
        "The file needed more time or memory than the per-file budget; left untouched.",
        "Each file is parsed and rewritten in a guarded worker: a generated 10 MB module would "
        "otherwise take minutes and gigabytes, and stall a pre-commit hook. Raise "
        "file-timeout / file-memory-mb in [tool.tf1migrate], or exclude the file.",
        stage="runner",
        severity="error",
        before="(a 10 MB generated module)",
        after="(reported: needed more than the 768 MB memory budget per file)",
    ),
    # ------------------------------------------------------------- wrappers (engine)
    _doc(
        "TFM301",
        "root-wrapped",
        "A root model function got a generated Keras Layer (or tf.Module) wrapper.",
        "Roots are the outermost model-code callables; the wrapper tracks their TF1 variables "
        "under the original names, and the function stays for old callers.",
        stage="engine",
        severity="info",
        before="def model(hparams, X, scope='model'):\n    ...\n",
        after="def model(hparams, X, scope='model'):\n    ...\n\n\n"
        "class ModelLayer(tf.keras.layers.Layer):\n"
        "    @tf1compat.track_tf1_style_variables\n"
        "    def call(self, X):\n        return model(self.hparams, X, scope=self.scope)\n",
    ),
    _doc(
        "TFM302",
        "root-scope-reproduced",
        "The wrapper's default scope reproduces the variable_scope every call site uses.",
        "Checkpoints written by the training script name variables `generator/...`; without "
        "the prefix they would not load by name.",
        stage="engine",
        severity="info",
        before="with tf.variable_scope('generator'):\n    g = generator(z)\n",
        after="class GeneratorLayer(...):\n    def __init__(self, scope='generator', **kwargs): ...\n",
    ),
    _doc(
        "TFM303",
        "method-wrapped",
        "A method of a TF1 model class got an equivalent wrapper.",
        "Classes such as a BERT-style model build their graph in __init__ or in "
        "generator/discriminator methods; those are the roots to wrap.",
        stage="engine",
        severity="info",
        before="class Model:\n    def __init__(self, config, input_ids):\n        ...\n",
        after="class ModelLayer(tf.keras.layers.Layer):  # runs Model(config, input_ids)\n    ...\n",
    ),
    _doc(
        "TFM304",
        "not-wrapped-helper",
        "A variable-creating callable scored below the wrap threshold; it stays a helper.",
        "No silent skips: the finding shows the plan's evidence (docs in tf1migrate/plan.py), "
        "so a user can see why `conv1d` runs inside `model`'s layer instead of getting its "
        "own, and force it with `wrap = [...]`.",
        stage="engine",
        severity="info",
        before="def _dense(x, n):\n    return tf.layers.dense(x, n)\n\n"
        "def model(x):\n    return _dense(x, 4)\n",
        after="(`_dense` not wrapped: -1 a helper of model; -1 a private name)",
    ),
    _doc(
        "TFM305",
        "no-layer-possible",
        "A variable-creating callable cannot become a layer (see the message for why).",
        "A wrapper whose call has no tensor input, or that returns a function, a dict or "
        "nothing, would fail in Keras 3; an optimizer's apply_gradients is training code. "
        "The callable is reported with what to do instead.",
        stage="engine",
        before="def atari():\n    return dict(network=cnn_small(), nsteps=128)\n",
        after="(not wrapped: returns only configuration)",
    ),
    _doc(
        "TFM306",
        "layer-cannot-run",
        "A generated layer cannot run as migrated: a tf.contrib construct the codemod cannot "
        "map blocks it (the message names it and where).",
        "TF2 has no tf.contrib. A contrib import kept for one unmapped use makes its module, "
        "and every module importing it, fail at import time; an unmapped contrib call fails "
        "when the layer runs. The finding is at the import (naming the layers it blocks) and "
        "at each blocked layer's def (naming what blocks it), so no model fails silently.",
        stage="engine",
        before="import tensorflow.contrib.slim as slim\n\n"
        "def show():\n    slim.model_analyzer.analyze_vars(tf.trainable_variables())\n",
        after="(reported at the import: every layer importing this module cannot run)",
    ),
    _doc(
        "TFM410",
        "training-creates-variables",
        "Training code creates variables, so it is not wrapped (see the message).",
        "A function that also touches sessions, optimizers, summaries or placeholders is "
        "training code; wrapping it would hide the loop inside a layer. Move the forward "
        "pass into its own function or list it under `wrap = [...]`.",
        stage="engine",
        before="def train():\n    logits = tf.layers.dense(x, 10)\n    opt.minimize(loss)\n",
        after="(not wrapped; finding TFM410 at def train)",
    ),
)


def _from_class(rule: type[Rule]) -> RuleDoc:
    source = "tf1migrate/" + rule.__module__.removeprefix("tf1migrate.").replace(".", "/") + ".py"
    return _doc(
        rule.id,
        rule.name,
        rule.summary,
        rule.why,
        severity=rule.severity,
        valid=rule.VALID,
        invalid=rule.INVALID,
        source=source,
    )


def _from_finding(finding: FindingRule) -> RuleDoc:
    return _doc(
        finding.rule,
        finding.name,
        finding.summary,
        finding.why,
        severity=finding.severity,
        valid=finding.valid,
        invalid=tuple(Example(before) for before in finding.invalid),
        source="rules/findings.toml",
    )


@cache
def _catalog() -> dict[str, RuleDoc]:
    """id -> doc, ordered by id; an id defined twice is an error naming both places."""
    docs = [
        *STAGE_RULES,
        *map(_from_class, rule_classes()),
        *map(_from_finding, load_rule_packs().findings),
    ]
    by_id: dict[str, RuleDoc] = {}
    for doc in docs:
        other = by_id.setdefault(doc.id, doc)
        if other is not doc:
            raise RuntimeError(
                f"rule id {doc.id} is defined twice: {other.source or 'catalog'} and "
                f"{doc.source or 'catalog'}"
            )
    return dict(sorted(by_id.items()))


def all_rules() -> tuple[RuleDoc, ...]:
    """Every rule, ordered by id."""
    return tuple(_catalog().values())


def get(rule_id: str) -> RuleDoc:
    """The rule with this id (case-insensitive); KeyError names the known ids otherwise."""
    try:
        return _catalog()[rule_id.upper()]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id!r}; known: {', '.join(_catalog())}") from None
