"""Properties of the whole text pipeline under generated hostile input (issue 14, "Done when").

2,050 generated texts — Unicode with astral characters and combining marks, LF/CRLF/CR mixes,
byte-order marks, control characters, Markdown fragments (fences, comments, links, front matter,
suppressions) and machine-translation damage — go through the checker, the fix loop and the patch
builder in process (a subprocess per example would take minutes), asserting:

- nothing raises;
- every finding's offsets slice the text, its line and column point at its start, its excerpt is the
  first line of the flagged text, and its repairs lie inside the text;
- the Markdown masks are sorted, disjoint and inside the text;
- ``fix`` is idempotent: fixing the fixed text changes nothing;
- the unified diff, applied as ``git apply`` applies it (exact context, no fuzz), gives exactly the
  bytes ``fix`` writes; for a subset the real ``git apply`` and ``patch -p1`` do the applying.

Further examples test the diff of arbitrary edits, the suppression sweep against its plain definition
and the masks' binary search against a pass over every span (3,000 examples in all).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.findings import Finding, spans_overlap
from cleaner.markdown import markup_spans, touches
from cleaner.pipeline import Checker
from cleaner.repair.diff import unified_diff
from cleaner.repair.fixer import fix_text
from cleaner.session import Session
from cleaner.suppressions import parse as parse_suppressions

DAMAGE = [
    "It ended. . Then it began.",
    "the attack. .",
    "them..they",
    "They would not. Accept it.",
    "word  word",
    "On Monday he said yesterday",
    " ,, ",
    "Mr. Smith",
    "U.S. officials",
    "3.14",
    "... ",
    "! .",
    "“quoted. .”",
]
MARKDOWN = [
    "```",
    "```\n",
    "~~~",
    "    indented. . code",
    "<!--",
    "-->",
    "<!-- note -->",
    "<!-- cleaner: disable -->",
    "<!-- cleaner: enable -->",
    "<!-- cleaner: disable=punctuation -->",
    "# cleaner: disable=typography",
    "[link](https://example.org/a..b)",
    "[note",
    "[ref]: https://example.org",
    "`code. . span`",
    "`",
    "``",
    "---",
    "+++",
    "...",
    "title: x",
    "# Heading",
    "- item",
    "> quote",
    "<span title='x. . y'>",
    "https://example.org/x..y",
    "*em*",
    "| a | b |",
]
ODD = ["\ufeff", "\x01", "\x1b[31m", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\u00a0", "\u200b"]
ODD += ["\u202e", "😀", "𝔘𝔫𝔦", "é", "e\u0301", "日本語", "\ufffd", "\t", "Ã©", "\U0010fffd"]
BREAKS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r"]

_UNICODE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
)
_PIECE = st.one_of(
    st.sampled_from(DAMAGE),
    st.sampled_from(MARKDOWN),
    st.sampled_from(ODD),
    st.sampled_from(BREAKS),
    st.just(" "),
    _UNICODE,
)
TEXTS = st.lists(_PIECE, max_size=30).map("".join)


@pytest.fixture(scope="module")
def checkers() -> Iterator[dict[str, Callable[[str], list[Finding]]]]:
    """In-process checkers for a Markdown and a plain-text file (own rules only, as `--no-grammar`)."""
    with Session(grammar=False) as session:

        def checker(path: str) -> Callable[[str], list[Finding]]:
            configuration = session.settings(path)
            return lambda text: session.check_text(text, path, configuration)

        yield {path: checker(path) for path in ("article.md", "article.txt")}


# -- the properties --------------------------------------------------------------------------------


def assert_findings_consistent(text: str, findings: list[Finding]) -> None:
    document = Document("article", text)
    breaks = re.compile(r"\r\n|\r|\n")
    for finding in findings:
        assert 0 <= finding.start <= finding.end <= len(text), finding
        line, column = document.line_col(finding.start)
        line_start = document.line_starts[line - 1]
        assert line_start + column - 1 == finding.start
        assert not breaks.search(text, line_start, finding.start), "the column counts across a line break"
        excerpt = document.excerpt(finding.start, finding.end)
        first_line = breaks.split(text[finding.start : finding.end], maxsplit=1)[0]
        assert excerpt == (first_line if len(first_line) <= 80 else first_line[:79] + "…")
        for fix in finding.fixes:
            assert 0 <= fix.start <= fix.end <= len(text), fix


def assert_masks_consistent(text: str) -> None:
    spans = markup_spans(text)
    for before, after in itertools.pairwise(spans):
        assert before.end < after.start, "markup spans overlap or touch"
    assert all(0 <= span.start < span.end <= len(text) for span in spans)


def apply_patch(original: str, patch: str) -> str:
    """Apply a unified diff as ``git apply`` does: exact context at the stated lines, lines ending at LF,
    ``\\ No newline at end of file`` taking the LF off the line before it. Raises on any mismatch."""
    source = [line + "\n" for line in original.split("\n")]
    source[-1] = source[-1][:-1]
    if not source[-1]:
        source.pop()
    lines = patch.split("\n")
    assert lines.pop() == "", "a patch ends with a line break"
    assert lines[0].startswith("--- a/") and lines[1].startswith("+++ b/"), lines[:2]
    result: list[str] = []
    position, index = 0, 2
    while index < len(lines):
        header = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", lines[index])
        assert header, lines[index]
        old_start, old_size = int(header[1]), int(header[2] or 1)
        new_start, new_size = int(header[3]), int(header[4] or 1)
        first = old_start - 1 if old_size else old_start
        assert first >= position, "hunks out of order"
        result += source[position:first]
        position = first
        assert not new_size or len(result) == new_start - 1, "new-side line number is wrong"
        index += 1
        old_seen = new_seen = 0
        while old_seen < old_size or new_seen < new_size:
            tag, body = lines[index][0], lines[index][1:] + "\n"
            index += 1
            if index < len(lines) and lines[index] == "\\ No newline at end of file":
                body = body[:-1]
                index += 1
            assert tag in " -+", repr(tag)
            if tag in " -":
                assert source[position] == body, (source[position], body)
                position += 1
                old_seen += 1
            if tag in " +":
                result.append(body)
                new_seen += 1
    return "".join(result + source[position:])


def pipeline(check: Callable[[str], list[Finding]], text: str, bom: bool, path: str) -> str:
    """Check, fix, check the fix is a fixed point, diff; returns the patch (asserting it applies)."""
    findings = check(text)
    assert_findings_consistent(text, findings)
    fixed = fix_text(text, check).text
    refixed = fix_text(fixed, check).text
    assert refixed == fixed, f"fix is not idempotent: {fixed!r} -> {refixed!r}"
    patch = unified_diff(path, text, fixed, bom=bom)
    assert (patch == "") == (fixed == text)
    prefix = "\ufeff" if bom else ""
    if patch:
        assert apply_patch(prefix + text, patch).encode() == Document(path, fixed, bom=bom).encode(fixed)
    return patch


COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(COMMON, max_examples=1100)
@given(text=TEXTS, bom=st.booleans())
@example(text="(\x80`ç(\x80`ç(\x80`ç", bom=False)  # found by this test: `fix` grew the text (issue 14)
def test_markdown_pipeline(checkers, text: str, bom: bool) -> None:
    assert_masks_consistent(text)
    pipeline(checkers["article.md"], text, bom, "article.md")


@settings(COMMON, max_examples=900)
@given(text=TEXTS, bom=st.booleans())
def test_plain_text_pipeline(checkers, text: str, bom: bool) -> None:
    pipeline(checkers["article.txt"], text, bom, "article.txt")


RULES_ONLY = Checker()
SELECTORS = ["punctuation", "punctuation.", "punctuation.repeated-stop", "typography", "broken-sentence"]


@settings(COMMON, max_examples=200)
@given(
    markers=st.lists(
        st.tuples(st.sampled_from(["disable", "enable"]), st.sets(st.sampled_from(SELECTORS))), max_size=8
    ),
    text=TEXTS,
)
def test_suppressions_silence_exactly_what_their_regions_cover(
    markers: list[tuple[str, set[str]]], text: str
) -> None:
    """The sweep in ``Suppressions.apply`` silences what the plain definition does: a finding is
    silenced when it starts on a marker or inside a region whose selector names its rule."""
    pieces = [
        f"<!-- cleaner: {action}{'=' + ','.join(sorted(rules)) if rules else ''} -->"
        for action, rules in markers
    ]
    article = "\n".join(f"{piece}\n{text}\nIt ended. . Then. them..they  x" for piece in pieces) or text
    findings = RULES_ONLY.check_text(article)
    swept, plain = parse_suppressions(article), parse_suppressions(article)
    expected = []
    for finding in findings:
        if any(start <= finding.start < end for start, end in plain.markers):
            continue
        covering = [region for region in plain.regions if region.covers(finding)]
        for region in covering:
            region.used = True
        if not covering:
            expected.append(finding)
    assert swept.apply(findings) == expected
    assert [region.used for region in swept.regions] == [region.used for region in plain.regions]


@settings(COMMON, max_examples=200)
@given(text=TEXTS, start=st.integers(0, 400), width=st.sampled_from([0, 0, 1, 2, 5, 40]))
def test_touches_agrees_with_a_pass_over_every_span(text: str, start: int, width: int) -> None:
    """``markdown.touches`` (binary search) is ``findings.spans_overlap`` against every mask."""
    spans = markup_spans(text)
    expected = any(spans_overlap(start, start + width, span.start, span.end) for span in spans)
    assert touches(start, start + width, spans) == expected


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    """A text and an edit of it: a few slices replaced, line breaks added and removed among them."""
    text = draw(TEXTS)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pieces, position = [], 0
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        pieces += [text[position:start], draw(st.one_of(_PIECE, st.just("")))]
        position = end
    pieces.append(text[position:])
    return text, "".join(pieces)


@settings(COMMON, max_examples=500)
@given(case=edited(), bom=st.booleans(), context=st.integers(0, 3))
def test_diff_of_any_edit_applies_exactly(case: tuple[str, str], bom: bool, context: int) -> None:
    before, after = case
    patch = unified_diff("a.txt", before, after, context, bom=bom)
    prefix = "\ufeff" if bom else ""
    assert (patch == "") == (before == after)
    if patch:
        assert apply_patch(prefix + before, patch) == prefix + after


@settings(COMMON, max_examples=50)
@given(text=TEXTS, bom=st.booleans())
def test_real_git_apply_and_patch_give_the_bytes_fix_writes(checkers, text: str, bom: bool) -> None:
    text = "It ended. . Then.\n" + text  # so that there is always a repair to make
    fixed = fix_text(text, checkers["article.md"]).text
    assert fixed != text
    patch = unified_diff("article.md", text, fixed, bom=bom)
    original = Document("article.md", text, bom=bom).encode(text)
    expected = Document("article.md", fixed, bom=bom).encode(fixed)
    for command in (["git", "apply", "-"], ["patch", "-p1", "--quiet", "--batch"]):
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "article.md"
            target.write_bytes(original)
            done = subprocess.run(command, cwd=folder, input=patch.encode(), capture_output=True, timeout=60)
            assert done.returncode == 0, (command, done.stderr, patch)
            assert target.read_bytes() == expected, command
