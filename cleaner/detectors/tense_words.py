"""What the tense detectors know about words: verb groups, clauses and finished-past time expressions.

A tense contradiction is a verb group and a time expression that cannot both be right: "has been
arrested yesterday", "will meet last week", "last week the bank raises rates". Finding one needs three
things that a regular expression cannot say, so they live here, as code over lemminflect's data and the
word lists in ``cleaner/data/time_expressions.yaml``:

- which words form a verb group, and its tense (``group_at``): "has already signed" is a present perfect,
  "will be held" a future, "raises" after a subject a simple present; any other finite verb ("said",
  "was", "could") is a group too, so that a time expression is only ever judged against the nearest verb;
- where a clause begins (``clause_start``): a time expression belongs to a verb only within one clause;
- which time expressions are a finished past whatever the article's date (``find_times``), and
  which of them can be a verb's own time (``is_clause_time``).

Everything is deliberately conservative: when a word could be read two ways the reading that raises no
finding wins, because a false alarm costs as much as a miss.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from cleaner.analysis import SENTENCE_END, last_sentence_end
from cleaner.data import read_yaml
from cleaner.lexicon import (
    MONTHS,
    WEEKDAYS,
    inflection,
    inflections,
    is_subject_only_pronoun,
    past_tense_lemma,
    weekday_names,
    word_lemmas,
)


@dataclass(frozen=True, slots=True)
class Token:
    """A word or a punctuation mark, with its offsets in the document."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


_TOKEN = re.compile(r"[^\W_]+(?:[’'.,-][^\W_]+)*%?|[^\w\s]")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence that holds ``text[start:end]``: from the last sentence end (or line break) before it
    to the next, the full stop included.

    A local split, so that a document with one time expression costs one sentence and not a split of the
    whole text; only the text near the expression is read, so a line of megabytes costs no more per
    expression than a short one. It does not know abbreviations, so "Dr. Smith" ends a sentence at
    "Dr.": that only ever shortens a clause, which makes the tense rules quieter, never louder.
    """
    # No ``endpos=start``: a stop is a sentence end only with the capital after it in view, and the
    # capital that opens this sentence is at ``start`` or after it.
    sentence_start = last_sentence_end(text, start)
    following = SENTENCE_END.search(text, end)
    if following is None:
        return sentence_start, len(text)
    if following.group() != "\n":
        # A stop whose capital is on the next line ends the line, not a sentence within it.
        newline = text.find("\n", following.end(), _SPACES.match(text, following.end()).end())
        return sentence_start, following.end() if newline == -1 else newline
    return sentence_start, following.start()


_SPACES = re.compile(r"\s*")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words ("hasn't", "1,000", "week's" are one word each) and single punctuation marks."""
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


# --- word classes: closed classes are grammar, listed here; open classes come from lemminflect ---

MODALS = frozenset(
    "can could may might must shall should will would ought cannot can't couldn't won't wouldn't "
    "shouldn't mustn't shan't".split()
)
BE = frozenset("am is are was were be been being isn't aren't wasn't weren't".split())
DO = frozenset("do does did don't doesn't didn't".split())
PERFECT_AUX = frozenset("has have hasn't haven't".split())
FUTURE_AUX = frozenset("will shall won't".split())
PREPOSITIONS = frozenset(
    "in on at of for with by from to into onto about over under between among against during without "
    "within per via across through toward towards upon amid".split()
)
_PRONOUN_SUBJECTS = {
    "i": "was",
    "he": "was",
    "she": "was",
    "it": "was",
    "we": "were",
    "they": "were",
    "you": "were",
}
# Punctuation that ends a clause for tense purposes; "%", "$", "'" and the like do not.
BOUNDARY_MARKS = frozenset(',;:()[]{}—–"“”«»?!.…')


@cache
def _data() -> dict[str, Any]:
    data = read_yaml("time_expressions.yaml")
    assert isinstance(data, dict)
    return data


