"""Loading, validating and merging rule packs (packaged + user packs)."""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

import pytest

from tests.rules.helpers import rules_reported, upgrade
from tf1migrate.rulepacks import Reorder, RulePackError, load_rule_packs, packaged_pack_names

README = Path(__file__).resolve().parents[2] / "rules" / "README.md"


def _pack(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_packs_load_into_one_picklable_ruleset() -> None:
    assert {"symbols.toml", "layers.toml", "findings.toml", "creators.toml"} <= set(packaged_pack_names())
    rules = load_rule_packs()
    assert rules.renames["tf.get_variable"] == "tf.compat.v1.get_variable"
    assert rules.reorders["tf.argmax"] == Reorder(2, ("name", "dimension", "output_type"))
    assert rules.keyword_renames["tf.cond"] == {"fn1": "true_fn", "fn2": "false_fn"}
    assert "strict" in rules.keyword_removals["tf.cond"]
    assert rules.layer_map["tf.layers.dense"].target == "tf1compat.layers.dense"
    assert rules.layer_map["tf.contrib.rnn.LSTMCell"].rule == "TFM202"
    assert "tf.get_variable" in rules.creators["direct"]
    assert "minimize" in rules.training_markers["methods"]
    assert pickle.loads(pickle.dumps(rules)) == rules
    assert load_rule_packs() is rules  # cached: every worker loads it once


def test_longest_symbol_decides_the_finding() -> None:
    rules = load_rule_packs()
    assert rules.finding_for_symbol("tf.contrib.tpu.TPUEstimator").rule == "TFM406"
    assert rules.finding_for_symbol("tf.contrib.slim.conv2d").rule == "TFM403"
    assert rules.finding_for_symbol("tf.Sessionx") is None


def test_user_pack_overrides_and_extends(tmp_path: Path) -> None:
    pack = _pack(tmp_path, """
[renames]
"tf.get_variable" = "tf.compat.v1.get_variable"
"tf.my_old_op" = "tf.my_new_op"

[creators]
direct = ["acme.nn.fc"]

[training]
trainer = ["acme.train.Trainer"]

[layers]
"tf.layers.dense" = { to = "acme.layers.dense", import = "acme.layers" }

[[findings]]
rule = "ACME001"
symbols = ["acme.legacy.restore_session"]
message = "use tf1compat.load_tf1_checkpoint"
""")
    base = load_rule_packs()
    rules = load_rule_packs([pack])
    assert rules.renames["tf.my_old_op"] == "tf.my_new_op"
    assert len(rules.renames) == len(base.renames) + 1
    assert rules.creators["direct"][-1] == "acme.nn.fc"
    assert set(base.creators["direct"]) < set(rules.creators["direct"])
    assert rules.training_markers["trainer"] == ("acme.train.Trainer",)
    assert rules.layer_map["tf.layers.dense"].import_ == "acme.layers"
    assert rules.findings[-1].rule == "ACME001" and len(rules.findings) == len(base.findings) + 1
    assert rules.sources[-1] == str(pack.resolve())


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[renamez]\n'tf.a' = 'tf.b'\n", "unknown key 'renamez'"),
        ("[[findings]]\nrule = 'TFM401'\nmessage = 'm'\nsymbol = ['tf.Session']\n", "unknown key 'symbol'"),
        ("[reorders]\n'tf.f' = { keep = 1 }\n", "unknown key 'keep'"),
        ("[creators]\nindirect = ['a.b']\n", "unknown key 'indirect'"),
        ("[layers]\n'tf.layers.dense' = { to = 'x.y', imports = 'x' }\n", "unknown key 'imports'"),
        ("[renames]\n'tf.a' = 3\n", "must be a non-empty string"),
        ("[keyword_removals]\n'tf.f' = 'strict'\n", "must be a list"),
        ("[[findings]]\nrule = 'bad id'\nmessage = 'm'\nsymbols = ['tf.x']\n", "not a rule id"),
        ("[[findings]]\nrule = 'X001'\nmessage = 'm'\n", "needs at least one of"),
        ("[[findings]]\nrule = 'X001'\nmessage = 'm'\nsymbols = ['a']\ncontext = 'tests'\n", "context"),
        ("renames = [\n", "invalid TOML"),
    ],
)
def test_invalid_packs_name_file_and_key(tmp_path: Path, text: str, complaint: str) -> None:
    pack = _pack(tmp_path, text)
    with pytest.raises(RulePackError) as error:
        load_rule_packs([pack])
    assert isinstance(error.value, ValueError)
    assert str(pack.resolve()) in str(error.value)
    assert complaint in str(error.value)


def test_missing_pack_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="cannot read rule pack"):
        load_rule_packs([tmp_path / "nope.toml"])


def test_edited_pack_is_reloaded(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "[renames]\n'tf.a' = 'tf.b'\n")
    assert load_rule_packs([pack]).renames["tf.a"] == "tf.b"
    pack.write_text("[renames]\n'tf.a' = 'tf.longer_name'\n", encoding="utf-8")
    os.utime(pack, ns=(1, 1))
    assert load_rule_packs([pack]).renames["tf.a"] == "tf.longer_name"


def test_readme_worked_example_is_a_valid_pack_that_works(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(# acme-tf1.toml.*?)```", README.read_text(), re.S)
    assert block is not None, "worked example missing from rules/README.md"
    pack = _pack(tmp_path, block.group(1), "acme-tf1.toml")
    source = (
        "import tensorflow as tf\n"
        "from acme import legacy\n"
        "cell = tf.contrib.rnn.LayerNormBasicLSTMCell(8)\n"
        "legacy.restore_session(path)\n"
    )
    outcome = upgrade(source, packs=(str(pack),))
    assert "cell = acme.cells.LayerNormLSTMCell(8)" in outcome.module.code
    assert outcome.imports == {"acme.cells"}
    assert "ACME001" in rules_reported(outcome)
    assert "acme.nn.fc" in load_rule_packs([pack]).creators["direct"]
    without_tf = upgrade("import acme.legacy\nacme.legacy.restore_session(p)\n", packs=(str(pack),))
    assert rules_reported(without_tf) == {"ACME001"}
