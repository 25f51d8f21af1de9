"""Every rule's own examples: text it must flag (with the repaired text) and text it must leave alone."""

from __future__ import annotations

import bisect
import re

import pytest

from cleaner.findings import Finding
from cleaner.lexicon import word_class
from cleaner.pipeline import Checker
from cleaner.repair.edits import apply_fixes
from cleaner.ruleset import Example, Rule, load_rules

RULES = load_rules()


def _findings(rule: Rule, example: Example) -> list[Finding]:
    """The rule's findings on its example; an example with a source is checked as one aligned segment."""
    return Checker(rules=[rule]).check_text(example.text, alignment=example.alignment())


def _cases(kind: str) -> list:
    return [
        pytest.param(rule, example, id=f"{rule.id}[{index}]")
        for rule in RULES
        for index, example in enumerate(rule.flag_examples if kind == "flag" else rule.pass_examples)
    ]


@pytest.mark.parametrize(("rule", "example"), _cases("flag"))
def test_rule_flags_its_examples(rule: Rule, example) -> None:
    findings = _findings(rule, example)
    assert findings, f"{rule.id} did not flag {example.text!r}"
    assert {f.rule for f in findings} == {rule.id}
    if example.fixed is not None:
        fixes = [f.best_fix for f in findings if f.best_fix is not None]
        assert apply_fixes(example.text, fixes) == example.fixed


@pytest.mark.parametrize(("rule", "example"), _cases("pass"))
def test_rule_leaves_its_counter_examples_alone(rule: Rule, example) -> None:
    findings = _findings(rule, example)
    assert findings == [], f"{rule.id} flagged {[example.text[f.start : f.end] for f in findings]}"


def test_every_rule_has_both_kinds_of_example() -> None:
    assert RULES
    for rule in RULES:
        assert rule.flag_examples and rule.pass_examples, rule.id


def test_rule_ids_match_their_files() -> None:
    for rule in RULES:
        assert rule.id == f"{rule.origin.parent.name}.{rule.origin.stem}", rule.origin


def _anchor_texts() -> list[str]:
    """Every example text of every rule, the fixtures and the seed articles."""
    from tests.conftest import FIXTURES, SEEDS

    texts = [example.text for rule in RULES for example in (*rule.flag_examples, *rule.pass_examples)]
    files = (*FIXTURES.rglob("*.txt"), *SEEDS.glob("*.txt"))
    return texts + [path.read_text(encoding="utf-8") for path in files]


def test_anchors_lose_no_match() -> None:
    """A rule's anchor only narrows where its pattern runs: over every example text of every rule and the
    fixtures, the anchored scan finds exactly what a scan of the whole text finds."""
    from cleaner.detectors.anchors import AnchorScan

    anchored = [rule for rule in RULES if rule.anchor is not None]
    assert anchored
    scan = AnchorScan([rule.anchor for rule in anchored if rule.anchor is not None], combine_after=0)
    for text in _anchor_texts():
        for rule, found in zip(anchored, scan.lines(text), strict=True):
            assert rule.pattern is not None
            whole = [match.span() for match in rule.pattern.finditer(text)]
            lines = found.pairs()
            narrowed = [m.span() for start, end in lines for m in rule.pattern.finditer(text, start, end)]
            assert narrowed == whole, (rule.id, text)


def test_every_match_holds_an_anchor_start() -> None:
    """What scanning a long line in windows (``reach``) rests on: every match of an anchored rule holds
    the start of one of its anchor's matches (``finditer``'s), its end included."""
    anchored = [rule for rule in RULES if isinstance(rule.anchor, re.Pattern)]
    for text in _anchor_texts():
        for rule in anchored:
            assert rule.pattern is not None and isinstance(rule.anchor, re.Pattern)
            starts = [match.start() for match in rule.anchor.finditer(text)]
            for match in rule.pattern.finditer(text):
                at = bisect.bisect_left(starts, match.start())
                assert at < len(starts) and starts[at] <= match.end(), (rule.id, match.group(), text)


