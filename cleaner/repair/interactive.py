"""``cleaner fix --interactive``: walk the proposed repairs hunk by hunk, as ``git add -p`` does.

Only accepted repairs are applied. Accepting a repair sets aside the proposals that touch the same
text; after the walk the repaired text is checked again and whatever still stands is proposed anew.
"""

from __future__ import annotations

import enum
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from cleaner.document import Document
from cleaner.findings import Applicability, Finding, Fix, Severity
from cleaner.repair.decided import Decided
from cleaner.repair.diff import changed_pair
from cleaner.repair.edits import apply_fixes
from cleaner.repair.review_keys import HELP

MAX_ROUNDS = 3

EDIT_PROMPT = "Edit the sentence (Enter: preview the edit; an empty line or Ctrl-C: cancel): "
CONFIRM_PROMPT = "Apply this edit [y,n]? "


class Decision(enum.Enum):
    ACCEPT = "accept"
    SKIP = "skip"
    SUPERSEDED = "superseded"


@dataclass
class Proposal:
    finding: Finding
    choice: int = 0
    edited: Fix | None = None
    """The person's own text for the whole sentence around the finding (``e``), instead of a candidate."""
    decision: Decision | None = None

    @property
    def fix(self) -> Fix:
        return self.edited if self.edited is not None else self.finding.fixes[self.choice]


@dataclass
class Review:
    """What the person decided for one file."""

    text: str
    accepted: list[Fix] = field(default_factory=list)
    quit: bool = False
    interrupted: bool = False
    """The person pressed Ctrl-C: like ``quit``, what was accepted before is kept."""
    skipped: int = 0
    undecided: list[Finding] = field(default_factory=list)
    """Findings shown for review but neither accepted nor skipped when the review stopped."""

    @property
    def undecided_errors(self) -> int:
        return sum(1 for finding in self.undecided if finding.severity is Severity.ERROR)


Ask = Callable[[str], str]
"""Reads one answer from the person (raises EOFError at end of input)."""

Edit = Callable[[str, str], str | None]
"""Lets the person edit a line: (prompt, current text) -> the edited text, or None when they cancel
(raises EOFError at end of input)."""


def edit_line(message: str, current: str) -> str | None:
    """Real line editing, the current text prefilled: arrows, Home/End, Ctrl-U, … move and delete
    instead of landing in the article as raw escape codes (``\x1b[D``), which is what ``input()`` on a
    terminal without readline does. Ctrl-C cancels (None).

    Without a terminal on both ends there is nothing to edit on: a line is read whole (an empty one
    cancels, as an emptied prefilled line does).
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return input(message)
    from prompt_toolkit import prompt  # only here: most runs never edit a repair

    try:
        return prompt(message, default=current)
    except KeyboardInterrupt:
        return None


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` (as U+XXXX), which an edited repair must not write into an
    article: escape codes from a confused terminal, tabs, line breaks, NULs."""
    return [f"U+{ord(char):04X}" for char in dict.fromkeys(text) if unicodedata.category(char) == "Cc"]


def review_document(
    document: Document,
    check: Callable[[str], list[Finding]],
    console: Console,
    ask: Ask,
    edit: Edit = edit_line,
) -> Review:
    """Walk the repairs of one document; re-check after each round and propose what still stands."""
    review = Review(document.text)
    seen = Decided(document.text)  # every finding proposed so far: a re-check does not propose it again
    for _ in range(MAX_ROUNDS):
        proposals = []
        try:
            found = check(review.text)
        except KeyboardInterrupt:  # during a re-check: what was accepted so far is kept
            review.quit = review.interrupted = True
            break
        seen = seen.moved(review.text)
        for finding in found:
            if finding.fixes and finding not in seen:
                seen = seen.add(finding)
                proposals.append(Proposal(finding))
        if not proposals:
            break
        stop = _walk(document, review.text, proposals, console, ask, edit)
        accepted = [p.fix for p in proposals if p.decision is Decision.ACCEPT]
        review.skipped += sum(1 for p in proposals if p.decision is Decision.SKIP)
        if stop is not None:
            review.quit = True
            review.interrupted = stop is _Stop.INTERRUPT
            review.undecided.extend(p.finding for p in proposals if p.decision is None)
        if accepted:
            review.text = apply_fixes(review.text, accepted)
            review.accepted.extend(accepted)
        if review.quit or not accepted:
            break
    return review


