"""Every output format on one small run: snapshots, plus schema validation for JSON and SARIF.

Snapshots live in tests/cli/snapshots/; after an intended change, regenerate them with
TF1MIGRATE_UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from tests.cli.conftest import TF1_MODEL
from tf1migrate import __version__, reporters
from tf1migrate.runner import run_migrate
from tf1migrate.verify.model import LayerResult, ReferenceKind, Status, VerifyResult
from tf1migrate.verify.report import attach

HERE = Path(__file__).parent
REPO = HERE.parents[1]
SNAPSHOTS = HERE / "snapshots"
SUFFIX = {"text": "txt", "json": "json", "markdown": "md", "sarif": "sarif", "github": "txt", "junit": "xml"}

SESSION = "import tensorflow as tf\n\n\ndef train(x):\n    sess = tf.Session()\n    return sess.run(x)\n"
VERIFY = [
    LayerResult("model:ModelLayer", "model:model", "repo/model.py", 12, Status.VERIFIED,
                ReferenceKind.GRAPH_TF_KERAS, variables=3, names_ok=True, max_abs_diff=0.0),
    LayerResult("model:HeadLayer", "model:head", "repo/model.py", 30, Status.MISMATCH,
                ReferenceKind.GRAPH_TF_KERAS, messages=["missing: head/out/bias"]),
]


@pytest.fixture
def result(make_repo, fake_engine):
    root = make_repo({"model.py": TF1_MODEL, "train.py": SESSION, "clean.py": "x = 1\n",
                      "broken.py": "def f(:\n", "legacy.py": 'print "py2"\n'})
    run = run_migrate([root, root / "missing.py"], mode="diff", jobs=1, use_cache=False)
    return replace(run, seconds=0.0)


@pytest.mark.parametrize("fmt", reporters.FORMATS)
def test_snapshot(result, fmt: str) -> None:
    text = reporters.load(fmt).render(result)
    if fmt in ("markdown", "json", "junit"):  # migrate --verify: verify adds its own results
        text = attach(fmt, text, VerifyResult(layers=VERIFY))
    text = text.replace(__version__, "<version>")
    snapshot = SNAPSHOTS / f"report.{SUFFIX[fmt]}" if fmt != "github" else SNAPSHOTS / "report.github.txt"
    if os.environ.get("TF1MIGRATE_UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")


def test_sarif_is_valid_against_the_official_schema(result) -> None:
    schema = json.loads((REPO / "tests/data/sarif-2.1.0-rtm.5.json").read_text())
    sarif = json.loads(reporters.load("sarif").render(result))
    jsonschema.validate(sarif, schema)
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"TFM001", "TFM002", "TFM007", "TFM401", "TFM000"} <= rules
    assert all(r["ruleId"] in rules for r in sarif["runs"][0]["results"])


def test_json_report_matches_its_documented_schema(result) -> None:
    schema = json.loads((REPO / "docs/report-v1.schema.json").read_text())
    data = json.loads(attach("json", reporters.load("json").render(result), VerifyResult(layers=VERIFY)))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["summary"]["files_errored"] == 2 and data["findings"][0]["rule"] == "TFM007"


def test_junit_is_well_formed_and_counts_failures(result) -> None:
    root = ET.fromstring(attach("junit", reporters.load("junit").render(result), VerifyResult(layers=VERIFY)))
    files, verify = root.findall("testsuite")
    assert int(files.get("failures")) == 4  # missing path, two unparsable files, one pending change
    assert verify.get("failures") == "1" and verify.get("tests") == "2"


def test_github_annotations_escape_newlines_commas_and_percent(result) -> None:
    lines = reporters.load("github").render(result).splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert "::error file=repo/legacy.py,line=1,col=1,title=TFM002::TFM002 looks like Python 2" in lines[1]
    train = next(f for f in result.files if f.path.endswith("train.py"))
    odd = replace(train, path="repo/a,b.py", findings=(replace(train.findings[0], path="repo/a,b.py", message="x, y\nz: 100%"),))
    (line,) = reporters.load("github").render(replace(result, files=[odd], findings=[])).splitlines()
    assert line == "::warning file=repo/a%2Cb.py,line=5,col=12,title=TFM401::TFM401 x, y%0Az: 100%25"


def test_markdown_shows_tf1_debt_per_file_and_total(result) -> None:
    text = reporters.load("markdown").render(result)
    assert "### TF1 debt" in text and "| `repo/train.py` | 1 |" in text and "| **total** | **1** |" in text
    assert "<details>" in text and "```diff" in text


def test_run_level_findings_have_no_file_location(result) -> None:
    from tf1migrate.types import Finding, Severity

    engine_gone = Finding("<tf1migrate>", 1, 0, "TFM006", "cannot load the engine", Severity.ERROR)
    run = replace(result, findings=[engine_gone], files=[])
    assert reporters.load("github").render(run) == "::error title=TFM006::TFM006 cannot load the engine\n"
    sarif = json.loads(reporters.load("sarif").render(run))
    jsonschema.validate(sarif, json.loads((REPO / "tests/data/sarif-2.1.0-rtm.5.json").read_text()))
    assert sarif["runs"][0]["results"][0]["locations"] == []
