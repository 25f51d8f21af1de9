"""Annotated articles: damaged ones yield exactly their expected findings, clean ones stay silent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cleaner.document import Document
from cleaner.findings import Finding
from cleaner.session import Session
from cleaner.sources import read_document
from tests.conftest import FIXTURES

DAMAGED = sorted((FIXTURES / "damaged").glob("*.txt"))
CLEAN = sorted((FIXTURES / "clean").glob("*.*"))


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    with Session(grammar=False) as own_rules_only:
        yield own_rules_only


def own_findings(session: Session, document: Document) -> list[Finding]:
    return session.check_text(document.text, document.path, session.settings(document.path))


@pytest.mark.parametrize("path", DAMAGED, ids=lambda p: p.stem)
def test_damaged_article_yields_its_expected_findings(session: Session, path: Path) -> None:
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))["findings"]
    document = read_document(str(path))
    found = [(f.rule, document.text[f.start : f.end]) for f in own_findings(session, document)]
    assert found == [(item["rule"], item["text"]) for item in expected]


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_article_stays_silent(session: Session, path: Path) -> None:
    document = read_document(str(path))
    findings = own_findings(session, document)
    assert findings == [], [(f.rule, document.excerpt(f.start, f.end)) for f in findings]


def test_there_are_fixtures_of_both_kinds() -> None:
    assert len(DAMAGED) >= 2 and len(CLEAN) >= 3
