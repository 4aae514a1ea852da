"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDEs)."""

from __future__ import annotations

import json
from typing import Any

from tf1migrate import __version__
from tf1migrate.reporters import all_findings, changed_files
from tf1migrate.types import RunResult, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
PENDING_RULE = "TFM000"  # synthetic: "this file would be migrated" in check/diff mode


def _rule_descriptions() -> dict[str, str]:
    """One-line descriptions from the rule catalog, when it is installed."""
    try:
        from tf1migrate import catalog
    except ImportError:
        return {}
    out = {}
    for rule in catalog.all_rules():
        rule_id = getattr(rule, "id", None) or getattr(rule, "rule_id", None)
        described = (getattr(rule, k, None) for k in ("summary", "description", "title"))
        text = next((d for d in described if d), "")
        if rule_id:
            out[str(rule_id)] = str(text)
    return out


def as_dict(result: RunResult) -> dict[str, Any]:
    findings = all_findings(result)
    pending = changed_files(result.files) if result.mode != "write" else []
    described = _rule_descriptions()
    used = sorted({f.rule for f in findings} | ({PENDING_RULE} if pending else set()))
    rules = []
    for rule_id in used:
        text = described.get(rule_id) or (
            "file would be changed by tf1migrate" if rule_id == PENDING_RULE else rule_id
        )
        rules.append({
            "id": rule_id,
            "shortDescription": {"text": text},
            "helpUri": "https://github.com/tf1migrate/tf1migrate/blob/main/docs/cli.md",
        })
    index = {rule_id: i for i, rule_id in enumerate(used)}

    def location(path: str, line: int, col: int) -> dict[str, Any]:
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": path.replace("\\", "/"), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": max(1, line), "startColumn": col + 1},
            }
        }

    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            # run-level findings ("<tf1migrate>": engine or configuration) have no file
            "locations": [] if f.path.startswith("<") else [location(f.path, f.line, f.col)],
        }
        for f in findings
    ]
    results += [
        {
            "ruleId": PENDING_RULE,
            "ruleIndex": index[PENDING_RULE],
            "level": "warning",
            "message": {"text": "would be migrated: run `tf1migrate migrate` on this file"},
            "locations": [location(f.path, 1, 0)],
        }
        for f in pending
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tf1migrate",
                        "version": __version__,
                        "informationUri": "https://github.com/tf1migrate/tf1migrate",
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(result: RunResult, **_: Any) -> str:
    return json.dumps(as_dict(result), indent=2) + "\n"
