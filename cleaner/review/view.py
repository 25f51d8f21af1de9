"""What the page is sent: a file's text cut into segments that say which findings cover them (so the
browser highlights in place without doing offset arithmetic: offsets are code points here and UTF-16
in JavaScript), each finding with its candidates as inline diffs, and counts by category.

Nothing here decides or edits; it only describes a ``FileReview``.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Any

from cleaner.document import Document
from cleaner.findings import Finding, Fix
from cleaner.repair.diff import visible_change
from cleaner.repair.interactive import sentence_span
from cleaner.review.state import Change, FileReview, Saved

CONTEXT = 160
"""Characters of unchanged sentence shown at most on each side of a candidate's change."""
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
"""Words, runs of space, and single marks: the units of an inline diff."""


def counts(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, int]:
    """Findings by category, most frequent first."""
    return dict(Counter(str(f.category) for f in findings).most_common())


def file_summary(index: int, name: str, review: FileReview) -> dict[str, Any]:
    return {
        "index": index,
        "name": name,
        "counts": counts(review.findings),
        "total": len(review.findings),
        "unsaved": review.unsaved,
    }


def file_view(index: int, name: str, review: FileReview) -> dict[str, Any]:
    """Everything the page shows for one file."""
    text = review.text
    positions = Document(name, text)
    return {
        **file_summary(index, name, review),
        "version": review.version,
        "segments": segments(text, review.findings),
        "findings": [_finding(text, positions, review, f) for f in review.findings],
        "can_undo": len(review.steps) > 1,
        "changes": [_change(c) for c in review.current.changes],
        "notes": list(review.notes),
        "saved": _saved(review.saved) if review.saved else None,
    }


def segments(text: str, findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    """``text`` cut at every finding's start and end: ``{"text", "findings": [ids]}`` in order, the ids
    of the findings covering that stretch. A finding of no width (a missing mark) gets a segment of
    its own with empty text, where it is."""
    cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    starts: dict[int, list[int]] = {}
    empty: dict[int, list[int]] = {}
    for number, finding in enumerate(findings):
        (empty if finding.start == finding.end else starts).setdefault(finding.start, []).append(number)
    active: list[int] = []
    out: list[dict[str, Any]] = []
    for here, there in zip(cuts, [*cuts[1:], len(text)], strict=True):
        active = [n for n in active if findings[n].end > here] + starts.get(here, [])
        if here in empty:
            out.append({"text": "", "findings": empty[here]})
        if there > here:
            out.append({"text": text[here:there], "findings": sorted(active)})
    return out


def _finding(text: str, positions: Document, review: FileReview, finding: Finding) -> dict[str, Any]:
    line, column = positions.line_col(finding.start)
    begin, finish = review.sentence(finding)
    return {
        "rule": finding.rule,
        "category": str(finding.category),
        "severity": str(finding.severity),
        "message": finding.message,
        "source": str(finding.source),
        "start": finding.start,
        "line": line,
        "column": column,
        "excerpt": text[finding.start : finding.end],
        "sentence": text[begin:finish],
        "candidates": [_candidate(text, fix) for fix in finding.fixes],
    }


def _candidate(text: str, fix: Fix) -> dict[str, Any]:
    return {
        "replacement": fix.replacement,
        "applicability": str(fix.applicability),
        "score": fix.score,
        "diff": inline_diff(text, fix),
    }


def inline_diff(text: str, fix: Fix) -> list[list[str]]:
    """The repair in its sentence as ``[op, text]`` pieces (``same``, ``del``, ``ins``): changed words
    and marks only (a word-level diff reads better than a character-level one: "told" → "will tell",
    not "t·o·ld"), and the rest of the sentence around it, cut at ``CONTEXT`` characters on each side."""
    begin, finish = sentence_span(text, fix.start, fix.end)
    before = text[max(begin, fix.start - CONTEXT) : fix.start]
    after = text[fix.end : min(finish, fix.end + CONTEXT)].rstrip("\r")
    if fix.start - CONTEXT > begin:
        before = "…" + before
    if fix.end + CONTEXT < finish:
        after += "…"
    old, new = _TOKEN.findall(text[fix.start : fix.end]), _TOKEN.findall(fix.replacement)
    pieces = [["same", before]]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(["same", "".join(old[i1:i2])])
            continue
        if i2 > i1:
            pieces.append(["del", _shown("".join(old[i1:i2]))])
        if j2 > j1:
            pieces.append(["ins", _shown("".join(new[j1:j2]))])
    pieces.append(["same", after])
    return [piece for piece in pieces if piece[1]]


def _shown(change: str) -> str:
    """A changed stretch as the page shows it: spaces made visible when they are all that changed,
    invisible characters always."""
    if not change.strip():
        return visible_change(change)
    return "".join(char if char.isprintable() else visible_change(char) for char in change)


def _change(change: Change) -> dict[str, str]:
    return {"kind": str(change.kind), "rule": change.rule, "before": change.before, "after": change.after}


def _saved(saved: Saved) -> dict[str, Any]:
    kinds = Counter(str(c.kind) for c in saved.changes)
    return {
        "counts": dict(kinds),
        "changes": [_change(c) for c in saved.changes],
        "backup": str(saved.backup) if saved.backup else None,
    }
