"""JUnit XML of ``test`` and ``check`` results, the report format CI systems read.

One ``<testsuite>`` per case file (``test``) or reading (``check``), one ``<testcase>`` per
expectation or property, a ``<failure>`` with its message where one is not met; input errors
of ``test`` are ``<error>`` test cases in a suite of their own, so CI shows them too. Built with
the standard library's ElementTree, which escapes every value.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from engine.base.errors import SourceSpan
from engine.present.verdicts import CheckReport, ExpectationsReport
from engine.run.report import ErrorInfo

_Case = tuple[str, str, str | None, str]  # classname, name, failure message or None, details


def _document(name: str, suites: dict[str, list[_Case]],
              errors: Sequence[ErrorInfo] = ()) -> str:
    root = ET.Element("testsuites", name=name)
    total = failed = broken = 0
    for suite_name, cases in suites.items():
        suite = ET.SubElement(root, "testsuite", name=suite_name, tests=str(len(cases)),
                              failures=str(sum(1 for c in cases if c[2] is not None)),
                              errors="0", skipped="0")
        for classname, case_name, failure, details in cases:
            case = ET.SubElement(suite, "testcase", classname=classname, name=case_name)
            if suite_name.endswith((".yaml", ".yml", ".json", ".jsonl")):
                case.set("file", suite_name)
            if failure is not None:
                ET.SubElement(case, "failure", message=failure, type="failure").text = details
        total += len(cases)
        failed += sum(1 for c in cases if c[2] is not None)
    if errors:
        suite = ET.SubElement(root, "testsuite", name="input errors", tests=str(len(errors)),
                              failures="0", errors=str(len(errors)), skipped="0")
        for e in errors:
            where = str(SourceSpan(e.source or "<input>", e.line, e.column))
            case = ET.SubElement(suite, "testcase", classname="input", name=where)
            ET.SubElement(case, "error", message=e.message, type="input error").text = (
                f"{where}: {e.message}")
        total += len(errors)
        broken = len(errors)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", str(broken))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def expectations_xml(report: ExpectationsReport) -> str:
    """``legal-status test`` as JUnit XML: a suite per case file, a test case per expectation."""
    suites: dict[str, list[_Case]] = {}
    for e in report.expectations:
        where = str(SourceSpan(e.source, e.line, e.column))
        failure = None if e.ok else f"{e.question}: expected {e.expected}, got {e.got}"
        details = "" if e.ok else (
            f"{where}: case '{e.case_id}': reading '{e.reading}': {failure}\n"
            f"trace: {', '.join(e.trace) or '(no rule fired)'}"
            + (f"\nunknown or undecided: {', '.join(e.unknown)}" if e.unknown else ""))
        suites.setdefault(e.source, []).append(
            (f"{e.case_id}", f"{e.reading} {e.question}", failure, details))
    return _document("legal-status test", suites, report.errors)


def check_xml(report: CheckReport) -> str:
    """``legal-status check`` as JUnit XML: a suite per reading, a test case per property."""
    suites: dict[str, list[_Case]] = {}
    for r in report.results:
        failure = "; ".join(r.messages) if not r.ok else None
        details = "\n".join([*r.messages, *(f"example case:\n{x}" for x in r.examples)])
        suites.setdefault(r.reading, []).append((r.reading, r.name, failure, details))
    return _document("legal-status check", suites)
