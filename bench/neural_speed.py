"""What the neural stage costs and how often it picks the expected repair.

Prints: characters per second of a rules-only session with and without ``--neural`` (wall and CPU),
and what ranking costs per finding; the time the stage adds per article (the seed) and on a sample of
the dev corpus, against rules + grammar; and, over every rule example whose finding has several
candidate repairs, how often the model's first choice gives the example's expected text.

    python bench/neural_speed.py --documents 40
    python bench/neural_speed.py --documents 40 --throughput-only   # no LanguageTool rows
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--throughput-only", action="store_true", help="only the rules-only rows")
    args = parser.parse_args()
    with open(EVAL_DIR / "mqm_ted_zhen_docs.jsonl", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line, _ in zip(handle, range(args.documents), strict=False)]
    throughput(texts)
    if args.throughput_only:
        return 0

    from cleaner.grammar.engine import GrammarEngine, GrammarSettings
    from cleaner.neural.models import LanguageModel, SentenceEncoder
    from cleaner.neural.ranker import Ranker
    from cleaner.pipeline import Checker
    from cleaner.repair.edits import apply_fixes
    from cleaner.ruleset import load_rules

    started = time.perf_counter()
    ranker = Ranker(LanguageModel(), SentenceEncoder())
    print(f"models loaded in {time.perf_counter() - started:.2f} s")

    grammar = GrammarEngine(GrammarSettings(use_cache=False))  # the base pays LanguageTool in full
    checker = Checker(grammar=grammar)
    seed = next((REPO / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    checker.check_text(seed)  # warm the grammar cache and server: time what the neural stage adds
    base = min(_timed(lambda: checker.check_text(seed)) for _ in range(3))
    found = checker.check_text(seed)
    neural = min(_timed(lambda: ranker.rank(seed, found)) for _ in range(3))
    print(
        f"seed article: rules + grammar {base * 1000:.0f} ms (warm server); "
        f"neural adds {neural * 1000:.0f} ms"
    )

    started = time.perf_counter()
    results = [checker.check_text(text) for text in texts]
    first = time.perf_counter() - started
    started = time.perf_counter()
    for text, findings in zip(texts, results, strict=True):
        ranker.rank(text, findings)
    added = time.perf_counter() - started
    fixes = sum(len(f.fixes) for findings in results for f in findings)
    print(
        f"{len(texts)} TED documents: rules + grammar {first:.1f} s (first run); neural adds {added:.2f} s "
        f"({added / first * 100:.1f} %) for {fixes} candidate repairs"
    )
    grammar.close()

    agree = total = 0
    for rule in load_rules():
        for example in rule.flag_examples:
            if example.fixed is None:
                continue
            for finding in ranker.rank(example.text, Checker(rules=[rule]).check_text(example.text)):
                if len(finding.fixes) < 2:
                    continue
                total += 1
                agree += apply_fixes(example.text, [finding.fixes[0]]) == example.fixed
    print(f"model's first choice gives the expected repair in {agree} of {total} multi-candidate examples")
    return 0


def throughput(texts: list[str]) -> None:
    """A rules-only session over ``texts`` without and with the neural stage (models loaded and warmed
    first: a run pays that once), and the ranker alone per finding it ranks."""
    from cleaner.session import Session

    chars = sum(map(len, texts))
    rows = {}
    for neural in (False, True):
        with Session({"neural.enabled": True} if neural else {}, grammar=False, use_cache=False) as session:
            settings = session.settings("article.txt")
            started = time.perf_counter()
            session.check_text(texts[0], "article.txt", settings)
            label = "with" if neural else "without"
            print(f"{label} --neural: start-up and first document {_since(started)}")
            wall, cpu = time.perf_counter(), time.process_time()
            found = [session.check_text(text, "article.txt", settings) for text in texts]
            rows[neural] = (time.perf_counter() - wall, time.process_time() - cpu, found)
    for neural, (wall, cpu, found) in rows.items():
        print(
            f"rules only, {'with' if neural else 'without'} --neural: {len(texts)} documents, {chars:,} "
            f"characters: {wall:.2f} s ({cpu:.2f} s CPU), {chars / wall:,.0f} characters/s "
            f"({chars / cpu:,.0f} per CPU second), {sum(map(len, found))} findings"
        )
    from cleaner.neural.models import LanguageModel, SentenceEncoder
    from cleaner.neural.ranker import Ranker

    ranker = Ranker(LanguageModel(), SentenceEncoder())
    plain = rows[False][2]
    ranker.rank(texts[0], plain[0])
    wall, cpu = time.perf_counter(), time.process_time()
    for text, findings in zip(texts, plain, strict=True):
        ranker.rank(text, findings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    with_fixes = sum(1 for findings in plain for f in findings if f.fixes)
    ordered = sum(1 for findings in plain for f in findings if len(f.fixes) > 1)
    print(
        f"ranking alone: {wall:.2f} s ({cpu:.2f} s CPU) for {with_fixes} findings with repairs "
        f"({ordered} with several to order): {wall / max(with_fixes, 1) * 1000:.1f} ms per finding, "
        f"{wall / max(ordered, 1) * 1000:.1f} ms per ordered finding"
    )


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.2f} s"


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
