"""How far the language model's order of candidate repairs can be trusted, measured with a held-out half.

Collects every found artefact of the labelled dev set (``artefacts_dev_wmt22.jsonl``) whose finding has
several candidates, one of them the labelled repair, and every rule example with several candidates and
an expected repair. Each candidate is scored once per way of scoring:

- ``sentence/mean``: the finding's sentence, mean log-probability per token, the margin spread over the
  sentence's tokens (what ``cleaner check --neural`` does);
- ``sentence/sum``: the same sentence, summed log-probability (a margin in nats, unspread);
- ``context/mean``, ``context/sum``: the sentence with the one before it, so the model sees what the
  sentence follows.

For each of these and each margin (nats a candidate must gain over each one it climbs over in the
rule's order; ``inf`` is the rule's order alone) it counts how often the first candidate is the expected
one. The labelled records are split in two halves by their position (even, odd): the margin is chosen
on one half and reported on the other, so the number is not fitted to the records it is reported on.

    python bench/ranking.py                  # the table, both halves
    python bench/ranking.py --show           # and the cases where model and rule order disagree
    python bench/ranking.py --insertions     # instead: how often the model's proposed link word is right

With ``--insertions`` it counts, over the found artefacts of the labelled set, the boundaries where the
ranker adds a proposed word (``cleaner/neural/insertion.py``) and how many of those proposals give the
labelled repair, separately for labels that restore a dropped word and labels that only edit the stop.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from labelled import _normal, _on_span, is_stop_edit, records

from cleaner.analysis import SENTENCE_END
from cleaner.findings import Fix
from cleaner.neural.models import LanguageModel, SentenceEncoder
from cleaner.neural.ranker import Ranker, _apply_in_window, sentence_window
from cleaner.pipeline import Checker
from cleaner.repair.edits import apply_fixes
from cleaner.ruleset import load_rules

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
MARGINS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, math.inf)
WAYS = ("sentence/mean", "sentence/sum", "context/mean", "context/sum")


@dataclass
class Case:
    group: str
    """``dev A``, ``dev B`` (the two halves of the labelled records) or ``examples``."""
    name: str
    text: str
    fixes: tuple[Fix, ...]
    right: frozenset[int]
    """Indexes of the candidates that give the expected text."""


def _cases() -> list[Case]:
    cases = []
    check = Checker().check_text
    for index, record in enumerate(records(EVAL_DIR / "artefacts_dev_wmt22.jsonl")):
        if (
            record["label"] not in ("broken_sentence", "stray_punctuation")
            or record.get("note") == "garbage_segment"
        ):
            continue
        wanted = _normal(record["repaired_text"])
        for finding in _on_span(check(record["text"]), record["start"], record["end"]):
            right = frozenset(
                i
                for i, fix in enumerate(finding.fixes)
                if _normal(apply_fixes(record["text"], [fix])) == wanted
            )
            if len(finding.fixes) > 1 and right:
                half = "dev A" if index % 2 == 0 else "dev B"
                cases.append(Case(half, f"{index}:{finding.rule}", record["text"], finding.fixes, right))
    for rule in load_rules():
        for example in rule.flag_examples:
            if example.fixed is None:
                continue
            for finding in Checker(rules=[rule]).check_text(example.text):
                right = frozenset(
                    i
                    for i, fix in enumerate(finding.fixes)
                    if apply_fixes(example.text, [fix]) == example.fixed
                )
                if len(finding.fixes) > 1 and right:
                    cases.append(Case("examples", rule.id, example.text, finding.fixes, right))
    return cases


def _stretch(text: str, fixes: tuple[Fix, ...], context: bool) -> tuple[int, int]:
    start, end = sentence_window(text, fixes)
    if context:
        ends = [match.end() for match in SENTENCE_END.finditer(text, 0, max(0, start - 1))]
        line_start = text.rfind("\n", 0, start) + 1
        start = max([line_start, *ends[-1:]])
    return start, end


def _scores(model: LanguageModel, cases: list[Case]) -> dict[str, list[tuple[list[float], float]]]:
    """Per way of scoring, per case: each candidate's score and the sentence's length in tokens."""
    found: dict[str, list[tuple[list[float], float]]] = {way: [] for way in WAYS}
    for context in (False, True):
        texts, sizes = [], []
        for case in cases:
            start, end = _stretch(case.text, case.fixes, context)
            stretch = case.text[start:end]
            texts.extend(
                apply_fixes(stretch, [Fix(f.start - start, f.end - start, f.replacement)]) for f in case.fixes
            )
            sizes.append(len(case.fixes))
        log_probs = iter(model.token_log_probs(texts))
        prefix = "context" if context else "sentence"
        for size in sizes:
            tokens = [next(log_probs) for _ in range(size)]
            length = sum(len(t) for t in tokens) / size
            found[f"{prefix}/mean"].append(([sum(t) / max(1, len(t)) for t in tokens], length))
            found[f"{prefix}/sum"].append(([sum(t) for t in tokens], 1.0))
    return found


def _first(case: Case, scores: list[float], scale: float, margin: float) -> int:
    """The index of the candidate the ranker puts first with this margin."""
    if math.isinf(margin):
        return 0
    windows = [_apply_in_window(case.text, fix) for fix in case.fixes]
    ordered = Ranker._order(list(case.fixes), windows, scores, margin / max(1.0, scale))
    first = replace(ordered[0], score=None)
    return next(index for index, fix in enumerate(case.fixes) if replace(fix, score=None) == first)


def insertions() -> None:
    """How often a proposed link word is offered, and how often it is the labelled repair."""
    ranker = Ranker(LanguageModel(), SentenceEncoder())
    check = Checker().check_text
    counts = {kind: [0, 0, 0] for kind in ("dropped word", "stop edit")}
    """Per kind of label: found artefacts, those given a proposal, proposals that are the label."""
    for record in records(EVAL_DIR / "artefacts_dev_wmt22.jsonl"):
        if (
            record["label"] not in ("broken_sentence", "stray_punctuation")
            or record.get("note") == "garbage_segment"
        ):
            continue
        text, wanted = record["text"], _normal(record["repaired_text"])
        found = _on_span(check(text), record["start"], record["end"])
        if not found:
            continue
        row = counts["stop edit" if is_stop_edit(record) else "dropped word"]
        row[0] += 1
        proposed = [
            fix
            for own, ranked in zip(found, ranker.rank(text, found), strict=True)
            for fix in ranked.fixes[len(own.fixes) :]
        ]
        row[1] += bool(proposed)
        row[2] += any(_normal(apply_fixes(text, [fix])) == wanted for fix in proposed)
    for kind, (total, offered, right) in counts.items():
        print(
            f"{kind:12} found {total:>3}  given a proposed word {offered:>3}  the labelled repair {right:>3}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", action="store_true", help="print the cases where model and rules disagree")
    parser.add_argument("--insertions", action="store_true", help="instead: score the proposed link words")
    args = parser.parse_args()
    if args.insertions:
        insertions()
        return 0
    cases = _cases()
    scores = _scores(LanguageModel(), cases)
    groups = ("dev A", "dev B", "examples")
    totals = {group: sum(case.group == group for case in cases) for group in groups}
    print(f"multi-candidate cases with the expected repair among them: {totals}")
    print(f"{'scoring':14} {'margin':>6} " + " ".join(f"{group:>9}" for group in groups))
    right: dict[tuple[str, float], dict[str, int]] = {}
    for way in WAYS:
        for margin in MARGINS:
            row = dict.fromkeys(groups, 0)
            for case, (values, scale) in zip(cases, scores[way], strict=True):
                row[case.group] += _first(case, values, scale, margin) in case.right
            right[way, margin] = row
            print(f"{way:14} {margin:>6} " + " ".join(f"{row[group]:>9}" for group in groups))
    for tuned, held in (("dev A", "dev B"), ("dev B", "dev A")):
        best = max(right, key=lambda key: (right[key][tuned] + right[key]["examples"], key[1]))
        print(
            f"best on {tuned} + examples: {best[0]} margin {best[1]}: "
            f"{held} {right[best][held]}/{totals[held]} "
            f"(rule order alone: {right[best[0], math.inf][held]}/{totals[held]})"
        )
    if args.show:
        for case, (values, _) in zip(cases, scores["sentence/mean"], strict=True):
            model = max(range(len(values)), key=values.__getitem__)
            if model != 0:
                mark = (
                    "model right" if model in case.right else "rule right" if 0 in case.right else "neither"
                )
                shown = [
                    f"{case.text[f.start : f.end]!r}->{f.replacement!r} {v:.3f}"
                    for f, v in zip(case.fixes, values, strict=True)
                ]
                print(f"  {case.group} {case.name}: {mark}: {'; '.join(shown)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
