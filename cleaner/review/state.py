"""One file under review in the browser: the text as repaired so far, the findings that still stand,
what the person decided, and the history that undo walks back.

Every change goes through the repair layer (``apply_fixes``, and the fix loop for "accept all safe")
and is followed by the same check ``cleaner fix`` runs, so the page shows what ``cleaner check`` would
report on the repaired text. A rejected finding is remembered where it is, carried through every later
edit (``Decided``), and stays hidden when a re-check finds it again. Nothing is written until
``save``, which goes through the one write path (``write_document``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cleaner.document import Document
from cleaner.findings import Applicability, Finding, Fix
from cleaner.repair.decided import Decided
from cleaner.repair.diff import unified_diff
from cleaner.repair.edits import apply_fixes
from cleaner.repair.fixer import fix_text
from cleaner.repair.interactive import control_characters, sentence_span
from cleaner.repair.writer import WriteRefused, write_document

Check = Callable[[str], list[Finding]]
"""The check of one file's text with its own settings: ``Session.check_document`` for that file."""


class ActionRefused(Exception):
    """An action the review cannot take; the message is for the page, in one line."""


class StaleView(ActionRefused):
    """The page acted on a version of the file that has since changed (another tab, a double click)."""


class SaveRefused(ActionRefused):
    """The write path refused the file (changed on disk, read-only, …); nothing was written."""


def lone_surrogates(text: str) -> list[str]:
    """The lone surrogates in ``text`` (as U+XXXX): a JSON ``\\ud800`` escape decodes to one, but UTF-8
    cannot encode it, so an edit holding one could be neither shown again nor saved."""
    return [f"U+{ord(char):04X}" for char in dict.fromkeys(text) if "\ud800" <= char <= "\udfff"]


class ChangeKind(StrEnum):
    ACCEPTED = "accepted"
    EDITED = "edited"
    SAFE = "accepted as safe"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Change:
    """One decision, for the summary and the log on the page."""

    kind: ChangeKind
    rule: str
    before: str
    after: str


@dataclass(frozen=True)
class Step:
    """The review's state after one decision; undo returns to the step before."""

    text: str
    findings: tuple[Finding, ...]
    rejected: Decided
    """What the person rejected, in ``text``."""
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Saved:
    """What the last save wrote."""

    changes: tuple[Change, ...]
    backup: Path | None


