"""Loading the declarative rules: one YAML file per rule, validated strictly, with its own examples.

A rule file says what a rule finds (a regular expression and word conditions, or the name of a code
detector for what a pattern cannot say), how it is reported, how it may be repaired, and examples that
must and must not be flagged. The test suite runs every rule's examples.
"""

from __future__ import annotations

import datetime
import re
import string
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.alignment import Alignment
from cleaner.data import YamlError, load_yaml
from cleaner.findings import Applicability, Category, Finding, Fix, Severity, Source
from cleaner.lexicon import PREDICATES, lower_common
from cleaner.selectors import CATEGORIES

if TYPE_CHECKING:  # user rules alone need ``regex``: a run of the bundled rules does not import it
    import regex

PATTERN_DETECTOR = "pattern"


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file and what is wrong."""


USER_RULE_BUDGET = 1.0
"""Seconds a user rule's pattern may spend on one text, and as much again per million characters.
User rules are not reviewed as the bundled ones are: one pattern with catastrophic backtracking
(``(a+)+$``) must cost a warning, not the run."""

_budget_listener: ContextVar[Callable[[str], None] | None] = ContextVar("budget_listener", default=None)


@contextmanager
def on_time_budget_exceeded(listener: Callable[[str], None]) -> Iterator[None]:
    """Within the block, ``listener(rule_id)`` hears of each user rule skipped on a text for lack of
    time, so the caller, who knows which file the text is, can warn about it. Without a listener a
    ``RuntimeWarning`` is issued instead."""
    token = _budget_listener.set(listener)
    try:
        yield
    finally:
        _budget_listener.reset(token)


def time_budget_exceeded(rule_id: str) -> None:
    """Tell the listener (or warn) that ``rule_id`` was skipped on a text for lack of time; also how a
    run that checked the text in another process passes the news on in its own."""
    listener = _budget_listener.get()
    if listener is None:
        warnings.warn(f"rule {rule_id} exceeded its time budget; skipped", RuntimeWarning, 3)
    else:
        listener(rule_id)


class BudgetedPattern:
    """A user rule's pattern (or anchor), compiled with the ``regex`` module (``re``'s syntax,
    lookbehind included) so that its scans of a text can be given a time budget, which ``re`` cannot do.

    The budget is the rule's for the whole text, however many calls scan it (a rule with an anchor
    scans line by line): it starts afresh with another text, or when a new check of the same text
    begins (a scan at or before the previous one's start; one check moves forward through its lines).
    Once it is spent the rule is skipped for the rest of that text, the listener is told, once, and
    the run goes on.
    """

    def __init__(self, rule_id: str, source: str) -> None:
        """Raises ``re.error`` for a pattern ``regex`` cannot compile, as ``re.compile`` would."""
        import regex  # loaded for user rules only: the bundled ones compile with ``re``

        self.rule_id = rule_id
        try:
            self.compiled = regex.compile(source, flags=regex.VERSION0)
        except regex.error as exc:
            raise re.error(str(exc)) from exc
        self._text: str | None = None
        self._position = -1
        self._left = 0.0
        self._skipped = False

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled.groupindex

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        if text is not self._text or pos <= self._position:
            self._text, self._skipped = text, False
            self._left = USER_RULE_BUDGET * (1 + len(text) / 1_000_000)
        self._position = pos
        if self._skipped:
            return iter(())
        started = time.perf_counter()
        try:
            end = len(text) if endpos is None else endpos
            matches = list(self.compiled.finditer(text, pos, end, timeout=max(self._left, 0.001)))
        except TimeoutError:
            self._skipped = True
            time_budget_exceeded(self.rule_id)
            return iter(())
        self._left -= time.perf_counter() - started
        return iter(matches)


@dataclass(frozen=True, slots=True)
class FixTemplate:
    replacement: str
    applicability: Applicability
    span: str | None = None
    """The match group the replacement takes the place of ("match": the whole match); None: the finding's."""
    when: str | None = None
    """A match group that must take part in the match for this candidate to be offered: an optional group
    of the pattern says where a candidate fits ("Speed: naturally slow" only where a line starts)."""
    where: tuple[Condition, ...] = ()
    """Word tests that must hold for this candidate to be offered, as the rule's ``where:``: they order
    the candidates by what the words are ("exports. and lower spending" joins without the comma that
    "prices rose. and wages fell" takes)."""


CLAUSE_TO = "clause-to:"
"""Prefix of a ``where:`` key that tests the clause before a group, not the group: ``clause-to:before``
is the text from the start of the clause (after the last sentence end, semicolon or line break) up to
the end of group ``before``. What a pattern cannot capture (a lookbehind has a fixed width) decides
many cuts: "The Russian gas. pipeline was damaged" is a cut because "The Russian gas" has no verb."""


@dataclass(frozen=True, slots=True)
class Condition:
    group: str
    predicate: str
    negate: bool
    clause: bool = False
    """Test the clause up to the end of ``group`` (a ``clause-to:`` key), not the group's text."""

    def holds(self, word: str) -> bool:
        return PREDICATES[self.predicate](word) != self.negate


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    fixed: str | None = None
    source: str | None = None
    """What ``text`` translates, for source-aware rules: the example is then one aligned segment."""
    source_language: str | None = None
    dateline: datetime.date | None = None

    def alignment(self) -> Alignment | None:
        """The example's text as one segment translating its source; None for a monolingual example."""
        if self.source is None:
            return None
        return Alignment.whole(self.text, self.source, self.source_language, self.dateline)


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    summary: str
    message: str
    origin: Path
    detector: str = PATTERN_DETECTOR
    pattern: re.Pattern[str] | BudgetedPattern | None = None
    """``re`` for the bundled rules (reviewed, and faster); a time-bounded ``regex`` for user rules."""
    anchor: re.Pattern[str] | BudgetedPattern | None = None
    """A cheap pattern that every match contains within its line: the rule then scans only the lines
    where the anchor occurs (a full stop before a lower-case word is rare; letters are everywhere)."""
    flag: str | None = None
    where: tuple[Condition, ...] = ()
    protect: bool = True
    cased_text_only: bool = False
    fixes: tuple[FixTemplate, ...] = ()
    flag_examples: tuple[Example, ...] = ()
    pass_examples: tuple[Example, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    yields_to: frozenset[str] = frozenset()
    """Categories whose findings make this rule's redundant where they overlap: a source-aware rule that
    confirms a monolingual one adds nothing to its report, so one artefact is reported once."""

    def finding(self, message: str, start: int, end: int, fixes: Iterable[Fix] = ()) -> Finding:
        """A finding of this rule: its id, category and severity, with what a detector found where."""
        return Finding(self.id, self.category, self.severity, message, start, end, Source.RULES, tuple(fixes))


_KEYS = {
    "id",
    "category",
    "severity",
    "summary",
    "message",
    "detector",
    "pattern",
    "anchor",
    "flag",
    "where",
    "protect",
    "cased-text-only",
    "fixes",
    "examples",
    "options",
    "yields-to",
}
_FIX_KEYS = {"replacement", "applicability", "span", "when", "where"}
_RULE_ID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")


def bundled_rules_dir() -> Path:
    """The rules shipped with cleaner: ``cleaner/_rules`` in a wheel, ``rules/`` in a source checkout."""
    installed = Path(str(resources.files("cleaner"))) / "_rules"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "rules"


def load_rules(extra_dirs: Iterable[Path] = ()) -> list[Rule]:
    """The bundled rules followed by those in ``extra_dirs``; ids must be unique across all of them."""
    rules: list[Rule] = list(_load_dir(bundled_rules_dir()))
    for folder in extra_dirs:
        if not folder.is_dir():
            raise RuleError(f"{folder}: rule folder not found")
        rules.extend(_load_dir_uncached(folder, user=True))
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{rule.origin}: rule id {rule.id!r} is already defined in {seen[rule.id]}")
        seen[rule.id] = rule.origin
    return rules


@cache
def _load_dir(folder: Path) -> tuple[Rule, ...]:
    return _load_dir_uncached(folder)


def _load_dir_uncached(folder: Path, user: bool = False) -> tuple[Rule, ...]:
    return tuple(load_rule_file(path, user) for path in sorted(folder.rglob("*.yaml")))


def load_rule_file(path: Path, user: bool = False) -> Rule:
    """One rule file; ``user`` rules (not shipped with cleaner) get a time-bounded pattern engine."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlError) as exc:
        raise RuleError(f"{path}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleError(f"{path}: a rule file holds one mapping")
    return _parse(path, data, user)


def _parse(path: Path, data: dict[str, Any], user: bool = False) -> Rule:
    def fail(message: str) -> RuleError:
        return RuleError(f"{path}: {message}")

    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_KEYS))})")
    for key in ("id", "category", "severity", "summary", "message"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"{key!r} is required and must be text")
    rule_id = data["id"]
    if not _RULE_ID.match(rule_id):
        raise fail(f"rule id {rule_id!r} must look like 'family.name' (lower case, dots, hyphens)")
    try:
        category = Category(data["category"])
        severity = Severity(data["severity"])
    except ValueError as exc:
        raise fail(str(exc)) from exc

    detector = data.get("detector", PATTERN_DETECTOR)
    pattern = None
    if detector == PATTERN_DETECTOR:
        if not isinstance(data.get("pattern"), str):
            raise fail("a pattern rule needs 'pattern'")
        try:
            pattern = BudgetedPattern(rule_id, data["pattern"]) if user else re.compile(data["pattern"])
        except re.error as exc:
            raise fail(f"bad pattern: {exc}") from exc
    elif "pattern" in data:
        raise fail(f"'pattern' belongs to pattern rules, not to detector {detector!r}")
    anchor = None
    if "anchor" in data:
        if pattern is None or not isinstance(data["anchor"], str):
            raise fail("'anchor' is a pattern, and belongs to pattern rules")
        try:
            anchor = BudgetedPattern(rule_id, data["anchor"]) if user else re.compile(data["anchor"])
        except re.error as exc:
            raise fail(f"bad anchor: {exc}") from exc
    groups = set(pattern.groupindex) if pattern else set()

    flag = data.get("flag")
    if flag is not None and flag not in groups:
        raise fail(f"flag group {flag!r} is not a named group of the pattern")

    where = _conditions(fail, data.get("where"), groups, "where")

    fixes = []
    for item in data.get("fixes") or []:
        if not isinstance(item, dict) or set(item) - _FIX_KEYS or "replacement" not in item:
            raise fail(f"each fix is a mapping of {sorted(_FIX_KEYS)} with 'replacement': {item!r}")
        span = item.get("span")
        if span is not None and span not in groups and span != "match":
            raise fail(f"fix span {span!r} is not a named group of the pattern")
        when = item.get("when")
        if when is not None and when not in groups:
            raise fail(f"fix condition 'when: {when}' is not a named group of the pattern")
        try:
            applicability = Applicability(item.get("applicability", "unsafe"))
        except ValueError as exc:
            raise fail(str(exc)) from exc
        _check_template(fail, item["replacement"], groups)
        fix_where = _conditions(fail, item.get("where"), groups, "fix where")
        fixes.append(FixTemplate(item["replacement"], applicability, span, when, fix_where))
    if pattern is not None:
        _check_template(fail, data["message"], groups)

    examples = data.get("examples") or {}
    if set(examples) - {"flag", "pass"}:
        raise fail("'examples' holds 'flag' and 'pass' lists")
    flag_examples = tuple(_example(fail, item) for item in examples.get("flag") or [])
    pass_examples = tuple(_example(fail, item) for item in examples.get("pass") or [])
    if not flag_examples or not pass_examples:
        raise fail("every rule needs examples that must be flagged and examples that must not")

    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        summary=data["summary"].strip(),
        message=data["message"].strip(),
        origin=path,
        detector=detector,
        pattern=pattern,
        anchor=anchor,
        flag=flag,
        where=where,
        protect=bool(data.get("protect", True)),
        cased_text_only=bool(data.get("cased-text-only", False)),
        fixes=tuple(fixes),
        flag_examples=flag_examples,
        pass_examples=pass_examples,
        options=data.get("options") or {},
        yields_to=_yields_to(fail, data.get("yields-to") or []),
    )


def _yields_to(fail: Any, value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(item in CATEGORIES for item in value):
        raise fail(f"'yields-to' is a list of categories (known: {', '.join(sorted(CATEGORIES))}): {value!r}")
    return frozenset(value)


_EXAMPLE_KEYS = {"text", "fixed", "source", "source-language", "dateline"}


def _example(fail: Any, item: Any) -> Example:
    if isinstance(item, str):
        return Example(item)
    if isinstance(item, dict) and isinstance(item.get("text"), str) and set(item) <= _EXAMPLE_KEYS:
        dateline = item.get("dateline")
        if dateline is not None and not isinstance(dateline, datetime.date):
            raise fail(f"an example's dateline is a date (2021-12-12): {dateline!r}")
        if ("source-language" in item or dateline) and not isinstance(item.get("source"), str):
            raise fail(f"an example with a source language or dateline needs its 'source': {item!r}")
        return Example(
            item["text"], item.get("fixed"), item.get("source"), item.get("source-language"), dateline
        )
    raise fail(f"an example is text, or a mapping of {sorted(_EXAMPLE_KEYS)} with 'text': {item!r}")


def _conditions(
    fail: Callable[[str], RuleError], spec: Any, groups: set[str], where: str
) -> tuple[Condition, ...]:
    """The word tests of a ``where:`` mapping (a rule's or one fix's): group, or ``clause-to:`` and a
    group, to one test or a list that must all hold; ``!`` negates a test."""
    if spec is None:
        return ()
    if not isinstance(spec, dict):
        raise fail(f"'{where}' maps groups to word tests: {spec!r}")
    conditions = []
    for key, tests in spec.items():
        clause = isinstance(key, str) and key.startswith(CLAUSE_TO)
        group = key[len(CLAUSE_TO) :] if clause else key
        if group not in groups:
            raise fail(f"'{where}' names group {group!r}, which the pattern does not have")
        for test in tests if isinstance(tests, list) else [tests]:
            negate = isinstance(test, str) and test.startswith("!")
            name = test[1:] if negate else test
            if name not in PREDICATES:
                raise fail(f"unknown word test {test!r} (known: {', '.join(sorted(PREDICATES))})")
            conditions.append(Condition(group, name, negate, clause))
    return tuple(conditions)


def _check_template(fail: Any, template: str, groups: set[str]) -> None:
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is None:
            continue
        if name not in groups and name != "match":
            raise fail(f"template {template!r} names {{{name}}}, which the pattern does not have")
        if spec and spec not in TEMPLATE_FILTERS:
            raise fail(f"template {template!r}: unknown filter {spec!r} (known: {sorted(TEMPLATE_FILTERS)})")


TEMPLATE_FILTERS = {
    "lower": str.lower,
    "upper": str.upper,
    "capitalize": lambda word: word[:1].upper() + word[1:],
    "uncapitalize": lambda word: word[:1].lower() + word[1:],
    "lower-common": lower_common,
}


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return TEMPLATE_FILTERS[format_spec](value) if format_spec else str(value)


def render(template: str, match: re.Match[str] | regex.Match[str], shorten: int | None = None) -> str:
    """Fill ``{group}`` / ``{group:filter}`` from a match; ``{match}`` is the whole match. With
    ``shorten`` (a message, never a repair), a value longer than that is cut in its middle."""
    values = {name: value or "" for name, value in match.groupdict().items()}
    values["match"] = match.group()
    if shorten is not None:
        values = {name: shortened(value, shorten) for name, value in values.items()}
    return _Formatter().vformat(template, (), values)


def shortened(text: str, limit: int) -> str:
    """``text``, or its start and end around an ellipsis when it is longer than ``limit`` characters:
    a message quoting a 100,000-character "word" must not be 100,000 characters long."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return f"{text[:head]}…{text[len(text) - (limit - 1 - head) :]}"
