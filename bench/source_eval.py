"""Source-aware checks on real MT output with its sources (run as ``python bench/eval.py --source``).

Two measures, each over the `consistency` rules alone, every segment checked as one aligned unit:

- the hand-labelled WMT22 artefacts (../shared/eval/artefacts_dev_wmt22.jsonl, see its README): how many
  `weekday_wrong_vs_source` records a weekday finding covers (found/28), how many of those get the
  labelled day as repair, and false alarms: weekday findings on the other pairs (the 36
  `source_has_both_days` records counted apart); the source language is the record's language pair, the
  dateline 2021-12-13 (when WMT22's news was gathered; ``--dateline none`` leaves bare days unchecked);
- the MQM sets with sources (TED zh→en MT segments; Bio-MQM documents where their segments carry a
  source): the number and date findings (numbers, weekdays, months) and the share that lands on a span
  raters marked (any category, and Accuracy/* alone). That share is a lower bound on precision: raters
  mark at most five errors a segment and miss some, so ``--show`` prints every unmarked finding to be
  judged by eye. TED's human translations are checked too (source language detected): their findings
  are mostly false alarms.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.alignment import Alignment
from cleaner.analysis import TextAnalysis
from cleaner.findings import Finding
from cleaner.pipeline import Checker
from cleaner.ruleset import load_rules

ARTEFACTS = "artefacts_dev_wmt22.jsonl"
TED = "mqm_ted_zhen.jsonl"
BIO = "biomqm_x2en_docs.jsonl"
DATELINE = datetime.date(2021, 12, 13)
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b")
WEEKDAY_RULES = {"consistency.weekday-mismatch", "consistency.weekday-unsupported"}
NUMBER_DATE_RULES = {"consistency.number-missing", "consistency.month-mismatch", *WEEKDAY_RULES}


def consistency_checker() -> Checker:
    return Checker(rules=[rule for rule in load_rules() if rule.id.startswith("consistency.")])


def check(
    checker: Checker, text: str, source: str, language: str | None, dateline: datetime.date | None
) -> list[Finding]:
    """The consistency findings on one translated segment against its source."""
    analysis = TextAnalysis(text, Alignment.whole(text, source, language, dateline))
    return [
        finding
        for detector in checker.detectors_for(analysis.alignment)
        for finding in detector.find(analysis)
    ]


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def artefacts(checker: Checker, folder: Path, dateline: datetime.date | None, show: int) -> dict:
    """Weekdays against the source on the labelled WMT22 records; prints the misses and false alarms."""
    records = [r for r in _records(folder / ARTEFACTS) if r.get("source")]
    findings: dict[tuple[str, str], list[Finding]] = {}
    for record in records:
        key = (record["source"], record["text"])
        if key not in findings:
            language = record["lang_pair"].split("-")[0]
            findings[key] = check(checker, record["text"], record["source"], language, dateline)
    wrong = [r for r in records if r["label"] == "weekday_wrong_vs_source"]
    found = repaired = with_repair = 0
    missed = []
    for record in wrong:
        hits = [
            f
            for f in findings[(record["source"], record["text"])]
            if f.rule in WEEKDAY_RULES and f.start < record["end"] and record["start"] < f.end
        ]
        if not hits:
            missed.append(record)
            continue
        found += 1
        label = record["repair"].strip()
        if label and record.get("note") == "date_to_weekday_conversion":
            with_repair += 1
            repaired += any(h.best_fix and h.best_fix.replacement == label for h in hits)
    wrong_pairs = {(r["source"], r["text"]) for r in wrong}
    both_days = {(r["source"], r["text"]) for r in records if r.get("note") == "source_has_both_days"}
    others = [key for key in findings if key not in wrong_pairs]
    alarms = [key for key in others if any(f.rule in WEEKDAY_RULES for f in findings[key])]
    at_stake = sum(1 for _, text in others if WEEKDAY.search(text))
    print(f"\n== artefacts (WMT22, with sources): {len(records)} records, {len(findings)} distinct pairs")
    print(f"dateline: {dateline or 'none'}")
    print(f"weekday_wrong_vs_source found: {found}/{len(wrong)}; ", end="")
    print(f"labelled day as repair: {repaired}/{with_repair}")
    flagged_both = sum(key in both_days for key in alarms)
    print(
        f"weekday false alarms: {len(alarms)}/{len(others)} other pairs ({flagged_both}/{len(both_days)} "
        f"source_has_both_days pairs; {at_stake} of the other pairs name an English weekday)"
    )
    for record in missed:
        print(f"  missed [{record['lang_pair']}] {record['text'][:100]!r}")
    for source, text in alarms:
        print(f"  false alarm: {text[:100]!r}\n      source: {source[:100]!r}")
    per_rule: dict[str, list[tuple[Finding, tuple[str, str]]]] = defaultdict(list)
    for key, found_here in findings.items():
        for finding in found_here:
            per_rule[finding.rule].append((finding, key))
    print("findings per rule (findings, pairs flagged):")
    for rule in sorted({r.id for r in checker.rules}):
        items = per_rule[rule]
        print(f"  {rule:40} {len(items):4} {len({key for _, key in items}):4}")
        for finding, (source, text) in items[:show]:
            print(f"      {text[finding.start : finding.end]!r}: {finding.message}")
            print(f"        target: {text[:160]!r}\n        source: {source[:160]!r}")
    return {
        "dataset": "artefacts-sources",
        "dateline": dateline.isoformat() if dateline else None,
        "weekday_wrong_vs_source": {"records": len(wrong), "found": found},
        "labelled_day_as_repair": {"records": with_repair, "repaired": repaired},
        "weekday_false_alarms": {"pairs": len(others), "flagged": len(alarms)},
        "source_has_both_days": {"pairs": len(both_days), "flagged": flagged_both},
        "findings_per_rule": {rule: len(items) for rule, items in sorted(per_rule.items())},
    }


@dataclass(frozen=True)
class RatedSegment:
    """One MT segment with its source and the raters' spans (offsets into ``text``)."""

    text: str
    source: str
    language: str | None
    errors: list[dict]


