"""The one finding model every detector shares, and every reporter and the repair layer read.

Offsets are code-point offsets into the decoded document text (``str`` indices), end exclusive,
whatever the detector's source (LanguageTool's UTF-16 offsets are converted before a finding is made).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    TENSE = "tense"
    BROKEN_SENTENCE = "broken-sentence"
    PUNCTUATION = "punctuation"
    CASING = "casing"
    GRAMMAR = "grammar"
    SPELLING = "spelling"
    TYPOGRAPHY = "typography"
    CONSISTENCY = "consistency"
    STYLE = "style"
    UNTRANSLATED = "untranslated"
    UNINTELLIGIBLE = "unintelligible"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order for thresholds: a finding counts when its rank is at least the threshold's."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(StrEnum):
    """How far a repair may be trusted, in the spirit of ruff's fix applicability.

    ``safe`` repairs are applied by ``cleaner fix``; ``unsafe`` ones only with ``--unsafe-fixes`` or
    when a person accepts them; ``display`` ones are shown as suggestions and never applied by a tool.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display"


class Source(StrEnum):
    RULES = "rules"
    LANGUAGETOOL = "languagetool"
    MODEL = "model"


@dataclass(frozen=True, slots=True)
class Fix:
    """One candidate repair: replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str
    applicability: Applicability = Applicability.UNSAFE
    score: float | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad fix span {self.start}..{self.end}")

    def overlaps(self, other: Fix) -> bool:
        return spans_overlap(self.start, self.end, other.start, other.end)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "start": self.start,
            "end": self.end,
            "replacement": self.replacement,
            "applicability": str(self.applicability),
        }
        if self.score is not None:
            data["score"] = self.score
        return data


@dataclass(frozen=True, slots=True)
class Finding:
    """A piece of damage in a document: what is wrong, where, and how it might be repaired.

    ``fixes`` are alternatives, best first; a repair layer applies at most one of them.
    """

    rule: str
    category: Category
    severity: Severity
    message: str
    start: int
    end: int
    source: Source = Source.RULES
    fixes: tuple[Fix, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad finding span {self.start}..{self.end} for {self.rule}")

    @property
    def best_fix(self) -> Fix | None:
        return self.fixes[0] if self.fixes else None

    def overlaps(self, other: Finding | Fix) -> bool:
        return spans_overlap(self.start, self.end, other.start, other.end)

    def overlaps_span(self, start: int, end: int) -> bool:
        return spans_overlap(self.start, self.end, start, end)


def spans_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True when two spans share a character; an empty span (an insertion point) touches its neighbours."""
    if a_start == a_end or b_start == b_end:
        return a_start <= b_end and b_start <= a_end
    return a_start < b_end and b_start < a_end
