"""The check pipeline: chosen rules -> their detectors -> ordered, de-duplicated findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.alignment import Alignment
from cleaner.analysis import Span, TextAnalysis
from cleaner.detectors import SOURCE_AWARE, Detector, factory, known_detectors
from cleaner.findings import Finding, Severity
from cleaner.neural import MODEL_RULES
from cleaner.ruleset import Rule, RuleError, load_rules
from cleaner.selectors import CATEGORIES, close_selectors, matches_selector, selects

if TYPE_CHECKING:  # the engine pulls in an HTTP client: import it only where a run uses it
    from cleaner.grammar.engine import GrammarEngine


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: Severity = Severity.INFO
    extra_rule_dirs: tuple[Path, ...] = field(default=())

    def wants(self, rule_id: str, category: str | None = None) -> bool:
        """Whether a rule (or a finding of it) is selected; ``category``, when given, is matched by a
        selector that names it, so ``--ignore spelling`` drops LanguageTool's spelling findings too."""
        if self.select and not any(selects(s, rule_id, category) for s in self.select):
            return False
        return not any(selects(s, rule_id, category) for s in self.ignore)


class Checker:
    """Runs the selected rules' detectors, and the grammar engine if given, over documents.

    Build once, check many documents: the engine's server is shared by every document of a run.
    """

    def __init__(
        self,
        selection: Selection | None = None,
        rules: Sequence[Rule] | None = None,
        grammar: GrammarEngine | None = None,
    ) -> None:
        self.selection = selection or Selection()
        self.grammar = grammar
        all_rules = list(rules) if rules is not None else load_rules(self.selection.extra_rule_dirs)
        if self.selection.select or self.selection.ignore:
            self._check_selectors(all_rules)
        self.rules = [rule for rule in all_rules if self.selection.wants(rule.id, rule.category)]
        self._order = {rule.id: index for index, rule in enumerate(self.rules)}
        self._yields = {rule.id: rule.yields_to for rule in self.rules if rule.yields_to}
        by_detector = self._by_detector(self.rules)
        self.detectors = [
            factory(name)(group) for name, group in by_detector.items() if name not in SOURCE_AWARE
        ]
        self._source_rules = {name: group for name, group in by_detector.items() if name in SOURCE_AWARE}
        self._source_detectors: list[Detector] | None = None

    def warm_up(self) -> None:
        """Load now what the detectors load for the first text that needs it (ftfy, the combined anchor
        scans, the time patterns, the ``regex`` patterns of other scripts): some 0.15-0.3 s of a core
        that a run of one article never pays. A ``--jobs`` run calls it before forking its workers, which
        then share what was loaded instead of each loading it again."""
        for detector in self.detectors:
            warm_up = getattr(detector, "warm_up", None)
            if warm_up is not None:
                warm_up()

    def _check_selectors(self, rules: Sequence[Rule]) -> None:
        """A RuleError for a selector that matches no rule, category or LanguageTool rule, with the
        closest names. The LanguageTool names load here: a run without selectors does not need them."""
        from cleaner.grammar.mapping import RULE_PREFIX, default_treatments

        known = [rule.id for rule in rules] + list(MODEL_RULES)
        unknown = [
            s
            for s in (*self.selection.select, *self.selection.ignore)
            if not matches_selector(s, RULE_PREFIX.rstrip("."))
            and s not in CATEGORIES
            and not any(matches_selector(rule_id, s) for rule_id in known)
        ]
        if unknown:
            languagetool = [t.id for t in default_treatments() if t.kind == "rule"]
            close = close_selectors(unknown[0], [*known, *languagetool])
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise RuleError(
                f"no rule or category matches {unknown[0]!r}{hint} "
                "(see `cleaner rules` and `cleaner rules --languagetool`)"
            )

    @staticmethod
    def _by_detector(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
        by_detector: dict[str, list[Rule]] = defaultdict(list)
        known = known_detectors()
        for rule in rules:
            if rule.detector not in known:
                raise RuleError(f"{rule.origin}: unknown detector {rule.detector!r} (known: {known})")
            by_detector[rule.detector].append(rule)
        return by_detector

    def detectors_for(self, alignment: Alignment | None) -> list[Detector]:
        """Every detector for a text with a source; without one, those that need none."""
        if alignment is None:
            return self.detectors
        if self._source_detectors is None:
            self._source_detectors = [factory(name)(group) for name, group in self._source_rules.items()]
        return [*self.detectors, *self._source_detectors]

    def check_text(
        self, text: str, markup: Sequence[Span] = (), alignment: Alignment | None = None
    ) -> list[Finding]:
        """Findings for ``text``; none inside ``markup`` (Markdown syntax and code), which the grammar
        engine receives as markup rather than prose. ``alignment`` gives source-aware detectors the
        source of each paragraph or unit, and where it does, the source orders each finding's candidates."""
        analysis = TextAnalysis(text, alignment)
        found = [finding for detector in self.detectors_for(alignment) for finding in detector.find(analysis)]
        if markup:  # a Markdown file: plain-text runs never load the Markdown module
            from cleaner.markdown import syntax_spans, touches
        if self.grammar is not None:
            syntax = syntax_spans(text, list(markup)) if markup else []
            found.extend(without_overlaps(self.grammar.findings(text, syntax), found))
        if markup:
            spans = sorted(markup, key=lambda span: span.start)
            found = [f for f in found if not touches(f.start, f.end, spans)]
        wanted = [
            f
            for f in found
            if f.severity.rank >= self.selection.min_severity.rank
            and self.selection.wants(f.rule, f.category)
        ]
        wanted = self._without_confirmations(wanted)
        last = len(self._order)
        found = deduplicate(sorted(wanted, key=lambda f: (f.start, f.end, self._order.get(f.rule, last))))
        if alignment is None:
            return found
        from cleaner.consistency.repair_order import order_by_source  # only texts with a source need it

        return order_by_source(text, found, alignment)

    def _without_confirmations(self, findings: list[Finding]) -> list[Finding]:
        """Findings minus those of a rule that ``yields-to`` the category of another finding it overlaps."""
        yields = self._yields
        if not yields:
            return findings
        return [
            f
            for f in findings
            if f.rule not in yields
            or not any(g.category in yields[f.rule] and g.overlaps(f) for g in findings if g is not f)
        ]


def repair_kinds(rule: Rule) -> tuple[str, ...]:
    """How far the repairs a rule offers may be trusted ("safe", "unsafe", "display"), as its own flag
    examples show them: derived from what the rule does, so the list cannot drift from the code."""
    checker = Checker(rules=[rule])
    found = {
        str(fix.applicability)
        for example in rule.flag_examples
        for finding in checker.check_text(example.text, alignment=example.alignment())
        for fix in finding.fixes
    }
    return tuple(kind for kind in ("safe", "unsafe", "display") if kind in found)


def without_overlaps(candidates: list[Finding], own: list[Finding]) -> list[Finding]:
    """The grammar engine's findings minus those on an artefact an own rule already reports: the own
    rule is the more specific one, and one artefact is reported once."""
    return [candidate for candidate in candidates if not any(candidate.overlaps(o) for o in own)]


def deduplicate(findings: list[Finding]) -> list[Finding]:
    """Report each artefact once: of findings on the same span, the first (most specific) one wins.

    ``findings`` are sorted by span, so equal spans are neighbours.
    """
    kept: list[Finding] = []
    for finding in findings:
        if kept and (kept[-1].start, kept[-1].end) == (finding.start, finding.end):
            continue
        kept.append(finding)
    return kept