def _words(key: str) -> frozenset[str]:
    value = _data()[key]
    assert isinstance(value, list)
    return frozenset(str(word).lower() for word in value)


@cache
def clause_words() -> frozenset[str]:
    return _words("clause-words")


@cache
def modifier_words() -> frozenset[str]:
    return _words("modifiers")


@cache
def noun_prepositions() -> frozenset[str]:
    return _words("noun-prepositions")


@cache
def determiners() -> frozenset[str]:
    return _words("determiners")


@cache
def present_exempt() -> frozenset[str]:
    """Lemmas whose present is sound beside a past time ("last year I remember the floods")."""
    return _words("present-exempt-verbs")


@cache
def estimate_participles() -> frozenset[str]:
    return _words("estimate-participles")


@cache
def _forms(lemma: str) -> dict[str, tuple[str, ...]]:
    forms = dict(inflections(lemma, "VERB"))
    # lemminflect leaves VBN out of getAllInflections when it equals VBD ("signed"): ask for it.
    forms.setdefault("VBN", inflection(lemma, "VBN"))
    return forms


def verb_lemma(word: str, tag: str) -> str | None:
    """The lemma of which ``word`` is the ``tag`` form (VB, VBD, VBN, VBG, VBZ), else None."""
    lower = word.lower()
    for lemma in word_lemmas(lower).get("VERB", ()) + word_lemmas(lower).get("AUX", ()):
        if lower in _forms(lemma).get(tag, ()):
            return lemma
    return None


def inflect(lemma: str, tag: str) -> str:
    """``lemma`` in the form ``tag``; the first of several ("was" for be/VBD: callers handle be)."""
    forms = inflection(lemma, tag)
    return forms[0] if forms else lemma


def is_adverb(word: str) -> bool:
    """An adverb that may sit inside a verb group ("has already signed", "will also meet")."""
    lemmas = word_lemmas(word.lower())
    return "ADV" in lemmas and "VERB" not in lemmas and word.lower() not in clause_words()


def is_only_verb(word: str) -> bool:
    """A verb form that is no noun or adjective ("said", "taken", "tells"): a verb wherever it stands."""
    lemmas = word_lemmas(word.lower())
    return bool(lemmas) and set(lemmas) <= {"VERB", "AUX"}


def is_unambiguous_finite_or_participle(word: str) -> bool:
    """A past form, participle or -ing form that cannot be read as a noun or adjective."""
    if not is_only_verb(word):
        return False
    return past_tense_lemma(word) is not None or any(
        verb_lemma(word, tag) for tag in ("VBD", "VBN", "VBG", "VBZ")
    )


# --- verb groups ---


class Tense(StrEnum):
    PERFECT = "perfect"  # has/have + participle
    FUTURE = "future"  # will/shall + base form
    PRESENT = "present"  # a lexical verb in -s after its subject
    OTHER = "other"  # any other finite verb, modal or participle: the clause's time is its business


@dataclass(frozen=True, slots=True)
class VerbGroup:
    tense: Tense
    first: int
    last: int
    """Token indices, inclusive."""


def verb_groups(tokens: list[Token], start: int, end: int) -> list[VerbGroup]:
    """The verb groups of ``tokens[start:end]`` in order; after the first, a word that is also a plural
    noun counts as a noun (see ``group_at``)."""
    groups: list[VerbGroup] = []
    index = start
    while index < end:
        group = group_at(tokens, index, has_verb=bool(groups))
        if group is not None:
            groups.append(group)
            index = group.last + 1
        else:
            index += 1
    return groups


