"""What the neural stage costs and how often it picks the expected repair.

Prints: the time the stage adds per article (the seed) and on a sample of the dev corpus, against
rules + grammar; and, over every rule example whose finding has several candidate repairs, how often
the model's first choice gives the example's expected text.

    python bench/neural_speed.py --documents 40
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
    args = parser.parse_args()

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

    with open(EVAL_DIR / "mqm_ted_zhen_docs.jsonl", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line, _ in zip(handle, range(args.documents), strict=False)]
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


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
