"""JUnit XML, the lingua franca of CI test tabs: one test case per file (and per verified layer).

A migration error is a `<failure>`, a pending change in check/diff mode a `<failure>` too
(the check failed), warnings go to `<system-out>`; verification results, when given,
form a second test suite.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from tf1migrate.reporters import verify_records
from tf1migrate.types import FileStatus, RunResult, Severity


def _files_suite(result: RunResult) -> ET.Element:
    suite = ET.Element("testsuite", name="tf1migrate.migrate", time=f"{result.seconds:.3f}")
    failures = 0
    for finding in result.findings:
        case = ET.SubElement(suite, "testcase", classname="tf1migrate.paths", name=finding.path)
        failure = ET.SubElement(case, "failure", type=finding.rule, message=finding.message)
        failure.text = f"{finding.path}:{finding.line}:{finding.col} {finding.rule} {finding.message}"
        failures += 1
    for file in result.files:
        case = ET.SubElement(suite, "testcase", classname="tf1migrate.files", name=file.path)
        errors = [f for f in file.findings if f.severity == Severity.ERROR]
        pending = file.status == FileStatus.CHANGED and result.mode != "write"
        if errors or pending:
            failures += 1
            message = errors[0].message if errors else "would be migrated"
            failure = ET.SubElement(case, "failure", type=errors[0].rule if errors else "pending", message=message)
            failure.text = "\n".join(f"{f.path}:{f.line}:{f.col} {f.rule} {f.message}" for f in errors) or message
        elif file.status == FileStatus.SKIPPED:
            ET.SubElement(case, "skipped", message="; ".join(f.message for f in file.findings) or "skipped")
        others = [f for f in file.findings if f.severity != Severity.ERROR]
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{f.path}:{f.line}:{f.col} {f.rule} {f.message}" for f in others)
    suite.set("tests", str(len(result.findings) + len(result.files)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return suite


def verify_suite(verify: Any) -> ET.Element:
    """Verification results as a test suite (also used by `tf1migrate verify`)."""
    records = verify_records(verify)
    suite = ET.Element("testsuite", name="tf1migrate.verify", tests=str(len(records)))
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for record in records:
        case = ET.SubElement(suite, "testcase", classname="tf1migrate.verify", name=str(record["name"]))
        if "seconds" in record:
            case.set("time", f"{float(record['seconds']):.3f}")
        status = str(record["status"])
        if status in ("fail", "failed", "mismatch"):  # verify's Status: verified/mismatch/not-verified/error
            ET.SubElement(case, "failure", message=str(record["message"])).text = str(record["message"])
            counts["failures"] += 1
        elif status in ("error", "timeout", "crash"):
            ET.SubElement(case, "error", message=str(record["message"])).text = str(record["message"])
            counts["errors"] += 1
        elif status in ("skip", "skipped", "not-verified"):
            ET.SubElement(case, "skipped", message=str(record["message"]))
            counts["skipped"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def render(result: RunResult | None, verify: Any = None, **_: Any) -> str:
    root = ET.Element("testsuites", name="tf1migrate")
    if result is not None:
        root.append(_files_suite(result))
    if verify is not None:
        root.append(verify_suite(verify))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
