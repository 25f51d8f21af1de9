"""How `cleaner fix --diff` grows with its input: one file of real MT text (the dev corpus, cut to
--chars) and the same text ten times over in one file (repeated lines: the hard case for a diff that
searches for common lines).

Prints, for 1x and 10x, the medians of --runs whole commands (`cleaner check` and `cleaner fix --diff`,
rules only unless --languagetool-url names a running server), the extra time of `fix --diff` over
`check`, and in process the diff alone: built from the fix loop's known changes against the search for
common lines (the way it was built before). Linear growth shows as a 10x/1x ratio near 10.

    python bench/fix_speed.py --chars 100000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"


def corpus(limit: int) -> str:
    texts: list[str] = []
    with open(EVAL_DIR / "biomqm_x2en_docs.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if sum(map(len, texts)) >= limit:
                break
            texts.append(json.loads(line)["text"])
    return "\n\n".join(texts) + "\n"


def median_time(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def diff_times(text: str) -> tuple[float, float, int]:
    """Seconds to build the diff from the known changes, and by searching; and the repairs applied."""
    from cleaner.findings import Applicability
    from cleaner.pipeline import Checker
    from cleaner.repair.diff import unified_diff
    from cleaner.repair.fixer import fix_text

    outcome = fix_text(text, Checker().check_text, {Applicability.SAFE})
    started = time.perf_counter()
    unified_diff("article.txt", text, outcome.text, changes=outcome.changes)
    from_changes = time.perf_counter() - started
    started = time.perf_counter()
    unified_diff("article.txt", text, outcome.text)
    by_search = time.perf_counter() - started
    return from_changes, by_search, len(outcome.applied)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chars", type=int, default=100_000, help="characters of the 1x input")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median reported)")
    parser.add_argument("--languagetool-url", help="a running LanguageTool server: fix with grammar")
    args = parser.parse_args()

    base = corpus(args.chars)
    grammar = ["--languagetool-url", args.languagetool_url] if args.languagetool_url else ["--no-grammar"]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="cleaner-fix-bench-") as scratch:
        for scale in (1, 10):
            path = Path(scratch) / f"article{scale}x.txt"
            path.write_text(base * scale, encoding="utf-8")
            cli = [sys.executable, "-m", "cleaner"]
            check = median_time([*cli, "check", *grammar, str(path)], args.runs)
            fix = median_time([*cli, "fix", "--diff", *grammar, str(path)], args.runs)
            from_changes, by_search, applied = diff_times(base * scale)
            rows[scale] = (len(base) * scale, check, fix, from_changes, by_search, applied)
    print(
        f"{'input':>6} {'chars':>10} {'check s':>8} {'fix --diff s':>12} {'extra s':>8} "
        f"{'diff from edits s':>17} {'diff by search s':>16} {'repairs':>7}"
    )
    for scale, (chars, check, fix, from_changes, by_search, applied) in rows.items():
        print(
            f"{scale:>5}x {chars:>10,} {check:>8.2f} {fix:>12.2f} {fix - check:>8.2f} "
            f"{from_changes:>17.3f} {by_search:>16.3f} {applied:>7}"
        )
    one, ten = rows[1], rows[10]
    extra = "n/a (within noise at 1x)" if one[2] <= one[1] else f"{(ten[2] - ten[1]) / (one[2] - one[1]):.1f}"
    print(
        f"10x/1x: check {ten[1] / one[1]:.1f}, fix --diff {ten[2] / one[2]:.1f}, extra of fix --diff "
        f"{extra}, diff from edits {ten[3] / max(one[3], 1e-9):.1f}, "
        f"diff by search {ten[4] / max(one[4], 1e-9):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
