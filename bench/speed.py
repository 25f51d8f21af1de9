"""How fast ``cleaner check`` is, rules only: characters per second on the dev corpus, one article,
the whole command on the seed, and a 50 MB file (time and peak memory).

    python bench/speed.py            # everything
    python bench/speed.py --quick    # skip the 50 MB file
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"
SEED = next((REPO / "seeds").glob("*.txt"))


def corpus() -> list[str]:
    texts = []
    for name in ("mqm_ted_zhen_docs.jsonl", "biomqm_x2en_docs.jsonl"):
        with open(EVAL_DIR / name, encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle)
    return texts


def best_of(runs: int, func) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def cli(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, check=False)
    return time.perf_counter() - started


def big_file_run(path: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MiB) of ``cleaner check`` on one large file, in a child."""
    code = (
        "import resource, sys, time; from cleaner.cli import app; t = time.perf_counter()\n"
        "try:\n app(['check', '--no-grammar', '--format', 'json', sys.argv[1]])\nexcept SystemExit: pass\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    seconds, peak = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), float(peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    from cleaner.pipeline import Checker

    started = time.perf_counter()
    checker = Checker()
    checker.check_text("Warm up the lexicon. . Then go.")
    print(f"start-up (rules loaded, lexicon warm): {time.perf_counter() - started:.2f} s")

    texts = corpus()
    chars = sum(map(len, texts))
    seconds = best_of(2, lambda: [checker.check_text(t) for t in texts])
    print(
        f"dev corpus: {len(texts)} documents, {chars:,} characters in {seconds:.2f} s "
        f"= {chars / seconds / 1e6:.2f} M characters/s"
    )

    seed = SEED.read_text(encoding="utf-8")
    one = best_of(20, lambda: checker.check_text(seed))
    print(f"one article (seed, {len(seed):,} characters), in process: {one * 1000:.1f} ms")
    whole = min(cli("check", "--no-grammar", "seeds/") for _ in range(3))
    print(f"`cleaner check --no-grammar seeds/`, the whole command: {whole:.2f} s")

    if not args.quick:
        with tempfile.TemporaryDirectory() as folder:
            big = Path(folder) / "big.txt"
            blob = "\n".join(texts)
            with open(big, "w", encoding="utf-8") as handle:
                while handle.tell() < 50 * 1024 * 1024:
                    handle.write(blob)
            size = big.stat().st_size / 1024 / 1024
            seconds, peak = big_file_run(big)
            print(f"{size:.0f} MB file: {seconds:.1f} s, peak memory {peak:.0f} MiB")
    print(f"(this process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
