"""`verify` and `migrate --verify`: options reach run_verify; results decide the exit code.

run_verify itself (TensorFlow, child processes) is the verify package's business and is
tested there; here a stand-in returns a known VerifyResult.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

import tf1migrate.verify as verify_pkg
from tests.cli.conftest import TF1_MODEL
from tf1migrate import cli
from tf1migrate.cli import main
from tf1migrate.verify.model import LayerResult, ReferenceKind, Status, VerifyResult


@pytest.fixture
def fake_verify(monkeypatch):
    calls = []

    def run_verify(paths, **kwargs):
        calls.append((list(paths), kwargs))
        status = Status(calls_status[0])
        return VerifyResult(layers=[LayerResult("model:ModelLayer", "model:model", "model.py", 12, status,
                                                ReferenceKind.GRAPH_TF_KERAS, variables=2, names_ok=True)])

    calls_status = ["verified"]
    monkeypatch.setattr(verify_pkg, "run_verify", run_verify, raising=False)
    monkeypatch.setattr(cli, "_tensorflow_missing", lambda: False)
    run_verify.calls = calls  # type: ignore[attr-defined]
    run_verify.status = calls_status  # type: ignore[attr-defined]
    return run_verify


def test_options_are_passed_through(fake_verify) -> None:
    result = CliRunner().invoke(main, ["verify", ".", "--base", "HEAD~1", "--no-numerics", "--training",
                                       "--rtol", "0.001", "--timeout", "60", "--jobs", "2",
                                       "--select", "model:ModelLayer", "--output-format", "json"])
    assert result.exit_code == 0, result.output
    (paths, kwargs), = fake_verify.calls
    assert paths == ["."]
    assert kwargs == {"base": "HEAD~1", "numerics": False, "training": True, "rtol": 0.001, "atol": 1e-5,
                      "timeout": 60.0, "jobs": 2, "select": ("model:ModelLayer",)}
    assert json.loads(result.stdout)["layers"][0]["status"] == "verified"


@pytest.mark.parametrize(("status", "code"), [("verified", 0), ("mismatch", 1), ("not-verified", 1), ("error", 2)])
def test_exit_code_follows_the_verification(fake_verify, status, code) -> None:
    fake_verify.status[0] = status
    assert CliRunner().invoke(main, ["verify", "."]).exit_code == code


def test_migrate_then_verify_reports_both(make_repo, engine, fake_verify, monkeypatch) -> None:
    from tf1migrate import runner

    monkeypatch.setattr(runner, "DEFAULT_STAGES", engine)
    fake_verify.status[0] = "mismatch"
    root = make_repo({"model.py": TF1_MODEL})
    result = CliRunner().invoke(main, ["migrate", str(root), "--verify", "--jobs", "1", "--output-format", "junit"])
    assert result.exit_code == 1  # migrated fine, but a layer does not match
    suites = ET.fromstring(result.stdout).findall("testsuite")
    assert [s.get("name") for s in suites] == ["tf1migrate.migrate", "tf1migrate.verify"]
    assert suites[1].get("failures") == "1"
    assert fake_verify.calls[0][0] == [str(root)]