def group_at(tokens: list[Token], index: int, has_verb: bool) -> VerbGroup | None:
    """The verb group that starts at ``tokens[index]``, or None if no verb starts there.

    ``has_verb``: the clause already has its verb, so a word that is also a plural noun ("rates" in
    "raises rates") is its object, not a second verb.
    """
    token = tokens[index]
    if not token.is_word:
        return None
    word = token.lower
    previous = tokens[index - 1].lower if index > 0 else ""
    if word in PERFECT_AUX:
        if previous in MODALS or previous in ("to", "having"):
            return VerbGroup(Tense.OTHER, index, index)  # "would have signed", "to have died"
        end = _participles_after(tokens, index)
        if end is None:
            return VerbGroup(Tense.OTHER, index, index)  # "has a plan": a lexical "have"
        return VerbGroup(Tense.PERFECT, index, end)
    if word in FUTURE_AUX:
        if token.text[0].isupper() and index > 0 and tokens[index - 1].is_word:
            return None  # "Will" inside a sentence is a name
        if previous in determiners():
            return None  # "the will of the people"
        end = _future_after(tokens, index)
        if end is None:
            return VerbGroup(Tense.OTHER, index, index)  # "will have signed": a future perfect
        return VerbGroup(Tense.FUTURE, index, end)
    if word in MODALS or word in BE or word in DO or word in ("had", "hadn't"):
        return VerbGroup(Tense.OTHER, index, index)
    if not has_verb and _is_present_verb(tokens, index):
        return VerbGroup(Tense.PRESENT, index, index)
    if previous in _ATTRIBUTIVE and (verb_lemma(word, "VBG") or verb_lemma(word, "VBN")):
        return None  # "the swinging door", "their revised plan": a participle before its noun
    if is_unambiguous_finite_or_participle(token.text):
        return VerbGroup(Tense.OTHER, index, index)
    nominal = previous in determiners() or previous in PREPOSITIONS or previous.endswith("'s")
    subject = index > 0 and is_subject_only_pronoun(previous)  # "the surfaces we saw": its verb
    if (not has_verb or subject) and past_tense_lemma(word) and not nominal:
        return VerbGroup(Tense.OTHER, index, index)  # "spoke", "left", "rose": after a subject, a verb
    if word.endswith("ing") and verb_lemma(word, "VBG") and not nominal and not _is_adjective(previous):
        return VerbGroup(Tense.OTHER, index, index)  # "with the government reporting in August": its own time
    return None


_ATTRIBUTIVE = frozenset("the a an his its their our my your every each".split())
"""Determiners after which a participle is an adjective ("the battling Billikens"): not the
demonstratives, which may be a subject ("that happened"), nor "her", which may be an object ("saw her
leaving")."""


def _is_adjective(word: str) -> bool:
    lemmas = word_lemmas(word)
    return bool(lemmas) and set(lemmas) <= {"ADJ", "ADV"}


def _skip_adverbs(tokens: list[Token], index: int, limit: int = 2) -> int:
    while index < len(tokens) and limit and tokens[index].is_word and is_adverb(tokens[index].text):
        index += 1
        limit -= 1
    return index


def _participles_after(tokens: list[Token], aux: int) -> int | None:
    """The last token of "has [adverbs] <participle> [<participle>]", or None if no participle follows."""
    index = _skip_adverbs(tokens, aux + 1)
    if index >= len(tokens) or not tokens[index].is_word or not verb_lemma(tokens[index].text, "VBN"):
        return None
    if tokens[index].lower == "been" and index + 1 < len(tokens):
        following = tokens[index + 1].text
        if tokens[index + 1].is_word and (verb_lemma(following, "VBN") or verb_lemma(following, "VBG")):
            return index + 1
    return index


def _future_after(tokens: list[Token], aux: int) -> int | None:
    """The last token of "will [adverbs] <base form> [<participle>]"; None for "will have" (a future
    perfect, which may well have a past time) and for anything that is no verb."""
    index = _skip_adverbs(tokens, aux + 1)
    if index >= len(tokens) or not tokens[index].is_word or not verb_lemma(tokens[index].text, "VB"):
        return None
    if tokens[index].lower == "have":
        return None
    if tokens[index].lower == "be" and index + 1 < len(tokens):
        following = tokens[index + 1].text
        if tokens[index + 1].is_word and (verb_lemma(following, "VBN") or verb_lemma(following, "VBG")):
            return index + 1
    return index


