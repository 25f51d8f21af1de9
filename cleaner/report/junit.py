"""JUnit XML: one test case per checked file, one failure element per finding, for CI test-report views.

Every string from outside (file names, messages, excerpts, rule ids of user rules) goes through
``escaped`` first: XML 1.0 has no way to write most control characters, not even as ``&#27;``, so one
in an article or a file name would make the whole report unreadable to a CI server.
"""

from __future__ import annotations

from xml.etree import ElementTree

from cleaner.report.visible import display_path, escaped
from cleaner.session import RunResult


def render_junit(run: RunResult) -> str:
    """The report; ``tests``, ``failures`` and ``errors`` count test cases as JUnit defines them (a file
    with eleven findings is one failed test, not eleven), so a CI view never shows more failures than
    tests. Every finding is still its own ``failure`` element of its file's test case."""
    failed = sum(1 for f in run.files if f.findings)
    suites = ElementTree.Element(
        "testsuites",
        name="cleaner",
        tests=str(len(run.files) + len(run.errors)),
        failures=str(failed),
        errors=str(len(run.errors)),
    )
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name="cleaner",
        tests=suites.get("tests", "0"),
        failures=str(failed),
        errors=str(len(run.errors)),
    )
    for file in run.files:
        path = display_path(file.document.path)  # repr() when not printable: nothing XML forbids
        case = ElementTree.SubElement(suite, "testcase", classname="cleaner", name=path)
        for finding in file.findings:
            line, column = file.document.position(finding.start)
            rule, message = escaped(finding.rule), escaped(finding.message)
            failure = ElementTree.SubElement(
                case, "failure", type=rule, message=f"{line}:{column}: {message}"
            )
            failure.text = (
                f"{path}:{line}:{column}: {rule} [{finding.category}] {message}\n"
                f"    {escaped(file.document.excerpt(finding.start, finding.end))}"
            )
    for error in run.errors:
        case = ElementTree.SubElement(suite, "testcase", classname="cleaner", name=display_path(error.path))
        ElementTree.SubElement(case, "error", message=escaped(error.message))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")
