"""Tense against time: a verb whose tense a finished-past time expression in its own clause contradicts.

"Police have arrested him yesterday", "the ministers will meet last week", "last week the central bank
raises rates": MT systems write these when the source language marks tense by the time word alone. The
verb must be past, so the repair is the simple past by inflection ("arrested", "met", "raised"); it is
`unsafe`, since the time may be what is wrong instead.

Each rule (``rules/tense/*.yaml`` with ``detector: tense-time``) names the verb form it checks in
``options: verb:`` (``perfect``, ``future`` or ``present``); this one detector serves them all, because
they share the expensive part: finding a time expression's clause and the verb that governs it.

The verb that governs a time expression is, in one clause (``tense_words.is_boundary``):
- for an expression that opens the sentence ("Yesterday, police have …"), the first verb after it;
- otherwise the nearest verb group before it, with no other verb between (a participle or an infinitive
  between has a time of its own: "has criticised the plan announced yesterday", "has agreed to meet …");
  and when a finite verb follows the expression in the same clause, the expression is that verb's
  subject or adjunct ("he says last week was hard") and nothing is flagged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.detectors.tense_words import (
    BE,
    BE_PRESENT,
    DO,
    MODALS,
    PERFECT_AUX,
    PREPOSITIONS,
    SUBJECT_PRONOUNS,
    TIME_KINDS,
    Tense,
    TimeExpression,
    Token,
    VerbGroup,
    determiners,
    estimate_participles,
    find_times,
    group_at,
    is_adverb,
    is_boundary,
    is_clause_time,
    is_only_verb,
    is_plural_noun,
    load_patterns,
    noun_prepositions,
    past_repairs,
    present_exempt,
    sentence_around,
    tokenize,
    verb_follows,
    verb_groups,
    verb_lemma,
)
from cleaner.findings import Applicability, Finding, Fix
from cleaner.lexicon import (
    inflection,
    is_past_participle,
    is_subject_only_pronoun,
    past_tense_lemma,
    word_class,
    word_lemmas,
)
from cleaner.ruleset import Rule, RuleError

_OPENING = frozenset("\"“‘'([—–-")
_FINAL = frozenset(".!?")


class TenseTimeDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: dict[Tense, Rule] = {}
        self.kinds: dict[Tense, frozenset[str]] = {}
        for rule in rules:
            try:
                tense = Tense(str(rule.options.get("verb", "")))
            except ValueError:
                tense = Tense.OTHER
            if tense is Tense.OTHER or tense in self.rules:
                raise RuleError(f"{rule.origin}: options.verb must be one of perfect, future, present once")
            kinds = frozenset(str(kind) for kind in rule.options.get("times", TIME_KINDS))
            if not kinds <= set(TIME_KINDS):
                raise RuleError(f"{rule.origin}: options.times holds only {', '.join(TIME_KINDS)}")
            self.rules[tense] = rule
            self.kinds[tense] = kinds
        self.weekdays = any("weekday" in kinds for kinds in self.kinds.values())
        first = rules[0].options if rules else {}
        self.max_gap = int(first.get("max-gap-words", 8))
        self.max_subject = int(first.get("max-subject-words", 6))

    def warm_up(self) -> None:
        """Loads now what the first text that needs it would load (see ``Checker.warm_up``)."""
        load_patterns()

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        times = find_times(text, self.weekdays)
        if not times:
            return  # the common case: no finished-past time anywhere
        by_sentence: dict[tuple[int, int], list[TimeExpression]] = {}
        for time in times:
            by_sentence.setdefault(sentence_around(text, time.start, time.end), []).append(time)
        for (start, end), sentence_times in by_sentence.items():
            tokens = tokenize(text, start, end)
            index_at = {token.start: index for index, token in enumerate(tokens)}
            headline = not _ends_sentence(tokens)
            reported: set[int] = set()
            for time in sentence_times:
                index = index_at.get(time.start)
                if index is None or not is_clause_time(tokens, index):
                    continue
                found = self._governing(tokens, time)
                if found is None:
                    continue
                group, fronted = found
                rule = self.rules.get(group.tense)
                if rule is None or group.first in reported or time.kind not in self.kinds[group.tense]:
                    continue
                if group.tense is Tense.PRESENT and headline:
                    continue  # "Bank raises rates" as a title: headlines narrate in the present
                if (
                    group.tense is Tense.PRESENT
                    and _present_lemma(tokens[group.first].lower) in present_exempt()
                ):
                    continue  # "Last year I remember the floods": a present view of the past
                if (
                    group.tense is Tense.PRESENT
                    and not _first_person(tokens, group)
                    and _narrated_in_present(text, start, end)
                ):
                    continue  # "The film opens in 1985. In 1986, the brothers are reunited."
                reported.add(group.first)
                yield self._finding(rule, text, tokens, group, time, fronted)

    def _governing(self, tokens: list[Token], time: TimeExpression) -> tuple[VerbGroup, bool] | None:
        """The verb group that ``time`` dates, and whether the time opens the sentence."""
        first = next(i for i, token in enumerate(tokens) if token.start >= time.start)
        after = next((i for i, token in enumerate(tokens) if token.start >= time.end), len(tokens))
        opening = all(not token.is_word and token.text in _OPENING for token in tokens[:first])
        if opening:
            index = after + 1 if after < len(tokens) and tokens[after].text == "," else after
            group = self._first_group(tokens, index)
            if group is None or group.first == index:
                return None  # "Yesterday marks the anniversary": the time is the subject
            group = _be_present(tokens, group)  # "Last year, Ryan is on duty", "In 1997, Alice is sentenced"
            if group.tense is Tense.PRESENT and (
                _parenthetical(tokens, group.last + 1) or _finite_follows(tokens, group.last + 1)
            ):
                return None  # "A year ago, she says, the factory closed": the time is the reported verb's
            return group, True
        start = first
        while start > 0 and not is_boundary(tokens, start - 1):
            start -= 1
        groups = verb_groups(tokens, start, first)
        # "the steps we take last year", "I recommend to Congress last year": a base-form present after
        # its pronoun subject, when no other verb comes after it
        after_last = groups[-1].last + 1 if groups else start
        bases = [i + 1 for i in range(after_last, first - 1) if _base_present(tokens, i)]
        if bases:
            groups.append(VerbGroup(Tense.PRESENT, bases[-1], bases[-1]))
        if not groups:
            return None
        # Not a present of "be" here: its complement is a noun phrase the time may date ("we are
        # disappointed at the appropriations last year", "is below the level in 2019").
        group = groups[-1]
        between = [token for token in tokens[group.last + 1 : first] if token.is_word]
        if len(between) > self.max_gap:
            return None
        if any(token.lower in noun_prepositions() for token in between) and not _destination(between):
            return None  # "tried for the murder last year": the time may date the noun
        anniversary = after < len(tokens) and tokens[after].lower in _NOW
        if (
            tokens[group.first].lower in BE_PRESENT
            and not anniversary
            and (
                (not between and (time.kind != "in_year" or _compared(tokens, group.first)))
                or (time.kind != "in_year" and _predicative(between))
            )
        ):
            # "stronger than it is two years ago", "it is five years ago that …", "less than it is in
            # 1929", "the mood is calm yesterday": with no complement between but an adjective, the
            # time is what "is" says of its subject; but "is in 2019" may place a record ("the first
            # use is in 1850"), unless it ends a comparison, and "is higher in 2019" may read a table
            group = VerbGroup(Tense.PRESENT, group.first, group.last)
        elif group.tense is Tense.PRESENT and not between and not _adjunct_time(tokens, group, time, after):
            return None
        if time.kind == "weekday" and any(token.lower in _HABIT for token in tokens):
            return None  # "have always voted on Tuesday", "has met on Monday every week"
        if group.tense is Tense.PRESENT and time.kind == "in_year" and _possessive(between):
            return None  # "as we approach our anniversary in 1976": "in" dates the noun
        if _clause_between(tokens, group.last + 1, first):
            return None  # "the trends he set 150 years ago", "their work done weeks ago": its own verb
        if verb_follows(tokens, after):
            return None
        return group, False

    def _first_group(self, tokens: list[Token], index: int) -> VerbGroup | None:
        """The first verb of the clause that starts at ``index``, after a subject of a few words."""
        for position in range(index, min(len(tokens), index + self.max_subject + 1)):
            if is_boundary(tokens, position):
                return None
            if _base_present(tokens, position) or (
                _plural_noun_at(tokens, position)
                and _base_verb_at(tokens, position + 1)
                and not _verb_at(tokens, position + 2)
            ):
                # "Last year we extend …", "Last year scientists locate the gene"; not "Last year farm
                # workers union members voted" (a noun before a verb is a compound)
                return VerbGroup(Tense.PRESENT, position + 1, position + 1)
            group = group_at(tokens, position, has_verb=False)
            if group is not None and group.tense is Tense.PRESENT and _verb_at(tokens, position + 1):
                continue  # "Last year, food prices have risen", "American troops served": a noun
            if group is not None:
                return group
        return None

    @staticmethod
    def _finding(
        rule: Rule, text: str, tokens: list[Token], group: VerbGroup, time: TimeExpression, fronted: bool
    ) -> Finding:
        verb_start, verb_end = tokens[group.first].start, tokens[group.last].end
        verb = text[verb_start:verb_end]
        fixes = tuple(
            Fix(verb_start, verb_end, repair, Applicability.UNSAFE) for repair in past_repairs(tokens, group)
        )
        start, end = (time.start, verb_end) if fronted else (verb_start, time.end)
        return rule.finding(rule.message.format(verb=verb, time=time.text), start, end, fixes)


_COMPARING = frozenset(("than", "as", "what"))


def _compared(tokens: list[Token], be: int) -> bool:
    """Whether "is"/"are" at ``tokens[be]`` ends a comparison after its pronoun ("less than it is",
    "as true as it is", "double what they are"): its complement is the compared one, elided."""
    pronoun = be > 1 and tokens[be - 1].lower in word_class("subject-pronouns")
    return pronoun and tokens[be - 2].lower in _COMPARING


def _predicative(between: list[Token]) -> bool:
    """Whether the words after "is" are only adjectives (which may be nouns or verbs too: "calm") and
    adverbs, one an adjective ("is calm", "is not ready", "is sufficiently potent"): no noun phrase that
    the time could date, and no judgment made now ("is hard to say", "is likely")."""
    adjective = False
    for token in between:
        lemmas = word_lemmas(token.lower)
        if token.lower in estimate_participles() or not lemmas:
            return False
        if "ADJ" not in lemmas and not set(lemmas) <= {"ADV"}:
            return False  # a noun or a verb only
        adjective = adjective or "ADJ" in lemmas
    return adjective


_HABIT = frozenset(
    "always never usually often sometimes traditionally typically generally normally regularly since "
    "every ever each".split()
)
"""Words that make a weekday a habit ("Americans have always voted on Tuesday"), not one day."""

_NOW = frozenset(("today", "now", "tonight"))
"""After a time, an anniversary: "it is a year ago today that …" says how long ago, now."""


def _adjunct_time(tokens: list[Token], group: VerbGroup, time: TimeExpression, after: int) -> bool:
    """Whether ``time``, straight after the present verb of ``group``, is that verb's time and not its
    object ("remembers last summer") or a timetable's ("the law expires in 1985", in a text of 1984).

    "… ago" is never an object: it dates a word that is only a verb ("occurs two years ago") or the
    verb of a pronoun ("we meet a year ago"), though not a word that may be a noun ("trace gases long
    ago"). "Last …" and "yesterday" may be objects ("I consider last year a success", "we compare last
    year with …"), unless the verb's clause follows them ("announces yesterday that …") or a pronoun's
    verb has them at the end of its clause ("the steps we take last year to …", "when we meet last
    year, …"). A year is never judged here."""
    if time.kind == "in_year":
        return False
    verb = tokens[group.first]
    pronoun = group.first > 0 and tokens[group.first - 1].lower in SUBJECT_PRONOUNS
    if time.kind == "ago":
        return pronoun or is_only_verb(verb.text)
    if after >= len(tokens):
        return pronoun
    return (pronoun and is_boundary(tokens, after)) or tokens[after].lower == "that"


def _clause_between(tokens: list[Token], start: int, end: int) -> bool:
    """Whether ``tokens[start:end]`` hold a clause of their own that the time may date: a subject
    pronoun ("the trends he set 150 years ago") or a participle after a noun ("the runs hit in 1927",
    the reduced relative clause: "have not equalled the work done some weeks ago"). A verb group
    before such a clause is not the one the time dates, and a "present" one is often a plural noun
    ("the style trends", "home runs"); forms alike in past and present ("set", "hit") are not known as
    past forms, so the clause is told by its subject or by the participle."""
    for index in range(start, end):
        token = tokens[index]
        if not token.is_word:
            continue
        if is_subject_only_pronoun(token.lower):
            return True
        previous = tokens[index - 1]
        if previous.is_word and previous.lower not in determiners() and is_past_participle(token.lower):
            return True
    return False


_OBJECT_PRONOUNS = frozenset(("me", "you", "him", "her", "us", "them", "it"))


def _destination(between: list[Token]) -> bool:
    """Whether the words between a verb and its time are only names, object pronouns, prepositions and
    adverbs ("has sent to Congress last year", "has written to me last spring", "has broken out of
    Folsom last night", "has introduced her to New York last season", "has directed the Secretary of
    State last February"): a name or a person has no time of its own, so the time dates the verb. A
    common noun may have one ("has praised the visit to China last week"), and so may a name that is
    a topic ("has written about Churchill in 1940": Churchill as he was then); a preposition last is
    no phrase ("entered into last year")."""
    if not between or between[-1].lower in PREPOSITIONS:
        return False
    for index, token in enumerate(between):
        word = token.lower
        if not token.is_word or word.endswith("'s"):
            return False  # "Trump's visit": the name is a possessive, its noun comes after
        if word == "of":  # only inside a name or after "out": "Secretary of State", "out of Folsom"
            previous = between[index - 1].text if index else ""
            if not (previous[:1].isupper() or previous == "out"):
                return False
            continue
        if word in PREPOSITIONS and word not in _PLACE_PREPOSITIONS:
            return False
        if word in _PLACE_PREPOSITIONS or word in _OBJECT_PRONOUNS or word == "the" or is_adverb(token.text):
            continue
        if not token.text[0].isupper():
            return False
    return True


_PLACE_PREPOSITIONS = frozenset(("to", "from", "into", "in", "at", "with", "by", "out"))
"""Prepositions before a name that say where or with whom, not what about ("about", "on", "against",
"for" make the name a topic, which a time may date)."""


_POSSESSIVES = frozenset(("its", "their", "our", "his", "her", "my", "your"))


def _possessive(between: list[Token]) -> bool:
    """A possessive among the words: an object that is someone's, which a year may date ("its benefits
    in 1964", "our 200th anniversary in 1976")."""
    return any(token.lower in _POSSESSIVES for token in between)


def _auxiliary_at(tokens: list[Token], index: int) -> bool:
    """Whether ``tokens[index]`` is an auxiliary or modal that opens a verb group."""
    if index >= len(tokens) or not tokens[index].is_word:
        return False
    word = tokens[index].lower
    return word in MODALS or word in BE or word in DO or word in PERFECT_AUX or word in ("had", "hadn't")


def _verb_at(tokens: list[Token], index: int) -> bool:
    """Whether ``tokens[index]`` is an auxiliary, a modal or a past form: a verb that the word before it
    is the subject of."""
    if _auxiliary_at(tokens, index):
        return True
    return index < len(tokens) and tokens[index].is_word and past_tense_lemma(tokens[index].text) is not None


def _finite_follows(tokens: list[Token], index: int, window: int = 5) -> bool:
    """Whether a verb that is surely finite follows within a few words of the clause: an auxiliary, a
    modal, a present in -s after its subject, or a past that is no participle ("she says the factory
    shut"). Unlike ``verb_follows`` it passes over participles and -ing forms, which after a fronted time
    belong to the present verb's object ("we are a country devoted to …", "I sign a bill promoting …")."""
    for position in range(index, min(len(tokens), index + window)):
        if is_boundary(tokens, position):
            return False
        token = tokens[position]
        if not token.is_word:
            continue
        previous = tokens[position - 1].lower if position > 0 else ""
        if previous in determiners() or previous in PREPOSITIONS:
            continue
        if _auxiliary_at(tokens, position):
            return True
        if is_only_verb(token.text) and verb_lemma(token.text, "VBZ"):
            return True  # "says", not "cuts" (a noun too: "planning cuts")
        if past_tense_lemma(token.text) and verb_lemma(token.text, "VBN") is None:
            return True
    return False


def _present_lemma(word: str) -> str:
    return verb_lemma(word, "VBZ") or verb_lemma(word, "VB") or word


def _be_present(tokens: list[Token], group: VerbGroup) -> VerbGroup:
    """``group`` as a present when it is "is"/"are" narrating, with its participle ("is sentenced")."""
    if group.tense is not Tense.OTHER or not _narrating_be(tokens, group.first):
        return group
    last = group.first + 1
    participle = last < len(tokens) and tokens[last].is_word
    participle = participle and bool(
        verb_lemma(tokens[last].text, "VBN") or verb_lemma(tokens[last].text, "VBG")
    )
    return VerbGroup(Tense.PRESENT, group.first, last if participle else group.first)


def _narrating_be(tokens: list[Token], index: int) -> bool:
    """A present of "be" after a fronted past time and its subject, narrating ("Last year, Ryan is on
    duty", "In 1997, Alice is sentenced …"); not an estimate or a judgment made now ("is estimated to
    have been", "it is hard to say")."""
    if tokens[index].lower not in BE_PRESENT or tokens[index].text[0].isupper():
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is not None and following.is_word and following.lower not in estimate_participles()


def _base_present(tokens: list[Token], index: int) -> bool:
    """A subject pronoun and a base-form present right after it ("we extend", "I outline")."""
    return tokens[index].lower in SUBJECT_PRONOUNS and _base_verb_at(tokens, index + 1)


def _plural_noun_at(tokens: list[Token], index: int) -> bool:
    """A plural noun that is no verb form ("scientists", "vessels"): a subject that takes the base form."""
    return tokens[index].is_word and tokens[index].text.islower() and is_plural_noun(tokens[index].lower)


def _base_verb_at(tokens: list[Token], index: int) -> bool:
    """A lexical verb in its base form at ``tokens[index]``, which is no past form as well."""
    if index >= len(tokens):
        return False
    verb = tokens[index]
    if not verb.is_word or not verb.text.islower() or verb.lower in MODALS:
        return False
    if verb.lower in word_class("prepositions"):  # "activities near the border": "to near" is rare
        return False
    lemma = verb_lemma(verb.text, "VB")
    if lemma is None or lemma in ("be", "have", "do") or verb.lower not in inflection(lemma, "VBP"):
        return False
    # "we put", "we set" are past as well; "I saw" is the past of "see" before it is "to saw"
    return verb_lemma(verb.text, "VBD") is None and verb_lemma(verb.text, "VBN") is None


def _first_person(tokens: list[Token], group: VerbGroup) -> bool:
    """Whether the verb's subject is "I" or "we", right before it: a speaker's own account ("Over a
    year ago I present to the Congress …"), which a synopsis or feature is not told in."""
    return group.first > 0 and tokens[group.first - 1].lower in ("i", "we")


NARRATION_REACH = 3000
"""Characters read on each side of a sentence to tell historical-present narration: a long paragraph of
news prose (some 500 words); a paragraph is almost always shorter."""
_PAST_AUXILIARIES = frozenset(("was", "were", "had", "did", "wasn't", "weren't", "hadn't", "didn't"))


def _narrated_in_present(text: str, start: int, end: int) -> bool:
    """Whether the rest of the paragraph (the line) around the sentence ``text[start:end]`` narrates in
    the present and nowhere in the past: a synopsis or feature told in the historical present ("The
    novel follows Anna. In 1938, she is 12."), where a present dated by a past time is the style. MT
    damage is a present among past narration ("Markets were calm. Last week the bank raises rates"), or
    alone; a reporting verb ("officials say") is no narration. At most ``NARRATION_REACH`` characters on
    each side are read: a text with no line breaks would otherwise be read whole for every dated present."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - NARRATION_REACH)
    window_end = min(len(text), end + NARRATION_REACH)
    line_end = text.find("\n", end, window_end)
    present = past = False
    for part_start, part_end in ((line_start, start), (end, window_end if line_end == -1 else line_end)):
        tokens = tokenize(text, part_start, part_end)
        for group in verb_groups(tokens, 0, len(tokens)):
            word = tokens[group.first].lower
            if group.tense is Tense.PRESENT:
                present = present or word not in word_class("reporting-verbs")
            elif word in _PAST_AUXILIARIES or past_tense_lemma(word) is not None:
                past = True
    return present and not past


def _parenthetical(tokens: list[Token], index: int) -> bool:
    """Whether the verb group before ``index`` is set off by a comma or dash ("she says, …")."""
    return index < len(tokens) and tokens[index].text in {",", "—", "–", "-"}


def _ends_sentence(tokens: list[Token]) -> bool:
    """Whether the sentence ends with a full stop, question or exclamation mark (a headline does not)."""
    for token in reversed(tokens):
        if token.is_word:
            return False
        if token.text in _FINAL:
            return True
    return False
