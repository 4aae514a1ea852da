"""Notebooks: only code cells change; outputs, metadata, markdown and magics are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tf1migrate.notebooks import extract_code, replace_code, split_code
from tf1migrate.runner import run_migrate

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {"tags": ["intro"]},
            "source": ["Uses tf.layers.dense\n"],
        },
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {"collapsed": False},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
            "source": [
                "%matplotlib inline\n",
                "import tensorflow as tf\n",
                "!pip install foo\n",
                "files = !ls\n",
                "tf.layers.dense?\n",
                "for i in range(2):\n",
                "    %time y = tf.layers.dense(x, 2)\n",
                "y = tf.layers.dense(x, 2)",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": "%%bash\necho tf.layers.dense\n",
        },
        {
            "cell_type": "code",
            "execution_count": 4,
            "metadata": {},
            "outputs": [
                {
                    "data": {"text/plain": ["1"]},
                    "execution_count": 4,
                    "metadata": {},
                    "output_type": "execute_result",
                }
            ],
            "source": ["z = tf.layers.conv2d(y, 3, 3)"],
        },
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 4,
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
    assert split_code(extracted, extracted.code) == {
        1: "".join(NOTEBOOK["cells"][1]["source"]),
        3: "z = tf.layers.conv2d(y, 3, 3)",
    }
    assert replace_code(text, extracted, extracted.code) == text


def test_finding_lines_map_back_to_cells(tmp_path: Path) -> None:
    extracted = extract_code(_write(tmp_path / "nb.ipynb"))
    last_line = extracted.code.count("\n")
    assert extracted.locate(last_line) == (3, 1)
    assert extracted.locate(2) == (1, 1)


def test_round_trip_changes_only_code_cell_sources(tmp_path: Path, make_repo, engine) -> None:
    root = make_repo({})
    original = _write(root / "nb.ipynb")
    result = run_migrate([root / "nb.ipynb"], mode="write", jobs=1, stages=engine)
    assert result.files[0].status.value == "changed", result.files[0].findings
    before, after = (
        json.loads(original),
        json.loads((root / "nb.ipynb").read_text(encoding="utf-8")),
    )
    assert after["metadata"] == before["metadata"]
    assert [c.get("outputs") for c in after["cells"]] == [c.get("outputs") for c in before["cells"]]
    assert [c["metadata"] for c in after["cells"]] == [c["metadata"] for c in before["cells"]]
    assert after["cells"][0] == before["cells"][0] and after["cells"][2] == before["cells"][2]
    new_source = "".join(after["cells"][1]["source"])
    for magic in (
        "%matplotlib inline\n",
        "!pip install foo\n",
        "files = !ls\n",
        "tf.layers.dense?\n",
        "    %time y = ",
    ):
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
    (result,) = run_migrate([path], mode="write", jobs=1, stages=engine).files
    (finding,) = result.findings
    assert finding.rule == "TFM001" and finding.message.startswith("cell 4: does not parse: ")
    assert finding.line in (2, 3)  # the line inside cell 4 where the parser gave up
    assert path.read_bytes() == before


def test_notebooks_in_other_languages_are_skipped_quietly(make_repo, fake_engine) -> None:
    root = make_repo({})
    notebook = json.loads(json.dumps(NOTEBOOK))
    notebook["metadata"] = {
        "kernelspec": {"name": "ir", "language": "R"},
        "language_info": {"name": "R"},
    }
    notebook["cells"][3]["source"] = ["library(tensorflow)\n", "x <- tf$layers$dense(y, 3)"]
    path = root / "analysis.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    result = run_migrate([root], mode="write", jobs=1)
    (file,) = result.files
    assert (
        file.status.value == "skipped"
        and "not a Python notebook (language: r)" in file.findings[0].message
    )
    assert file.findings[0].severity.value == "info"
    from tf1migrate.runner import exit_code

    assert exit_code(result) == 0


def _notebook(*sources: str) -> str:
    """A Python notebook whose code cells have these sources (saved as Jupyter does)."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source.splitlines(keepends=True),
        }
        for source in sources
    ]
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return (
        json.dumps(
            {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 4}, indent=1
        )
        + "\n"
    )


#: Every IPython form that is not Python, each followed by Python the engine must still see.
MAGIC_FORMS = {
    "line magic": "%matplotlib inline",
    "line magic with $var": "%cd $DATA_DIR",
    "line magic with {expr}": "%env OUT={out_dir.upper()}",
    "shell": "!pip install -q tensor2tensor",
    "shell, system form": "!!ls -la",
    "shell continued with backslashes": "!t2t-trainer \\\n  --data_dir=$DATA_DIR \\\n  --problem={PROBLEM} \\\n  --model=transformer",
    "magic continued with a backslash": "%env \\\n  T2T=1",
    "shell inside a block": "for i in range(3):\n    !echo $i \\\n        {i * 2}\n    n = i",
    "assigned shell": "files = !ls {DATA_DIR}",
    "assigned magic": "home = %env HOME",
    "unpacked shell": "first, second = !ls",
    "help after": "tf.layers.dense?",
    "help after, double": "tf.layers.dense??",
    "help before": "?tf.layers.dense",
    "help on a magic": "%timeit?",
    "help with a wildcard": "tf.*dense*?",
    "timed statement": "%time y0 = f(x)",
    "python cell magic": "%%time\nz = 1",
}


