"""Untranslated fragments: text in another writing system left inside an English article.

An MT system that cannot translate a word, a name or a whole sentence often copies it from the source:
"The 国务院 said on Monday", a paragraph left in Russian. Which writing system a character belongs to
is the Unicode Script property, read with the ``regex`` module (``\\p{Script=…}``), not from hand-made
code-point tables.

What is reported, once per run (letters of one or more foreign scripts, with the spaces, digits and
punctuation between them):

- a run of letters of any script other than Latin: CJK, Cyrillic, Hebrew, Arabic, Thai, Devanagari …;
- a lone letter of such a script among Latin letters or digits that looks like no Latin letter (one
  that does, "°С", "р=0.001", is ``typography.look-alike-letter``'s, with the Latin letter as repair);
- CJK punctuation ("、", "。", a lone "」") left in English text, with its English counterpart as an
  unsafe repair. (Full-width forms such as "，" are ftfy's and ``typography.unicode-damage``'s business.)

What is left alone, to stay quiet on sound English:

- Greek letters used as symbols: up to ``symbol-letters`` Greek letters in a row (μg, α-synuclein,
  π, Ω, γδ T cells);
- a gloss in brackets, the convention for a name in its own script: "Kyiv (Київ)";
- a single quoted word, as when an article discusses a word or a sign: the word "дача";
- a pair of CJK brackets around English on one line ("【Official】 LOHACO", "《2022 latest version》"):
  a headline convention of the Japanese or Chinese source that the translation kept, which readers take
  in their stride (held-out WMT23 outputs from four systems carry dozens); only a lone bracket is damage;
- a text that is largely in other scripts (a bilingual document, or not an English one): when foreign
  letters are ``foreign-share`` or more of its letters, weighing a CJK character as ``cjk-weight``
  Latin letters (a Chinese character carries about as much as a short English word).

Letter runs get no repair: a translation is for a person to write.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.detectors.look_alike import in_latin_token, latin_look_alike
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

if TYPE_CHECKING:
    import regex

_FOREIGN = r"(?:[^\P{L}\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]|\u3007)"
"""A letter of a script other than Latin (Common-script letters such as µ and ー are not), or the Han
zero "〇", a number to Unicode but a letter to readers (Japanese writes "〇〇" for "so-and-so")."""
_CJK_PUNCTUATION = "、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛"
_BETWEEN = rf"[ \t\u3000\p{{P}}\p{{N}}\p{{S}}{_CJK_PUNCTUATION}\u30fc\u30fb\u3005]"
"""What may stand between the letters of one run: spaces, digits, punctuation, the katakana length mark."""


class _Scripts(NamedTuple):
    """The patterns that need Unicode's script properties (``regex``), compiled for the first text that
    may hold a foreign letter (``TextAnalysis.first_maybe_foreign``): most articles hold none."""

    run: regex.Pattern[str]
    letter: regex.Pattern[str]
    cjk: regex.Pattern[str]
    greek: regex.Pattern[str]
    word: regex.Pattern[str]
    latin_word: regex.Pattern[str]


@cache
def _scripts() -> _Scripts:
    import regex

    return _Scripts(
        run=regex.compile(rf"{_FOREIGN}(?:\p{{M}}|{_BETWEEN}{{0,3}}{_FOREIGN})*"),
        letter=regex.compile(rf"{_FOREIGN}"),
        cjk=regex.compile(r"\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}"),
        greek=regex.compile(r"\p{Script=Greek}"),
        word=regex.compile(r"\p{L}+"),
        latin_word=regex.compile(r"\p{Script=Latin}+"),
    )


_PUNCTUATION = re.compile(f"[{_CJK_PUNCTUATION}]")
_ENGLISH_PUNCTUATION = {
    "、": ",",
    "。": ".",
    "「": "“",
    "」": "”",
    "『": "‘",
    "』": "’",
    "《": "“",
    "》": "”",
    "〈": "‘",
    "〉": "’",
}
_BRACKETS = dict(zip("【《〈「『〔〖〘〚", "】》〉」』〕〗〙〛", strict=True))
"""CJK brackets, opener to closer."""
_BRACKET_OPENERS = re.compile(f"[{''.join(_BRACKETS)}]")
_OPENING = "([{（［"
_CLOSING = ")]}）］"
_QUOTES = "\"'“”‘’«»„‹›「」『』"
_MERGE_GAP = re.compile(r"[^\n]{0,12}")

_UNTRANSLATED = "text left untranslated"
SCRIPT_NAMES = {"CJK": "Chinese/Japanese (Han)", "HANGUL": "Korean (Hangul)"}


class ForeignScriptDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "foreign-script")
        options = self.rule.options
        self.symbol_letters = int(options.get("symbol-letters", 2))
        self.foreign_share = float(options.get("foreign-share", 0.3))
        self.cjk_weight = float(options.get("cjk-weight", 3))

    def warm_up(self) -> None:
        """Loads now what the first text that needs it would load (see ``Checker.warm_up``)."""
        _scripts()

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        first = analysis.first_maybe_foreign
        if first is None:
            return
        runs = [
            (match.start(), match.end(), self._describe(text, *match.span()))
            for match in _scripts().run.finditer(text, first)
        ]
        runs = [run for run in runs if run[2] is not None]
        if runs and self._largely_foreign(text):
            return
        reported = [
            (*_with_punctuation(text, start, end), what) for start, end, what in self._merge(runs, text)
        ]
        for start, end, what in reported:
            yield self._finding(what, text[start:end], start, end)
        paired = _paired_brackets(text, first)
        for match in _PUNCTUATION.finditer(text, first):
            start, end = match.span()
            if start in paired or any(s <= start < e for s, e, _ in reported):
                continue
            replacement = _ENGLISH_PUNCTUATION.get(match.group())
            fixes: tuple[Fix, ...] = ()
            if replacement is not None:
                if replacement in ",." and end < len(text) and not text[end].isspace():
                    replacement += " "
                fixes = (Fix(start, end, replacement, Applicability.UNSAFE),)
            yield self._finding("Punctuation of a CJK text", match.group(), start, end, fixes)

    @staticmethod
    def _merge(runs: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
        """One finding for foreign text broken by a short Latin token ("据 Reuters 报道"); lone look-alike
        letters stay findings of their own."""
        merged: list[tuple[int, int, str]] = []
        for start, end, what in runs:
            if merged and merged[-1][2] == what and what.endswith(_UNTRANSLATED):
                gap = text[merged[-1][1] : start]
                if _MERGE_GAP.fullmatch(gap) and len(_scripts().latin_word.findall(gap)) <= 1:
                    merged[-1] = (merged[-1][0], end, what)
                    continue
            merged.append((start, end, what))
        return merged

    def _largely_foreign(self, text: str) -> bool:
        foreign = cjk = 0
        scripts = _scripts()
        for match in scripts.letter.finditer(text):
            foreign += 1
            cjk += bool(scripts.cjk.match(match.group()))
        weighted = foreign - cjk + cjk * self.cjk_weight
        latin = sum(map(str.isalpha, text)) - foreign
        return weighted >= self.foreign_share * (weighted + latin)

    def _describe(self, text: str, start: int, end: int) -> str | None:
        """What the run is, for the message; None for a run that is fine where it stands."""
        scripts = _scripts()
        letters = scripts.letter.findall(text, start, end)
        if all(scripts.greek.match(letter) for letter in letters) and all(
            len(word) <= self.symbol_letters for word in scripts.word.findall(text, start, end)
        ):
            return None
        before = text[max(0, start - 4) : start].rstrip(" ")[-1:]
        after = text[end : end + 4].lstrip(" ")[:1]
        if before and after and before in _OPENING and after in _CLOSING:
            return None
        if before and after and before in _QUOTES and after in _QUOTES and _one_word(text[start:end]):
            return None
        script = _script_name(letters[0])
        if len(letters) == 1 and not scripts.cjk.match(letters[0]) and in_latin_token(text, start, end):
            if latin_look_alike(letters[0]) is not None:
                return None  # typography.look-alike-letter's
            name = unicodedata.name(letters[0], script)
            return f"A lone {script} letter among Latin ones ({name}: a look-alike of a Latin letter?)"
        return f"{script} {_UNTRANSLATED}"

    def _finding(self, what: str, found: str, start: int, end: int, fixes: tuple[Fix, ...] = ()) -> Finding:
        return self.rule.finding(self.rule.message.format(what=what, found=found), start, end, fixes)


def _paired_brackets(text: str, first: int) -> set[int]:
    """Offsets of the CJK brackets that open and close on one line around text with no foreign letter."""
    paired: set[int] = set()
    for match in _BRACKET_OPENERS.finditer(text, first):
        opener = match.start()
        line_end = text.find("\n", opener)
        closer = text.find(_BRACKETS[match.group()], opener + 1, len(text) if line_end == -1 else line_end)
        if closer != -1 and closer not in paired and not _scripts().letter.search(text, opener + 1, closer):
            paired.update((opener, closer))
    return paired


def _with_punctuation(text: str, start: int, end: int) -> tuple[int, int]:
    """The run with the CJK punctuation around it ("「…」", "…。"): one finding, not three."""
    while start > 0 and text[start - 1] in _CJK_PUNCTUATION:
        start -= 1
    while end < len(text) and text[end] in _CJK_PUNCTUATION:
        end += 1
    return start, end


def _one_word(run: str) -> bool:
    return not any(char.isspace() for char in run) and (not _scripts().cjk.match(run) or len(run) <= 4)


def _script_name(letter: str) -> str:
    """The script's name as Unicode character names start with it ("CYRILLIC SMALL LETTER ER")."""
    first = unicodedata.name(letter, "FOREIGN").split()[0]
    return SCRIPT_NAMES.get(first, first.title())
