"""Tense contradictions through the real command line: the sentences of issue 10, item 4, and the rule
that a tense repair is never applied without review (a day may be what is wrong, not the tense)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEEDS, run_cli

SEED = next(SEEDS.glob("*.txt"))
POLICE = "Police arrested the suspect on Tuesday, a spokesman said Monday.\n"


def _tense_findings(text: str) -> list[dict]:
    result = run_cli(
        "check", "--no-grammar", "--select", "tense", "--format", "json", "-", stdin=text.encode()
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["files"][0]["findings"]


def _by_line(lines: list[str]) -> dict[int, list[dict]]:
    """Tense findings for many one-line texts in one run of the command, by line number (1-based)."""
    found: dict[int, list[dict]] = {number: [] for number in range(1, len(lines) + 1)}
    for finding in _tense_findings("\n".join(line.strip() for line in lines) + "\n"):
        found[finding["line"]].append(finding)
    return found


ISSUE_SENTENCES = [
    # (text, rule, the words repaired, the repair)
    (
        "He told reporters on Friday that talks would resume, the agency said Thursday.",
        "tense.day-after-report",
        "told",
        "will tell",
    ),
    (
        "The ministers will meet on Friday, the ministry said on Saturday.",
        "tense.day-after-report",
        "will meet",
        "met",
    ),
    (POLICE.strip(), "tense.day-after-report", "arrested", "will arrest"),
    (
        "The suspect has been arrested yesterday.",
        "tense.perfect-with-past-time",
        "has been arrested",
        "was arrested",
    ),
    ("The two sides have signed the deal in 2019.", "tense.perfect-with-past-time", "have signed", "signed"),
    ("The envoy has met him two weeks ago.", "tense.perfect-with-past-time", "has met", "met"),
    (
        "Thousands will gather in the square yesterday.",
        "tense.future-with-past-time",
        "will gather",
        "gathered",
    ),
    ("Last week the central bank raises rates.", "tense.present-with-past-time", "raises", "raised"),
]

SOUND_SENTENCES = [
    "He has been in office since 2019.",
    "Prices have risen since last week.",
    "Sales have fallen over the past two weeks.",
    "She has lived there for years.",
    "The firm opened in 2019 and has since grown to 300 staff.",
    "He recalled the events of two weeks ago.",
    "The committee will meet next week.",
    "The ministry said yesterday it will meet the unions.",
    "Every year the bank raises rates.",
    "Last week's decision raises questions.",
    "Bank raises rates last week",
    "Biden will tell Putin on Thursday that the United States is ready, the White House said Wednesday.",
    "The ministers met on Friday, the ministry said on Saturday.",
]


@pytest.fixture(scope="module")
def issue_findings() -> dict[int, list[dict]]:
    return _by_line([text for text, *_ in ISSUE_SENTENCES])


@pytest.mark.parametrize("number", range(1, len(ISSUE_SENTENCES) + 1))
def test_issue_sentences_are_found_with_an_unsafe_repair(
    issue_findings: dict[int, list[dict]], number: int
) -> None:
    text, rule, original, repair = ISSUE_SENTENCES[number - 1]
    findings = issue_findings[number]
    assert [f["rule"] for f in findings] == [rule], text
    fix = findings[0]["fixes"][0]
    line_start = sum(len(line) + 1 for line, *_ in ISSUE_SENTENCES[: number - 1])
    assert text[fix["start"] - line_start : fix["end"] - line_start] == original
    assert fix["replacement"] == repair
    assert {f["applicability"] for f in findings[0]["fixes"]} == {"unsafe"}


def test_sound_sentences_draw_no_tense_finding() -> None:
    found = _by_line(SOUND_SENTENCES)
    assert {SOUND_SENTENCES[n - 1]: f for n, f in found.items() if f} == {}


def test_plain_fix_leaves_a_tense_contradiction_for_review(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(POLICE, encoding="utf-8")
    result = run_cli("fix", "--no-grammar", str(article))
    assert article.read_text(encoding="utf-8") == POLICE
    assert result.returncode == 1  # the finding is still there, left for review
    assert run_cli("fix", "--no-grammar", "--diff", str(article)).stdout.count("will arrest") == 0
    diff = run_cli("fix", "--no-grammar", "--diff", "--unsafe-fixes", str(article)).stdout
    assert "+Police will arrest the suspect on Tuesday, a spokesman said Monday." in diff
    assert article.read_text(encoding="utf-8") == POLICE  # --diff changes nothing
    run_cli("fix", "--no-grammar", "--unsafe-fixes", str(article))
    assert article.read_text(encoding="utf-8") == POLICE.replace("arrested", "will arrest")


def test_seed_article_contradiction_is_reported_for_review() -> None:
    result = run_cli("check", "--no-grammar", "--select", "tense", "--format", "json", str(SEED))
    findings = json.loads(result.stdout)["files"][0]["findings"]
    day = [f for f in findings if f["rule"] == "tense.day-after-report"]
    assert len(day) == 1
    assert day[0]["excerpt"].startswith("told his Russian counterpart Vladimir Putin on Thursday")
    assert [(f["replacement"], f["applicability"]) for f in day[0]["fixes"]] == [("will tell", "unsafe")]
