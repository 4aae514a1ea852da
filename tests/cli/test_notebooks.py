"""Notebooks: only code cells change; outputs, metadata, markdown and magics are kept."""

from __future__ import annotations

import json
from pathlib import Path

from tf1migrate.notebooks import extract_code, replace_code, split_code
from tf1migrate.runner import run_migrate

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {"tags": ["intro"]}, "source": ["Uses tf.layers.dense\n"]},
        {
            "cell_type": "code", "execution_count": 3, "metadata": {"collapsed": False},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
            "source": ["%matplotlib inline\n", "import tensorflow as tf\n", "!pip install foo\n",
                       "files = !ls\n", "tf.layers.dense?\n", "for i in range(2):\n",
                       "    %time y = tf.layers.dense(x, 2)\n", "y = tf.layers.dense(x, 2)"],
        },
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "%%bash\necho tf.layers.dense\n"},
        {"cell_type": "code", "execution_count": 4, "metadata": {}, "outputs": [
            {"data": {"text/plain": ["1"]}, "execution_count": 4, "metadata": {}, "output_type": "execute_result"}],
         "source": ["z = tf.layers.conv2d(y, 3, 3)"]},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 4,
}


def _write(path: Path) -> str:
    text = json.dumps(NOTEBOOK, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def test_magics_are_masked_and_restored_exactly(tmp_path: Path) -> None:
    text = _write(tmp_path / "nb.ipynb")
    extracted = extract_code(text)
    assert extracted.cells == (1, 3)  # markdown and %%bash cells are not Python
    compile(extracted.code, "nb", "exec")  # masked text parses
    assert split_code(extracted, extracted.code) == {1: "".join(NOTEBOOK["cells"][1]["source"]),
                                                     3: "z = tf.layers.conv2d(y, 3, 3)"}
    assert replace_code(text, extracted, extracted.code) == text


def test_finding_lines_map_back_to_cells(tmp_path: Path) -> None:
    extracted = extract_code(_write(tmp_path / "nb.ipynb"))
    last_line = extracted.code.count("\n")
    assert extracted.locate(last_line) == (3, 1)
    assert extracted.locate(2) == (1, 1)


def test_round_trip_changes_only_code_cell_sources(tmp_path: Path, make_repo, engine) -> None:
    root = make_repo({})
    original = _write(root / "nb.ipynb")
    result = run_migrate([root / "nb.ipynb"], mode="write", jobs=1, engine=engine)
    assert result.files[0].status.value == "changed", result.files[0].findings
    before, after = json.loads(original), json.loads((root / "nb.ipynb").read_text(encoding="utf-8"))
    assert after["metadata"] == before["metadata"]
    assert [c.get("outputs") for c in after["cells"]] == [c.get("outputs") for c in before["cells"]]
    assert [c["metadata"] for c in after["cells"]] == [c["metadata"] for c in before["cells"]]
    assert after["cells"][0] == before["cells"][0] and after["cells"][2] == before["cells"][2]
    new_source = "".join(after["cells"][1]["source"])
    for magic in ("%matplotlib inline\n", "!pip install foo\n", "files = !ls\n", "tf.layers.dense?\n",
                  "    %time y = "):
        assert magic in new_source
    assert "tf.layers.dense(x, 2)" not in new_source.replace("%time y = tf.layers.dense(x, 2)", "")
    assert "tf.layers.conv2d" not in "".join(after["cells"][3]["source"])
    # Everything outside the changed sources is byte-identical (same key order, indent).
    assert set(after) == set(before) and "id" not in after["cells"][1]


def test_a_cell_that_does_not_parse_is_reported_in_cell_terms(make_repo, engine) -> None:
    root = make_repo({})
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["cells"][3]["source"] = ["x = 1\n", "def broken(:\n", "    pass"]
    path = root / "nb.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    before = path.read_bytes()
    (result,) = run_migrate([path], mode="write", jobs=1, engine=engine).files
    (finding,) = result.findings
    assert finding.rule == "TFM001" and finding.message.startswith("cell 4: does not parse: ")
    assert finding.line in (2, 3)  # the line inside cell 4 where the parser gave up
    assert path.read_bytes() == before


def test_notebooks_in_other_languages_are_skipped_quietly(make_repo, fake_engine) -> None:
    root = make_repo({})
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["metadata"] = {"kernelspec": {"name": "ir", "language": "R"}, "language_info": {"name": "R"}}
    notebook["cells"][3]["source"] = ["library(tensorflow)\n", "x <- tf$layers$dense(y, 3)"]
    path = root / "analysis.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    result = run_migrate([root], mode="write", jobs=1)
    (file,) = result.files
    assert file.status.value == "skipped" and "not a Python notebook (language: r)" in file.findings[0].message
    assert file.findings[0].severity.value == "info"
    from tf1migrate.runner import exit_code

    assert exit_code(result) == 0
