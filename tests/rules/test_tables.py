"""Every entry of the generated tables is applied as documented (not just a sample).

The expectations are computed from the tables with the documented precedence (layer and
cell mappings before renames), so a new TensorFlow release that adds entries is covered
without editing this file.
"""

from __future__ import annotations

from tests.rules.helpers import upgrade
from tf1migrate.rulepacks import load_rule_packs
from tf1migrate.rules_impl.names import longest_prefix

RULES = load_rule_packs()
TF = "import tensorflow as tf\n"


def _new_name(symbol: str) -> str:
    """Where a TF1 symbol should end up in an `import tensorflow as tf` file."""
    hit = longest_prefix(symbol, RULES.layer_map)
    if hit is not None:
        return hit[1].target + symbol[len(hit[0]) :]
    hit = longest_prefix(symbol, RULES.renames)
    if hit is not None:
        return hit[1] + symbol[len(hit[0]) :]
    return symbol


def _keeps_tf1_keywords(name: str) -> bool:
    """Renamed to compat.v1: the TF1 signature stays, so keyword tables do not apply."""
    hit = longest_prefix(name, RULES.renames)
    return hit is not None and hit[1].startswith("tf.compat.v1.")


def test_every_rename_applies_in_plain_files_and_none_in_compat_v1_files() -> None:
    names = sorted(RULES.renames)
    lines = "".join(f"v{i} = {name}\n" for i, name in enumerate(names))
    expected = "".join(f"v{i} = {_new_name(name)}\n" for i, name in enumerate(names))
    outcome = upgrade(TF + lines, select=("TFM1", "TFM2"))
    assert outcome.module.code == TF + expected
    compile(outcome.module.code, "renames.py", "exec")
    assert upgrade(outcome.module.code, select=("TFM1", "TFM2")).count == 0

    compat = "import tensorflow.compat.v1 as tf\n"
    kept = upgrade(compat + lines, select=("TFM101",))
    assert kept.module.code == compat + lines


def test_every_reorder_names_the_extra_positional_arguments() -> None:
    for name, reorder in sorted(RULES.reorders.items()):
        if name.startswith("*."):
            continue
        count = reorder.keep_positional + len(reorder.to_keywords)
        args = [f"a{i}" for i in range(count)]
        source = f"{TF}y = {name}({', '.join(args)})\n"
        kept = args[: reorder.keep_positional]
        tf1_keywords = _keeps_tf1_keywords(name)
        renames = {} if tf1_keywords else RULES.keyword_renames.get(name, {})
        removals = () if tf1_keywords else RULES.keyword_removals.get(name, ())
        named = [
            f"{renames.get(kw, kw)}=a{reorder.keep_positional + i}"
            for i, kw in enumerate(reorder.to_keywords)
            if kw not in removals
        ]
        outcome = upgrade(source, select=("TFM102",))
        assert outcome.module.code == f"{TF}y = {name}({', '.join(kept + named)})\n", name


def test_every_keyword_rename_and_removal() -> None:
    for name in sorted(set(RULES.keyword_renames) | set(RULES.keyword_removals)):
        call = "opt." + name[2:] if name.startswith("*.") else name
        renames = RULES.keyword_renames.get(name, {})
        removals = RULES.keyword_removals.get(name, ())
        passed = sorted(set(renames) | set(removals))
        source = f"{TF}y = {call}({', '.join(f'{k}={k}' for k in passed)})\n"
        if _keeps_tf1_keywords(name):
            after = [f"{k}={k}" for k in passed]
        else:
            after = [f"{renames[k]}={k}" for k in passed if k in renames]
        outcome = upgrade(source, select=("TFM102",))
        assert outcome.module.code == f"{TF}y = {call}({', '.join(after)})\n", name


def test_calls_whose_tf1_meaning_needs_compat_v1() -> None:
    for name, condition in sorted(RULES.compat_v1_when.items()):
        plain = f"{TF}y = {name}(a)\n"
        assert upgrade(plain, select=("TFM101",)).module.code == plain, name
        keyword = condition.keywords[0]
        source = f"{TF}y = {name}(a, {keyword}=k)\n"
        expected = f"{TF}y = tf.compat.v1.{name[3:]}(a, {keyword}=k)\n"
        outcome = upgrade(source, select=("TFM101",))
        assert outcome.module.code == expected, name
        assert upgrade(expected).module.code == expected, name


def test_renamed_calls_are_stable_with_any_arguments() -> None:
    """A rename target that has its own TF1 tables must not change again on a second run."""
    for old, new in sorted(RULES.renames.items()):
        if old.startswith("tf.contrib.") or new.startswith("tf.compat."):
            continue
        reorder = RULES.reorders.get(old)
        keywords = sorted({
            *(reorder.to_keywords if reorder else ()),
            *RULES.keyword_renames.get(old, {}),
            *RULES.keyword_removals.get(old, ()),
        })  # the old function's own TF1 keywords
        for args in ([f"a{i}" for i in range(6)], [f"{k}={k}" for k in keywords]):
            once = upgrade(f"{TF}y = {old}({', '.join(args)})\n").module.code
            assert upgrade(once).module.code == once, old