class _Stop(enum.Enum):
    QUIT = "quit"
    INTERRUPT = "interrupt"


def _say(console: Console, message: str) -> None:
    console.print(message, style="bold red", markup=False, highlight=False)


def _walk(
    document: Document, text: str, proposals: list[Proposal], console: Console, ask: Ask, edit: Edit
) -> _Stop | None:
    """The git-add-p loop over one round's proposals: None when each is decided, else why it stopped."""
    index = 0
    show = True
    while True:
        undecided = [i for i, p in enumerate(proposals) if p.decision is None]
        if not undecided:
            return None
        if index not in undecided:
            index = next((i for i in undecided if i > index), undecided[0])
        proposal = proposals[index]
        if show:
            accepted = [p.fix for p in proposals if p.decision is Decision.ACCEPT]
            show_proposal(console, document, text, proposal, index, len(proposals), accepted)
        show = True
        count = len(proposal.finding.fixes)
        keys = "y,n,a,d,q,e,j,k" + (f",1-{count}" if count > 1 else "")
        try:
            answer = ask(f"Apply this repair [{keys},?]? ").strip().lower()
        except EOFError:
            return _Stop.QUIT
        except KeyboardInterrupt:
            console.print()  # the prompt's line is left open
            return _Stop.INTERRUPT
        if answer == "y":
            _accept(proposals, index)
        elif answer == "n":
            proposal.decision = Decision.SKIP
        elif answer == "a":  # this one (seen), then only the safe ones: unsafe ones are still shown
            _accept(proposals, index)
            for i in undecided:
                later = proposals[i]
                if i > index and later.decision is None and later.fix.applicability is Applicability.SAFE:
                    _accept(proposals, i)
        elif answer == "d":
            for i in undecided:
                if i >= index:
                    proposals[i].decision = Decision.SKIP
        elif answer == "q":
            return _Stop.QUIT
        elif answer == "e":
            stop = _edit_sentence(console, text, proposals, index, ask, edit)
            if stop is not None:
                return stop
        elif answer == "j":
            later = [i for i in undecided if i > index]
            if later:
                index = later[0]
            else:
                _say(console, "No later undecided repair.")
                show = False
        elif answer == "k":
            earlier = [i for i in undecided if i < index]
            if earlier:
                index = earlier[-1]
            else:
                _say(console, "No earlier undecided repair.")
                show = False
        elif answer.isdigit():
            if 1 <= int(answer) <= count:
                proposal.choice = int(answer) - 1
                proposal.edited = None
            else:
                _say(
                    console,
                    f"No candidate {answer}: this repair has only one."
                    if count == 1
                    else f"No candidate {answer}: pick 1-{count}.",
                )
                show = False
        else:
            console.print(HELP, style="bold red" if answer != "?" else "", markup=False, highlight=False)


def _edit_sentence(
    console: Console, text: str, proposals: list[Proposal], index: int, ask: Ask, edit: Edit
) -> _Stop | None:
    """``e``: the person rewrites the whole sentence around the finding (a stray stop before the flagged
    word can only be removed there), prefilled with the sentence as the repair would leave it; the
    edit is previewed as a diff and applied only when confirmed. An empty line, Ctrl-C or ``n`` cancel
    it and show the hunk again. None, unless the person ended the review at one of the prompts."""
    proposal = proposals[index]
    accepted = [p for p in proposals if p.decision is Decision.ACCEPT]
    begin, finish = sentence_span(text, proposal.fix.start, proposal.fix.end)
    grown = True
    while grown:  # a repair accepted across the sentence's edge is taken in whole
        grown = False
        for other in (p.fix for p in accepted):
            if other.start < finish and other.end > begin and (other.start < begin or other.end > finish):
                begin, finish = min(begin, other.start), max(finish, other.end)
                grown = True
    finish = begin + len(text[begin:finish].rstrip("\r"))
    inside = [p for p in accepted if begin <= p.fix.start and p.fix.end <= finish]
    sentence = text[begin:finish]
    current = apply_fixes(sentence, [_shifted(p.fix, -begin) for p in inside])
    prefilled = apply_fixes(sentence, [_shifted(p.fix, -begin) for p in (*inside, proposal)])
    try:
        edited = edit(EDIT_PROMPT, prefilled)
    except EOFError:
        return _Stop.QUIT
    except KeyboardInterrupt:
        edited = None
    if edited is None or not edited.strip():
        _say(console, "Edit cancelled: the sentence is left as it was.")
        return None
    bad = control_characters(edited)
    if bad:
        _say(console, f"Not applied: the text holds control characters ({', '.join(bad)}).")
        return None
    if edited == current:
        _say(console, "The sentence is unchanged: nothing to apply.")
        return None
    old, new = changed_pair(current, edited, context=max(len(current), len(edited), 1))
    console.print("Your edit:", style="bold", highlight=False, markup=False)
    console.print(Text("-", style="red") + old, soft_wrap=False)
    console.print(Text("+", style="green") + new, soft_wrap=False)
    try:
        confirmed = ask(CONFIRM_PROMPT).strip().lower() == "y"
    except EOFError:
        return _Stop.QUIT
    except KeyboardInterrupt:
        console.print()
        return _Stop.INTERRUPT
    if not confirmed:
        _say(console, "Edit discarded: the sentence is left as it was.")
        return None
    for other in inside:  # their repairs are part of the edited sentence now
        other.decision = Decision.SUPERSEDED
    proposal.edited = Fix(begin, finish, edited, Applicability.UNSAFE)
    _accept(proposals, index)
    return None


