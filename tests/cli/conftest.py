"""Fixtures for the CLI/pipeline tests: throw-away repos and the engine to run them with.

`engine` is the real engine once `tf1migrate.engine` can be imported, else the small fake
in `fake_engine.py`; tests written against it only assert engine-independent facts (files
touched or not, encodings, findings for bad input, exit codes).
"""

from __future__ import annotations

import importlib.util
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli import fake_engine as fake
from tf1migrate import runner
from tf1migrate.passes import Stages

FAKE = Stages(
    load_rules=fake.load_rule_packs,
    summarize=fake.summarize_module,
    link=fake.link,
    rewrite=fake.migrate_source,
    view=fake.view,
    triage=fake.triage,
    learn=fake.learn,
)
#: TF1MIGRATE_TEST_FAKE_ENGINE=1 pins the fake (to test the pipeline while the engine is broken).
REAL_ENGINE_AVAILABLE = (
    importlib.util.find_spec("tf1migrate.engine") is not None
    and os.environ.get("TF1MIGRATE_TEST_FAKE_ENGINE") != "1"
)

TF1_MODEL = '''import tensorflow as tf


def model(x):
    w = tf.get_variable("w", [3, 3])
    return helper(tf.matmul(x, w))


def helper(x):
    return tf.layers.dense(x, 3, name="out")
'''


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write {relative path: text or bytes} under a fresh git-marked project root."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        (root / ".git").mkdir(exist_ok=True)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
        return root

    return make


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], Counter]:
    """Route runs to the fake engine; returns a function counting its calls by kind."""
    calls = tmp_path / "engine-calls.log"
    monkeypatch.setattr(runner, "DEFAULT_STAGES", FAKE)
    monkeypatch.setenv("TF1MIGRATE_FAKE_CALLS", str(calls))

    def counts() -> Counter:
        if not calls.exists():
            return Counter()
        return Counter(line.split(" ", 1)[0] for line in calls.read_text().splitlines())

    counts.calls_file = calls  # type: ignore[attr-defined]
    counts.paths = lambda kind: [  # type: ignore[attr-defined]
        line.split(" ", 1)[1] for line in (calls.read_text().splitlines() if calls.exists() else [])
        if line.startswith(kind + " ")
    ]
    return counts


@pytest.fixture
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Stages:
    """The real engine when it exists, else the fake (engine-agnostic tests only)."""
    if REAL_ENGINE_AVAILABLE:
        return runner.DEFAULT_STAGES
    request.getfixturevalue("fake_engine")
    return FAKE


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test from its tmp dir so displayed paths are short and stable."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