def _is_present_verb(tokens: list[Token], index: int) -> bool:
    """A lexical verb in -s ("raises") standing where a verb can: after a word that can end a subject.

    After a determiner, preposition, number, adjective or possessive it is a plural noun ("the raises",
    "new rules", "the bank's shares").
    """
    token = tokens[index]
    if not token.text.islower() or index == 0:
        return False
    lemma = verb_lemma(token.text, "VBZ")
    if lemma is None or lemma in ("be", "have", "do"):
        return False
    before = tokens[index - 1]
    if not before.is_word or before.text[0].isdigit():
        return False
    lower = before.lower
    if lower in determiners() or lower in PREPOSITIONS or lower.endswith("'s") or lower in clause_words():
        return False
    return not _is_adjective(lower) and not is_plural_noun(lower)


def is_plural_noun(word: str) -> bool:
    """A plural noun that is no verb form ("appropriations", "rates" is a verb too): before an -s form it
    makes a compound ("the appropriations bills"), since a plural subject takes no -s."""
    lemmas = word_lemmas(word)
    if not word.endswith("s") or "VERB" in lemmas or "AUX" in lemmas:
        return False
    return any(word in inflection(lemma, "NNS") and word != lemma for lemma in lemmas.get("NOUN", ()))


def is_boundary(tokens: list[Token], index: int) -> bool:
    """Whether ``tokens[index]`` ends a clause: clause punctuation, a word that opens another clause,
    or "to" before a base form (an infinitive clause has its own time: "has agreed to meet …")."""
    token = tokens[index]
    if not token.is_word:
        return token.text in BOUNDARY_MARKS
    if token.lower in clause_words():
        return True
    if token.lower == "to" and index + 1 < len(tokens):
        following = tokens[index + 1]  # a capital is a name ("to Congress"), not an infinitive
        return following.is_word and following.text.islower() and verb_lemma(following.text, "VB") is not None
    return False


def verb_follows(tokens: list[Token], index: int, window: int = 5) -> bool:
    """Whether a finite verb follows ``tokens[index]`` within a few words of the same clause: then a time
    just before ``index`` dates that verb's subject ("he says last week was hard", "said the meeting on
    Tuesday had gone well", "she says the factory closed"), not the verb before it."""
    for position in range(index, min(len(tokens), index + window)):
        if is_boundary(tokens, position):
            return False
        previous = tokens[position - 1].lower if position > 0 else ""
        if previous in determiners() or previous in PREPOSITIONS:
            continue  # "visits the flooded areas": a participle after "the" is an adjective
        if group_at(tokens, position, has_verb=True) is not None or past_tense_lemma(tokens[position].text):
            return True
    return False


# --- repairs into the simple past ---


def past_repairs(tokens: list[Token], group: VerbGroup) -> list[str]:
    """The group put into the simple past by inflection, best guess first ("has been arrested" -> "was
    arrested", "have signed" -> "signed", "will meet" -> "met", "raises" -> "raised").

    Where the past of "be" depends on a subject the group does not show, both "was" and "were" are
    offered, the likelier first. Adverbs keep their place; a negated lexical verb takes "did not".
    """
    words = [token.text for token in tokens[group.first : group.last + 1]]
    lowers = [token.lower for token in tokens[group.first : group.last + 1]]
    if group.tense is Tense.PRESENT:
        if lowers[0] in _BE_PAST:
            return _fix_case(words[0], [_join([_BE_PAST[lowers[0]], *words[1:]])])  # "is sentenced"
        lemma = verb_lemma(words[0], "VBZ") or verb_lemma(words[0], "VB")
        return [inflect(lemma, "VBD")] if lemma else []
    aux = lowers[0]
    contracted = aux.endswith("n't")
    subject = tokens[group.first - 1].lower if group.first > 0 else ""
    # the word that carries the meaning: "been"/"be" + participle, or the participle/base form itself
    head = "been" if group.tense is Tense.PERFECT else "be"
    if head in lowers[1:]:
        at = lowers.index(head, 1)
        rest = words[1:at] + words[at + 1 :]  # adverbs (negation included) and the participle, if any
        return _fix_case(
            words[0],
            [_join([past + ("n't" if contracted else ""), *rest]) for past in _be_past(aux, subject)],
        )
    tag = "VBN" if group.tense is Tense.PERFECT else "VB"
    lemma = verb_lemma(words[-1], tag)
    if lemma is None:
        return []
    adverbs = [word for word in words[1:-1] if word.lower() != "not"]
    if contracted:
        repair = _join(["didn't", *adverbs, inflect(lemma, "VB")])
    elif "not" in lowers[1:-1]:
        repair = _join(["did", "not", *adverbs, inflect(lemma, "VB")])
    else:
        repair = _join([*adverbs, inflect(lemma, "VBD")])
    return _fix_case(words[0], [repair])


