"""Scoring against the hand-labelled artefacts of ``artefacts_dev_wmt22.jsonl`` (see its README).

Each record is one candidate span in one segment of real MT output, labelled as a real artefact
(``broken_sentence``, ``stray_punctuation``, ``weekday_wrong_vs_source``) with the repaired segment, or
as a look-alike that is fine (``not_an_artefact``). Per label this counts:

- found: some finding overlaps the labelled span (for a ``garbage_segment`` record, a finding on the
  passage as a whole counts too: no local repair helps word salad);
- repair among the candidates / first: some candidate (the first one) of a finding on the span turns
  the segment into ``repaired_text`` (whitespace aside); counted over found artefacts outside garbage
  segments, since their labelled repair is one arbitrary edit of word salad. The same counts are
  given over the found artefacts whose labelled repair is an edit at the stop (punctuation, spacing,
  case, or deleting the fragment): a labeller who restores words the translation dropped ("applicants
  for more") asks for what no punctuation repair can offer;
- look-alikes flagged: ``not_an_artefact`` records with a finding on the span, leaving out
  ``source_mirrored*`` (the punctuation is in the source too; flagging it is fine) and ``casing_only``
  (a real sentence end that lost its capital: a casing finding is right there, a join is not, which
  is counted separately as ``casing joins``; ``casing capitalised`` counts those whose first candidate
  only changes the case of letters, the capitalising repair they want).

Weekday records need the source text, so only the monolingual labels are scored here. With
``with_source`` each record is checked with its source segment aligned to it, as a bilingual input
(``--source``, XLIFF, aligned JSONL) is checked: the source then orders each finding's candidates
(``cleaner/consistency/repair_order.py``) and the source-aware rules run too.
"""

from __future__ import annotations

import difflib
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.alignment import Alignment
from cleaner.findings import Finding
from cleaner.repair.edits import apply_fixes

Check = Callable[[str], list[Finding]]
SourcedCheck = Callable[[str, Alignment], list[Finding]]

ARTEFACT_LABELS = ("broken_sentence", "stray_punctuation")
FINE = "not_an_artefact"
SKIPPED_FINE_NOTES = ("source_mirrored", "casing_only")
GARBAGE = "garbage_segment"


@dataclass
class LabelledResults:
    system: str
    totals: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    repairable: Counter = field(default_factory=Counter)
    among: Counter = field(default_factory=Counter)
    first: Counter = field(default_factory=Counter)
    stop_edits: Counter = field(default_factory=Counter)
    stop_among: Counter = field(default_factory=Counter)
    stop_first: Counter = field(default_factory=Counter)
    lookalikes: int = 0
    lookalikes_flagged: int = 0
    casing_records: int = 0
    casing_joins: int = 0
    casing_capitalised: int = 0
    misses: list[str] = field(default_factory=list)
    wrong_repairs: list[str] = field(default_factory=list)
    late_repairs: list[str] = field(default_factory=list)
    """Found artefacts whose labelled repair is offered, but not first: what ranking could still win."""
    false_alarms: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "dataset": "artefacts",
            "system": self.system,
            "labels": {
                label: {
                    "records": self.totals[label],
                    "found": self.found[label],
                    "repairable_found": self.repairable[label],
                    "repair_among_candidates": self.among[label],
                    "repair_first": self.first[label],
                    "stop_edit_repairs_found": self.stop_edits[label],
                    "stop_edit_among_candidates": self.stop_among[label],
                    "stop_edit_first": self.stop_first[label],
                }
                for label in ARTEFACT_LABELS
            },
            "lookalikes": self.lookalikes,
            "lookalikes_flagged": self.lookalikes_flagged,
            "casing_only": self.casing_records,
            "casing_only_offered_a_join": self.casing_joins,
            "casing_only_capitalised_first": self.casing_capitalised,
        }


def records(path: Path, sample: int | None = None, seed: int = 1) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return random.Random(seed).sample(rows, sample) if sample is not None and sample < len(rows) else rows


def _on_span(findings: list[Finding], start: int, end: int) -> list[Finding]:
    return [f for f in findings if f.start < max(end, start + 1) and start < max(f.end, f.start + 1)]


def _normal(text: str) -> str:
    return " ".join(text.split())


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def is_stop_edit(record: dict) -> bool:
    """Whether the labelled repair only edits punctuation, spacing and case, or deletes a fragment."""
    text, repaired = record["text"], record["repaired_text"]
    if _letters(text) == _letters(repaired):
        return True
    kept = difflib.SequenceMatcher(None, text, repaired, autojunk=False).get_opcodes()
    return all(tag in ("equal", "delete") for tag, *_ in kept)


