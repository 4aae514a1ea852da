"""Regenerate rules/symbols.toml from the upgrade tables shipped in the TensorFlow wheel.

tf_upgrade_v2 (tensorflow/tools/compatibility) keeps the facts of the TF1 -> TF2 API change
as Python dicts: symbol renames, calls whose positional arguments must become keywords,
keyword renames/removals, and calls it rewrites with special code (which we keep exact by
moving them to compat.v1). We take those facts as data so the codemod never imports
TensorFlow; this script is the only bridge, and tests/rules/test_sync.py fails when the
checked-in TOML drifts from what it generates on the installed TensorFlow.

Usage:  python scripts/sync_rules.py            # rewrite rules/symbols.toml
        python scripts/sync_rules.py --check    # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

SYMBOLS_TOML = Path(__file__).resolve().parent.parent / "rules" / "symbols.toml"

#: Transformers whose code only changes calls that pass certain arguments, stated as data:
#: `_name_scope_transformer` acts on `default_name` / `values` (2nd and 3rd arguments);
#: `tf.name_scope("block")` means the same in TF2 and stays.
CONDITIONS_FROM_CODE: dict[str, dict[str, object]] = {
    "tf.name_scope": {"keywords": ["default_name", "values"], "max_positional": 1},
}


def _quote(text: str) -> str:
    """A TOML basic string (JSON escaping is a subset of TOML's for these ASCII names)."""
    return json.dumps(text)


def _is_canonical(name: str) -> bool:
    """Keep `tf.*` names and `*.method` wildcards; drop tf_upgrade_v2's `contrib_*` aliases.

    The aliases exist because tf_upgrade_v2 matches text; our resolver already turns
    `from tensorflow.contrib import summary as contrib_summary` into `tf.contrib.summary`.
    """
    return name.startswith("tf.") or name.startswith("*.")


def _split_reorder(name: str, order: list[str | None]) -> tuple[int, list[str]]:
    """`[None, None, 'name', 'axis']` -> (2, ['name', 'axis']): keep N positional, name the rest."""
    keep = 0
    while keep < len(order) and order[keep] is None:
        keep += 1
    rest = order[keep:]
    if any(arg is None for arg in rest):
        raise ValueError(f"{name}: positional slot after a keyword slot in {order!r}")
    return keep, [str(arg) for arg in rest]


def collect_tables() -> dict[str, object]:
    """Read tf_upgrade_v2's spec (this imports TensorFlow: script and sync test only)."""
    import tensorflow as tf
    from tensorflow.tools.compatibility import tf_upgrade_v2

    spec = tf_upgrade_v2.TFAPIChangeSpec()
    renames = {old: new for old, new in spec.symbol_renames.items() if _is_canonical(old)}
    reorders = {
        name: _split_reorder(name, list(order))
        for name, order in spec.function_reorders.items()
        if _is_canonical(name)
    }
    keyword_renames: dict[str, dict[str, str]] = {}
    keyword_removals: dict[str, list[str]] = {}
    for name, table in spec.function_keyword_renames.items():
        if not _is_canonical(name):
            continue
        for old, new in table.items():
            if new is None:
                keyword_removals.setdefault(name, []).append(old)
            else:
                keyword_renames.setdefault(name, {})[old] = new
    compat_v1, compat_v1_when = _transformed_calls(spec.function_transformers, renames)
    return {
        "version": tf.__version__,
        "compat_v1": compat_v1,
        "compat_v1_when": compat_v1_when,
        "renames": renames,
        "reorders": reorders,
        "keyword_renames": keyword_renames,
        "keyword_removals": keyword_removals,
    }


def _transformed_calls(
    transformers: Mapping[str, object], renames: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, dict[str, object]]]:
    """Calls tf_upgrade_v2 rewrites with code rather than tables, kept exact on compat.v1.

    `tf.nn.dropout(x, 0.9)` means keep_prob in TF1 and rate in TF2; tf_upgrade_v2 fixes
    that with `_dropout_transformer`. We do not reimplement such code: the call moves to
    `tf.compat.v1`, which keeps the TF1 meaning. Transformers that only matter when one
    argument is passed (`tf.zeros_like(..., optimize=False)`) move the call only then.
    `CONDITIONS_FROM_CODE` states, as data, the condition a transformer's code tests.
    Skipped: contrib (not in compat.v1), Keras (Keras 3 differs anyway), `tf.device`
    (TF2 fails loudly on the device functions the transformer is about), names that
    already have a rename.
    """
    always: dict[str, str] = {}
    when: dict[str, dict[str, object]] = {}
    for name, transformer in transformers.items():
        if not name.startswith("tf.") or name.startswith(("tf.contrib.", "tf.keras.")):
            continue
        if name in renames or name == "tf.device":
            continue
        function = getattr(transformer, "func", transformer)
        keywords = getattr(transformer, "keywords", None) or {}
        if function.__name__ == "_rename_if_arg_found_transformer":
            when[name] = {"keywords": [str(keywords["arg_name"])]}
        elif name in CONDITIONS_FROM_CODE:
            when[name] = CONDITIONS_FROM_CODE[name]
        else:
            always[name] = function.__name__
    return always, when


