"""Whether a paragraph's LanguageTool answer is the same when it shares a request with its neighbours.

cleaner caches LanguageTool's answer per paragraph, so sending a document's paragraphs together
(``engine.bundles``) is only right if no enabled text-level rule carries anything from one paragraph to
the next. This checks it on real MT text against a real server, with the result cache off:

- cleaner's findings on each document, one request per paragraph (``batch_chars=0``) against the
  paragraphs sent together as the engine sends them: must be identical;
- the raw matches of each paragraph alone against those of the same paragraph when the whole document
  goes in one request in order, with no regard for what a paragraph leaves to the next (the naive
  join): the differences ``bundles`` exists to avoid, with the rules behind them.

Documents: every MQM TED zh-en document (all systems and references), the labelled WMT22 artefact
segments joined twenty to a document as paragraphs, and --bio Bio-MQM documents.

    python bench/grammar_batching.py --bio 150
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"


def documents(bio: int) -> dict[str, list[str]]:
    """Documents by set: TED (whole talks), artefacts (segments twenty to a document), Bio-MQM."""
    sets: dict[str, list[str]] = {"ted": [], "artefacts": [], "bio": []}
    with open(EVAL_DIR / "mqm_ted_zhen_docs.jsonl", encoding="utf-8") as handle:
        sets["ted"] = [json.loads(line)["text"] for line in handle]
    with open(EVAL_DIR / "artefacts_dev_wmt22.jsonl", encoding="utf-8") as handle:
        segments = list(dict.fromkeys(json.loads(line)["text"] for line in handle))
    sets["artefacts"] = ["\n\n".join(segments[i : i + 20]) for i in range(0, len(segments), 20)]
    with open(EVAL_DIR / "biomqm_x2en_docs.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if len(sets["bio"]) >= bio:
                break
            sets["bio"].append(json.loads(line)["text"])
    return sets


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bio", type=int, default=150, help="Bio-MQM documents to add")
    parser.add_argument("--languagetool-url", help="a running server (default: start one)")
    args = parser.parse_args()

    from cleaner.grammar.engine import MAX_CHUNK, GrammarEngine, GrammarSettings, paragraphs
    from cleaner.grammar.install import installation, setup
    from cleaner.grammar.server import start_server, stop_server

    setup()
    handle = None if args.languagetool_url else start_server(installation(), cache_size=0)
    url = args.languagetool_url or (handle.url if handle else "")
    differing = 0
    naive_rules: collections.Counter[str] = collections.Counter()
    naive_paragraphs = 0
    try:
        for name, texts in documents(args.bio).items():
            chars = sum(map(len, texts))
            found = {}
            for batch_chars in (0, MAX_CHUNK):
                settings = GrammarSettings(url=url, use_cache=False, batch_chars=batch_chars)
                began = time.perf_counter()
                with GrammarEngine(settings) as engine:
                    found[batch_chars] = [engine.findings(text) for text in texts]
                    assert engine.problem is None, engine.problem
                print(f"{name}: batch_chars={batch_chars}: {time.perf_counter() - began:.1f} s", flush=True)
            same = sum(a == b for a, b in zip(found[0], found[MAX_CHUNK], strict=True))
            differing += len(texts) - same
            for text, alone, together in zip(texts, found[0], found[MAX_CHUNK], strict=True):
                if alone != together:
                    print(f"  differs: {sorted(set(alone) ^ set(together), key=lambda f: f.start)[:3]}")
                    print(f"  in: {text[:200]!r}")
            count = sum(len(f) for f in found[0])
            # The naive join: every paragraph of a document in one request, in order.
            with GrammarEngine(GrammarSettings(url=url, use_cache=False)) as engine:
                assert engine.findings("Warm up.") == [] and engine._client is not None
                client = engine._client
                for text in texts:
                    pieces = [p for _, p in paragraphs(text)]
                    alone_raw = [client.check(p, [], time.monotonic() + 120) for p in pieces]
                    start = 0
                    while start < len(pieces):
                        end, size = start, 0
                        while end < len(pieces) and size + len(pieces[end]) + 2 <= MAX_CHUNK:
                            size += len(pieces[end]) + 2
                            end += 1
                        end = max(end, start + 1)
                        joined = client.check_many(
                            [(p, []) for p in pieces[start:end]], time.monotonic() + 120
                        )
                        for one, other in zip(alone_raw[start:end], joined, strict=True):
                            if one != other:
                                naive_paragraphs += 1
                                naive_rules.update(m.rule_id for m in set(one) ^ set(other))
                        start = end
            print(
                f"{name}: {len(texts)} documents, {chars:,} characters, {count} findings; "
                f"identical with paragraphs sent together: {same}/{len(texts)}",
                flush=True,
            )
    finally:
        if handle is not None:
            stop_server(handle)
    print(
        f"\ndocuments whose findings differ when paragraphs go together: {differing}"
        f"\nnaive join (whole documents in order): {naive_paragraphs} paragraphs answered differently; "
        f"rules: {dict(naive_rules.most_common())}"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
