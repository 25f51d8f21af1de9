"""A finding's candidate repairs ordered by its source: an ellipsis the source has comes first."""

from __future__ import annotations

from pathlib import Path

from cleaner.alignment import Alignment, Segment
from cleaner.findings import Applicability
from cleaner.pipeline import Checker
from cleaner.repair.edits import apply_fixes
from tests.conftest import check_json, run_cli

DOUBLED = "punctuation.doubled-stop"


def _best(text: str, source: str | None, language: str = "de") -> tuple[str, Applicability]:
    """The text with the best candidate of the doubled-stop finding applied, and that candidate's kind."""
    alignment = Alignment((Segment(0, len(text), source),), language) if source is not None else None
    findings = [f for f in Checker().check_text(text, alignment=alignment) if f.rule == DOUBLED]
    assert len(findings) == 1, findings
    best = findings[0].fixes[0]
    return apply_fixes(text, [best]), best.applicability


def test_a_source_with_an_ellipsis_puts_the_completed_ellipsis_first() -> None:
    text = "We waited for hours and nobody came.."
    assert _best(text, None) == ("We waited for hours and nobody came.", Applicability.SAFE)
    for source, language in (
        ("Wir warteten stundenlang und niemand kam…", "de"),
        ("Мы ждали часами, и никто не пришёл...", "ru"),
        ("何時間も待ったけど誰も来なかった・・・", "ja"),
    ):
        completed = "We waited for hours and nobody came..."
        assert _best(text, source, language) == (completed, Applicability.UNSAFE)


def test_a_source_without_an_ellipsis_keeps_the_rules_order() -> None:
    text = "The dose was reduced in patients with renal disease..\nNo events were seen."
    source = "Bei Patienten mit Nierenerkrankung wurde die Dosis reduziert.\nEs traten keine Ereignisse auf."
    assert _best(text, source)[0] == text.replace("..", ".")
    # A doubled stop in the source is no ellipsis: the translation copied a typo.
    assert _best(text, source.replace("reduziert.", "reduziert.."))[1] is Applicability.SAFE


def test_each_segment_is_ordered_by_its_own_source() -> None:
    first, second = "It did not work..", "Then it rained.."
    text = f"{first}\n{second}"
    segments = (
        Segment(0, len(first), "Es ging nicht…"),
        Segment(len(first) + 1, len(text), "Dann regnete es."),
    )
    alignment = Alignment(segments, "de")
    findings = [f for f in Checker().check_text(text, alignment=alignment) if f.rule == DOUBLED]
    assert [apply_fixes(text, [f.fixes[0]]) for f in findings] == [
        "It did not work...\nThen it rained..",
        "It did not work..\nThen it rained.",
    ]


def test_fix_leaves_the_sources_ellipsis_for_review_and_unsafe_fixes_complete_it(tmp_path: Path) -> None:
    source, target = tmp_path / "chat.uk.txt", tmp_path / "chat.txt"
    source.write_text("Дякую, що допомогли...\n\nДо зустрічі завтра.\n", encoding="utf-8")
    target.write_text("Thank you for helping..\n\nSee you tomorrow..\n", encoding="utf-8")
    report = check_json("--no-grammar", "--source", str(source), str(target))
    best = {f["unit"]: f["fixes"][0] for f in report["files"][0]["findings"]}
    assert (best["p1"]["replacement"], best["p1"]["applicability"]) == ("..", "unsafe")
    assert (best["p2"]["replacement"], best["p2"]["applicability"]) == ("", "safe")
    safe = run_cli("fix", "--no-grammar", "--source", str(source), str(target))
    assert "1 repair applied, 1 left for review" in safe.stdout, safe.stderr
    assert target.read_text(encoding="utf-8") == "Thank you for helping..\n\nSee you tomorrow.\n"
    unsafe = run_cli("fix", "--no-grammar", "--unsafe-fixes", "--source", str(source), str(target))
    assert "1 repair applied" in unsafe.stdout, unsafe.stderr
    assert target.read_text(encoding="utf-8") == "Thank you for helping...\n\nSee you tomorrow.\n"
    again = run_cli("fix", "--no-grammar", "--unsafe-fixes", "--source", str(source), str(target))
    assert again.returncode == 0 and "0 repairs applied" in again.stdout
    assert target.read_text(encoding="utf-8") == "Thank you for helping...\n\nSee you tomorrow.\n"