def test_long_lines_are_scanned_in_windows_to_the_same_matches() -> None:
    """A text with no line breaks (every example and fixture joined into one line, and the same with
    the words of each reversed, for matches the examples do not hold) finds, rule by rule, the
    matches of a scan of the whole line, and reads far less of it."""
    from cleaner.detectors.anchors import AnchorScan
    from cleaner.detectors.reach import reach

    anchored = [rule for rule in RULES if rule.anchor is not None]
    scan = AnchorScan([rule.anchor for rule in anchored if rule.anchor is not None], combine_after=0)
    joined = " ".join(" ".join(text.split()) for text in _anchor_texts())
    texts = [joined, " ".join(word[::-1] for word in joined.split(" ")), "a [b " * 2000 + "c] d." * 2000]
    windowed = 0
    for text in texts:
        chars = frozenset(text)
        for rule, found in zip(anchored, scan.lines(text), strict=True):
            assert rule.pattern is not None and isinstance(rule.pattern, re.Pattern)
            whole = [match.span() for match in rule.pattern.finditer(text)]
            if not found:
                assert not whole, rule.id
                continue
            rule_reach = reach(rule.pattern)
            assert rule_reach is not None, rule.id  # every shipped rule's pattern can be read
            assert found.pairs() == [(0, len(text))] and found.starts
            spans = list(rule_reach.windows(text, (0, len(text)), found.starts, chars))
            narrowed = [
                match.span()
                for start, end, last in spans
                for match in rule.pattern.finditer(text, start, end)
                if match.start() <= last
            ]
            assert narrowed == whole, rule.id
            windowed += sum(end - start for start, end, _ in spans) < len(text) / 2
    assert windowed > len(anchored)


def _lines_alone(anchor: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The lines of ``anchor``'s own ``finditer`` matches, once each: what the combined scan must find."""
    lines: list[tuple[int, int]] = []
    for match in anchor.finditer(text):
        if lines and match.start() < lines[-1][1]:
            continue
        end = text.find("\n", match.end())
        lines.append((text.rfind("\n", 0, match.start()) + 1, len(text) if end == -1 else end + 1))
    return lines


def test_combined_anchor_scan_finds_each_anchors_own_lines() -> None:
    """The anchors scanned together (one scan per leading character, as they are once a run has
    scanned ``COMBINE_AFTER`` characters) find, for each anchor, the lines its own scan finds: on the
    rules' texts, and where matches overlap, nest or cross lines."""
    from cleaner.detectors.anchors import AnchorScan

    anchors = list(dict.fromkeys(rule.anchor for rule in RULES if isinstance(rule.anchor, re.Pattern)))
    split = [
        r"a[ab]*",
        r"[ab]\nb",
        r"a(?<=a)(?:b|[cd]+)",
        r"b(?:a)?\n",
        r"\.(?:(?<=a\.)|(?<=b\.))[ \t]+[A-Z]",
    ]
    anchors += [re.compile(p) for p in (*split, r"(?i)x\.", r"(a)\.", r"\b\w+\.", r"b+a|c")]
    scan = AnchorScan(anchors, combine_after=0)
    scan.lines("")
    assert len(scan._alone) == 4  # the flagged, grouped, word-class and alternated ones
    texts = [*_anchor_texts(), "aab\nbaa.b\naaa", "ab\nb\nab\nba", "X. (a). x. ba\nc", "acdb a. B\nb.\tC"]
    for text in texts:
        alone = [_lines_alone(anchor, text) for anchor in anchors]
        assert [found.pairs() for found in scan.lines(text)] == alone, text
        first = AnchorScan(anchors).lines(text)  # a run's first texts: anchor by anchor
        assert [found.pairs() for found in first] == alone, text


def test_preposition_split_names_every_bound_preposition() -> None:
    """The rule lists the prepositions of ``word_classes.yaml`` that are no adverb particle in its pattern
    and anchor (a capital after a stop opens nearly every line: a generic pattern would be tried at
    every character), so the list must follow the word class."""
    rule = next(rule for rule in RULES if rule.id == "broken-sentence.preposition-split")
    assert rule.pattern is not None and rule.anchor is not None
    named = set(re.search(r"\(\?P<end>([a-z|]+)\)", rule.pattern.pattern).group(1).split("|"))
    assert named == set(word_class("prepositions") - word_class("particles"))
    for word in named:
        assert rule.anchor.search(f"It came {word}. Siemens") and not rule.anchor.search(
            f"It came x{word}. Siemens"
        )
    twin = next(rule for rule in RULES if rule.id == "broken-sentence.preposition-before-clause")
    assert twin.pattern is not None and twin.anchor is not None
    assert set(re.search(r"\(\?P<end>([a-z|]+)\)", twin.pattern.pattern).group(1).split("|")) == named
    for word in named:
        assert twin.anchor.search(f"It came {word}. the") and not twin.anchor.search(f"It came x{word}. the")
