"""Smoke run of the throughput benchmark on a tiny corpus: every contender must do its job
(the codemod must cover the corpus without errors), and the report must hold together."""

from __future__ import annotations

import json

from benchmarks import codemod_throughput


def test_tiny_run_reports_every_contender(tmp_path, capsys):
    only = [codemod_throughput.tf1migrate_name(1), codemod_throughput.PARSE_BOUND]
    codemod_throughput.main(["--files", "16", "--lines", "900", "--repeat", "1", "--jobs", "1",
                             "--only", ",".join(only), "--out-dir", str(tmp_path)])
    data = json.loads((tmp_path / "codemod_throughput-latest.json").read_text())
    for name in only:
        entry = data["summary"][name]
        assert entry["ok_runs"] == 1, entry.get("error")
        assert entry["files_per_s"]["median"] > 0
    statuses = data["summary"][only[0]]["statuses"]
    assert sum(statuses.values()) == 16 and not statuses.get("error"), statuses
    assert data["ratios"][f"{only[0]} vs {codemod_throughput.PARSE_BOUND}"]["median"] > 0
    assert "| tf1migrate --jobs 1" in capsys.readouterr().out
