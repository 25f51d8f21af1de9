"""Numbers as a source writes them and as the English translation writes them, compared by value.

Each number is read into the set of values it may stand for, so that different ways of writing one
quantity meet: "1.234,5" (German) and "1,234.5"; "1 234" and "1,234"; "2,5 Mio." and "2.5 million" (both
2.5 and 2,500,000); "250万", "两百五十万" and "2.5 million"; "17 Uhr" and "5 p.m."; "drei" and "3" and
"third".
Separators, scale words ("Mio.", "万", "million": CLDR's compact number formats) and number words
(CLDR's spell-out rules, through unicode-rbnf) come from CLDR through Babel, for any language it knows.

What is not compared, because a faithful translation often drops or rewrites it: 0 and 1 ("a", "no");
numbers inside words and names ("Covid-19", "G7", "MH17"), URLs, e-mail addresses and tags; the parts
of a date (a source's "12日" may become "on Sunday": the calendar checks judge dates).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale

from cleaner.consistency.calendar import is_unspaced, source_dates
from cleaner.consistency.language import cldr_locale

_NUMBER = re.compile(
    r"""(?<!\d)(?<!\d[.,])
    (?:\d{1,3}(?:(?:[ \u00a0\u202f]|[.,'’])\d{3})+(?!\d)(?:[.,]\d+)?   # grouped: 1 234, 1.234,5
    |\d+(?:[.,]\d+)?)                                               # plain: 12, 3.5, 2,5
    (?![.,]?\d)""",
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([^\W\d_])[-‐]?$")
_VERBATIM = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[@#][A-Za-z_]\w*#?")
_SMALL = range(2, 13)
_NON_NUMERIC_NUMERALS = "两兩"
"""Chinese "two" before a measure or a scale (两千, 两万): a numeral Unicode gives no numeric value."""
"""Number words read from a source: beyond twelve they are rare, and 0 and 1 are too often "a" or "no"."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in a text: the values it may stand for, and where and how it is written."""

    values: frozenset[float]
    written: str
    start: int
    end: int
    percent: bool = False
    """Written as a percentage ("25 %", "25 Prozent", "25 процентов")."""


def _key(value: float) -> float:
    """Values compared at 9 significant digits: 2.5 * 10**6 and 2500000.0 are one value."""
    return float(f"{value:.9g}")


@cache
def _symbols(language: str | None) -> tuple[str, str]:
    """The decimal and group separators of a language (CLDR's Latin-digit symbols); English's by default."""
    locale = cldr_locale(language) or Locale("en")
    symbols = locale.number_symbols.get("latn", {})
    return symbols.get("decimal", "."), symbols.get("group", ",")


def _readings(token: str, decimal: str | None) -> set[float]:
    """The values a digit token may have: read with ``decimal`` as the decimal mark (the other of "." and ","
    then groups thousands), or every valid way when ``decimal`` is None."""
    compact = re.sub(r"[ \u00a0\u202f'’]", "", token)
    marks = [decimal] if decimal in (".", ",") else [".", ","]  # "٫" (Arabic): digits here are Latin
    values = set()
    for mark in marks:
        group = "," if mark == "." else "."
        whole, _, fraction = compact.partition(mark)
        parts = whole.split(group)
        if compact.count(mark) > 1 or (fraction and not fraction.isdigit()):
            continue
        if len(parts) > 1 and (not 1 <= len(parts[0]) <= 3 or any(len(p) != 3 for p in parts[1:])):
            continue
        if "".join(parts).isdigit():
            values.add(float("".join(parts) + ("." + fraction if fraction else "")))
    return values


@cache
def _scales(language: str | None) -> tuple[tuple[str, int], ...]:
    """Words that multiply the number before them, longest first: ("Millionen", 10**6), ("万", 10**4),
    from the language's CLDR compact number formats (short and long)."""
    locale = cldr_locale(language) or Locale("en")
    scales: dict[str, int] = {}
    for width in ("short", "long"):
        for forms in (locale.compact_decimal_formats.get(width) or {}).values():
            for magnitude, pattern in forms.items():
                text = getattr(pattern, "pattern", pattern)
                word = text.replace("'", "").replace("0", "").strip(" \u00a0").lower()
                zeros = text.count("0")
                if word and zeros:
                    scales.setdefault(word, int(magnitude) // 10 ** (zeros - 1))
    return tuple(sorted(scales.items(), key=lambda item: -len(item[0])))


def _scale_after(text: str, end: int, language: str | None) -> tuple[int, int]:
    """The scale word right after a number (``end``), as (factor, end of the word); (1, end) if none. In
    an unspaced language one word may stand between them: "七十多亿" (seventy-odd hundred million)."""
    rest = text[end : end + 20].lower()
    gap = len(rest) - len(rest.lstrip(" \u00a0"))
    word = rest[gap:]
    for scale, factor in _scales(language):
        if word.startswith(scale) or (len(scale) >= 6 and word.startswith(scale[:-2])):
            if scale.isascii() and word[len(scale) : len(scale) + 1].isalpha() and len(scale) < 6:
                continue  # "m" of "metres", "k" of "km"
            return factor, end + gap + len(scale)
        approximation = word[:1] and is_unspaced(word[:1]) and not _numeral_at(word, 0)
        if approximation and is_unspaced(scale) and word.startswith(scale, 1):  # "七十多亿", "30余万"
            return factor, end + 1 + len(scale)
    return 1, end


@cache
def _number_words(language: str, numbers: range = _SMALL) -> dict[str, int]:
    """Spelt-out ``numbers`` in every form CLDR's rules give (cases, genders, ordinals), lower-cased."""
    from unicode_rbnf import FormatPurpose, RbnfEngine
    from unicode_rbnf.engine import RbnfError

    try:
        engine = RbnfEngine.for_language(language)
    except ValueError:  # a language without CLDR spell-out rules
        return {}
    words: dict[str, int] = {}
    for number in numbers:
        for purpose in (FormatPurpose.CARDINAL, FormatPurpose.ORDINAL):
            try:
                result = engine.format_number(number, purpose)
            except (RbnfError, ValueError):  # a language may lack ordinal rules ("No rulesets")
                continue
            for word in result.text_by_ruleset.values():
                if " " not in word and word.replace("-", "").isalpha():
                    words.setdefault(word.lower(), number)
    return words


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _in_a_word(text: str, start: int, end: int) -> bool:
    """A number inside a word or name ("Covid-19", "G7", "3АА", "MH17"), not a quantity; a number glued
    to a Han or kana word ("30人", "3種類") or to an ordinal ending ("4th") is one."""
    after = text[end : end + 1]
    if after.isalpha() and not is_unspaced(after) and not _ordinal_suffix(text, end):
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 2), start)
    return before is not None and not is_unspaced(before.group(1))


def _digit_quantities(
    text: str, decimal: str | None, language: str | None, in_words: bool = False
) -> list[Quantity]:
    """Numbers in digits; those inside words too when ``in_words`` (a target's "5pm", "3AA" still give
    their values to compare with)."""
    found = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if not in_words and _in_a_word(text, start, end):
            continue
        values = _readings(match.group(), decimal) if decimal else _readings(match.group(), None)
        if not values:  # "[1,1]" in Chinese: not a number of the language's, but a list of numbers
            for piece in re.finditer(r"\d+", match.group()):
                span = (start + piece.start(), start + piece.end())
                found.append(Quantity(frozenset({float(piece.group())}), piece.group(), *span))
            continue
        factor, word_end = _scale_after(text, end, language)
        if factor > 1:
            values |= {value * factor for value in values}
        percent = _percent_after(text, word_end, language)
        word_end = percent or word_end
        key = frozenset(_key(v) for v in values)
        found.append(Quantity(key, text[start:word_end], start, word_end, percent is not None))
    return found


@cache
def _percent_words(language: str | None) -> tuple[str, ...]:
    """How the language writes "percent" after a number, in each plural form CLDR gives ("Prozent";
    "процент", "процента", "процентов"), lower-cased, with the sign."""
    from babel.units import format_unit

    locale = cldr_locale(language) or Locale("en")
    words = {"%", "٪"}
    for count in (1, 2, 5, 1.5):
        formatted = format_unit(count, "concentr-percent", length="long", locale=locale)
        words.add(re.sub(r"[\d.,\s\u00a0\u202f]+", " ", formatted).strip().lower())
    return tuple(sorted((w for w in words if w), key=len, reverse=True))


def _percent_after(text: str, end: int, language: str | None) -> int | None:
    """The end of a percent sign or word right after a number at ``end``, or None."""
    rest = text[end : end + 24].lower()
    gap = len(rest) - len(rest.lstrip(" \u00a0\u202f"))
    for word in _percent_words(language):
        if rest.startswith(word, gap):
            return end + gap + len(word)
    return None


_ENGLISH_PERCENT = re.compile(r"%|\bper\s?cent|\bpercentage\b|\bpct\b|\d\s?pc\b", re.IGNORECASE)


def percent_lost(quantities: Iterable[Quantity], target: str) -> list[Quantity]:
    """Percentages of the source whose number the target keeps while it says nothing of percent at all."""
    if _ENGLISH_PERCENT.search(target):
        return []
    values = target_values(target)
    return [q for q in quantities if q.percent and q.values & values]


def _ordinal_suffix(text: str, end: int) -> bool:
    return re.match(r"(?:st|nd|rd|th)\b", text[end : end + 3]) is not None


def source_quantities(text: str, language: str | None) -> list[Quantity]:
    """The numbers a (normalised) source gives that its translation must keep: see the module's notes."""
    skip = [m.span() for m in _VERBATIM.finditer(text)]
    skip += [(day.start, day.end) for day in source_dates(text, language) if day.end > day.start]
    masked = _masked(text, skip)
    decimal = _symbols(language)[0] if cldr_locale(language) else None
    found = [q for q in _digit_quantities(masked, decimal, language) if not q.values <= {0.0, 1.0}]
    words = _number_words(language) if language else {}
    if words:
        for match in re.finditer(r"[^\W\d_]+", masked):
            number = words.get(match.group().lower())
            if number is not None:
                found.append(Quantity(frozenset({float(number)}), match.group(), *match.span()))
    numerals = _unspaced_numerals(language) if language else None
    if numerals:
        pattern, values = numerals
        for match in pattern.finditer(masked):
            value = float(values[match.group()])
            factor, end = _scale_after(masked, match.end(), language)
            if factor > 1 and _numeral_at(masked, end):
                continue  # "二十万五千": the number goes on past its scale word, and is not read whole
            readings = frozenset({value, _key(value * factor)})
            found.append(Quantity(readings, masked[match.start() : end], match.start(), end))
    scaled = _scaled_digits(language) if language else None
    if scaled:
        pattern, values = scaled
        for match in pattern.finditer(masked):
            factor, end = _scale_after(masked, match.end(1), language)
            if _numeral_at(masked, end):
                continue  # "两万五千", 25,000
            readings = frozenset({_key(values[match.group(1)] * factor)})
            found.append(Quantity(readings, masked[match.start() : end], match.start(), end))
    return found


def _numeral_at(text: str, index: int) -> bool:
    """A numeral written as a word character (五, 零, 两) at ``index``: the number written before goes on.
    Digits begin a number of their own there ("每一百万15起": per million, 15)."""
    if index >= len(text) or text[index].isascii():
        return False
    return unicodedata.numeric(text[index], None) is not None or text[index] in _NON_NUMERIC_NUMERALS


def _spelled_out(language: str, numbers: range, keep: Callable[[str, str], bool]) -> dict[str, int] | None:
    """Word -> number for ``numbers`` as CLDR's spell-out rules write them in ``language``, unspaced
    words only, from the rule sets and words ``keep(ruleset, word)`` accepts (the first number wins a
    word); None for a language without spell-out rules or one that cannot write these numbers."""
    from unicode_rbnf import FormatPurpose, RbnfEngine
    from unicode_rbnf.engine import RbnfError

    try:
        engine = RbnfEngine.for_language(language)
    except ValueError:
        return None
    values: dict[str, int] = {}
    for number in numbers:
        try:
            result = engine.format_number(number, FormatPurpose.CARDINAL)
        except (RbnfError, ValueError):
            return None
        for ruleset, word in result.text_by_ruleset.items():
            if keep(ruleset, word) and is_unspaced(word):
                values.setdefault(word, number)
    return values


@cache
def _scaled_digits(language: str) -> tuple[re.Pattern[str], dict[str, int]] | None:
    """One-character numerals of an unspaced language right before one of its scale words (十亿, 两万,
    一万, 三億): alone they are parts of words (三角, 两性, 四面体) and left out, but before a scale they
    can only be a number. Read from CLDR's spell-out rules (1-10) and compact formats (万, 亿)."""
    scales = [word for word, _ in _scales(language) if is_unspaced(word)]
    if not scales:
        return None
    values = _spelled_out(
        language, range(1, 11), lambda ruleset, word: "financial" not in ruleset and len(word) == 1
    )
    if not values:
        return None
    digits = re.escape("".join(sorted(values)))
    before = re.escape("".join(sorted({c for word in scales for c in word} | set(values))))
    alternatives = "|".join(re.escape(word) for word in sorted(scales, key=len, reverse=True))
    return re.compile(rf"(?<![{before}])([{digits}])(?={alternatives})"), values


@cache
def _unspaced_numerals(language: str) -> tuple[re.Pattern[str], dict[str, int]] | None:
    """Numerals of a language written without spaces (Chinese 二十五, 一百, 三千五百) as one pattern:
    10-999 and the thousands to the hundred (1,000-9,900, as in 三千万 and 两千五百万: every thousand
    would cost seconds of CLDR look-ups) from CLDR's spell-out rules. One-character numerals are left
    out: 三 and 一 are parts of countless words (三星, 一些, 一样), and so are numerals glued to 月 and
    日, which are dates."""
    values = _spelled_out(
        language,
        range(10, 1000),
        lambda ruleset, word: "days" not in ruleset and "financial" not in ruleset and len(word) >= 2,
    )
    thousands = _spelled_out(
        language, range(1000, 10000, 100), lambda ruleset, word: "financial" not in ruleset and len(word) >= 2
    )
    if values and thousands:
        values = {**thousands, **values}
    if not values:
        return None
    characters = {char for word in values for char in word}
    digits = re.escape("".join(sorted(characters)))
    # after a scale word the numeral is the tail of a bigger number (一亿两千万, 120 million): not read
    before = re.escape("".join(sorted(characters | {c for word, _ in _scales(language) for c in word})))
    alternatives = "|".join(re.escape(word) for word in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![{before}])(?:{alternatives})(?![{digits}月日])"), values


def target_quantities(text: str) -> list[Quantity]:
    """The numbers written in digits in an English text, each in every reading."""
    return [q for q in _digit_quantities(text, None, "en") if not q.values <= {0.0, 1.0}]


_TIME_12H = re.compile(r"\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)", re.IGNORECASE)
_ENGLISH_EXTRAS = {
    "twice": 2,
    "both": 2,
    "pair": 2,
    "couple": 2,
    "double": 2,
    "doubled": 2,
    "thrice": 3,
    "triple": 3,
    "tripled": 3,
    "quadrupled": 4,
    "decade": 10,
    "dozen": 12,
    "fortnight": 14,
    "hundred": 100,
    "century": 100,
}
"""English words that stand for a number without spelling it out ("2倍" doubled, "10年" a decade)."""


def target_values(text: str) -> set[float]:
    """Every value the English text gives, in any reading: digits (with either decimal mark), scale
    words, ordinals ("10th"), 12- and 24-hour times, decades ("1990s" is also the 90s), number words."""
    values: set[float] = set()
    for quantity in _digit_quantities(text, None, "en", in_words=True):
        values |= quantity.values
        for value in quantity.values:
            if value.is_integer() and 0 < value <= 24 and _time_after(text, quantity.end):
                values |= {_key((value + 12) % 24), _key(value - 12 if value > 12 else value)}
    for match in re.finditer(r"(?<![\d.])(\d{1,2})(?::|\.(?=\d{2}\s*[ap]\.?m\b))(\d{2})(?!\d)", text):
        hour = int(match.group(1))  # 15:30, 3:30 pm, 3.30 p.m.: the hour both ways, and the minutes
        values |= {float(hour), float((hour + 12) % 24), float(hour - 12 if hour > 12 else hour)}
        values.add(float(match.group(2)))
    for match in re.finditer(r"(?<!\d)(\d{2,4})['’]?s\b", text):
        values |= {float(match.group(1)), float(int(match.group(1)) % 100)}
    words = {**_number_words("en", range(101)), **_ENGLISH_EXTRAS}
    lower = text.lower()
    for match in re.finditer(r"[a-z]+(?:-[a-z]+)?", lower):
        for part in {match.group(), *match.group().split("-")}:
            part = part.removesuffix("fold") if part.endswith("fold") else part  # "tenfold"
            if part in words:
                number = float(words[part])
                values.add(number)
                end = match.end()
                if part != "hundred" and lower.startswith(" hundred", end):  # "three hundred million"
                    number, end = number * 100, end + len(" hundred")
                    values.add(number)
                if lower.startswith(" and a half", end):  # "two and a half million"
                    number, end = number + 0.5, end + len(" and a half")
                    values.add(number)
                factor, _ = _scale_after(lower, end, "en")
                values.add(_key(number * factor))
    for match in re.finditer(r"\b(half|a quarter of|quarter of) an?\s+|\b(?:an?|per)\s+", lower):
        factor, _ = _scale_after(lower, match.end() - 1, "en")  # "half a million", "a quarter of a million"
        fraction = {"half": 0.5, "a quarter of": 0.25, "quarter of": 0.25}.get(match.group(1) or "", 1)
        if factor > 1:
            values.add(_key(factor * fraction))
    return values


def _time_after(text: str, end: int) -> bool:
    return _TIME_12H.match(text, end) is not None or text[end : end + 7].lower().startswith(" o'clock")


_VAGUE = re.compile(
    r"\b(?:(tens|hundreds) of\s+)?(hundreds|thousands|millions|billions|trillions)\b"
    r"|\b(?:several|a few|few|some|many|multiple)\s+(hundred|thousand|million|billion|trillion)\b"
)
_MAGNITUDES = {"ten": 10, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}


def vague_magnitudes(text: str) -> set[tuple[int, int]]:
    """The ranges an English text gives without a number, as (lowest, above the highest): "billions of
    years" (10**9 to 10**12), "several billion" (10**9 to 10**10), "tens of thousands" (10**4 to 10**5).
    A source's "数十亿年" or "mehrere Milliarden" is rendered so faithfully."""
    found = set()
    for match in _VAGUE.finditer(text.lower()):
        words = [word.removesuffix("s") for word in match.groups() if word]
        low = math.prod(_MAGNITUDES.get(word, 10**12) for word in words)
        found.add((low, low * (1000 if match.group(2) and not match.group(1) and low >= 1000 else 10)))
    return found


def missing(
    quantities: Iterable[Quantity], values: set[float], ranges: Iterable[tuple[int, int]] = ()
) -> list[Quantity]:
    """The quantities none of whose values the target gives, exactly, rounded, or within one of its
    vague ranges (``vague_magnitudes``: "billions" for any value from a billion to a trillion)."""
    return [
        q
        for q in quantities
        if not q.values & values
        and not any(_close(v, values) for v in q.values)
        and not any(low <= v < high for v in q.values for low, high in ranges)
    ]


def _close(value: float, values: set[float]) -> bool:
    """A rounded rendering of a decimal ("3.14" as "3.1", "2.46 million" as "2.5 million") is not a
    changed number worth a finding: equal to the target's value at its own precision."""
    for other in values:
        if other and not other.is_integer() and value:
            digits = len(repr(other).split(".")[1])
            if math.isclose(round(value, digits), other):
                return True
    return False
