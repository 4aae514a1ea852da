"""Smoke run of the verify-cost benchmark at a tiny size: the spec override must take (the
reported parameter count is the requested one) and verify must pass names and shapes."""

from __future__ import annotations

import json

import pytest

from benchmarks import verify_cost


def test_override_replaces_only_the_root_table(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.other]\nx = 1\n\n[tool.tf1migrate.verify."model:model"]\n'
                         'args = { hparams = "default_hparams()" }\n\n[tool.after]\ny = 2\n')
    table = verify_cost.spec_table("model:model", verify_cost.SIZES["tiny"],
                                   verify_cost.DEFAULT_HPARAMS_EXPR, 2, 8)
    verify_cost.override_spec(pyproject, "model:model", table)
    text = pyproject.read_text()
    assert text.count('[tool.tf1migrate.verify."model:model"]') == 1
    assert "[tool.other]" in text and "[tool.after]" in text and "'n_layer': 2" in text
    import tomllib

    spec = tomllib.loads(text)["tool"]["tf1migrate"]["verify"]["model:model"]
    assert spec["inputs"]["X"]["shape"] == [2, 8]


@pytest.mark.tf
@pytest.mark.skipif(not verify_cost.FIXTURE.exists(), reason="gpt2 fixture not present")
def test_tiny_names_and_shapes_run(tmp_path):
    verify_cost.main(["--sizes", "tiny", "--modes", "names+shapes", "--repeat", "1",
                      "--out-dir", str(tmp_path)])
    data = json.loads((tmp_path / "verify_cost-latest.json").read_text())
    assert data["migrate"]["error"] is None
    (run,) = data["runs"]["tiny / names+shapes"]
    assert run["error"] is None, run["error"]
    assert run["details"]["layers"][0]["params"] == verify_cost.SIZES["tiny"].n_params
