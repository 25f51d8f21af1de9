"""JUnit XML: one test case per checked file, one failure per finding, for CI test-report views."""

from __future__ import annotations

from xml.etree import ElementTree

from cleaner.session import RunResult


def render_junit(run: RunResult) -> str:
    findings = sum(len(f.findings) for f in run.files)
    suites = ElementTree.Element(
        "testsuites",
        name="cleaner",
        tests=str(len(run.files) + len(run.errors)),
        failures=str(findings),
        errors=str(len(run.errors)),
    )
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name="cleaner",
        tests=suites.get("tests", "0"),
        failures=str(findings),
        errors=str(len(run.errors)),
    )
    for file in run.files:
        case = ElementTree.SubElement(suite, "testcase", classname="cleaner", name=file.document.path)
        for finding in file.findings:
            line, column = file.document.line_col(finding.start)
            failure = ElementTree.SubElement(
                case, "failure", type=finding.rule, message=f"{line}:{column}: {finding.message}"
            )
            failure.text = (
                f"{file.document.path}:{line}:{column}: {finding.rule} [{finding.category}] "
                f"{finding.message}\n    {file.document.excerpt(finding.start, finding.end)}"
            )
    for error in run.errors:
        case = ElementTree.SubElement(suite, "testcase", classname="cleaner", name=error.path)
        ElementTree.SubElement(case, "error", message=error.message)
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")
