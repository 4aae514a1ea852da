"""JUnit XML, the lingua franca of CI test tabs: one test case per file.

A migration error is a `<failure>`, a pending change in check/diff mode a `<failure>` too
(the check failed), warnings go to `<system-out>`. With `migrate --verify`, verify adds its
own suite (tf1migrate.verify.report.attach).
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from tf1migrate.types import FileResult, FileStatus, Finding, RunResult, Severity


def _line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.col + 1} {f.rule} {f.message}"


def _file_case(suite: ET.Element, file: FileResult, mode: str) -> bool:
    """Add one file's test case; True when it counts as a failure."""
    case = ET.SubElement(suite, "testcase", classname="tf1migrate.files", name=file.path)
    errors = [f for f in file.findings if f.severity == Severity.ERROR]
    pending = file.status == FileStatus.CHANGED and mode != "write"
    if errors:
        failure = ET.SubElement(case, "failure", type=errors[0].rule, message=errors[0].message)
        failure.text = "\n".join(_line(f) for f in errors)
    elif pending:
        failure = ET.SubElement(case, "failure", type="pending", message="would be migrated")
        failure.text = "would be migrated"
    elif file.status == FileStatus.SKIPPED:
        reason = "; ".join(f.message for f in file.findings) or "skipped"
        ET.SubElement(case, "skipped", message=reason)
    others = [f for f in file.findings if f.severity != Severity.ERROR]
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    return bool(errors or pending)


def _files_suite(result: RunResult) -> ET.Element:
    suite = ET.Element("testsuite", name="tf1migrate.migrate", time=f"{result.seconds:.3f}")
    failures = 0
    for finding in result.findings:
        case = ET.SubElement(suite, "testcase", classname="tf1migrate.paths", name=finding.path)
        failure = ET.SubElement(case, "failure", type=finding.rule, message=finding.message)
        failure.text = _line(finding)
        failures += 1
    failures += sum(_file_case(suite, file, result.mode) for file in result.files)
    suite.set("tests", str(len(result.findings) + len(result.files)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return suite


def render(result: RunResult | None, **_: Any) -> str:
    root = ET.Element("testsuites", name="tf1migrate")
    if result is not None:
        root.append(_files_suite(result))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
