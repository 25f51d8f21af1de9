"""How fast the grammar stage is, against LanguageTool itself.

Prints: the server's start time; `check` with grammar against raw /v2/check calls on the same
paragraphs (cleaner's overhead; the server's own result cache is off so both pay full price); a second,
cached run against the first; one article with a warm server, through the whole command.

    python bench/grammar_speed.py --documents 30
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=30, help="TED documents to use")
    args = parser.parse_args()

    import os

    from cleaner.grammar.engine import CHECKED_AS, GrammarEngine, GrammarSettings, paragraphs
    from cleaner.grammar.install import installation, setup
    from cleaner.grammar.server import start_server, stop_server
    from cleaner.pipeline import Checker

    installed = setup()
    scratch = tempfile.mkdtemp(prefix="cleaner-bench-")
    os.environ["CLEANER_CACHE_DIR"] = scratch
    (Path(scratch) / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)

    with open(EVAL_DIR / "mqm_ted_zhen_docs.jsonl", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line, _ in zip(handle, range(args.documents), strict=False)]
    pieces = [p for text in texts for _, p in paragraphs(text)]
    chars = sum(map(len, texts))

    started = time.perf_counter()
    handle = start_server(installation(), cache_size=0)
    print(f"server start (JVM to first answer): {time.perf_counter() - started:.1f} s")
    try:
        settings = GrammarSettings(url=handle.url)
        warm = GrammarEngine(GrammarSettings(url=handle.url, use_cache=False))
        warm.findings("Warm the server up. He go home.")
        warm.close()

        params = {
            "language": CHECKED_AS if settings.language == "en" else settings.language,
            "disabledRules": ",".join(sorted(settings.disabled_rules)),
            "disabledCategories": ",".join(sorted(settings.disabled_categories)),
        }

        def raw_pass() -> float:
            started = time.perf_counter()
            for piece in pieces:
                data = urllib.parse.urlencode({**params, "text": piece}).encode()
                with urllib.request.urlopen(handle.url + "/v2/check", data=data, timeout=120) as response:
                    json.load(response)
            return time.perf_counter() - started

        raw_pass()  # the JVM compiles its hot paths during the first pass: time the second
        raw = raw_pass()
        print(f"raw /v2/check: {len(pieces)} paragraphs, {chars:,} characters in {raw:.1f} s")

        engine = GrammarEngine(settings)
        checker = Checker(grammar=engine)
        started = time.perf_counter()
        for text in texts:
            checker.check_text(text)
        first = time.perf_counter() - started
        print(
            f"cleaner check with grammar, first run: {first:.1f} s "
            f"(overhead over raw calls, rules included: {(first / raw - 1) * 100:+.1f} %)"
        )
        started = time.perf_counter()
        for text in texts:
            checker.check_text(text)
        second = time.perf_counter() - started
        print(f"second run, paragraphs cached: {second:.2f} s ({first / second:.0f}x faster)")
        engine.close()

        seed = next((REPO / "seeds").glob("*.txt"))
        command = [sys.executable, "-m", "cleaner", "check", "--languagetool-url", handle.url, str(seed)]
        for label, extra in (("no cache", ["--no-cache"]), ("cached", [])):
            best = min(_timed(command + extra) for _ in range(3))
            print(f"one article through the whole command, warm server, {label}: {best:.2f} s")
    finally:
        stop_server(handle)
    return 0


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