_BE_PAST = {"is": "was", "am": "was", "are": "were", "isn't": "wasn't", "aren't": "weren't"}
BE_PRESENT = frozenset(_BE_PAST)
SUBJECT_PRONOUNS = frozenset(("i", "we", "they", "you"))
"""Subjects whose simple present is the base form ("we extend")."""


def _be_past(aux: str, subject: str) -> list[str]:
    """The past of "be" for a group whose auxiliary is ``aux`` and whose subject ends with ``subject``:
    "was" or "were", or both, the likelier first, when neither tells."""
    if subject in _PRONOUN_SUBJECTS:
        return [_PRONOUN_SUBJECTS[subject]]
    if aux in ("has", "hasn't"):
        return ["was"]
    if aux in ("have", "haven't"):
        return ["were"]
    plural = subject.endswith("s") and not subject.endswith(("ss", "'s", "us", "is"))
    return ["were", "was"] if plural else ["was", "were"]


def _join(words: list[str]) -> str:
    return " ".join(word for word in words if word)


def _fix_case(original: str, candidates: list[str]) -> list[str]:
    """Keep a capital the group opened with ("Have signed" -> "Signed")."""
    if original[:1].isupper():
        return [candidate[:1].upper() + candidate[1:] for candidate in candidates]
    return candidates


# --- finished-past time expressions ---


TIME_KINDS = ("ago", "last", "deictic", "in_year", "weekday")
"""The kinds of finished-past expression, as rules name them in ``options: times:``. A weekday ("on
Monday") is a definite time, past or to come: finished only beside a verb that must be past, the
present perfect, which takes no definite time ("police have arrested him on Monday")."""


@dataclass(frozen=True, slots=True)
class TimeExpression:
    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class _TimePatterns:
    anchors: tuple[tuple[str, str], ...]
    """(word, kind): "ago", "last", a deictic word, each found with ``str.find`` (much cheaper than a
    regular expression over a long document); each kind is then matched in full only around its anchor."""
    ago: re.Pattern[str]
    last: re.Pattern[str]
    deictic: re.Pattern[str]
    in_year: tuple[re.Pattern[str], ...]
    weekday: re.Pattern[str]


_NOT_AFTER = re.compile(r"['’]s\b|[-–/]\w")  # "last week's", "2019-2021", "last-minute"


