"""Word facts the detectors ask about, answered from lemminflect's data rather than hand lists of verbs.

These are the predicates that declarative rules name in their ``where:`` conditions (the part of a
rule that a regular expression cannot say, as LanguageTool's grammar.xml leans on part-of-speech tags).

lemminflect's answers for every word it knows are precomputed in ``data/lexicon.tsv`` (by
``scripts/build_lexicon.py``): loading lemminflect itself parses two gzip tables and imports NumPy, a
second of start-up for a run that checks one article. The file is read on the first word looked up and
searched by bisection; only a question the file cannot answer (a verb form of a word lemminflect does
not list) is put to lemminflect.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from cleaner.data import read_yaml

WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""In ``datetime.weekday()`` order. Spelled out, not ``calendar.day_name``, which names the days in the
language of the process's time locale once anything has called ``locale.setlocale``: the text is
English whatever the machine's locale."""
MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def weekday_names(text: str) -> Iterator[tuple[int, int]]:
    """Where each weekday's name stands in ``text`` (the spans ``re.finditer("Monday|Tuesday|…")``
    gives): found from the "day" every name ends with, which ``str.find`` finds far faster than ``re``
    scans for the names' capital first letters, which open half of all sentences. No name holds "day"
    but at its end, nor ends another, so each "day" ends one name at most, and the names come in order."""
    at = text.find("day")
    while at != -1:
        end = at + 3
        for name in WEEKDAYS:
            if end >= len(name) and text.startswith(name, end - len(name)):
                yield end - len(name), end
                break
        at = text.find("day", end)


@cache
def _lexicon() -> bytes | mmap.mmap:
    """``data/lexicon.tsv``: one line per word, sorted, the word and a tab first (line 0 is a comment).
    Mapped into memory and searched in place: a look-up touches a few pages of its 2.8 MB, where reading
    it whole cost a one-article run 2 ms, and decoding and splitting it far more. UTF-8 sorts as the
    code points do, and a tab sorts before any character of a word, so byte order is word order. (Read
    whole where the package is no plain file, as in a zip archive.)"""
    resource = resources.files("cleaner.data").joinpath("lexicon.tsv")
    try:
        with open(str(resource), "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return resource.read_bytes()


def _entry(word: str) -> list[str] | None:
    """The word's fields (word, lemmas, inflections, model inflections), or None for a word lemminflect
    does not know."""
    data = _lexicon()
    key = (word + "\t").encode()
    low, high = data.find(b"\n") + 1, len(data)  # line starts: the first line whose text >= key
    while low < high:
        middle = (low + high) // 2
        start = data.rfind(b"\n", low, middle) + 1 or low
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end] < key:
            low = end + 1
        else:
            high = start
    if data[low : low + len(key)] == key:
        end = data.find(b"\n", low)
        return data[low : len(data) if end < 0 else end].decode().split("\t")
    return None


def _forms(field: str) -> dict[str, tuple[str, ...]]:
    """``NOUN=left;VERB=leave/lay`` -> ``{"NOUN": ("left",), "VERB": ("leave", "lay")}``."""
    if not field:
        return {}
    return {
        key: tuple(value.split("/")) for key, _, value in (item.partition("=") for item in field.split(";"))
    }


def _lemminflect() -> Any:
    """lemminflect itself, for what the precomputed file does not hold (loaded on first use only)."""
    import lemminflect

    return lemminflect


