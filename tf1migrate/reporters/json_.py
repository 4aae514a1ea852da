"""Machine-readable report; the schema is versioned and documented in docs/json-schema.md.

Bump SCHEMA_VERSION on any incompatible change (removing or renaming a field); adding a
field is compatible.
"""

from __future__ import annotations

import json
from typing import Any

from tf1migrate import __version__
from tf1migrate.reporters import summary_counts, unified_diff
from tf1migrate.types import CallableDecision, Finding, RunResult

SCHEMA_VERSION = 1


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "col": f.col + 1,
        "rule": f.rule,
        "message": f.message,
        "severity": f.severity.value,
    }


def _decision(d: CallableDecision) -> dict[str, Any]:
    return {
        "callable": d.callable,
        "line": d.line,
        "wrapped": d.wrapped,
        "verdict": d.verdict,
        "score": d.score,
        "threshold": d.threshold,
        "layer": d.layer,
        "evidence": [
            {"reason": e.reason, "points": e.points, "veto": e.veto, "advice": e.advice or None}
            for e in d.evidence
        ],
    }


def as_dict(result: RunResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tf1migrate", "version": __version__},
        "mode": result.mode,
        "summary": summary_counts(result),
        "files": [
            {
                "path": f.path,
                "status": f.status.value,
                "cached": f.cached,
                "upgrades": f.upgrades,
                "tf1_debt": f.tf1_debt,
                "layers": [
                    {"class_name": g.class_name, "function": g.function, "line": g.line,
                     "base": g.base, "scope": g.scope}
                    for g in f.layers
                ],
                "findings": [_finding(x) for x in f.findings],
                "decisions": [_decision(d) for d in f.decisions],
                "diff": unified_diff(f) or None,
            }
            for f in result.files
        ],
        "findings": [_finding(x) for x in result.findings],
    }
    return data


def render(result: RunResult, **_: Any) -> str:
    return json.dumps(as_dict(result), indent=2, sort_keys=False, default=str) + "\n"
