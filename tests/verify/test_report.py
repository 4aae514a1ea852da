"""Reporters and exit codes: one result, four renderings that agree."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tf1migrate.verify.model import LayerResult, ReferenceKind, Status, VerifyResult
from tf1migrate.verify.report import render_json, render_junit, render_markdown, render_table


def layer(name, status, **extra):
    fields = dict(
        layer=f"net:{name}", wraps="net:mlp", path="/r/net.py", line=3, status=status,
        reference=ReferenceKind.GRAPH_TF_KERAS, variables=5, params=78, seconds=1.5,
    )
    fields.update(extra)
    return LayerResult(**fields)


RESULT = VerifyResult(
    layers=[
        layer("Good", Status.VERIFIED, names_ok=True, max_abs_diff=0.0),
        layer("Renamed", Status.MISMATCH, names_ok=False, messages=["missing variable mlp/fc1/kernel [5, 8]"]),
        layer("Crashes", Status.ERROR, messages=["migrated child failed while calling X: ValueError: no\n  File x"]),
        layer("NoSpec", Status.NOT_VERIFIED, reference=ReferenceKind.NONE, messages=["not verified: no input spec"]),
    ],
    seconds=4.0,
)


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([Status.VERIFIED], 0),
        ([Status.VERIFIED, Status.MISMATCH], 1),
        ([Status.NOT_VERIFIED], 1),
        ([Status.MISMATCH, Status.ERROR], 2),
    ],
)
def test_exit_codes(statuses, code):
    assert VerifyResult(layers=[layer(str(i), s) for i, s in enumerate(statuses)]).exit_code == code


def test_table_has_a_row_per_layer_and_the_details():
    text = render_table(RESULT)
    for name in ("net:Good", "net:Renamed", "net:Crashes", "net:NoSpec"):
        assert name in text
    assert "✓" in text and "✗" in text and "0.00e+00" in text
    assert "missing variable mlp/fc1/kernel [5, 8]" in text
    assert "4 layer(s): 1 verified, 1 mismatch, 1 not-verified, 1 error" in text


def test_json_round_trips():
    data = json.loads(render_json(RESULT))
    assert data["exit_code"] == 2 and data["counts"]["mismatch"] == 1
    again = VerifyResult.from_dict(data)
    assert again.layers == RESULT.layers


def test_markdown_table_and_code_block_for_tracebacks():
    text = render_markdown(RESULT)
    assert "| `net:Good` | verified | graph (tf-keras) | 5 | 78 | ✓ | 0.00e+00 | 1.5 s |" in text
    assert "  ```\n    File x\n  ```" in text


def test_junit_maps_statuses_to_failure_error_skipped():
    root = ET.fromstring(render_junit(RESULT))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "1", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["net:Renamed"].find("failure").get("message") == "missing variable mlp/fc1/kernel [5, 8]"
    assert cases["net:Crashes"].find("error") is not None
    assert cases["net:NoSpec"].find("skipped") is not None
    assert cases["net:Good"].find("failure") is None
