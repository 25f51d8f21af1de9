"""Weekdays, months and dates named in a source text, in any language CLDR describes (through Babel).

Names come in CLDR's wide and abbreviated forms, in format and stand-alone context (the format context
holds genitive month names: "декабря", "prosince"). Inflected and compound forms that CLDR does not
list ("четверга", "в среду", "Montagabend", "木曜", "na quinta") are reached by a stem: the name less
its last letters, as long as no other day's name starts the same way. A short abbreviation ("пн",
"po", the "金" of "10日（金）") is also an ordinary word in its language, so it counts only beside a
number or in brackets, where dates put it. Narrow forms (one letter) are never used.

Digits are read after NFKC normalisation, which turns full-width "１２日" into "12日".
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from babel import Locale

from cleaner.consistency.language import cldr_locale

_WIDTHS = ("wide", "abbreviated", "short")
_CONTEXTS = ("format", "stand-alone")
_APOSTROPHES = str.maketrans({"ʼ": "'", "’": "'", "‘": "'", "`": "'"})
_LETTER = r"[^\W\d_]"


def normalise(text: str) -> str:
    """NFKC (full-width digits and brackets become ASCII) with one apostrophe, so names and digits match
    whatever the source's typing habits."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)


def is_unspaced(form: str) -> bool:
    """Scripts written without spaces between words (Han, kana): names are found inside runs of text."""
    return all(unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA")) for char in form)


def _is_numeral(char: str) -> bool:
    return unicodedata.numeric(char, None) is not None


@dataclass(frozen=True)
class Names:
    """The weekday (0 = Monday) or month (1-12) names of one language, as one pattern."""

    pattern: re.Pattern[str] | None
    index_of_group: dict[str, int] = field(default_factory=dict)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(index, start, end)`` for each name in ``text`` (already normalised)."""
        if self.pattern is None:
            return []
        return [
            (self.index_of_group[m.lastgroup or ""], m.start(), m.end()) for m in self.pattern.finditer(text)
        ]


def _alternatives(forms: dict[int, set[str]], wide: dict[int, set[str]]) -> list[tuple[str, int]]:
    """Regular-expression alternatives for every form, each with the day or month it names."""

    def unique(prefix: str, index: int) -> bool:
        return not any(
            other.startswith(prefix) for i, names in forms.items() if i != index for other in names
        )

    found: list[tuple[str, int]] = []
    single: list[str] = []
    for index, names in forms.items():
        for form in names:
            if len(form) < 2 and not is_unspaced(form):
                continue
            if is_unspaced(form):
                if len(form) == 1:
                    found.append((rf"(?<=\(){re.escape(form)}(?=\))", index))
                    single.append(form)
                    continue
                found.append((re.escape(form), index))
                head = form[:-1]  # 木曜 for 木曜日; not 十一 for 十一月, which is any eleven
                if len(head) >= 2 and unique(head, index) and not any(_is_numeral(c) for c in head):
                    found.append((re.escape(head), index))
                continue
            if form in wide[index] and len(form) < 4:
                tail = "" if form.isascii() else r"[\w'-]*"  # Korean 목요일에: particles attach
                found.append((rf"(?<![\w']){re.escape(form)}{tail}(?![\w'])", index))
            elif form in wide[index]:
                stem = form[: max(4, len(form) - (3 if len(form) >= 8 else 2))]
                if unique(stem, index):
                    found.append((rf"(?<![\w']){re.escape(stem)}[\w'-]*", index))
                else:
                    found.append((rf"(?<![\w']){re.escape(form)}(?![\w'])", index))
                head = re.split(r"[-\s]", form)[0]
                if head != form and len(head) >= 4 and unique(head, index):
                    found.append((rf"(?<![\w']){re.escape(head)}s?(?![\w'])", index))
            elif form.endswith("."):
                found.append((rf"(?<![\w']){re.escape(form)}", index))
            else:
                escaped = re.escape(form)
                found.append((rf"(?<![\w']){escaped}(?=\.?,?\s*\d)|(?<=\(){escaped}\.?(?=\))", index))
    if single:  # runs of one-character days name each of them: 土日 (the weekend), 月水金
        chars = "".join(single)
        for form in single:
            index = next(i for i, names in forms.items() if form in names)
            found.append((rf"(?<=[{chars}]){form}|(?<=[{chars}]・){form}|{form}(?=・?[{chars}])", index))
    return found


@cache
def _names(tag: str, kind: str) -> Names | None:
    locale = cldr_locale(tag)
    if locale is None:
        return None
    table = locale.days if kind == "days" else locale.months
    forms: dict[int, set[str]] = {}
    wide: dict[int, set[str]] = {}
    for context in _CONTEXTS:
        for width in _WIDTHS:
            for index, name in (table.get(context, {}).get(width) or {}).items():
                form = normalise(name).lower()
                forms.setdefault(index, set()).add(form)
                if width == "wide":
                    wide.setdefault(index, set()).add(form)
    if not forms:
        return None
    alternatives = sorted(_alternatives(forms, wide), key=lambda item: -len(item[0]))
    groups = {f"n{number}": index for number, (_, index) in enumerate(alternatives)}
    source = "|".join(f"(?P<n{number}>{alt})" for number, (alt, _) in enumerate(alternatives))
    return Names(re.compile(source, re.IGNORECASE), groups)


def weekday_names(language: str | None) -> Names | None:
    """The weekday names of ``language``, or None when CLDR does not know it."""
    return _names(language, "days") if language else None


def month_names(language: str | None) -> Names | None:
    return _names(language, "months") if language else None


@cache
def english_month_abbreviations() -> dict[str, int]:
    """English month abbreviations ("Dec" 12), from CLDR, and news style's "Sept"."""
    abbreviated = Locale("en").months["format"]["abbreviated"]
    return {abbreviated[index]: index for index in range(1, 13)} | {"Sept": 9}


@cache
def _relative_days(tag: str) -> tuple[re.Pattern[str], dict[str, int]] | None:
    """The language's words for days relative to today ("gestern" -1, "明天" +1), from CLDR's date
    fields. Babel does not publish these as an attribute, so they are read from its locale data."""
    locale = cldr_locale(tag)
    try:
        relative = dict(locale._data["date_fields"]["day"]["relative"]) if locale else {}
    except (KeyError, TypeError):
        return None
    words = {normalise(str(word)).lower(): int(shift) for shift, word in relative.items() if word}
    if not words:
        return None
    alternatives = sorted(words, key=len, reverse=True)
    bounded = [w if is_unspaced(w) else rf"(?<![\w']){re.escape(w)}(?![\w'])" for w in alternatives]
    return re.compile("|".join(bounded), re.IGNORECASE), words


def relative_days(text: str, language: str | None) -> list[tuple[int, str]]:
    """Days the (normalised) source names relative to the article's date: ``(shift, word)``, e.g.
    ``(-1, "вчера")``."""
    found = _relative_days(language) if language else None
    if found is None:
        return []
    pattern, words = found
    return [(words[match.group().lower()], match.group()) for match in pattern.finditer(text)]


@cache
def _date_suffixes(tag: str) -> tuple[str, str] | None:
    """The letters that follow the day and the month in the language's long date ("y年M月d日" -> 日, 月;
    "y년 MMMM d일" -> 일, 월): how such languages write a bare day ("10日"), which needs no month name."""
    locale = cldr_locale(tag)
    if locale is None:
        return None
    pattern = locale.date_formats["long"].pattern
    day = re.search(r"d+\s?([^\s\w'.,/-]|[^\W\d_a-zA-Z])", pattern)
    month = re.search(r"M+\s?([^\s\w'.,/-]|[^\W\d_a-zA-Z])", pattern)
    if not day or not month or day.group(1).isascii():
        return None
    return day.group(1), month.group(1)


@cache
def _numeric_order(tag: str) -> str:
    """ "dMy", "Mdy" or "yMd": the order of a numeric date in the language (CLDR's short date)."""
    locale = cldr_locale(tag)
    pattern = locale.date_formats["short"].pattern if locale else "d.M.y"
    return "".join(dict.fromkeys(char for char in pattern if char in "dMy"))


@dataclass(frozen=True)
class SourceDate:
    """A date written in the source; year and month may be left for the dateline to supply."""

    day: int
    month: int | None = None
    year: int | None = None
    written: str = field(default="", compare=False)
    """The date as the source writes it, at ``start``-``end`` in the (normalised) source."""
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    def resolve(self, dateline: datetime.date | None) -> datetime.date | None:
        """The calendar date: given whole, or completed from the dateline with the nearest candidate
        (an article dated 2 January that says "30日" means 30 December)."""
        if self.year and self.month:
            return _date(self.year, self.month, self.day)
        if dateline is None:
            return None
        if self.month:
            candidates = [
                _date(year, self.month, self.day) for year in (dateline.year + d for d in (-1, 0, 1))
            ]
        else:
            candidates = []
            for shift in (-1, 0, 1):
                month_index = dateline.year * 12 + dateline.month - 1 + shift
                candidates.append(_date(month_index // 12, month_index % 12 + 1, self.day))
        valid = [c for c in candidates if c is not None]
        return min(valid, key=lambda c: abs((c - dateline).days)) if valid else None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_YEAR_AFTER = re.compile(r"[,\s]*(?:de\s+)?(\d{4})(?!\d)")
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})\.?\s*(?:de\s+)?$")
_DAY_AFTER = re.compile(r"\s*(\d{1,2})(?![\d.,]\d)")


def source_dates(text: str, language: str | None) -> list[SourceDate]:
    """Dates in a (normalised) source text: a day with a month name ("11. Dezember", "11 декабря 2021"),
    a day with the language's day suffix ("11日", "12月11日", "2021年12月11日"), or a numeric date in
    the language's order ("11.12.2021", "11.12.")."""
    dates: list[SourceDate] = []
    months = month_names(language)
    for month0, start, end in months.find(text) if months else []:
        month = month0
        before = _DAY_BEFORE.search(text, max(0, start - 8), start)
        after = _DAY_AFTER.match(text, end)
        day_match, year_from = (before, end) if before else (after, after.end() if after else end)
        if day_match is None or not 1 <= int(day_match.group(1)) <= 31:
            continue
        year = _YEAR_AFTER.match(text, year_from)
        last = year.end() if year else max(end, day_match.end())
        first = min(start, day_match.start(1))
        year_number = int(year.group(1)) if year else None
        dates.append(SourceDate(int(day_match.group(1)), month, year_number, text[first:last], first, last))
    suffixes = _date_suffixes(language) if language else None
    if suffixes:
        day_suffix, month_suffix = map(re.escape, suffixes)
        cjk = re.compile(
            rf"(?:(\d{{4}})\s*年\s*)?(?:(\d{{1,2}})\s*{month_suffix}\s*)?(?<!\d)(\d{{1,2}})\s*{day_suffix}"
        )
        context: tuple[int | None, int | None] = (None, None)
        for match in cjk.finditer(text):
            year, month, day = (int(g) if g else None for g in match.groups())
            if month is None:  # "５月２３日电 … ２３日": a bare day keeps the month already given
                year, month = context
            if day and 1 <= day <= 31 and (month is None or 1 <= month <= 12):
                dates.append(SourceDate(day, month, year, match.group(), *match.span()))
                context = (year, month)
    order = _numeric_order(language or "")
    if order.startswith("y"):
        numeric = re.compile(r"(?<![\d.])(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?![\d])")
    else:
        numeric = re.compile(r"(?<![\d.,])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2}(?!\d))?(?!\d|[.,]\d)")
    for match in numeric.finditer(text):
        if order.startswith("y"):
            year, first, second = int(match.group(1)), int(match.group(2)), int(match.group(3))
        else:
            if match.group(2) != "." and match.group(4) is None:
                continue  # 3/4 without a year is a fraction or a score, not a date
            first, second = int(match.group(1)), int(match.group(3))
            year = int(match.group(4)) if match.group(4) else None
            if year is not None and year < 100:
                year += 2000
        day, month = (first, second) if order.index("d") < order.index("M") else (second, first)
        if 1 <= day <= 31 and 1 <= month <= 12:
            dates.append(SourceDate(day, month, year, match.group(), *match.span()))
    return dates


def source_months(text: str, language: str | None) -> dict[int, str]:
    """Months the (normalised) source puts in a date: with a day or a year ("11. Dezember", "Dezember
    2021", "12月"), each with its words. A month name alone is not counted: stems of month names are
    ordinary words too (Czech "květen", May, is "květ", a flower)."""
    months: dict[int, str] = {}
    for day in source_dates(text, language):
        if day.month:
            months.setdefault(day.month, day.written)
    names = month_names(language)
    for index, start, end in names.find(text) if names else []:
        if _YEAR_AFTER.match(text, end):
            months.setdefault(index, text[start:end])
    suffixes = _date_suffixes(language) if language else None
    if suffixes:
        for match in re.finditer(rf"(?<!\d)(\d{{1,2}})\s*{re.escape(suffixes[1])}", text):
            if 1 <= int(match.group(1)) <= 12:
                months.setdefault(int(match.group(1)), match.group())
    return months
