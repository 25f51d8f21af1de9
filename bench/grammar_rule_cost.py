"""Which LanguageTool rules cost most, on the corpus bench/grammar_speed.py checks.

LanguageTool 6.7's server reads ``slowRuleLoggingThreshold`` but never uses it, so there is no slow-rule
log to read; ``RuleCost.java`` (beside this file, run in Java's single-file source mode on LanguageTool's
jars) times every rule active by default, and the analysis before them, through LanguageTool's Java API
on the paragraphs cleaner sends. Printed: the rules ranked by time, in milliseconds per 10,000 characters
and as a share of all the time measured, with their matches on the corpus and whether cleaner's default
configuration already leaves them out (``cleaner/data/languagetool.yaml``).

    python bench/grammar_rule_cost.py --chars 60000 --passes 2 --top 30
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from grammar_speed import corpus

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chars", type=int, default=60_000, help="characters of the corpus to check")
    parser.add_argument("--passes", type=int, default=2, help="timed passes (after one to warm up)")
    parser.add_argument("--top", type=int, default=30, help="rules to print")
    parser.add_argument("--json", type=Path, help="write every rule's row as JSON here")
    args = parser.parse_args()

    from cleaner.grammar.engine import CHECKED_AS, paragraphs
    from cleaner.grammar.install import find_java, setup
    from cleaner.grammar.mapping import defaults

    installed = setup()
    texts = corpus(args.chars)
    pieces = [p for text in texts for _, p in paragraphs(text)]
    chars = sum(map(len, pieces))
    with tempfile.TemporaryDirectory(prefix="cleaner-rule-cost-") as scratch:
        data = Path(scratch) / "paragraphs.json"
        data.write_text(json.dumps(pieces), encoding="utf-8")
        command = [
            find_java() or "java",
            "-Xmx1g",
            "-cp",
            installed.classpath,
            str(HERE / "RuleCost.java"),
            CHECKED_AS,
            str(data),
            str(args.passes),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
    rows = []
    for line in result.stdout.splitlines():
        rule, category, nanos, matches = line.split("\t")
        rows.append((rule, category, int(nanos) / args.passes / 1e6, int(matches)))
    rows.sort(key=lambda row: -row[2])
    total = sum(row[2] for row in rows)
    disabled = defaults()

    def off(rule: str, category: str) -> bool:
        return rule in disabled.disabled or category in disabled.disabled_categories

    print(
        f"corpus: {len(texts)} documents, {len(pieces)} paragraphs, {chars:,} characters; "
        f"{len(rows) - 1} rules active by default in {CHECKED_AS}; {total / 1000:.1f} s a pass in all"
    )
    print(f"\n{'rule':44} {'category':20} {'ms/10k':>7} {'share':>6} {'matches':>7}  cleaner")
    for rule, category, ms, matches in rows[: args.top]:
        print(
            f"{rule:44} {category:20} {ms * 10_000 / chars:7.1f} {ms / total:6.1%} {matches:7}  "
            f"{'disabled' if off(rule, category) else ''}"
        )
    kept = sum(ms for rule, category, ms, _ in rows if not off(rule, category))
    print(f"\ntime left with cleaner's disabled rules and categories off: {kept / total:.0%}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"rule": r, "category": c, "ms_per_10k_chars": ms * 10_000 / chars, "matches": m}
                    for r, c, ms, m in rows
                ],
                indent=1,
            )
            + "\n"
        )
    if result.stderr.strip():
        print(f"\nLanguageTool said: {result.stderr.strip()[:2000]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
