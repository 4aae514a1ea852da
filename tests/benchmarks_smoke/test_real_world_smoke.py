"""The real-world harness end to end on a fixture repo laid out as a git mirror: export, migrate
twice, compile, find the wrapper, verify names and outputs through `tf1migrate verify`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.real_world import harness

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "repos" / "cnn"

MANIFEST = """
repository = "acme/cnn"
commit = "{commit}"
timeout = 120

[[model]]
name = "cnn_model"
target = "model:cnn_model"
args = {{ num_classes = "4" }}
inputs = {{ images = "float32[2, 16, 16, 3]" }}
outputs = ["logits"]

[[model]]
name = "not there"
target = "model:no_such_net"
inputs = {{ x = "float32[2, 4]" }}

[[model]]
name = "siamese"
target = "siamese:siamese_distance"
inputs = {{ left = "float32[2, 16, 16, 3]", right = "float32[2, 16, 16, 3]" }}
"""


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _mirror(root: Path) -> str:
    """fixtures/repos/cnn committed into ``root`` (a work tree with .git inside); its commit."""
    shutil.copytree(FIXTURE, root)
    _git("init", "-q", cwd=root)
    _git("add", "-A", cwd=root)
    _git("commit", "-q", "-m", "fixture", cwd=root)
    return _git("rev-parse", "HEAD", cwd=root)


def test_mirror_layouts_and_missing_mirror_message(tmp_path):
    work_tree = tmp_path / "mirrors" / "acme+cnn" / "repo"
    commit = _mirror(work_tree)
    assert harness.find_mirror(tmp_path / "mirrors", "acme/cnn") == work_tree / ".git"
    bare = tmp_path / "bare" / "acme" / "cnn.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work_tree), str(bare)], check=True)
    assert harness.find_mirror(tmp_path / "bare", "acme/cnn") == bare
    count, skipped = harness.export_commit(bare, commit[:12], tmp_path / "out")
    assert (tmp_path / "out" / "model.py").read_text() == (FIXTURE / "model.py").read_text()
    assert count == len([p for p in FIXTURE.rglob("*") if p.is_file()]) and skipped == []
    with pytest.raises(FileNotFoundError) as info:
        harness.find_mirror(tmp_path / "mirrors", "acme/absent")
    message = str(info.value)
    assert "no git mirror of acme/absent" in message
    assert str(tmp_path / "mirrors" / "acme+absent" / "repo") in message
    assert str(tmp_path / "mirrors" / "acme" / "absent.git") in message


def test_manifest_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('repository = "acme/cnn"\ncommit = "abc"\n[[model]]\ntarget = "no_colon"\n')
    with pytest.raises(harness.ManifestError, match=r"bad\.toml: model #1: target must be"):
        harness.load_manifest(bad)


def test_existing_verify_table_is_replaced_not_duplicated():
    text = '[project]\nname = "x"\n[tool.tf1migrate.verify."m:f"]\nargs = {}\n[tool.other]\ny = 1\n'
    kept = harness.without_tables(text, {"m:f"})
    assert "m:f" not in kept and "[tool.other]" in kept and "[project]" in kept


@pytest.mark.tf
def test_end_to_end_on_a_fixture_mirror(tmp_path):
    commit = _mirror(tmp_path / "mirrors" / "acme+cnn" / "repo")
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "cnn.toml").write_text(MANIFEST.format(commit=commit[:12]))
    out = tmp_path / "result.json"
    code = harness.main(
        ["--mirrors", str(tmp_path / "mirrors"), "--manifests", str(manifests), "--json", str(out)]
    )
    assert code == 0
    (repo,) = json.loads(out.read_text())["repositories"]
    assert repo["error"] is None and repo["idempotent"] is True
    assert repo["compile_failures"] == [] and repo["python_files"] == 3
    models = {m["name"]: m for m in repo["models"]}
    good = models["cnn_model"]
    assert good["wrapper"] is True and good["wrapper_class"]
    assert good["runs"] is True and good["names"] is True, good
    assert good["outputs"] is True and good["max_abs_diff"] <= 1e-5, good
    assert good["variables"] > 0 and good["verify_status"] == "verified"
    absent = models["not there"]
    assert absent["wrapper"] is False and "no wrapper for no_such_net" in absent["reason"]
    siamese = models["siamese"]  # two inputs, one template: both layers in one verify run
    assert siamese["wrapper"] is True and siamese["names"] is True, siamese
    assert siamese["outputs"] is True and siamese["verify_status"] == "verified", siamese