def _condition(condition: Mapping[str, object]) -> str:
    """{keywords = ["optimize"]} or {keywords = [...], max_positional = 1} as inline TOML."""
    keywords = condition["keywords"]
    assert isinstance(keywords, list)
    parts = [f"keywords = [{', '.join(_quote(str(k)) for k in keywords)}]"]
    if "max_positional" in condition:
        parts.append(f"max_positional = {condition['max_positional']}")
    return "{ " + ", ".join(parts) + " }"


def _table(lines: list[str], header: str, rows: Iterable[str]) -> None:
    lines.append("")
    lines.append(f"[{header}]")
    lines.extend(rows)


def render(tables: Mapping[str, object]) -> str:
    """Deterministic TOML: sorted keys, one entry per line, a generated-file header."""
    renames = tables["renames"]
    reorders = tables["reorders"]
    keyword_renames = tables["keyword_renames"]
    keyword_removals = tables["keyword_removals"]
    assert isinstance(renames, dict) and isinstance(reorders, dict)
    assert isinstance(keyword_renames, dict) and isinstance(keyword_removals, dict)
    lines = [
        "# GENERATED by scripts/sync_rules.py -- do not edit by hand.",
        f"# Source: tensorflow {tables['version']}, tensorflow/tools/compatibility "
        "(all_renames_v2, renames_v2, reorders_v2, tf_upgrade_v2).",
        "# Keys are TF1 names as written against `import tensorflow as tf`; see rules/README.md.",
        "",
        "[meta]",
        f"generated_from = {_quote('tensorflow ' + str(tables['version']))}",
    ]
    _table(
        lines,
        "renames",
        (f"{_quote(old)} = {_quote(renames[old])}" for old in sorted(renames)),
    )
    compat_v1 = tables.get("compat_v1", {})
    compat_v1_when = tables.get("compat_v1_when", {})
    assert isinstance(compat_v1, dict) and isinstance(compat_v1_when, dict)
    _table(
        lines,
        "compat_v1",
        (f"{_quote(name)} = {_quote(compat_v1[name])}" for name in sorted(compat_v1)),
    )
    _table(
        lines,
        "compat_v1_when",
        (f"{_quote(name)} = {_condition(compat_v1_when[name])}" for name in sorted(compat_v1_when)),
    )
    _table(
        lines,
        "reorders",
        (
            f"{_quote(name)} = {{ keep_positional = {reorders[name][0]}, "
            f"to_keywords = [{', '.join(_quote(a) for a in reorders[name][1])}] }}"
            for name in sorted(reorders)
        ),
    )
    _table(
        lines,
        "keyword_renames",
        (
            f"{_quote(name)} = {{ "
            + ", ".join(
                f"{_quote(old)} = {_quote(new)}"
                for old, new in sorted(keyword_renames[name].items())
            )
            + " }"
            for name in sorted(keyword_renames)
        ),
    )
    _table(
        lines,
        "keyword_removals",
        (
            f"{_quote(name)} = [{', '.join(_quote(k) for k in sorted(keyword_removals[name]))}]"
            for name in sorted(keyword_removals)
        ),
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift (exit 1)")
    parser.add_argument("--output", type=Path, default=SYMBOLS_TOML)
    args = parser.parse_args(argv)
    text = render(collect_tables())
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"{args.output} is out of date: run python scripts/sync_rules.py")
            return 1
        return 0
    if current != text:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