@cache
def _patterns() -> _TimePatterns:
    """The finished-past expressions of the data file, plural forms by lemminflect."""
    data = _data()
    units = [str(unit) for unit in data["units"]]
    ago_units = units + [str(unit) for unit in data["ago-only-units"]]
    names = [*WEEKDAYS, *MONTHS]

    def alternation(words: list[str]) -> str:
        return "|".join(sorted((re.escape(word) for word in set(words)), key=len, reverse=True))

    plurals = [form for unit in ago_units for form in (unit, *inflection(unit, "NNS"))]
    quantities = [str(word) for word in data["quantities"]]
    joiners = {"of", "and", "or", "than", "least"}  # inside a quantity, never its first word
    head = alternation([word for word in quantities if word not in joiners])
    number = r"\d(?:[\d,.]*\d)?"  # "1,500", "2.5"; never a number's closing stop ("in 1942. A year ago")
    quantity = rf"(?:(?:{head}|{number})\s+(?:(?:{alternation(quantities)}|{number})\s+){{0,3}})?"
    approximators = r"(?:(?:more|less|fewer)\s+than\s+|at\s+least\s+)?"
    deictic = [str(word) for word in data["deictic"]]
    months = alternation(list(MONTHS))
    anchors = [("ago", "ago"), ("last", "last"), ("Last", "last")]
    anchors += [(form, "deictic") for word in deictic for form in (word, word.capitalize())]
    return _TimePatterns(
        anchors=tuple(anchors),
        ago=re.compile(rf"\b{approximators}{quantity}(?:{alternation(plurals)})\s+ago\b", re.IGNORECASE),
        last=re.compile(rf"last\s+(?:{alternation(units + names)})\b", re.IGNORECASE),
        deictic=re.compile(rf"(?:{alternation(deictic)})\b", re.IGNORECASE),
        in_year=tuple(
            re.compile(rf"{preposition}\s+(?:(?:early|late|mid|{months})[\s-]+)?(?P<year>(?:19|20)\d\d)\b")
            for preposition in (
                "in",
                "In",
            )  # two case-sensitive scans: far cheaper than one that ignores case
        ),
        weekday=re.compile(rf"\b[Oo]n\s+(?:{alternation(list(WEEKDAYS))})"),
    )


def _ending_at(pattern: re.Pattern[str], text: str, end: int, reach: int) -> re.Match[str] | None:
    """The leftmost match of ``pattern`` that ends exactly at ``end``, starting at most ``reach`` before."""
    return next((m for m in pattern.finditer(text, max(0, end - reach), end) if m.end() == end), None)


def load_patterns() -> None:
    """Builds the time expressions' patterns now rather than for the first text with a time in it (see
    ``Checker.warm_up``)."""
    _patterns()


def find_times(text: str, weekdays: bool = False) -> list[TimeExpression]:
    """Every finished-past time expression in ``text``, before any look at its clause; with
    ``weekdays``, "on Monday" too (a definite time, finished beside a present perfect only)."""
    patterns = _patterns()
    found: list[TimeExpression] = []

    def add(match: re.Match[str] | None, kind: str) -> None:
        if match is not None and not _NOT_AFTER.match(text, match.end()):
            found.append(TimeExpression(match.start(), match.end(), match.group(), kind))

    for word, kind in patterns.anchors:
        at = text.find(word)
        while at != -1:
            end = at + len(word)
            if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                if kind == "ago":
                    add(_ending_at(patterns.ago, text, end, 80), kind)
                elif kind == "last":
                    add(patterns.last.match(text, at), kind)
                else:
                    add(patterns.deictic.match(text, at), kind)
            at = text.find(word, end)
    for _, end in weekday_names(text) if weekdays else ():
        if end == len(text) or not text[end].isalnum():
            add(_ending_at(patterns.weekday, text, end, 16), "weekday")
    last_finished_year: int | None = None  # asked of the clock only for a text that names a year
    for pattern in patterns.in_year:
        for match in pattern.finditer(text):  # no leading \b, which would cost the literal-prefix scan
            if last_finished_year is None:
                last_finished_year = datetime.date.today().year - int(_data()["year-lag"])
            starts_word = match.start() == 0 or not text[match.start() - 1].isalnum()
            if starts_word and int(match.group("year")) <= last_finished_year:
                add(match, "in_year")
    return sorted(found, key=lambda time: time.start)


def is_clause_time(tokens: list[Token], index: int) -> bool:
    """Whether the time expression that starts at ``tokens[index]`` can be a verb's own time.

    Not after a word that makes it a noun's modifier or a bound of a period up to now ("the events of
    two weeks ago", "since last week", "than a year ago"), nor "last" after a determiner ("the last week"
    runs up to now), nor after a possessive.
    """
    previous = tokens[index - 1].lower if index > 0 else ""
    return not (previous in modifier_words() or previous in determiners() or previous.endswith("'s"))
