"""Accuracy on real machine-translated text: how often cleaner fires, and whether raters agree.

Runs the real check pipeline over the MQM-annotated documents in ../shared/eval/ (see its README) and
matches each finding to the raters' error spans by character overlap. Prints, per rule, the number of
findings, the share that lands on a rater-marked span (precision against raters, a lower bound: raters
miss errors), and the false-alarm rate: own-rule findings per 10,000 characters of segments no rater
faulted. Per error family it prints recall: the share of rater spans that some finding overlaps.

    python bench/eval.py                      # both datasets, everything
    python bench/eval.py --sample 200         # a quick look: 200 documents per dataset
    python bench/eval.py --show 5             # and 5 unmatched findings per rule, with context
    python bench/eval.py --json results.json  # machine-readable, to compare versions
    python bench/eval.py --languagetool       # also cleaner with LanguageTool, and LanguageTool alone
    python bench/eval.py --dataset artefacts  # the hand-labelled artefacts (found, repairs, look-alikes)
    python bench/eval.py --dataset artefacts --neural   # and with the neural stage, as `--neural` runs it
    python bench/eval.py --dataset artefacts --with-source  # and each record checked with its source
    python bench/eval.py --source             # source-aware checks: weekdays, numbers, dates against sources
    python bench/eval.py --source --show 50   # and the number and date findings to judge, unmarked first

With --languagetool three systems are scored on the same documents: cleaner's own rules; cleaner as
users run it (own rules plus LanguageTool, filtered and de-duplicated); and LanguageTool alone, its raw
matches with its default rule set, as the baseline to beat. LanguageTool results are cached per
paragraph, so a second run costs seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.findings import Finding
from cleaner.pipeline import Checker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labelled import LabelledResults, SourcedCheck, evaluate_labelled, print_labelled
from source_eval import DATELINE

Check = Callable[[str], list[Finding]]

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
DATASETS = {"ted": "mqm_ted_zhen_docs.jsonl", "bio": "biomqm_x2en_docs.jsonl"}
LABELLED = "artefacts_dev_wmt22.jsonl"
FAMILIES = {
    "punctuation": ("Fluency/Punctuation", "Linguistic_conventions/Punctuation"),
    "grammar": ("Fluency/Grammar", "Linguistic_conventions/Grammar"),
    "spelling": ("Fluency/Spelling", "Linguistic_conventions/Spelling"),
    "broken": ("Style/Bad sentence structure", "Fluency/Text-Breaking", "Unintelligible"),
}


@dataclass
class Tally:
    findings: int = 0
    on_span: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class Results:
    dataset: str
    system: str
    documents: int = 0
    characters: int = 0
    clean_characters: int = 0
    clean_findings: int = 0
    seconds: float = 0.0
    per_rule: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    family_spans: Counter = field(default_factory=Counter)
    family_found: Counter = field(default_factory=Counter)

    def to_json(self) -> dict:
        total = sum(t.findings for t in self.per_rule.values())
        on_span = sum(t.on_span for t in self.per_rule.values())
        return {
            "dataset": self.dataset,
            "system": self.system,
            "documents": self.documents,
            "characters": self.characters,
            "seconds": round(self.seconds, 2),
            "findings": total,
            "findings_per_10k_chars": round(total * 1e4 / max(1, self.characters), 3),
            "precision": round(on_span / total, 3) if total else None,
            "false_alarms_per_10k_clean_chars": round(
                self.clean_findings * 1e4 / max(1, self.clean_characters), 3
            ),
            "rules": {
                rule: {
                    "findings": t.findings,
                    "on_span": t.on_span,
                    "precision": round(t.on_span / t.findings, 3) if t.findings else None,
                }
                for rule, t in sorted(self.per_rule.items())
            },
            "recall": {
                family: {
                    "spans": self.family_spans[family],
                    "found": self.family_found[family],
                    "recall": round(self.family_found[family] / self.family_spans[family], 4)
                    if self.family_spans[family]
                    else None,
                }
                for family in FAMILIES
            },
        }


def documents(name: str, sample: int | None, seed: int) -> Iterator[dict]:
    with open(EVAL_DIR / DATASETS[name], encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    records = [r for r in records if not r.get("human_reference")]
    if sample is not None and sample < len(records):
        records = random.Random(seed).sample(records, sample)
    yield from records


def touches(finding: Finding, error: dict) -> bool:
    """Overlap by at least a character; an insertion point (empty span) may sit at either edge."""
    start, end = error["start"], error["end"]
    if start == end:
        return finding.start <= start <= finding.end
    return finding.start < end and start < finding.end


def family_of(category: str) -> str | None:
    return next((family for family, names in FAMILIES.items() if category in names), None)


def evaluate(name: str, system: str, check: Check, sample: int | None, seed: int, show: int) -> Results:
    results = Results(name, system)
    started = time.perf_counter()
    for record in documents(name, sample, seed):
        text, errors = record["text"], record["errors"]
        findings = check(text)
        results.documents += 1
        results.characters += len(text)
        for error in errors:
            family = family_of(error["category"])
            if family:
                results.family_spans[family] += 1
                if any(touches(f, error) for f in findings):
                    results.family_found[family] += 1
        for segment in record.get("segments", []):
            seg_errors = [e for e in errors if e.get("seg") == segment["seg"]]
            if not seg_errors:
                results.clean_characters += segment["end"] - segment["start"]
                results.clean_findings += sum(segment["start"] <= f.start < segment["end"] for f in findings)
        for finding in findings:
            tally = results.per_rule[finding.rule]
            tally.findings += 1
            if any(touches(finding, e) for e in errors):
                tally.on_span += 1
            elif len(tally.examples) < show:
                left = text[max(0, finding.start - 60) : finding.start].replace("\n", "⏎")
                right = text[finding.end : finding.end + 60].replace("\n", "⏎")
                tally.examples.append(f"{left}[[{text[finding.start : finding.end]}]]{right}")
    results.seconds = time.perf_counter() - started
    return results


def print_table(results: Results) -> None:
    data = results.to_json()
    print(
        f"\n== {results.dataset} / {results.system}: {data['documents']} documents, "
        f"{data['characters']:,} characters, {data['seconds']} s"
    )
    print(f"{'rule':42} {'findings':>8} {'on span':>8} {'precision':>9}")
    for rule, row in data["rules"].items():
        print(f"{rule:42} {row['findings']:>8} {row['on_span']:>8} {row['precision']:>9}")
        for example in results.per_rule[rule].examples:
            print(f"      unmatched: {example}")
    print(f"{'all':42} {data['findings']:>8} {'':>8} {data['precision']!s:>9}")
    print(
        f"findings per 10k chars: {data['findings_per_10k_chars']}; on segments no rater faulted: "
        f"{data['false_alarms_per_10k_clean_chars']} per 10k chars"
    )
    print(f"{'family':12} {'rater spans':>11} {'found':>6} {'recall':>7}")
    for family, row in data["recall"].items():
        print(f"{family:12} {row['spans']:>11} {row['found']:>6} {row['recall']!s:>7}")


def languagetool_alone(engine) -> Check:
    """LanguageTool's raw matches with its default rules: nothing of cleaner's filters or rules."""
    from cleaner.grammar.engine import paragraphs
    from cleaner.grammar.mapping import to_finding

    def check(text: str) -> list[Finding]:
        return [
            to_finding(match, offset, paragraph)
            for offset, paragraph in paragraphs(text)
            for match in engine.check_paragraph(paragraph) or []
        ]

    return check


def neural_check() -> SourcedCheck:
    """Own rules with the neural stage, through the session exactly as `cleaner check --neural
    --no-grammar` runs them (ranking, meaning guard, the model's own detectors); with an alignment as
    a bilingual input is checked."""
    from cleaner.session import Session

    session = Session({"neural.enabled": True}, grammar=False)
    settings = session.settings("article.txt")
    return lambda text, alignment=None: session.check_text(text, "article.txt", settings, alignment)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=[*DATASETS, "artefacts", "all"], default="all")
    parser.add_argument("--sample", type=int, help="documents (records) per dataset (random, fixed seed)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=0, help="unmatched findings to print per rule")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument(
        "--languagetool",
        action="store_true",
        help="also score cleaner with LanguageTool, and LanguageTool alone",
    )
    parser.add_argument(
        "--boundaries",
        action="store_true",
        help="also score the language model's sentence-boundary detector alone (slow: use --sample)",
    )
    parser.add_argument(
        "--neural",
        action="store_true",
        help="also score cleaner's own rules with the neural stage, as `cleaner check --neural` runs",
    )
    parser.add_argument(
        "--with-source",
        action="store_true",
        help="artefacts: also score each system with every record checked together with its source",
    )
    parser.add_argument(
        "--languagetool-url",
        default=os.environ.get("CLEANER_LANGUAGETOOL_URL"),
        help="a running LanguageTool server (default: found as `cleaner check` finds one)",
    )
    parser.add_argument(
        "--source",
        action="store_true",
        help="instead: the source-aware checks on the data with sources (bench/source_eval.py)",
    )
    parser.add_argument(
        "--dateline",
        default=DATELINE.isoformat(),
        help="with --source: the WMT22 articles' date, or 'none' (bare days like '10日' then go unchecked)",
    )
    args = parser.parse_args(argv)
    if not EVAL_DIR.is_dir():
        print(f"no evaluation data at {EVAL_DIR}", file=sys.stderr)
        return 2
    if args.source:
        import datetime

        from source_eval import evaluate as evaluate_sources

        dateline = None if args.dateline == "none" else datetime.date.fromisoformat(args.dateline)
        rows = evaluate_sources(EVAL_DIR, dateline, args.show)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return 0
    checker = Checker()
    systems: dict[str, Check] = {"own rules": checker.check_text}
    sourced: dict[str, SourcedCheck] = {}
    if args.with_source:
        sourced["own rules, with source"] = lambda text, alignment: checker.check_text(text, (), alignment)
    engines = []
    if args.languagetool:
        from cleaner.grammar.engine import GrammarEngine, GrammarSettings

        url = args.languagetool_url or None
        engines = [
            GrammarEngine(GrammarSettings(url=url)),
            GrammarEngine(
                GrammarSettings(url=url, disabled_rules=frozenset(), disabled_categories=frozenset())
            ),
        ]
        systems["cleaner (rules + LanguageTool)"] = Checker(grammar=engines[0]).check_text
        systems["LanguageTool alone"] = languagetool_alone(engines[1])
    if args.boundaries:
        from cleaner.neural.boundaries import BoundaryDetector
        from cleaner.neural.models import LanguageModel

        systems["model boundaries"] = BoundaryDetector(LanguageModel()).find
    if args.neural:
        systems["own rules + neural"] = neural_check()
        if args.with_source:
            sourced["own rules + neural, with source"] = systems["own rules + neural"]
    names = [*DATASETS, "artefacts"] if args.dataset == "all" else [args.dataset]
    all_results: list[Results | LabelledResults] = []
    try:
        for name in names:
            for system, check in systems.items():
                if name == "artefacts":
                    labelled = evaluate_labelled(EVAL_DIR / LABELLED, system, check, args.sample, args.seed)
                    print_labelled(labelled, args.show)
                    all_results.append(labelled)
                    continue
                results = evaluate(name, system, check, args.sample, args.seed, args.show)
                print_table(results)
                all_results.append(results)
            if name == "artefacts":
                for system, sourced_check in sourced.items():
                    labelled = evaluate_labelled(
                        EVAL_DIR / LABELLED, system, sourced_check, args.sample, args.seed, with_source=True
                    )
                    print_labelled(labelled, args.show)
                    all_results.append(labelled)
    finally:
        for engine in engines:
            if engine.problem:
                print(f"LanguageTool problem: {engine.problem}", file=sys.stderr)
            engine.close()
    if args.json:
        args.json.write_text(json.dumps([r.to_json() for r in all_results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