def ted_segments(folder: Path, human: bool) -> Iterator[RatedSegment]:
    """TED zh→en segments with their sources: the MT systems', or the human translations'."""
    for record in _records(folder / TED):
        if record.get("source") and bool(record.get("human_reference")) == human:
            yield RatedSegment(record["text"], record["source"], None if human else "zh", record["errors"])


def bio_segments(folder: Path) -> tuple[list[RatedSegment], int]:
    """Bio-MQM segments that carry a source (``segments[].source``), and how many documents have none."""
    found, without = [], 0
    for record in _records(folder / BIO):
        if record.get("human_reference"):
            continue
        sourced = [s for s in record["segments"] if s.get("source")]
        if not sourced:
            without += 1
        for segment in sourced:
            start, end = segment["start"], segment["end"]
            errors = [
                {**e, "start": e["start"] - start, "end": e["end"] - start}
                for e in record["errors"]
                if start <= e["start"] and e["end"] <= end
            ]
            language = record["lang_pair"].split("-")[0]
            found.append(RatedSegment(record["text"][start:end], segment["source"], language, errors))
    return found, without


@dataclass
class Rated:
    """Findings of the number and date rules on rated segments, and how many land on a rater's span."""

    name: str
    segments: int = 0
    per_rule: Counter = field(default_factory=Counter)
    on_span: Counter = field(default_factory=Counter)
    on_accuracy: Counter = field(default_factory=Counter)

    def to_json(self) -> dict:
        count, on_span = sum(self.per_rule.values()), sum(self.on_span.values())
        return {
            "dataset": self.name,
            "segments": self.segments,
            "number_date_findings": count,
            "on_rater_span": on_span,
            "on_accuracy_span": sum(self.on_accuracy.values()),
            "precision": round(on_span / count, 3) if count else None,
            "rules": {
                rule: {"findings": n, "on_span": self.on_span[rule], "on_accuracy": self.on_accuracy[rule]}
                for rule, n in sorted(self.per_rule.items())
            },
        }


def rate(
    checker: Checker, name: str, segments: Iterator[RatedSegment] | list[RatedSegment], show: int
) -> Rated:
    """Every number and date finding on the segments, matched with the raters' spans; with ``show``,
    the findings printed (unmarked ones first: those to judge by eye)."""
    rated = Rated(name)
    lines: list[tuple[bool, str]] = []
    for segment in segments:
        rated.segments += 1
        for finding in check(checker, segment.text, segment.source, segment.language, None):
            if finding.rule not in NUMBER_DATE_RULES:
                continue
            spans = [e for e in segment.errors if e["start"] < finding.end and finding.start < e["end"]]
            rated.per_rule[finding.rule] += 1
            rated.on_span[finding.rule] += bool(spans)
            rated.on_accuracy[finding.rule] += any(e["category"].startswith("Accuracy") for e in spans)
            marks = ", ".join(sorted({e["category"] for e in spans})) or "unmarked"
            lines.append(
                (
                    bool(spans),
                    f"  [{marks}] {finding.message}\n      target: {segment.text[:200]!r}\n"
                    f"      source: {segment.source[:200]!r}",
                )
            )
    data = rated.to_json()
    print(f"\n== {name}: {rated.segments} segments with sources")
    print(f"{'rule':40} {'findings':>8} {'on span':>8} {'Accuracy':>8}")
    for rule, row in data["rules"].items():
        print(f"{rule:40} {row['findings']:>8} {row['on_span']:>8} {row['on_accuracy']:>8}")
    print(
        f"number and date findings: {data['number_date_findings']}, on a rater span: {data['on_rater_span']}"
        f" (precision against raters {data['precision']})"
    )
    for _, line in sorted(lines, key=lambda item: item[0])[: show if show else 0]:
        print(line)
    return rated


def evaluate(folder: Path, dateline: datetime.date | None, show: int) -> list[dict]:
    """Every source-aware measure, printed; the results as JSON-ready rows."""
    checker = consistency_checker()
    rows = [artefacts(checker, folder, dateline, show)]
    ted = rate(checker, "ted zh-en (MQM, MT)", ted_segments(folder, human=False), show)
    rows.append(ted.to_json())
    human = rate(checker, "ted zh-en human translations (false alarms)", ted_segments(folder, human=True), 0)
    rows.append(human.to_json())
    bio, without = bio_segments(folder)
    if without:
        print(f"\n== bio (Bio-MQM): {without} documents carry no source text in {BIO}: not measured")
    rated = [ted]
    if bio:
        rated.append(rate(checker, "bio (Bio-MQM, MT)", bio, show))
        rows.append(rated[-1].to_json())
    for label, counted in (("MT", rated), ("MT and human translations", [*rated, human])):
        count = sum(sum(r.per_rule.values()) for r in counted)
        on_span = sum(sum(r.on_span.values()) for r in counted)
        share = f"{on_span / count:.3f}" if count else "n/a"
        print(f"MQM sets with sources, {label}: {count} number and date findings, ", end="")
        print(f"{on_span} on a rater span ({share})")
    return rows
