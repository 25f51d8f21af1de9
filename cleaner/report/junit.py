"""JUnit XML: one test case per checked file, one failure element per finding, for CI test-report views.

Every string from outside (file names, messages, excerpts, rule ids of user rules) goes through
``escaped`` first: XML 1.0 has no way to write most control characters, not even as ``&#27;``, so one
in an article or a file name would make the whole report unreadable to a CI server.
"""

from __future__ import annotations

from xml.etree import ElementTree

from cleaner.document import Document
from cleaner.report.formats import WholeReport
from cleaner.report.visible import display_path, escaped
from cleaner.session import FileResult, RunResult


class JunitReport(WholeReport):
    def __init__(self) -> None:
        self.cases: list[tuple[str, list[dict[str, str]]]] = []
        """Each checked file's name and the attributes and text of its failures."""

    def add(self, document: Document | None, result: FileResult) -> None:
        path = display_path(result.path)  # repr() when not printable: nothing XML forbids
        failures = []
        for finding in result.findings if document is not None else ():
            line, column = document.position(finding.start)
            rule, message = escaped(finding.rule), escaped(finding.message)
            failures.append(
                {
                    "type": rule,
                    "message": f"{line}:{column}: {message}",
                    "text": f"{path}:{line}:{column}: {rule} [{finding.category}] {message}\n"
                    f"    {escaped(document.excerpt(finding.start, finding.end))}",
                }
            )
        self.cases.append((path, failures))

    def render(self, run: RunResult) -> str:
        """The report; ``tests``, ``failures`` and ``errors`` count test cases as JUnit defines them (a
        file with eleven findings is one failed test, not eleven), so a CI view never shows more
        failures than tests. Every finding is still its own ``failure`` element of its file's test case."""
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
        for path, failures in self.cases:
            case = ElementTree.SubElement(suite, "testcase", classname="cleaner", name=path)
            for failure in failures:
                element = ElementTree.SubElement(
                    case, "failure", type=failure["type"], message=failure["message"]
                )
                element.text = failure["text"]
        for error in run.errors:
            case = ElementTree.SubElement(
                suite, "testcase", classname="cleaner", name=display_path(error.path)
            )
            ElementTree.SubElement(case, "error", message=escaped(error.message))
        ElementTree.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")