@dataclass
class FileReview:
    """The review of one document. ``version`` grows with every change so a page acting on an older
    view is told to reload instead of repairing the wrong text."""

    document: Document
    check: Check
    original: str = field(init=False)
    """The text as loaded, for the diff of what was saved."""
    steps: list[Step] = field(init=False)
    version: int = field(default=0, init=False)
    saved: Saved | None = field(default=None, init=False)
    notes: list[str] = field(default_factory=list)
    """Warnings for the page (a fix loop that did not settle, a user rule out of time); the check may
    add to it."""

    def __post_init__(self) -> None:
        self.original = self.document.text
        text = self.document.text
        self.steps = [Step(text, tuple(self.check(text)), Decided(text))]

    @property
    def current(self) -> Step:
        return self.steps[-1]

    @property
    def text(self) -> str:
        return self.current.text

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.current.findings

    @property
    def unsaved(self) -> bool:
        return self.text != self.document.text

    def _open_findings(self, text: str) -> list[Finding]:
        """The re-check of ``text`` (an edit of the current text), without what the person rejected."""
        rejected = self.current.rejected.moved(text)
        return [f for f in self.check(text) if f not in rejected]

    def _finding(self, version: int, index: int) -> Finding:
        if version != self.version:
            raise StaleView("the file changed since this page was drawn; showing it again")
        if not 0 <= index < len(self.findings):
            raise ActionRefused(f"no finding {index} in this file")
        return self.findings[index]

    def _push(self, text: str, change: Change, findings: list[Finding] | None = None) -> None:
        if findings is None:
            findings = self._open_findings(text)
        rejected = self.current.rejected.moved(text)
        self.steps.append(Step(text, tuple(findings), rejected, (*self.current.changes, change)))
        self.version += 1

    def accept(self, version: int, index: int, candidate: int) -> None:
        """Apply one candidate repair of a finding, then check the text again."""
        finding = self._finding(version, index)
        if not 0 <= candidate < len(finding.fixes):
            raise ActionRefused(f"{finding.rule} has no candidate {candidate + 1}")
        fix = finding.fixes[candidate]
        self._push(
            apply_fixes(self.text, [fix]),
            Change(ChangeKind.ACCEPTED, finding.rule, self.text[fix.start : fix.end], fix.replacement),
        )

    def reject(self, version: int, index: int) -> None:
        """Leave the text as it is and stop showing this finding (undo shows it again)."""
        finding = self._finding(version, index)
        excerpt = self.text[finding.start : finding.end]
        step = self.current
        rejected = step.rejected.add(finding)
        remaining = tuple(f for f in step.findings if f is not finding)
        change = Change(ChangeKind.REJECTED, finding.rule, excerpt, excerpt)
        self.steps.append(Step(step.text, remaining, rejected, (*step.changes, change)))
        self.version += 1

    def sentence(self, finding: Finding) -> tuple[int, int]:
        """The span an edit by hand replaces: the sentence(s) around the finding, within its line, without
        a CRLF line's CR."""
        begin, finish = sentence_span(self.text, finding.start, finding.end)
        while finish > begin and self.text[finish - 1] == "\r":
            finish -= 1
        return begin, finish

    def edit(self, version: int, index: int, replacement: str) -> None:
        """Replace the finding's sentence with the person's own text, then check again."""
        finding = self._finding(version, index)
        bad = control_characters(replacement)
        if bad:
            raise ActionRefused(
                f"not applied: the text holds control characters or line breaks ({', '.join(bad)})"
            )
        lone = lone_surrogates(replacement)
        if lone:
            raise ActionRefused(
                f"not applied: the text holds a lone surrogate ({', '.join(lone)}), half of a character, "
                "which no file can hold"
            )
        begin, finish = self.sentence(finding)
        before = self.text[begin:finish]
        if replacement == before:
            raise ActionRefused("not applied: the sentence is unchanged")
        fix = Fix(begin, finish, replacement, Applicability.UNSAFE)
        change = Change(ChangeKind.EDITED, finding.rule, before, replacement)
        self._push(apply_fixes(self.text, [fix]), change)

    def accept_safe(self, version: int) -> int:
        """Apply every safe repair in the file, exactly as ``cleaner fix`` does (the fix loop, re-checking
        after each pass), except those the person rejected. Returns how many were applied."""
        if version != self.version:
            raise StaleView("the file changed since this page was drawn; showing it again")
        outcome = fix_text(self.text, self._open_findings, {Applicability.SAFE})
        if not outcome.applied:
            raise ActionRefused("no safe repair left in this file")
        if outcome.problem:
            self.notes.append(outcome.problem)
        rules = ", ".join(sorted({f.rule for f in outcome.applied}))
        count = f"{len(outcome.applied)} safe repair{'s' * (len(outcome.applied) != 1)}"
        self._push(outcome.text, Change(ChangeKind.SAFE, rules, count, ""), outcome.remaining)
        return len(outcome.applied)

    def undo(self, version: int) -> None:
        if version != self.version:
            raise StaleView("the file changed since this page was drawn; showing it again")
        if len(self.steps) == 1:
            raise ActionRefused("nothing to undo")
        self.steps.pop()
        self.version += 1

    def save(self, backup: bool = False, force: bool = False) -> Saved:
        """Write the text through the one write path; refused when the file changed on disk since it was
        loaded (or saved), is read-only, … — then nothing is written and the review goes on."""
        if not self.unsaved:
            raise ActionRefused("nothing to save: the text is as it is on disk")
        try:
            written = write_document(self.document, self.text, backup=backup, force=force)
        except WriteRefused as exc:
            raise SaveRefused(f"{self.document.path} {exc}") from exc
        except OSError as exc:
            raise SaveRefused(f"{self.document.path}: not written: {exc.strerror or exc}") from exc
        digest = hashlib.sha256(self.document.encode(self.text)).digest()
        self.document = dataclasses.replace(self.document, text=self.text, digest=digest)
        self.saved = Saved(self.current.changes, written)
        self.version += 1
        return self.saved

    def diff(self) -> str:
        """The unified diff of what was saved against the file as loaded (empty before a save); for a
        bilingual file, of the whole file with the saved targets written in."""
        document = self.document
        before, after = document.file_text(self.original), document.file_text(document.text)
        return unified_diff(document.path, before, after, bom=document.bom)