_UPOS_TAGS = {
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"),
    "AUX": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"),
    "NOUN": ("NN", "NNS", "NNP", "NNPS"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}
_TABLE_TAGS = frozenset(("VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "NN", "NNS"))
_ALTERNATIVE_TAGS = {"VBD": ("VBN",), "VBN": ("VBD",)}
"""lemminflect's fallback when a lemma lacks a form: regular verbs list only one of VBD and VBN."""


@cache
def word_lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's lemmas of a word by word class (``getAllLemmas``), cached: every detector that asks
    shares one cache."""
    entry = _entry(word.lower())
    return _forms(entry[1]) if entry else {}


def inflections(lemma: str, upos: str | None = None) -> dict[str, tuple[str, ...]]:
    """Every inflection of ``lemma`` by Penn tag, of one word class if ``upos`` is given
    (lemminflect's ``getAllInflections``)."""
    if lemma != lemma.lower() or (upos is not None and upos not in _UPOS_TAGS):
        return _lemminflect().getAllInflections(lemma, upos)  # keeps capitals, knows proper nouns
    entry = _entry(lemma)
    forms = _forms(entry[2]) if entry else {}
    if upos is not None:
        forms = {tag: words for tag, words in forms.items() if tag in _UPOS_TAGS[upos]}
    return forms


def inflection(lemma: str, tag: str) -> tuple[str, ...]:
    """``lemma`` in the form ``tag`` (lemminflect's ``getInflection``: its table, else its model)."""
    if lemma != lemma.lower() or tag not in _TABLE_TAGS:
        return tuple(_lemminflect().getInflection(lemma, tag))
    entry = _entry(lemma)
    forms = _forms(entry[2]) if entry else {}
    form = forms.get(tag)
    for alternative in _ALTERNATIVE_TAGS.get(tag, ()) if form is None else ():
        form = forms.get(alternative)
        if form:
            break
    if form is None and entry:
        form = _forms(entry[3]).get(tag)
    return form if form is not None else tuple(_lemminflect().getInflection(lemma, tag))


@cache
def _inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    return inflections(lemma)


def is_base_verb(word: str) -> bool:
    """The bare infinitive of a verb ("accept", "make"): what follows a modal or "not"."""
    lower = word.lower()
    return any(lower in _inflections(lemma).get("VB", ()) for lemma in word_lemmas(lower).get("VERB", ()))


def is_noun_only(word: str) -> bool:
    """A word known only as a noun ("pipeline"), which seldom opens an English sentence bare. Pronouns,
    determiners and quantifiers ("none", "something", "others") stand for a whole noun phrase, and
    lemminflect's noun label for them says nothing about a missing head."""
    lemmas = word_lemmas(word)
    lower = word.lower()
    return (
        set(lemmas) == {"NOUN"}
        and lower not in _PRONOUNS
        and lower not in word_class("indefinite-pronouns") | word_class("determiners")
    )


def is_known_word(word: str) -> bool:
    """A word lemminflect knows in lower case, so lower-casing it cannot spoil a proper name."""
    return bool(word_lemmas(word)) or word.lower() in _FUNCTION_WORDS or _in_word_class(word.lower())


def is_dictionary_word(word: str) -> bool:
    """A known word, or a hyphenated compound of known words ("seventy-two", "follow-up"): what a
    sentence of English prose opens with, where a name written in lower case ("adidas") or a program's
    ("systemd", "py-spy") is none."""
    return all(is_known_word(part) for part in word.split("-")) if word.strip("-") else False


def _in_word_class(lower: str) -> bool:
    return any(lower in words for words in _word_classes().values())


def past_tense_lemma(word: str) -> str | None:
    """The lemma of an unambiguous simple-past verb form ("told" -> "tell"), else None.

    Forms that are also present or base forms ("put", "read") are ambiguous and give None.
    """
    lower = word.lower()
    for lemma in word_lemmas(lower).get("VERB", ()):
        forms = _inflections(lemma)
        if lower in forms.get("VBD", ()) and lower not in forms.get("VB", ()) + forms.get("VBP", ()):
            return lemma
    return None


def has_finite_verb(phrase: str) -> bool:
    """Whether a stretch of words holds a finite verb: an auxiliary or modal, a contraction that makes
    one ("it's", "don't"), an unambiguous simple-past or verb-only present form ("left", "expects"),
    or a subject pronoun followed by a verb ("we have").

    Used to tell a split-off fragment ("pipeline, in addition to strengthening the defence") from a
    sentence that merely lost its capital ("patients after resection should be offered …").
    """
    words = re.findall(r"[a-z’']+", phrase.lower())
    contractions = tuple(word_class("finite-contractions"))
    for index, word in enumerate(words):
        if word in _FINITE_AUXILIARIES or word.endswith(contractions):
            return True
        if past_tense_lemma(word) is not None or is_present_verb(word):
            return True
        following = word_lemmas(words[index + 1]) if index + 1 < len(words) else {}
        if word in word_class("subject-pronouns") and ("VERB" in following or "AUX" in following):
            return True
    return False


@cache
def _word_classes() -> dict[str, frozenset[str]]:
    return {name: frozenset(words) for name, words in read_yaml("word_classes.yaml").items()}


def word_class(name: str) -> frozenset[str]:
    """A closed word class from ``data/word_classes.yaml`` (articles, prepositions, modals …)."""
    return _word_classes()[name]


@cache
def _set_phrases() -> dict[str, tuple[str, ...]]:
    return {name: tuple(items) for name, items in read_yaml("set_phrases.yaml").items()}


_CLAUSE_LINKS = ("coordinators", "subordinators", "relatives")
_AUXILIARY_CLASSES = ("modals", "be-forms", "have-forms")


def _first_words(phrase: str) -> tuple[str, str]:
    words = re.findall(r"[a-z’'-]+", phrase.lower())
    return (words[0] if words else "", words[1] if len(words) > 1 else "")


def opens_subclause(phrase: str) -> bool:
    """Whether words after a full stop open a clause that belongs to the sentence before it.

    They do when they open with a conjunction or relative pronoun ("… troops. who left"), with a
    verb-only "-ing" form ("… he said. adding that …"), or with a modal or auxiliary that has no
    subject ("… decreased sharply. will also be affected"); an auxiliary followed by a subject is a
    question ("can you help") and opens a sentence of its own.
    """
    first, following = _first_words(phrase)
    if any(first in word_class(name) for name in _CLAUSE_LINKS):
        return True
    if any(first in word_class(name) for name in _AUXILIARY_CLASSES):
        opens_question = following in word_class("subject-pronouns") or following in word_class("articles")
        return not opens_question and following not in ("this", "that", "these", "those", "there")
    return is_gerund_only(first)


def opens_with_preposition(phrase: str) -> bool:
    """Whether words after a full stop open with a preposition or "to" ("… euros. in the quarter").

    A prepositional phrase set off by a comma before a clause of its own ("at the same time, it
    affects …") introduces a new sentence instead. Not so "of" ahead of a finite verb and then the
    comma: "of" opens a sentence only as such a phrase ("Of the 50 injured, 30 …"), so words that hold
    a verb before their first comma go on with the noun the stop cut off ("neither the Chief. of Staff
    nor any member can stay, and …"). Other prepositions open whole clauses ("in the country sites
    have been acquired, and …").
    """
    first = _first_words(phrase)[0]
    if first not in word_class("prepositions"):
        return False
    before, comma, after = phrase.partition(",")
    if first == "of" and has_finite_verb(before):
        return True
    return not (comma and has_finite_verb(after) and not _is_reporting_tag(after))


def _is_reporting_tag(clause: str) -> bool:
    """A short clause that attributes the sentence ("the company said", "he told reporters")."""
    words = re.findall(r"[a-z’'-]+", clause.lower())
    return 0 < len(words) <= 5 and any(word in word_class("reporting-verbs") for word in words)


def continues_clause(phrase: str) -> bool:
    """Whether words after a full stop read as the rest of the sentence before it, not a new one."""
    return opens_subclause(phrase) or opens_with_preposition(phrase)


def opens_sentence(phrase: str) -> bool:
    """Whether words after a full stop read as a sentence of their own: their main clause holds a
    finite verb, or they open with a courtesy formula ("thank you"); and they do not continue the
    sentence before. A verb after a subordinating word belongs to a subordinate clause ("longer than
    both sides had planned" has none of its own)."""
    if continues_clause(phrase):
        return False
    words = re.findall(r"[^\s]+", phrase)
    ends_main = word_class("subordinators") | word_class("relatives") | {"than", "that"}
    cut = next((i for i, w in enumerate(words) if i and w.lower().strip(",;:") in ends_main), len(words))
    return has_finite_verb(" ".join(words[:cut])) or opens_with_formula(phrase)


def is_fragment(phrase: str) -> bool:
    """Words after a full stop that neither continue the sentence before with a conjunction or
    preposition nor read as a sentence with a finite verb of their own."""
    return not continues_clause(phrase) and not opens_sentence(phrase)


def opens_coordinated_phrase(phrase: str) -> bool:
    """Whether words after a full stop open with "and", "or", "nor" or "plus" and a phrase with no finite
    verb and no bare verb known only as a verb up to the next comma ("and lower spending", not "and then
    install manual control"): the second half of a pair of nouns or adjectives,
    which joins the sentence before without the comma that a second clause takes ("and wages fell")."""
    first, _ = _first_words(phrase)
    if first not in ("and", "or", "nor", "plus"):
        return False
    rest = phrase.split(",")[0].split(None, 1)[-1]
    words = re.findall(r"[a-z’'-]+", rest.lower())
    return not has_finite_verb(rest) and not any(is_verb_only(w) and is_base_verb(w) for w in words)


def completes_clause_before(phrase: str) -> bool:
    """Whether words after a full stop that open with a bare verb ("Accept anything about …", "Sign the
    agreement", after "Not" in "will. Not negotiate") are the rest of the clause a modal or "to" left
    open before the stop, rather than a sentence of their own.

    They are not when they hold a finite verb of their own outside a closing attribution ("Fog grounded
    all flights", "Support for it has collapsed"), open with a courtesy formula ("Thank you all"), or
    open with a word that is a noun too followed by a verb form that can be its finite verb ("Demand
    remains strong", "Time ran out"): the first word is then the subject, not the bare verb. Nor when
    they open with a subordinator that is a verb too ("While my memory holds …", "While, however, the
    right is unsettled, …"): the sentence opens with its subordinate clause.
    """
    if _first_words(phrase)[0] in word_class("subordinators") - {"even"}:
        return False  # "While my memory holds …": a subordinate clause opens a sentence of its own
    main = ",".join(part for part in phrase.split(",") if not _is_reporting_tag(part))
    # Capitalised words inside are names or months ("in May"), never the clause's finite verb.
    main = " ".join(w for i, w in enumerate(main.split(" ")) if not i or w == "I" or not w[:1].isupper())
    rest = _after_bare_verb(main)
    if not rest and re.match(r"\S+[ \t]+(?:-|--|—|–)", main):
        return False  # "Answer -- write to the bank": a label before a dash, not a verb left open
    own_verb = has_finite_verb(" ".join(rest)) or opens_with_formula(main)
    if own_verb and not continues_clause(main):
        return False
    words = re.findall(r"[a-z’'-]+", phrase.lower())
    if words[:1] == ["not"]:
        words = words[1:]
    return not (len(words) > 1 and "NOUN" in word_lemmas(words[0]) and _can_be_finite(words[1]))


_WH_WORDS = frozenset("what whatever whoever whichever wherever whenever how why".split())


def _after_bare_verb(phrase: str) -> list[str]:
    """The words of the main clause after the bare verb that opens ``phrase`` (after "not" too): the
    verb itself is the one the modal wants, though "do" and "have" are finite auxiliaries elsewhere
    ("would. do whatever it takes"), and a subordinate or relative clause after it ("whatever it
    takes", "that we set") is its object, not a clause of its own; nor is what follows a dash or a
    semicolon ("can. Take cuttings; they can …")."""
    words = phrase.split()
    words = words[2:] if words[:1] and words[0].lower() == "not" else words[1:]
    ends = _WH_WORDS | word_class("subordinators") | word_class("relatives") | {"that", "than"}
    breaks = ("-", "--", "—", "–")  # a dash opens an aside, a semicolon a clause of its own
    cut = next(
        (i for i, w in enumerate(words) if w.lower().strip(",;:") in ends or w in breaks or w.endswith(";")),
        len(words),
    )
    return words[: cut + 1 if cut < len(words) and words[cut].endswith(";") else cut]


def _can_be_finite(word: str) -> bool:
    """A finite verb form, possibly a noun too ("remains", "rose"): an auxiliary, or a third-person
    present or simple past of some verb."""
    if word in _FINITE_AUXILIARIES:
        return True
    closed = word_class("articles") | word_class("determiners") | word_class("prepositions") | _PRONOUNS
    if word in closed:
        return False
    forms = (_inflections(lemma) for lemma in word_lemmas(word).get("VERB", ()))
    return any(word in tags.get("VBZ", ()) + tags.get("VBD", ()) for tags in forms)


def has_no_verb_form(phrase: str) -> bool:
    """Whether the main clause of a phrase (up to its first subordinating word, as in `opens_sentence`,
    though not one after an article or determiner: "after a while" is a noun) holds no word that could
    be a finite verb, counting forms that are nouns too ("matters", "plans"): a stricter test than
    `is_fragment`, for where a capital leaves a sentence of its own likelier."""
    words = re.findall(r"[a-z’'-]+", phrase.lower())
    ends_main = word_class("subordinators") | word_class("relatives") | {"than", "that"}
    nominal = word_class("articles") | word_class("determiners")  # "after a while": a noun, no clause
    cut = next(
        (i for i, w in enumerate(words) if i and w in ends_main and words[i - 1] not in nominal), len(words)
    )
    contractions = tuple(word_class("finite-contractions"))
    main = words[:cut]
    return not any(_can_be_finite(w) or w.endswith(contractions) for w in main) and not (
        _pronoun_before_verb(main) or opens_with_formula(phrase) or continues_clause(phrase)
    )


def is_verbless_clause(clause: str) -> bool:
    """Whether the words before a full stop, from the start of their clause (the sentence's, or the last
    conjunction, relative pronoun or "that": "they said that the plan"), hold no verb at all: no
    word that could be a finite verb even if it is a noun too ("plans", "rose"), no contraction, no
    subject pronoun before a verb's base form, no "-ing" form, no "to" before a bare verb, and no verb
    opening the clause (an imperative: "Look at the plan."). Such a clause ("The Russian gas", "the
    plan") is a noun phrase still waiting for its verb, so what follows the stop is likelier its rest
    than a sentence of its own; a single word ("Yes.", "Silence.") is an answer or an exclamation, and
    a courtesy formula ("Thank you all.") a sentence, never taken."""
    return _verbless_clause_words(clause) is not None


def is_verbless_noun_phrase(clause: str) -> bool:
    """A verbless clause (`is_verbless_clause`) that opens with an article or determiner ("The Russian
    gas", "that the new oil"): the subject of a sentence, where a heading or tagline ("Great value",
    "Case report") seldom has one."""
    words = _verbless_clause_words(clause)
    return words is not None and words[0] in word_class("articles") | word_class("determiners")


def _verbless_clause_words(clause: str) -> list[str] | None:
    """The words of the clause that ends ``clause`` if it is verbless (`is_verbless_clause`), else None."""
    words = re.findall(r"[a-z’'-]+", clause.lower())
    links = word_class("subordinators") | word_class("relatives") | word_class("coordinators") | {"that"}
    words = words[next((i + 1 for i in range(len(words) - 1, -1, -1) if words[i] in links), 0) :]
    if len(words) < 2 or opens_with_formula(clause.strip(' \t"“”‘’([')):
        return None
    contractions = tuple(word_class("finite-contractions"))
    first = word_lemmas(words[0])
    if "VERB" in first and "ADJ" not in first and words[0] not in word_class("prepositions"):
        return None  # an imperative ("Look at the plan."), though the word may be a noun too
    for before, word in pairwise(["", *words]):
        if _can_be_finite(word) or word.endswith(contractions) or is_participle(word):
            return None
        if before == "to" and is_base_verb(word):
            return None
    return None if _pronoun_before_verb(words) else words


def _pronoun_before_verb(words: list[str]) -> bool:
    """Whether a subject pronoun that takes a plain present ("we", "they") stands before a verb's base
    form ("we see", "they know") in the first clause (before "and", "but" …): a finite clause, though
    the form alone may be a noun or infinitive. A later clause ("This thing, and they fly …") may follow
    the object a preposition was cut from."""
    first_clause = words[
        : next((i for i, w in enumerate(words) if w in word_class("coordinators")), len(words))
    ]
    return any(
        first in _PLAIN_PRESENT_SUBJECTS and "VERB" in word_lemmas(second) and is_base_verb(second)
        for first, second in pairwise(first_clause)
    )


_PLAIN_PRESENT_SUBJECTS = frozenset({"i", "we", "they"})


def is_comparative_fragment(phrase: str) -> bool:
    """A verbless fragment built on a comparison ("more than 20 years", "longer than both sides had
    planned"): a comparative needs the clause it compares, so it is the rest of the sentence before."""
    words = re.findall(r"[a-z’'-]+", phrase.lower())
    return "than" in words[:4] and is_fragment(phrase)


def is_verbless_sentence(phrase: str) -> bool:
    """A verbless fragment that compares nothing ("great value for families", "acute appendicitis in a
    young adult"): a heading, tagline or elliptical sentence of its own far more often than the rest of
    the sentence before."""
    return is_fragment(phrase) and not is_comparative_fragment(phrase)


def is_gerund_only(word: str) -> bool:
    """A verb's "-ing" form that is nothing else ("adding", not "building" or "morning")."""
    lemmas = word_lemmas(word)
    if set(lemmas) != {"VERB"}:
        return False
    return any(word.lower() in _inflections(lemma).get("VBG", ()) for lemma in lemmas["VERB"])


def is_present_verb(word: str) -> bool:
    """A verb-only third-person present form ("expects"; not "plans", which is a noun too, nor "does")."""
    lower = word.lower()
    lemmas = word_lemmas(lower)
    if set(lemmas) != {"VERB"} or lower in _FINITE_AUXILIARIES:
        return False
    return any(lower in _inflections(lemma).get("VBZ", ()) for lemma in lemmas["VERB"])


def is_past_participle(word: str) -> bool:
    """A verb's past participle ("made", "injured"), regular forms included."""
    lower = word.lower()
    return any(lower in inflection(lemma, "VBN") for lemma in word_lemmas(lower).get("VERB", ()))


def is_participle(word: str) -> bool:
    """A past participle or an "-ing" form: what follows a passive or progressive auxiliary."""
    lower = word.lower()
    return is_past_participle(lower) or any(
        lower in inflection(lemma, "VBG") for lemma in word_lemmas(lower).get("VERB", ())
    )


def strands_of(word: str) -> bool:
    """Whether "of" after ``word`` may end a sentence, its object moved before it by a relative clause
    or a question ("something we can be proud of.", "the best I ever heard of."): after an adjective or
    a verb that takes "of" ("proud", "heard", "thought"), never a noun or a quantifier ("the head of",
    "most of"), whose "of" wants its object after it."""
    lower = word.lower()
    lemmas = word_lemmas(lower)
    closed = word_class("indefinite-pronouns") | word_class("determiners") | word_class("articles")
    if lemmas and lower not in closed and "NOUN" not in lemmas:
        return True
    return is_marked_participle(lower)


def is_marked_participle(word: str) -> bool:
    """A past participle unlike its verb's base form ("thought" of "think", "used"), though it may be a
    noun or adjective too: "a danger never thought of.", "a custom to get used to." The participle is
    the likelier reading, and a preposition after it is stranded by a relative clause or an infinitive
    far more often than cut from its object; a participle spelt like its base ("cut", "set") is as likely
    the noun ("the cut of")."""
    lower = word.lower()
    return is_past_participle(lower) and lower not in word_lemmas(lower).get("VERB", ())


def opens_verb_phrase(phrase: str) -> bool:
    """Whether words open with a verb that cannot start a statement: "Were injured" (a passive or
    progressive auxiliary before a participle), "Expects" (a verb-only present form) or "fell" (a
    simple past that is no participle).

    Not a courtesy formula ("Thanks to the leadership of …", "Thanks for coming"), and not a verb whose
    subject follows it: the inversion of a quotation's tag or of old narrative ("Says I", "said he"),
    told by a pronoun that is only ever a subject ("it" and "you" may be objects: "Expects it to"), or
    a verb of saying before a name and the comma or colon that opens the quotation ("Says Keys:")."""
    words = phrase.split()
    if not words or opens_with_formula(phrase):
        return False
    first = words[0].lower()
    if first in (word_class("be-forms") | word_class("have-forms")) - {"be", "been", "being"}:
        return len(words) > 1 and is_participle(words[1])
    inverted = len(words) > 1 and is_subject_only_pronoun(words[1].strip(",;:"))
    quoted = (
        len(words) > 1
        and words[1][:1].isupper()
        and phrase.endswith((",", ":"))
        and bool(set(word_lemmas(first).get("VERB", ())) & word_class("quotative-verbs"))
    )
    return (is_present_verb(first) or _is_bare_past(words[0])) and not inverted and not quoted


_PREDICATE_AUXILIARIES = frozenset(
    "is are was were has does did will would can could may might must shall "
    "isn't aren't wasn't weren't hasn't doesn't didn't won't wouldn't can't couldn't".split()
)
"""Finite auxiliaries that open a predicate. Not "do", "have" or "am", which open imperatives ("Do not
touch", "Have a seat") or follow "I" alone; not "had" or "should", which open an inverted condition
("Had circumstances allowed, …", "Should enlarged funds be needed, …") and a subject dropped in
speech ("Had to stop", "Should have known"), whatever follows."""


def opens_predicate(sentence: str) -> bool:
    """Whether the words after a full stop, up to the end of their sentence, open with a finite verb and
    no subject before it, and ask nothing ("?"): what `opens_verb_phrase` takes ("Were injured",
    "Expects") unless a name follows the verb (an inverted tag: "Says Keys:"), or a finite auxiliary or
    modal ("Was unrealistic", "Will cost more", "Did not work") whose next word is no subject, which
    would make it a question or an inverted condition ("Was it …", "Were circumstances different, …",
    "Will there be …", "May God bless …"). Used after a clause with no verb of its own ("the plan. Was
    unrealistic"), whose verb this is."""
    words = sentence.split()
    if len(words) < 2 or sentence.rstrip().endswith("?") or not words[1][:1].islower():
        return False
    if opens_verb_phrase(" ".join(words[:2]).rstrip(".!")):
        return True
    if words[0].lower().replace("’", "'") not in _PREDICATE_AUXILIARIES:
        return False
    second = words[1].strip(",;:.!").lower()
    subjects = (
        word_class("subject-pronouns")
        | word_class("articles")
        | word_class("determiners")
        | word_class("indefinite-pronouns")
        | _PRONOUNS
        | {"there"}
    )
    return second not in subjects and not is_noun_only(second)


def _is_bare_past(word: str) -> bool:
    """A simple past that is no participle ("fell", "took", "went"), so it cannot open a participle
    phrase ("Founded in 1990, the firm …"): the finite verb of a clause whose subject is before the stop.
    Capitalised, only a word known solely as a verb: "Rose", "Saw" may be a name or a noun."""
    lower = word.lower()
    if past_tense_lemma(lower) is None or is_past_participle(lower):
        return False
    return word.islower() or set(word_lemmas(lower)) == {"VERB"}


def splits_adjective_from_noun(phrase: str) -> bool:
    """Whether two words across a stop are an adjective and the lone noun it qualifies ("plastic. case",
    "wooden. stand"): the adjective (never a verb form, so not "hospitalized. patients") wants a head
    noun, and the noun after the stop is one. MT leaves such a stop where the source abbreviated the
    adjective ("пластик. корпус"); the stray stop goes, not the noun."""
    words = re.findall(r"[A-Za-z][a-z-]*", phrase)
    if len(words) != 2:
        return False
    before, after = word_lemmas(words[0].lower()), word_lemmas(words[1].lower())
    return "ADJ" in before and "VERB" not in before and "NOUN" in after


def is_adjective_only(word: str) -> bool:
    """A word known as an adjective and never as a noun ("symbiotic", "larger", "very"), nor a quantity
    that stands for its noun ("few", "little"): an article before it still waits for the noun it
    qualifies, so "a symbiotic." ends no sentence, where "a constant." or "a whole." may."""
    lower = word.lower()
    lemmas = word_lemmas(lower)
    quantities = word_class("indefinite-pronouns") | {"little"}
    return "ADJ" in lemmas and "NOUN" not in lemmas and lower not in quantities


def is_bound_preposition(word: str) -> bool:
    """A preposition that is no adverb particle ("from", "with", "of", "than", "to"): it ends a sentence
    only where a question or relative clause strands it ("where he came from")."""
    lower = word.lower()
    return lower in word_class("prepositions") and lower not in word_class("particles")


def needs_complement(word: str) -> bool:
    """A word that leaves its clause open: a preposition that is no adverb particle ("from", "with",
    "than"), "to", "not", a modal, or a form of "be" or "have". Each wants what follows it (an object, a
    verb, a complement), so a full stop after one ends a sentence only where that was said before
    ("I hope not.", "as it is."), and a verbless fragment after that stop is what it wanted."""
    lower = word.lower()
    if lower in word_class("prepositions"):
        return is_bound_preposition(lower)
    closed = ("modals", "be-forms", "have-forms")
    return lower in ("to", "not") or any(lower in word_class(name) for name in closed)


def is_subject_only_pronoun(word: str) -> bool:
    """A pronoun that is only ever a subject ("I", "he", "she", "we", "they"; not "it" or "you", which
    are objects too): it wants its verb after it."""
    lower = word.lower()
    return lower in word_class("subject-pronouns") and lower not in ("it", "you")


def is_verb_only(word: str) -> bool:
    """A word known only as a verb ("get", "performs", "went"), or an auxiliary or modal: never the
    noun, adjective or adverb that a verbless sentence opens with."""
    lower = word.lower()
    return lower in _FINITE_AUXILIARIES or set(word_lemmas(lower)) == {"VERB"}


@cache
def _time_units() -> frozenset[str]:
    data = read_yaml("time_expressions.yaml")
    return frozenset(data["units"]) | frozenset(data["ago-only-units"])


def is_time_word(word: str) -> bool:
    """A unit of time, singular or plural ("day", "weeks", "moments"; data/time_expressions.yaml): "the
    day after.", "two years before." end sentences, the preposition an adverb of the time."""
    lower = word.lower()
    return lower in _time_units() or (lower.endswith("s") and lower[:-1] in _time_units())


_COMPARING = frozenset("as than so too how what whatever however where when why wherever whether".split())


def is_plain_clause(clause: str) -> bool:
    """Whether the last clause of ``clause`` (after its last conjunction or "that") is a plain
    statement, not one that compares or asks ("as", "than", "so", "what", "how", "whether" …) or a
    relative clause ("which", "who"): those may end on a bare auxiliary by ellipsis ("as prices are.",
    "what the risks are.", "more than costs were.")."""
    words = re.findall(r"[a-z’'-]+", clause.lower())
    links = word_class("subordinators") | word_class("relatives") | word_class("coordinators") | {"that"}
    last = next((w for w in reversed(words) if w in links or w in _COMPARING), None)
    return bool(words) and last not in _COMPARING | word_class("relatives")


def is_subject_word(word: str) -> bool:
    """A word that can be the subject of the verb after it: a subject pronoun or a noun."""
    lower = word.lower()
    return lower in word_class("subject-pronouns") or "NOUN" in word_lemmas(lower)


def is_middle_initial(phrase: str) -> bool:
    """Whether "a." stands between two words no lexicon knows ("william a. martinelli"): a name's middle
    initial in lower-case text, not an article cut from its noun ("has a. long history"), whose word
    before is a verb or preposition and whose word after is an adjective or noun the lexicon knows."""
    words = phrase.split()
    return len(words) == 3 and not is_known_word(words[0]) and not is_known_word(words[2])


def is_abbreviated(word: str) -> bool:
    """A listed abbreviation, or a short lower-case token no lexicon knows ("pcs", "excl", "spol"):
    product lists and untranslated text abbreviate freely, and a full stop after such a token ends
    no sentence."""
    if is_abbreviation(word):
        return True
    return len(word) <= 4 and word.isalpha() and word.islower() and not is_known_word(word)


def is_agency_credit(word: str) -> bool:
    """A news agency credit ("dpa", "afp"): wire copy is signed with one, often in lower case."""
    return word.lower() in _set_phrases()["agency-credits"]


def is_credit(word: str) -> bool:
    """A news agency credit or a chat sign-off ("dpa", "thx"), which may follow a full stop in lower
    case at the end of a story or message."""
    phrases = _set_phrases()
    return word.lower() in phrases["agency-credits"] or word.lower() in phrases["sign-offs"]


def opens_with_formula(phrase: str) -> bool:
    """Whether a phrase opens with a courtesy formula that is a sentence of its own ("thank you"): its
    words are the formula's, or begin with them and a space."""
    lower = " ".join(re.findall(r"[a-z’'-]+", phrase.lower()))
    return (lower + " ").startswith(_formula_starts())


@cache
def _formula_starts() -> tuple[str, ...]:
    """Each courtesy formula and a space: what the words of a phrase that opens with it start with, once
    a space is put after them (one ``startswith`` in C, not a loop over the formulas in Python)."""
    return tuple(f"{formula} " for formula in _set_phrases()["courtesy-formulas"])


def lower_common(word: str) -> str:
    """The word with a lower-case first letter, unless lower-casing could spoil a name ("Holmes")."""
    return word[:1].lower() + word[1:] if is_known_word(word) else word


def is_abbreviation(word: str) -> bool:
    """A word that is conventionally written with a full stop ("etc", "Mr", "approx"), or an
    initialism written with stops ("U.S", "e.g")."""
    lower = word.lower().rstrip(".")
    return lower in _abbreviations() or _INITIALISM.fullmatch(lower) is not None


_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")


def is_abbreviation_in_setting(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a word before a full stop, is an abbreviation in its setting, though
    as a bare word it may be a word ("ill", "in", "cent"): a US state after a place and a comma ("Galena,
    Ill."), a unit after a number ("a 24-in. screen", "300 yd. long") or the "cent" of "per cent.".
    """
    lower = text[start:end].lower()
    before = text[max(0, start - 40) : start]
    if lower in word_class("state-abbreviations"):
        if _AFTER_PLACE.search(before):
            return True
        # after a place in lower-case text only where the abbreviation is no word ("hays, kan.", but
        # not "he said, ill." or "newburyport, mass.")
        return not word_lemmas(lower) and _AFTER_LOWER_PLACE.search(before) is not None
    if lower in word_class("number-units"):
        return _AFTER_NUMBER.search(before) is not None
    return lower == "cent" and _AFTER_PER.search(before) is not None


_AFTER_PLACE = re.compile(r"\b[A-Z][A-Za-z'’.-]*,[ \t]+$")
_AFTER_LOWER_PLACE = re.compile(r"\b[a-z][a-z'’.-]*,[ \t]+$")
_AFTER_NUMBER = re.compile(r"\d['\"″’”]*(?:-|[ \t]+)$")
_AFTER_PER = re.compile(r"\b[Pp]er[ \t]+$")


@cache
def _abbreviations() -> frozenset[str]:
    text = resources.files("cleaner.data").joinpath("abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower().rstrip(".")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


_PRONOUNS = frozenset("i you he she it we they me him her us them this that these those".split())
_FUNCTION_WORDS = _PRONOUNS | frozenset(
    "the a an and or but of to in on at by for with from as if than that which who whom whose".split()
)
_FINITE_AUXILIARIES = frozenset(
    "is are was were am has have had does do did will would can could shall should may might must "
    "isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't can't "
    "couldn't shouldn't cannot".split()
)


def continues_figure(pair: str) -> bool:
    """Whether the words on both sides of a full stop are number words ("billion. ninety-eight"): the
    stop cuts a figure written out in words, whose rest must not be dropped."""
    before, _, after = pair.partition(".")
    words = before.split()[-1:] + after.split()[:1]
    cardinals = word_class("cardinals")
    return len(words) == 2 and all(word.lower().split("-")[0] in cardinals for word in words)


def are_successive_years(pair: str) -> bool:
    """Whether a pair of numbers around a slash ("2017 / 18", "2022 / 2023") is a year and the next one,
    written in full or by its last two digits: a season or an academic year, never a ratio or a gene's
    variants ("FGFR 2 / 3")."""
    numbers = re.findall(r"\d+", pair)
    if len(numbers) != 2 or len(numbers[0]) != 4:
        return False
    year, following = int(numbers[0]), numbers[1]
    return int(following) == (year + 1 if len(following) == 4 else (year + 1) % 100)


def is_ascending_range(pair: str) -> bool:
    """Whether the second of two numbers ("13... 15", "-5... -3") is the greater: a range from one to the
    other, where a countdown ("3... 2") or a pause between figures counts down or repeats."""
    numbers = [float(number.replace("−", "-")) for number in re.findall(r"[-−]?\d+(?:\.\d+)?", pair)]
    return len(numbers) == 2 and numbers[0] < numbers[1]


def ends_glued_to_word(clause: str) -> bool:
    """Whether ``clause`` ends with a lower-case word of four letters or more and a hyphen ("the return
    season-") that is neither part of a longer compound ("state-of-the-") nor a prefix English hyphenates
    to a capital ("anti-", "the then-": ``hyphen-prefixes`` in the word classes)."""
    word = clause.rsplit(None, 1)[-1][:-1] if clause.strip() else ""
    return len(word) >= 4 and word.isalpha() and word.islower() and word not in word_class("hyphen-prefixes")


def is_idiomatic_repeat(clause: str) -> bool:
    """Whether the "X and X" ("X or X") that ``clause`` ends with is English's own repetition rather than
    a doubled conjunct: a word repeated for emphasis, duration or in an idiom ("again and again", "years
    and years", "neck and neck", "closer and closer", "laughed and laughed", "rustling and rustling"), a
    function word ("But, but and but."), the third of a rhetorical triple ("Location, location and
    location"), two ranks of one title ("deputy director and director"), a chain or a fixed phrase by the
    word before it ("tax and tax and spend and spend", "between man and man")."""
    words = clause.split()
    size = next((n for n in (2, 1) if len(words) > 2 * n and words[-n:] == words[-2 * n - 1 : -n - 1]), 1)
    lead = [word.lower() for word in words[: -2 * size - 1]]
    if lead and (
        lead[-1] in _REPEAT_LEADS
        or lead[-1] in word_class("rank-modifiers")
        or lead[-1].rstrip(",") == words[-1].lower()
    ):
        return True
    word = words[-1].lower()
    if word in _FUNCTION_WORDS or any(word in word_class(name) for name in _CLOSED_CLASSES):
        return True  # "But, but and but." repeats a word, it coordinates nothing
    lemmas = word_lemmas(word)
    return any(
        word in inflections(lemma, upos).get(tag, ())
        for upos, tag in _EMPHATIC_FORMS
        for lemma in lemmas.get(upos, ())
        if upos != "VERB" or word not in lemmas.get("ADJ", ())  # "tired and tired" is no narration
    )


_REPEAT_LEADS = frozenset({"and", "or", "between", "no", "not"})
"""Words before "X and X" that make it a chain ("tax and tax and spend and spend") or an idiom ("between
man and man", "no growth and growth")."""
_CLOSED_CLASSES = (
    "emphatic-repeats",
    "coordinators",
    "subordinators",
    "prepositions",
    "modals",
    "determiners",
)
_EMPHATIC_FORMS = (("ADJ", "JJR"), ("ADV", "RBR"), ("VERB", "VBD"), ("VERB", "VBG"))


PREDICATES: dict[str, Callable[[str], bool]] = {
    "verb-base": is_base_verb,
    "noun-only": is_noun_only,
    "known-word": is_known_word,
    "middle-initial": is_middle_initial,
    "dictionary-word": is_dictionary_word,
    "abbreviation": is_abbreviation,
    "adverb-only": lambda word: set(word_lemmas(word.lower())) == {"ADV"},
    "time-word": is_time_word,
    "plain-clause": is_plain_clause,
    "conjunction": lambda word: any(word.lower() in word_class(name) for name in _CLAUSE_LINKS),
    "pronoun": lambda word: word.lower() in _PRONOUNS | word_class("indefinite-pronouns"),
    "past-tense": lambda word: past_tense_lemma(word) is not None,
    "finite-clause": has_finite_verb,
    "continues-clause": continues_clause,
    "opens-subclause": opens_subclause,
    "coordinated-phrase": opens_coordinated_phrase,
    "opens-with-preposition": opens_with_preposition,
    "opens-sentence": opens_sentence,
    "fragment": is_fragment,
    "completes-clause-before": completes_clause_before,
    "comparative-fragment": is_comparative_fragment,
    "verbless-sentence": is_verbless_sentence,
    "formula": opens_with_formula,
    "abbreviated": is_abbreviated,
    "credit": is_credit,
    "participle": is_participle,
    "past-participle": is_past_participle,
    "present-verb": is_present_verb,
    "opens-verb-phrase": opens_verb_phrase,
    "opens-predicate": opens_predicate,
    "strands-of": strands_of,
    "subject-word": is_subject_word,
    "subject-only-pronoun": is_subject_only_pronoun,
    "verb-only": is_verb_only,
    "needs-complement": needs_complement,
    "bound-preposition": is_bound_preposition,
    "no-verb-form": has_no_verb_form,
    "verbless-clause": is_verbless_clause,
    "verbless-noun-phrase": is_verbless_noun_phrase,
    "adjective-noun": splits_adjective_from_noun,
    "adjective-only": is_adjective_only,
    "noun": lambda word: "NOUN" in word_lemmas(word.lower()),
    "can-be-verb": lambda word: "VERB" in word_lemmas(word.lower()),
    "gerund-only": lambda word: is_gerund_only(word.lower()),
    "continues-figure": continues_figure,
    "successive-years": are_successive_years,
    "ascending-range": is_ascending_range,
    "article": lambda word: word.lower() in word_class("articles"),
    "determiner": lambda word: word.lower() in word_class("determiners") | word_class("articles"),
    "speech-verb": lambda word: word.lower() in word_class("reporting-verbs") | word_class("speech-verbs"),
    "reporting-verb": lambda word: word.lower() in word_class("reporting-verbs"),
    "glued-to-word": ends_glued_to_word,
}
"""Named tests on a match group that rules use in ``where:``; prefix a name with ``!`` to negate it."""