@pytest.mark.parametrize("form", MAGIC_FORMS, ids=list(MAGIC_FORMS))
def test_each_magic_form_is_masked_and_restored_byte_exact(form: str) -> None:
    magic = MAGIC_FORMS[form]
    text = _notebook("import tensorflow as tf", magic + "\ny = tf.layers.dense(x, 2)\n")
    extracted = extract_code(text)
    compile(extracted.code, "nb", "exec")  # the masked text is Python
    assert extracted.code.count("\n") == text.count("\\n") + 2 * 2  # same line count, per cell
    assert "tf.layers.dense(x, 2)" in extracted.code and "$" not in extracted.code
    assert split_code(extracted, extracted.code)[1] == magic + "\ny = tf.layers.dense(x, 2)\n"
    migrated = extracted.code.replace("tf.layers.dense(x", "tf1compat.layers.dense(x")
    after = json.loads(replace_code(text, extracted, migrated))
    assert "".join(after["cells"][1]["source"]) == magic + "\ny = tf1compat.layers.dense(x, 2)\n"


def test_magic_like_text_inside_python_is_left_as_python() -> None:
    source = 's = """\n!not a shell line\n%not a magic\n"""\nv = f(\n    a,\n)\nw = x  # why?\n'
    extracted = extract_code(_notebook(source))
    assert extracted.magics == ()  # nothing masked: the string and brackets are Python
    assert split_code(extracted, extracted.code) == {0: source}


def test_other_cell_magics_are_not_python_and_never_touched() -> None:
    extracted = extract_code(
        _notebook("%%bash\necho $HOME\n", "%%writefile m.py\nimport tensorflow\n")
    )
    assert extracted.cells == ()


def test_a_cell_with_a_syntax_error_is_named_even_when_the_parser_gives_up_later(
    make_repo, engine
) -> None:
    root = make_repo({})
    path = root / "nb.ipynb"
    path.write_text(
        _notebook("import tensorflow as tf", "x = tf.layers.dense(\n", "y = 1\nz = $2\n")
    )
    (result,) = run_migrate([path], mode="check", jobs=1, stages=engine).files
    (finding,) = result.findings
    assert finding.rule == "TFM001" and finding.message.startswith("cell 2: does not parse: ")
    assert finding.line == 1


T2T_STYLE = {  # three notebooks in the style of tensor2tensor's, each failing before masking
    "trainer.ipynb": (
        "import tensorflow as tf\nDATA_DIR = '/tmp/t2t'",
        "!t2t-datagen \\\n  --data_dir=$DATA_DIR \\\n  --tmp_dir=/tmp \\\n  --problem=translate_ende_wmt32k",
        "x = tf.placeholder(tf.float32, [None, 8])\nh = tf.layers.dense(x, 4)",
    ),
    "decode.ipynb": (
        "import tensorflow as tf",
        "%env PROBLEM=translate_ende_wmt32k\n!echo $PROBLEM",
        "ckpt = tf.train.latest_checkpoint('$CKPT_DIR')\nlogits = tf.layers.dense(x, 2)",
    ),
    "colab.ipynb": (
        "%tensorflow_version 1.x\nimport tensorflow as tf",
        "MODEL = 'transformer'\nfor hp in ['base', 'big']:\n    !t2t-trainer --model=$MODEL \\\n        --hparams_set={hp}",
        "out = tf.layers.dense(tf.zeros([1, 3]), 3)",
    ),
}


def test_tensor2tensor_style_notebooks_migrate_and_keep_their_magics(make_repo) -> None:
    from click.testing import CliRunner

    from tf1migrate.cli import main

    root = make_repo({})
    for name, cells in T2T_STYLE.items():
        (root / name).write_text(_notebook(*cells), encoding="utf-8")
    result = CliRunner().invoke(main, ["migrate", str(root), "--jobs", "1", "--no-cache"])
    assert result.exit_code == 0, result.output
    for name, cells in T2T_STYLE.items():
        after = json.loads((root / name).read_text(encoding="utf-8"))
        sources = ["".join(cell["source"]) for cell in after["cells"]]
        assert "tf.layers.dense" not in "".join(sources), name
        for before, now in zip(cells, sources):
            for line in before.splitlines():
                if line.lstrip().startswith(("!", "%", "--")):
                    assert line in now.splitlines(), (name, line)


def test_findings_after_continued_magics_name_the_cell_and_line(make_repo) -> None:
    root = make_repo({})
    path = root / "nb.ipynb"
    cells = (
        "import tensorflow as tf",
        "%%time\n!t2t-trainer \\\n  --data_dir=$DATA_DIR \\\n  --model={M}\nsess = tf.Session()",
    )
    path.write_text(_notebook(*cells), encoding="utf-8")
    (result,) = run_migrate([path], mode="check", jobs=1, use_cache=False).files
    (finding,) = [f for f in result.findings if f.rule == "TFM401"]
    assert (finding.line, finding.col) == (5, 7) and finding.message.startswith("cell 2: ")
