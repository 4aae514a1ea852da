"""The cache learns from writes: a check after `migrate` finds every written file cached,
with exactly the answers a run without the cache gives; edits elsewhere keep a file's
answer only while its view of the index is unchanged. Real engine."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import TF1_MODEL
from tf1migrate.runner import run_migrate
from tf1migrate.types import FileStatus, RunResult

HELPERS = '''import tensorflow as tf


def dense(x, n, name="dense"):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [3, n])
        return tf.matmul(x, w)
'''
NET = '''from helpers import dense


def net(x):  # model code, wrapped
    return dense(dense(x, 4, "a"), 2, "b")
'''
TRAIN = '''import tensorflow as tf
from net import net


def train():
    x = tf.placeholder(tf.float32, [None, 3])
    loss = tf.reduce_sum(net(x))  # tf1migrate: noqa: TFM402
    return tf.train.AdamOptimizer().minimize(loss)
'''
UTILS = "import os\n\n\ndef here():\n    return os.getcwd()\n"
FILES = {"model.py": TF1_MODEL, "helpers.py": HELPERS, "net.py": NET, "train.py": TRAIN,
         "utils.py": UTILS}


def _answers(result: RunResult) -> list[tuple]:
    """What a report shows of each file (everything but `cached`)."""
    return [
        (Path(f.path).name, f.status, f.findings, f.layers, f.upgrades, f.tf1_debt, f.migrated,
         f.decisions)
        for f in result.files
    ]


def test_check_after_migrate_finds_every_written_file_cached(make_repo) -> None:
    root = make_repo(FILES)
    written = run_migrate([root], mode="write", jobs=1)
    assert {Path(f.path).name for f in written.files if f.status == FileStatus.CHANGED} >= {
        "model.py", "helpers.py", "net.py", "train.py"
    }
    check = run_migrate([root], mode="check", jobs=1)
    assert [Path(f.path).name for f in check.files if not f.cached] == []
    assert all(f.status == FileStatus.UNCHANGED for f in check.files)
    fresh = run_migrate([root], mode="check", jobs=1, use_cache=False)
    assert _answers(check) == _answers(fresh)
    # the findings of the migrated text point into the migrated text
    train = next(f for f in check.files if f.path.endswith("train.py"))
    lines = (root / "train.py").read_text().splitlines()
    for finding in train.findings:
        assert 1 <= finding.line <= len(lines)


def test_a_second_write_run_changes_nothing_and_is_answered_from_the_cache(make_repo) -> None:
    root = make_repo(FILES)
    run_migrate([root], mode="write", jobs=1)
    before = {p.name: p.read_bytes() for p in root.glob("*.py")}
    again = run_migrate([root], mode="write", jobs=1)
    assert all(f.cached and f.status == FileStatus.UNCHANGED for f in again.files)
    assert {p.name: p.read_bytes() for p in root.glob("*.py")} == before


def test_an_edit_that_changes_a_written_files_view_is_migrated_again(make_repo) -> None:
    root = make_repo(FILES)
    run_migrate([root], mode="write", jobs=1)
    # a second caller of `net` from model code makes it a helper of that code, not a root
    (root / "bigger.py").write_text(
        "import tensorflow as tf\nfrom net import net\n\n\ndef bigger(x):\n"
        "    w = tf.get_variable('w', [2, 2])\n    return tf.matmul(net(x), w)\n"
    )
    check = run_migrate([root], mode="check", jobs=1)
    fresh = run_migrate([root], mode="check", jobs=1, use_cache=False)
    assert _answers(check) == _answers(fresh)
    cached = {Path(f.path).name: f.cached for f in check.files}
    assert cached["bigger.py"] is False
    assert cached["net.py"] is False  # `net` is no longer a root: its view changed
    assert cached["utils.py"] is True and cached["model.py"] is True  # their views are as before


def test_an_edit_elsewhere_keeps_the_answers_whose_view_it_leaves_alone(make_repo) -> None:
    root = make_repo(FILES)
    run_migrate([root], mode="check", jobs=1)
    (root / "utils.py").write_text(UTILS + "\n\ndef there():\n    return here()\n")
    again = run_migrate([root], mode="check", jobs=1)
    cached = {Path(f.path).name: f.cached for f in again.files}
    assert cached == {"helpers.py": True, "model.py": True, "net.py": True, "train.py": True,
                      "utils.py": False}
    assert _answers(again) == _answers(run_migrate([root], mode="check", jobs=1, use_cache=False))


def test_a_notebook_is_not_learnt_but_checks_the_same(make_repo) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": TF1_MODEL.splitlines(keepends=True)}
    notebook = {"cells": [cell], "metadata": {"language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    root = make_repo({"nb.ipynb": json.dumps(notebook), "helpers.py": HELPERS})
    written = run_migrate([root], mode="write", jobs=1)
    assert all(f.status == FileStatus.CHANGED for f in written.files)
    check = run_migrate([root], mode="check", jobs=1)
    assert {Path(f.path).name: f.cached for f in check.files} == {"helpers.py": True,
                                                                  "nb.ipynb": False}
    assert _answers(check) == _answers(run_migrate([root], mode="check", jobs=1, use_cache=False))
