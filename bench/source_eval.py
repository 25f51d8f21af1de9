"""Source-aware checks on real MT output with its sources: the hand-labelled WMT22 artefacts.

Every record of ../shared/eval/artefacts_dev_wmt22.jsonl (see its README) has its source segment. Each
distinct (source, translation) pair is checked as one aligned segment with the `consistency` rules, the
source language taken from the record's language pair. Prints:

- weekdays: how many `weekday_wrong_vs_source` records a weekday finding covers (found/28), how many of
  those get the labelled day as repair, and false alarms: weekday findings on the other pairs (N of
  them; the 36 `source_has_both_days` records among them counted apart);
- every consistency rule: findings per rule over all pairs (read them with --show: no labels exist for
  numbers, URLs or copied source text, so each must be judged by eye).

    python bench/source_eval.py                     # dateline 2021-12-13, when WMT22's news was gathered
    python bench/source_eval.py --dateline none     # without one: bare days ("12日") cannot be checked
    python bench/source_eval.py --show 20           # and up to 20 findings per rule, with their segments
    python bench/source_eval.py --mqm               # also TED zh-en (MQM): precision against rater spans

With --mqm every MT segment of ../shared/eval/mqm_ted_zhen.jsonl (it has sources) is checked too, and per
rule the share of findings that overlap a span raters marked (any category, and Accuracy/* alone) is
printed: a lower bound on precision, since raters mark at most five errors a segment and miss some. The
file's human translations are checked as well, with the source language left to detection: findings
there are mostly false alarms.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from cleaner.alignment import Alignment, Segment
from cleaner.analysis import TextAnalysis
from cleaner.findings import Finding
from cleaner.pipeline import Checker
from cleaner.ruleset import load_rules

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
EVAL_FILE = EVAL_DIR / "artefacts_dev_wmt22.jsonl"
MQM_FILE = EVAL_DIR / "mqm_ted_zhen.jsonl"
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b")
WEEKDAY_RULES = {"consistency.weekday-mismatch", "consistency.weekday-unsupported"}


def check(
    checker: Checker, text: str, source: str, language: str, dateline: datetime.date | None
) -> list[Finding]:
    analysis = TextAnalysis(text, Alignment((Segment(0, len(text), source),), language, dateline))
    return [
        finding
        for detector in checker.detectors_for(analysis.alignment)
        for finding in detector.find(analysis)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, default=EVAL_FILE)
    parser.add_argument("--dateline", default="2021-12-13", help="the articles' date, or 'none'")
    parser.add_argument("--show", type=int, default=0, help="findings to print per rule")
    parser.add_argument("--mqm", action="store_true", help="also score TED zh-en against rater spans")
    args = parser.parse_args(argv)
    dateline = None if args.dateline == "none" else datetime.date.fromisoformat(args.dateline)

    records = [
        json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    records = [r for r in records if r.get("source")]
    checker = Checker(rules=[rule for rule in load_rules() if rule.id.startswith("consistency.")])
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
    print(
        f"dateline: {dateline or 'none'}; {len(records)} records with sources, {len(findings)} distinct pairs"
    )
    print(
        f"weekday_wrong_vs_source found: {found}/{len(wrong)}; "
        f"labelled day as repair: {repaired}/{with_repair}"
    )
    print(f"weekday false alarms: {len(alarms)}/{len(others)} other pairs", end="")
    print(f" ({sum(key in both_days for key in alarms)}/{len(both_days)} source_has_both_days pairs;", end="")
    print(f" {at_stake} of the other pairs name an English weekday)")
    for record in missed:
        print(f"  missed [{record['lang_pair']}] {record['text'][:100]!r}")
    for source, text in alarms:
        print(f"  false alarm: {text[:100]!r}\n      source: {source[:100]!r}")

    per_rule: dict[str, list[tuple[Finding, tuple[str, str]]]] = defaultdict(list)
    for key, found_here in findings.items():
        for finding in found_here:
            per_rule[finding.rule].append((finding, key))
    counts = Counter({rule: len(items) for rule, items in per_rule.items()})
    flagged_pairs = Counter({rule: len({key for _, key in items}) for rule, items in per_rule.items()})
    print("\nfindings per rule (findings, pairs flagged):")
    for rule in sorted({r.id for r in checker.rules}):
        print(f"  {rule:40} {counts[rule]:4} {flagged_pairs[rule]:4}")
        for finding, (source, text) in per_rule[rule][: args.show]:
            print(f"      {text[finding.start : finding.end]!r}: {finding.message}")
            print(f"        target: {text[:160]!r}\n        source: {source[:160]!r}")
    if args.mqm:
        score_mqm(checker, dateline=None, show=args.show)
    return 0


def score_mqm(checker: Checker, dateline: datetime.date | None, show: int) -> None:
    """Findings on TED zh-en MT segments, and how many land on a rater's span. TED talks have no
    dateline."""
    everything = [
        json.loads(line) for line in MQM_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    records = [r for r in everything if not r.get("human_reference") and r.get("source")]
    human = [r for r in everything if r.get("human_reference") and r.get("source")]
    on_human = Counter(
        finding.rule
        for record in human
        for finding in check(checker, record["text"], record["source"], None, dateline)
    )
    print(f"\nTED zh-en human translations ({len(human)} segments, source language detected): findings")
    for rule, count in sorted(on_human.items()):
        print(f"  {rule:40} {count:5}")
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    shown: Counter[str] = Counter()
    for record in records:
        for finding in check(checker, record["text"], record["source"], "zh", dateline):
            spans = [e for e in record["errors"] if e["start"] < finding.end and finding.start < e["end"]]
            tally = tallies[finding.rule]
            tally[0] += 1
            tally[1] += bool(spans)
            tally[2] += any(e["category"].startswith("Accuracy") for e in spans)
            if shown[finding.rule] < show:
                shown[finding.rule] += 1
                mark = "on a rater span" if spans else "unmarked"
                print(f"      [{mark}] {finding.message}\n        target: {record['text'][:160]!r}")
                print(f"        source: {record['source'][:160]!r}")
    print(f"\nTED zh-en, {len(records)} MT segments: findings, on a rater span, on an Accuracy span")
    for rule, (count, on_span, on_accuracy) in sorted(tallies.items()):
        shares = f"{on_span:5} ({on_span / count:.0%}) {on_accuracy:5} ({on_accuracy / count:.0%})"
        print(f"  {rule:40} {count:5} {shares}")


if __name__ == "__main__":
    raise SystemExit(main())