def _shifted(fix: Fix, offset: int) -> Fix:
    return Fix(fix.start + offset, fix.end + offset, fix.replacement, fix.applicability, fix.score)


def _accept(proposals: list[Proposal], index: int) -> None:
    """Accept one proposal; undecided ones whose repair overlaps it are set aside for the re-check."""
    chosen = proposals[index]
    chosen.decision = Decision.ACCEPT
    for other in proposals:
        if other.decision is None and other.fix.overlaps(chosen.fix):
            other.decision = Decision.SUPERSEDED


_KIND = {
    Applicability.SAFE: "safe repair",
    Applicability.UNSAFE: "unsafe repair",
    Applicability.DISPLAY: "display-only suggestion",
}

_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’»)\]]*\s+(?=[\"“‘«(\[]?[A-Z0-9])")


def _moved(fix: Fix, accepted: list[Fix]) -> Fix:
    """``fix`` placed in the text with ``accepted`` applied (none of which overlaps it)."""
    return _shifted(fix, sum(len(a.replacement) - (a.end - a.start) for a in accepted if a.end <= fix.start))


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around ``text[start:end]``, within its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    begin, finish = line_start, line_end
    for match in _SENTENCE_BREAK.finditer(text, line_start, line_end):
        if match.end() <= start:
            begin = match.end()
        elif match.start() >= end:
            finish = match.start() + len(match.group().rstrip())
            break
    return begin, finish


def show_proposal(
    console: Console,
    document: Document,
    text: str,
    proposal: Proposal,
    index: int,
    total: int,
    accepted: list[Fix] | None = None,
) -> None:
    """The hunk: where, which rule, how far the repair can be trusted and why, then the whole sentence
    before and after, as it reads with the repairs accepted so far, wrapped to the terminal."""
    finding, fix = proposal.finding, proposal.fix
    if accepted:
        text, fix = apply_fixes(text, accepted), _moved(fix, accepted)
    line_start = text.rfind("\n", 0, fix.start) + 1
    line_no = text.count("\n", 0, fix.start) + 1
    column = fix.start - line_start + 1
    console.print()
    console.print(
        f"[bold]({index + 1}/{total}) {escape(document.path)}:{line_no}:{column}[/] "
        f"[yellow]{escape(finding.rule)}[/] [dim]\\[{finding.category}][/] "
        f"[bold]{_KIND[fix.applicability]}[/] ({finding.severity}): {escape(finding.message)}",
        highlight=False,
        soft_wrap=False,
    )
    begin, finish = sentence_span(text, fix.start, fix.end)
    before = text[begin:finish].rstrip("\r")
    after = apply_fixes(before, [Fix(fix.start - begin, fix.end - begin, fix.replacement)])
    old, new = changed_pair(before, after, context=max(len(before), 1))
    console.print(Text("-", style="red") + old, soft_wrap=False)
    console.print(Text("+", style="green") + new, soft_wrap=False)
    if len(finding.fixes) > 1:
        for number, candidate in enumerate(finding.fixes, 1):
            marker = "→" if number - 1 == proposal.choice else " "
            score = f", score {candidate.score:.2f}" if candidate.score is not None else ""
            label = f"({candidate.applicability}{score})"
            console.print(
                f" {marker} {number}) {escape(repr(candidate.replacement))} [dim]{label}[/]", highlight=False
            )
