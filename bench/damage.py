"""Recall of the broken-sentence and stray-stop rules on damage injected into sound English.

The labelled dev set (``artefacts_dev_wmt22.jsonl``) holds 76 real artefacts: too few to say how the
rules fare on MT output nobody here has read. This bench takes sound human English (the TED human
reference translations, ``human_reference: true`` in ``../shared/eval/mqm_ted_zhen.jsonl``) and, with a
seeded random generator, injects one artefact per sample the way MT systems break text:

- ``stop-lower``: a full stop between two words of a sentence, the next word left in lower case
  ("the talks had. made little progress");
- ``stop-capital``: the same with the next word capitalised ("the talks had. Made little progress");
- ``end-repeated`` / ``end-doubled`` / ``end-spaced``: a stray stop at a sentence end ("attack. . The",
  "attack.. The", "attack . The");
- ``mid-doubled`` / ``mid-repeated`` / ``mid-spaced``: the same between two words of a sentence ("attack..
  the", "attack. . the", "attack . the").

Each cut records the word classes on both sides, from the project's own lexicon (``cleaner.lexicon``:
lemminflect's data and the closed classes of ``data/word_classes.yaml``), and is filed under a context
family (after a determiner, after a preposition, after an auxiliary or modal, adjective + noun, subject
+ verb, verb + object, before a subordinate clause, …), so recall is reported per family. The real
pipeline checks every sample (``Session``, own rules only, ``grammar=False``); a cut counts as found
when a finding overlaps the characters around the injected stop, and the rule that fired is counted.
Column ``!casing`` is the share found by a rule of another category than casing: a broken sentence
found only by ``casing.*`` is offered a capital (a safe repair), not the join it needs.

A cut that leaves two complete sentences ("he left. the man smiled") is no broken sentence: with a
capital it is sound English and nothing can find it (``complete``, left out), in lower case it is a
casing error (``casing-only``), where a finding of category ``casing`` is what is expected. Whether the
two sides are complete is judged by a rough test independent of the rules under test: the left side
holds a verb form and ends on an open-class word, the right side opens with a subject pronoun,
a name or a determiner and holds a finite verb form. It errs both ways; read ``--show`` output.

Each sample is a segment and the one after it (so the rules see the sentence that follows a cut).
Also: every original talk is checked undamaged, as one paragraph (every sentence boundary inside a
line), and its findings are reported per 10,000 characters (they should be about 0), as are findings
in a damaged sample away from its cut.

``--neural`` also checks each capitalised cut and the undamaged talks with the neural stage, as
``cleaner check --neural`` runs it (the model's boundary detector, ``broken-sentence.model-boundary``,
and its word-salad detector); column ``+model`` counts the cuts it finds that the rules miss, and its
findings on the undamaged text are listed with their context. The model reads only a full stop before
a capital, so lower-case cuts and stray stops are not given to it. It is slow (a few tenths of a
CPU-second per sample): ``--cuts 1000`` is a fair size.

Limits: synthetic damage is not real MT damage. Real systems cut where the source's segmentation or
an abbreviation misled them, which is not uniform over word boundaries; real output also carries
other errors around the cut, and its text style (news, product pages, chat) differs from TED talks.
The lexicon's word classes are type-level (no tagger): "plans" is noun and verb at once, and the family
of such a cut is a guess. Treat the per-family recall as a map of where rules are blind, not as the
recall to expect on real text.

    python bench/damage.py                        # 3000 cuts + 600 stray stops, seed 1
    python bench/damage.py --show 5               # and 5 misses per family
    python bench/damage.py --seed 7 --cuts 6000   # another sample, larger
    python bench/damage.py --json out.json        # the table as JSON, to compare versions
    python bench/damage.py --neural --cuts 1000   # what the model's boundary detector adds
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from cleaner import lexicon
from cleaner.findings import Finding, Source
from cleaner.session import Session

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
TED = EVAL_DIR / "mqm_ted_zhen.jsonl"
CUT_KINDS = ("stop-lower", "stop-capital")
STRAY_KINDS = ("end-repeated", "end-doubled", "end-spaced", "mid-doubled", "mid-repeated", "mid-spaced")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
SENTENCE_END = re.compile(r"(?<=[a-z])\.(?=[ ]+[A-Z])")
"""A full stop after a lower-case letter, before a space and a capital: a sentence end (not "Mr.")."""

_DO_FORMS = frozenset(("do", "does", "did", "don't", "doesn't", "didn't"))
_CLOSED = (
    ("DET", ("articles", "determiners")),
    ("PREP", ("prepositions",)),
    ("MODAL", ("modals",)),
    ("AUX", ("be-forms", "have-forms")),
    ("PRON", ("subject-pronouns",)),
    ("CONJ", ("coordinators",)),
    ("SUB", ("subordinators", "relatives")),
)


def word_class(word: str) -> str:
    """A coarse class of one word from the project's lexicon: a closed class if it is in one, else
    the open classes lemminflect gives it joined with "/" ("NOUN/VERB" for "plans"), else "?"."""
    lower = word.lower()
    if lower in _DO_FORMS:
        return "AUX"
    if lower in ("not", "to", "that"):
        return lower.upper()
    for name, classes in _CLOSED:
        if any(lower in lexicon.word_class(c) for c in classes):
            return name
    if lower in lexicon.word_class("indefinite-pronouns") or lower in ("me", "him", "her", "us", "them"):
        return "PRON"
    if word[:1].isupper() and not lexicon.word_lemmas(lower):
        return "NAME"
    open_classes = sorted(set(lexicon.word_lemmas(lower)) & {"NOUN", "VERB", "ADJ", "ADV"})
    return "/".join(open_classes) or "?"


def _has(tag: str, part: str) -> bool:
    return part in tag.split("/")


def family(left: str, right: str) -> str:
    """The context family of a cut between words of classes ``left`` and ``right`` (first match wins)."""
    if left == "DET":
        return "after-determiner"
    if left in ("PREP", "TO") or (left == "THAT" and right not in ("PRON", "DET", "NAME")):
        return "after-preposition/to"
    if left in ("MODAL", "AUX", "NOT"):
        return "after-auxiliary/modal"
    if left == "CONJ":
        return "after-conjunction"
    if right in ("SUB", "CONJ", "THAT"):
        return "before-subclause"
    if right in ("PREP", "TO"):
        return "before-preposition"
    if left == "ADJ" and _has(right, "NOUN"):
        return "adjective-noun"
    if _has(left, "NOUN") and _has(right, "NOUN") and not _has(right, "VERB"):
        return "noun-noun"
    subject = left in ("PRON", "NAME") or _has(left, "NOUN")
    if subject and (right in ("MODAL", "AUX") or _has(right, "VERB")):
        return "subject-verb"
    if _has(left, "VERB") and (right in ("DET", "PRON", "NAME") or _has(right, "NOUN")):
        return "verb-object"
    if _has(left, "ADV") or _has(right, "ADV"):
        return "adverb"
    return "other"


@dataclass
class Sample:
    kind: str
    text: str
    start: int  # the injected characters, in ``text``
    end: int
    family: str
    classes: str
    complete: bool = False


def _is_proper(word: str) -> bool:
    return word == "I" or (word[:1].isupper() and not lexicon.word_lemmas(word.lower()))


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in SENTENCE_END.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _ends_clause(words: list[str]) -> bool:
    """A rough, rule-independent test that words make a sentence: a verb form among them, the last an
    open-class word (or a pronoun object) that can close one."""
    if not words:
        return False
    last = word_class(words[-1])
    closes = last in ("PRON", "NAME") or any(_has(last, c) for c in ("NOUN", "ADJ", "ADV", "VERB"))
    verb = any(word_class(w) in ("MODAL", "AUX") or _has(word_class(w), "VERB") for w in words[1:])
    return closes and verb and last not in ("DET", "PREP", "TO", "MODAL", "AUX", "CONJ", "SUB", "NOT")


def _opens_clause(words: list[str]) -> bool:
    """Words that open a sentence of their own: a subject pronoun, name or determiner first and a
    finite-looking verb (an auxiliary, a modal, a past or "-s" form) among the next four."""
    if len(words) < 2 or word_class(words[0]) not in ("PRON", "NAME", "DET"):
        return False
    for word in words[1:5]:
        tag = word_class(word)
        if tag in ("MODAL", "AUX") or lexicon.past_tense_lemma(word) or lexicon.is_present_verb(word):
            return True
    return False


def cut_samples(segments: list[str], kind: str, count: int, rng: random.Random) -> list[Sample]:
    """``count`` cuts of one kind, each at a random word boundary inside a random sentence."""
    samples: list[Sample] = []
    while len(samples) < count:
        text = rng.choice(segments)
        start, end = rng.choice(_sentence_bounds(text))
        words = [m for m in WORD.finditer(text, start, end)]
        pairs = [(a, b) for a, b in pairwise(words) if text[a.end() : b.start()] == " "]
        if not pairs:
            continue
        a, b = rng.choice(pairs)
        if a.start() == start:  # a one-word left side is a heading, not a cut clause
            continue
        after = b.group()
        if kind == "stop-lower":
            after = after if _is_proper(after) else after[:1].lower() + after[1:]
        else:
            after = after[:1].upper() + after[1:]
        damaged = text[: a.end()] + ". " + after + text[b.end() :]
        left_words = [m.group() for m in words if m.end() <= a.end()]
        right_words = [m.group() for m in words if m.start() >= b.start()]
        tags = (word_class(a.group()), word_class(b.group()))
        samples.append(
            Sample(
                kind,
                damaged,
                a.end(),
                a.end() + 1,
                family(*tags),
                f"{tags[0]} | {tags[1]}",
                _ends_clause(left_words) and _opens_clause(right_words),
            )
        )
    return samples


def stray_samples(segments: list[str], kind: str, count: int, rng: random.Random) -> list[Sample]:
    """``count`` stray stops of one kind, at a sentence end or between two words."""
    samples: list[Sample] = []
    insert = {"repeated": ". .", "doubled": "..", "spaced": " ."}[kind.split("-")[1]]
    while len(samples) < count:
        text = rng.choice(segments)
        if kind.startswith("end"):
            stops = [m.start() for m in SENTENCE_END.finditer(text)]
            stops += [len(text) - 1] if text.endswith(".") else []
            if not stops:
                continue
            at = rng.choice(stops)
            damaged = text[:at] + insert + text[at + 1 :]
            tags = ("END", word_class(text[at + 1 :].split()[0]) if text[at + 1 :].strip() else "EOL")
        else:
            words = list(WORD.finditer(text))
            pairs = [(a, b) for a, b in pairwise(words) if text[a.end() : b.start()] == " "]
            if not pairs:
                continue
            a, b = rng.choice(pairs)
            at = a.end()
            damaged = text[:at] + insert + text[at:]
            tags = (word_class(a.group()), word_class(b.group()))
        samples.append(Sample(kind, damaged, at, at + len(insert), kind, f"{tags[0]} | {tags[1]}"))
    return samples


@dataclass
class Tally:
    total: int = 0
    found: int = 0
    as_damage: int = 0  # found by a broken-sentence or punctuation rule, not only as casing
    rules: Counter = field(default_factory=Counter)
    misses: list[Sample] = field(default_factory=list)
    checked_by_model: int = 0  # samples also checked with the neural stage (--neural)
    model_extra: int = 0  # of those, found with the neural stage and missed by the rules


def near(finding: Finding, sample: Sample) -> bool:
    """A finding on the injected stop or the words it touches (one character either side)."""
    return finding.start <= sample.end and finding.end >= sample.start - 1


def _print_rate(title: str, findings: Counter, chars: int, examples: Sequence[str]) -> None:
    """A count of findings on text that should have none, per 10,000 characters, and where they are."""
    total = sum(findings.values())
    print(f"{title}: {total} findings, {total / chars * 10_000:.2f} per 10k characters {dict(findings)}")
    for line in examples:
        print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cuts", type=int, default=3000, help="cuts per kind (stop-lower, stop-capital)")
    parser.add_argument("--stray", type=int, default=100, help="stray stops per kind")
    parser.add_argument("--show", type=int, default=0, help="misses to print per family")
    parser.add_argument("--json", type=Path, help="write the table here")
    parser.add_argument(
        "--neural", action="store_true", help="also check capitalised cuts with the neural stage"
    )
    args = parser.parse_args()

    talks: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for line in TED.open(encoding="utf-8"):
        record = json.loads(line)
        if record.get("human_reference") and record["text"].strip():
            talks[record["system"], record["doc"]].append((int(record["seg"]), record["text"].strip()))
    talk_texts = [[text for _, text in sorted(segs)] for segs in talks.values()]
    # A segment with the one after it: the rules see the sentence that follows a cut, as in an article.
    segments = [f"{a} {b}" for texts in talk_texts for a, b in pairwise(texts)]
    rng = random.Random(args.seed)
    samples = [s for kind in CUT_KINDS for s in cut_samples(segments, kind, args.cuts, rng)]
    samples += [s for kind in STRAY_KINDS for s in stray_samples(segments, kind, args.stray, rng)]

    session = Session(grammar=False)
    settings = session.settings("damage.txt")

    def check(text: str) -> list[Finding]:
        return session.check_text(text, "damage.txt", settings)

    # The neural stage in its own session, so that the rules' table is the same with and without it.
    neural = Session({"neural.enabled": True}, grammar=False) if args.neural else None

    def check_neural(text: str) -> list[Finding]:
        assert neural is not None
        return neural.check_text(text, "damage.txt", neural.settings("damage.txt"))

    # The undamaged text: each talk as one paragraph, so every sentence boundary is inside a line.
    paragraphs = [" ".join(texts) for texts in talk_texts]
    clean_chars = sum(len(p) for p in paragraphs)
    clean_findings: Counter = Counter()
    clean_examples: list[str] = []
    for text in paragraphs:
        for finding in check(text):
            clean_findings[finding.rule] += 1
            if len(clean_examples) < 10:
                context = text[max(0, finding.start - 40) : finding.end + 40]
                clean_examples.append(f"{finding.rule}: …{context}…")
    model_clean: Counter = Counter()
    model_examples: list[str] = []
    if neural is not None:
        for text in paragraphs:
            for finding in check_neural(text):
                if finding.source == Source.MODEL:
                    model_clean[finding.rule] += 1
                    context = text[max(0, finding.start - 50) : finding.end + 50]
                    model_examples.append(f"{finding.rule}: …{context}…")

    table: dict[tuple[str, str], Tally] = defaultdict(Tally)
    stray_elsewhere: Counter = Counter()
    model_elsewhere: Counter = Counter()
    for sample in samples:
        findings = check(sample.text)
        hits = [f for f in findings if near(f, sample)]
        stray_elsewhere.update(f.rule for f in findings if not near(f, sample))
        model_hits: list[Finding] = []
        if neural is not None and sample.kind == "stop-capital":
            model_findings = [f for f in check_neural(sample.text) if f.source == Source.MODEL]
            model_hits = [f for f in model_findings if near(f, sample)]
            model_elsewhere.update(f.rule for f in model_findings if not near(f, sample))
        if sample.complete:
            if sample.kind == "stop-capital":
                key = ("complete (sound English)", sample.kind)
                table[key].total += 1
                table[key].found += bool(hits)
                table[key].rules.update(f.rule for f in hits)
                table[key].checked_by_model += neural is not None
                table[key].model_extra += bool(model_hits) and not hits
                continue
            key = ("casing-only", sample.kind)
            hit = [f for f in hits if f.category == "casing"]
        else:
            key = (sample.family, sample.kind)
            hit = hits
        tally = table[key]
        tally.total += 1
        tally.found += bool(hit)
        tally.as_damage += any(f.category != "casing" for f in hit)
        tally.rules.update(f.rule for f in hit)
        tally.checked_by_model += neural is not None and sample.kind == "stop-capital"
        tally.model_extra += bool(model_hits) and not hit
        if not hit:
            tally.misses.append(sample)

    print(
        f"seed {args.seed}; {len(talk_texts)} TED human reference talks, {clean_chars:,} characters; "
        f"{len(segments)} passages of two segments to damage\n"
    )
    model_column = f" {'+model':>6}" if neural is not None else ""
    header = f"{'family':26} {'kind':13} {'found':>11} {'recall':>7} {'!casing':>7}"
    print(f"{header}{model_column}  rules that fired")
    order = sorted(table, key=lambda k: (k[1] in STRAY_KINDS, k[1], k[0]))

    def extra(tallies: list[Tally]) -> str:
        """The cuts the neural stage found and the rules missed, where the model saw the sample."""
        if neural is None:
            return ""
        checked = sum(t.checked_by_model for t in tallies)
        return f" {sum(t.model_extra for t in tallies):>6}" if checked else f" {'':>6}"

    for key in order:
        tally = table[key]
        rules = ", ".join(f"{r.split('.', 1)[1]} {n}" for r, n in tally.rules.most_common(3))
        recall = tally.found / tally.total if tally.total else 0.0
        damage = tally.as_damage / tally.total if tally.total else 0.0
        counts = f"{tally.found:>5}/{tally.total:<5}"
        print(f"{key[0]:26} {key[1]:13} {counts} {recall:>7.2f} {damage:>7.2f}{extra([tally])}  {rules}")
    for kind in (*CUT_KINDS, *STRAY_KINDS):
        rows = [t for k, t in table.items() if k[1] == kind and not k[0].startswith("complete")]
        found, total = sum(t.found for t in rows), sum(t.total for t in rows)
        damage = sum(t.as_damage for t in rows)
        if total:
            counts = f"{found:>5}/{total:<5}"
            print(
                f"{'all (detectable)':26} {kind:13} {counts} {found / total:>7.2f} {damage / total:>7.2f}"
                f"{extra(rows)}"
            )
    print()
    _print_rate("undamaged originals", clean_findings, clean_chars, clean_examples)
    if neural is not None:
        _print_rate("undamaged originals, the neural stage's own", model_clean, clean_chars, model_examples)
        print(f"capitalised cuts, the neural stage's own findings away from the cut: {dict(model_elsewhere)}")
    damaged_chars = sum(len(s.text) for s in samples)
    elsewhere = sum(stray_elsewhere.values())
    print(
        f"damaged samples, away from the cut: {elsewhere} findings, "
        f"{elsewhere / damaged_chars * 10_000:.2f} per 10k characters {dict(stray_elsewhere.most_common(6))}"
    )
    if args.show:
        for key in order:
            misses = table[key].misses[: args.show]
            if misses:
                print(f"\n{key[0]} / {key[1]}: misses")
            for sample in misses:
                context = sample.text[max(0, sample.start - 50) : sample.end + 50].replace("\n", " ")
                print(f"  [{sample.classes}] …{context}…")
    if args.json:
        rows = [
            {
                "family": k[0],
                "kind": k[1],
                "found": t.found,
                "total": t.total,
                "rules": dict(t.rules),
                **({"model_extra": t.model_extra} if neural is not None else {}),
            }
            for k, t in table.items()
        ]
        report = {"seed": args.seed, "rows": rows, "clean_findings": dict(clean_findings)}
        if neural is not None:
            report["model_clean_findings"] = dict(model_clean)
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