def _context(record: dict) -> str:
    text, start, end = record["text"], record["start"], record["end"]
    return f"{text[max(0, start - 50) : start]}[[{text[start:end]}]]{text[end : end + 30]}".replace("\n", "⏎")


def alignment(record: dict) -> Alignment:
    """The record's segment aligned to its source, in the source's language."""
    language = record["lang_pair"].split("-")[0]
    return Alignment.whole(record["text"], record["source"], language)


def evaluate_labelled(
    path: Path,
    system: str,
    check: Check | SourcedCheck,
    sample: int | None = None,
    seed: int = 1,
    with_source: bool = False,
) -> LabelledResults:
    results = LabelledResults(system)
    for record in records(path, sample, seed):
        label, note = record["label"], record.get("note") or ""
        if label not in (*ARTEFACT_LABELS, FINE):
            continue
        text = record["text"]
        findings = check(text, alignment(record)) if with_source else check(text)  # type: ignore[call-arg]
        on_span = _on_span(findings, record["start"], record["end"])
        if label == FINE:
            if note == "casing_only":
                results.casing_records += 1
                joins = [
                    fix
                    for f in on_span
                    for fix in f.fixes[:1]
                    if "." in record["text"][fix.start : fix.end] and "." not in fix.replacement
                ]
                results.casing_joins += bool(joins)
                results.casing_capitalised += any(
                    fix.replacement != record["text"][fix.start : fix.end]
                    and fix.replacement.lower() == record["text"][fix.start : fix.end].lower()
                    for f in on_span
                    for fix in f.fixes[:1]
                )
            if note.startswith(SKIPPED_FINE_NOTES):
                continue
            results.lookalikes += 1
            if on_span:
                results.lookalikes_flagged += 1
                results.false_alarms.append(f"{note}: {_context(record)} <- {on_span[0].rule}")
            continue
        results.totals[label] += 1
        if not on_span:
            results.misses.append(f"{label}/{note}: {_context(record)}")
            continue
        results.found[label] += 1
        if note == GARBAGE:
            continue
        results.repairable[label] += 1
        wanted = _normal(record["repaired_text"])
        outcomes = [
            [_normal(apply_fixes(record["text"], [fix])) == wanted for fix in finding.fixes]
            for finding in on_span
        ]
        among = any(any(row) for row in outcomes)
        first = any(row[:1] == [True] for row in outcomes)
        results.among[label] += among
        results.first[label] += first
        if is_stop_edit(record):
            results.stop_edits[label] += 1
            results.stop_among[label] += among
            results.stop_first[label] += first
        if not among or not first:
            offered = "; ".join(repr(fix.replacement) for f in on_span for fix in f.fixes[:3])
            (results.late_repairs if among else results.wrong_repairs).append(
                f"{label}: {_context(record)} want {record['repair']!r}, got {offered}"
            )
    return results


def print_labelled(results: LabelledResults, show: int) -> None:
    data = results.to_json()
    print(f"\n== artefacts / {results.system}")
    print(
        f"{'label':20} {'records':>7} {'found':>6} {'repairable':>10} {'among':>6} {'first':>6}"
        f" {'stop edits':>10} {'among':>6} {'first':>6}"
    )
    for label, row in data["labels"].items():
        print(
            f"{label:20} {row['records']:>7} {row['found']:>6} {row['repairable_found']:>10} "
            f"{row['repair_among_candidates']:>6} {row['repair_first']:>6} "
            f"{row['stop_edit_repairs_found']:>10} {row['stop_edit_among_candidates']:>6} "
            f"{row['stop_edit_first']:>6}"
        )
    print(f"look-alikes flagged: {results.lookalikes_flagged}/{results.lookalikes}")
    print(
        f"casing-only boundaries offered a join first: {results.casing_joins}/{results.casing_records}; "
        f"capitalised first: {results.casing_capitalised}/{results.casing_records}"
    )
    for title, rows in (
        ("missed", results.misses),
        ("labelled repair not offered", results.wrong_repairs),
        ("labelled repair offered, not first", results.late_repairs),
        ("look-alike flagged", results.false_alarms),
    ):
        for row in rows[:show]:
            print(f"  {title}: {row}")
