"""Inline suppression with the real engine: `# tf1migrate: noqa[: RULES]` on a line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_notebooks import _notebook
from tf1migrate.noqa import parse_comment
from tf1migrate.runner import run_migrate
from tf1migrate.types import FileResult

HEADER = "import tensorflow as tf\n\n\n"


def _check(root: Path, name: str, source: str) -> FileResult:
    (root / name).write_text(source, encoding="utf-8")
    (result,) = run_migrate([root / name], mode="check", jobs=1, use_cache=False).files
    return result


def _migrated_lines(result: FileResult) -> list[str]:
    assert result.migrated is not None, result.findings
    return result.migrated.splitlines()


def test_bare_noqa_keeps_the_line_and_its_findings_out(make_repo) -> None:
    root = make_repo({})
    source = HEADER + "sess = tf.Session()  # tf1migrate: noqa\nother = tf.Session()\n"
    result = _check(root, "a.py", source)
    lines = _migrated_lines(result)
    assert "sess = tf.Session()  # tf1migrate: noqa" in lines  # not even renamed
    assert "other = tf.compat.v1.Session()" in lines
    assert [(f.rule, f.line) for f in result.findings] == [("TFM401", 5)]


def test_listed_rules_only_are_silenced(make_repo) -> None:
    root = make_repo({})
    source = HEADER + "sess = tf.Session()  # tf1migrate: noqa: TFM401\n"
    result = _check(root, "a.py", source)
    assert "sess = tf.compat.v1.Session()  # tf1migrate: noqa: TFM401" in _migrated_lines(result)
    assert result.findings == ()  # the rename (TFM101) still ran; its finding is gone


def test_two_rules_on_one_line(make_repo) -> None:
    root = make_repo({})
    line = "FLAGS, x = tf.flags.FLAGS, tf.contrib.unmapped_thing(1)"
    loud = _check(root, "loud.py", HEADER + line + "\n")
    assert {f.rule for f in loud.findings} >= {"TFM403", "TFM404"}, loud.findings
    quiet = _check(root, "quiet.py", HEADER + line + "  # tf1migrate: noqa: TFM403,TFM404\n")
    assert not {f.rule for f in quiet.findings} & {"TFM403", "TFM404"}, quiet.findings


def test_flake8_style_noqa_with_tfm_codes_counts_but_a_bare_noqa_does_not(make_repo) -> None:
    root = make_repo({})
    flake8 = _check(root, "a.py", HEADER + "sess = tf.Session()  # noqa: E501, TFM401\n")
    assert flake8.findings == ()
    bare = _check(root, "b.py", HEADER + "sess = tf.Session()  # noqa\n")
    assert [f.rule for f in bare.findings] == ["TFM401"]
    assert "sess = tf.compat.v1.Session()  # noqa" in _migrated_lines(bare)


def test_noqa_on_the_def_line_keeps_the_wrapper_out(make_repo) -> None:
    root = make_repo({})
    model = 'def model(x):{}\n    w = tf.get_variable("w", [3])\n    return x * w\n'
    wrapped = _check(root, "wrapped.py", HEADER + model.format(""))
    assert "class ModelLayer" in wrapped.migrated and [
        layer.function for layer in wrapped.layers
    ] == ["model"]
    kept = _check(root, "kept.py", HEADER + model.format("  # tf1migrate: noqa: TFM301"))
    assert kept.layers == () and "class ModelLayer" not in (kept.migrated or "")
    assert "tf.compat.v1.get_variable" in kept.migrated  # the body is still upgraded
    assert not [f for f in kept.findings if f.rule == "TFM301"]


def test_noqa_on_a_multiline_def_and_a_decorated_one(make_repo) -> None:
    root = make_repo({})
    source = HEADER + (
        'def model(  # tf1migrate: noqa\n    x,\n):\n    return x * tf.get_variable("w", [3])\n'
    )
    result = _check(root, "a.py", source)
    assert result.layers == (), result.migrated


def test_suppressed_output_is_stable_on_a_second_run(make_repo) -> None:
    root = make_repo({})
    source = HEADER + "a = tf.Session()  # tf1migrate: noqa\nb = tf.layers.dense(a, 2)\n"
    first = _check(root, "a.py", source)
    second = _check(root, "b.py", first.migrated)
    assert second.status.value == "unchanged", second.findings


def test_noqa_in_a_notebook_cell(make_repo) -> None:
    root = make_repo({})
    path = root / "nb.ipynb"
    path.write_text(
        _notebook("import tensorflow as tf", "%time s = 1\nsess = tf.Session()  # tf1migrate: noqa")
    )
    (result,) = run_migrate([path], mode="write", jobs=1, use_cache=False).files
    assert result.findings == ()
    cell = "".join(json.loads(path.read_text())["cells"][1]["source"])
    assert cell == "%time s = 1\nsess = tf.Session()  # tf1migrate: noqa"


def test_comment_forms() -> None:
    assert parse_comment("# tf1migrate: noqa") == (True, None)
    assert parse_comment("#tf1migrate:noqa:TFM403, TFM404 -- reviewed") == (
        True,
        frozenset({"TFM403", "TFM404"}),
    )
    assert parse_comment("# noqa") == (False, None)
    assert parse_comment("# noqa: E501") == (False, None)
    assert parse_comment("# type: ignore") == (False, None)


def test_noqa_on_a_class_line_keeps_its_init_wrapper_out(make_repo) -> None:
    root = make_repo({})
    body = '    def __init__(self, x):\n        self.w = tf.get_variable("w", [3])\n        self.out = x * self.w\n'
    source = (
        HEADER
        + "class Model(object):  # tf1migrate: noqa: TFM303\n"
        + body
        + "\n\nclass Other(object):\n"
        + body
    )
    result = _check(root, "a.py", source)
    assert [layer.class_name for layer in result.layers] == ["OtherLayer"], result.migrated
