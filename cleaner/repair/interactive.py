"""``cleaner fix --interactive``: walk the proposed repairs hunk by hunk, as ``git add -p`` does.

Only accepted repairs are applied. Accepting a repair sets aside the proposals that touch the same
text; after the walk the repaired text is checked again and whatever still stands is proposed anew.
"""

from __future__ import annotations

import enum
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from cleaner.document import Document
from cleaner.findings import Finding, Fix
from cleaner.repair.diff import changed_pair
from cleaner.repair.edits import apply_fixes

MAX_ROUNDS = 3

HELP = """\
y - apply this repair
n - do not apply this repair
a - apply this repair and all later ones in the file
d - do not apply this repair or any later one in the file
q - quit; repairs already accepted are written, nothing else
e - edit the replacement text by hand
j - leave this repair undecided, see the next undecided one
k - leave this repair undecided, see the previous undecided one
1-9 - pick another candidate repair (where there are several)
? - print help"""


class Decision(enum.Enum):
    ACCEPT = "accept"
    SKIP = "skip"
    SUPERSEDED = "superseded"


@dataclass
class Proposal:
    finding: Finding
    choice: int = 0
    replacement: str | None = None
    decision: Decision | None = None

    @property
    def fix(self) -> Fix:
        fix = self.finding.fixes[self.choice]
        if self.replacement is None:
            return fix
        return Fix(fix.start, fix.end, self.replacement, fix.applicability, fix.score)


@dataclass
class Review:
    """What the person decided for one file."""

    text: str
    accepted: list[Fix] = field(default_factory=list)
    quit: bool = False


Ask = Callable[[str], str]
"""Reads one answer from the person (raises EOFError at end of input)."""

Edit = Callable[[str, str], str | None]
"""Lets the person edit a line: (prompt, current text) -> the edited text, or None when they cancel
(raises EOFError at end of input)."""


def edit_line(message: str, current: str) -> str | None:
    """Real line editing, the current text prefilled: arrows, Home/End, Ctrl-U, … move and delete
    instead of landing in the article as raw escape codes (``\x1b[D``), which is what ``input()`` on a
    terminal without readline does. Ctrl-C cancels.

    Without a terminal on both ends there is nothing to edit on: a line is read whole, and an empty one
    keeps the current text.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return input(message) or current
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
    seen: set[tuple[str, str, str]] = set()
    for _ in range(MAX_ROUNDS):
        proposals = []
        for finding in check(review.text):
            if not finding.fixes:
                continue
            key = _signature(review.text, finding)
            if key not in seen:
                seen.add(key)
                proposals.append(Proposal(finding))
        if not proposals:
            break
        accepted = _walk(document, review.text, proposals, console, ask, edit)
        if accepted is None:
            review.quit = True
            accepted = [p.fix for p in proposals if p.decision is Decision.ACCEPT]
        if accepted:
            review.text = apply_fixes(review.text, accepted)
            review.accepted.extend(accepted)
        if review.quit or not accepted:
            break
    return review


def _signature(text: str, finding: Finding) -> tuple[str, str, str]:
    """A finding's identity that survives edits elsewhere: its rule and the text around it."""
    context = text[max(0, finding.start - 30) : finding.end + 30]
    return finding.rule, context, finding.fixes[0].replacement


def _walk(
    document: Document, text: str, proposals: list[Proposal], console: Console, ask: Ask, edit: Edit
) -> list[Fix] | None:
    """The git-add-p loop over one round's proposals. None means the person quit."""
    index = 0
    while True:
        undecided = [i for i, p in enumerate(proposals) if p.decision is None]
        if not undecided:
            return [p.fix for p in proposals if p.decision is Decision.ACCEPT]
        if index not in undecided:
            index = next((i for i in undecided if i > index), undecided[0])
        proposal = proposals[index]
        show_proposal(console, document, text, proposal, index, len(proposals))
        keys = "y,n,a,d,q,e,j,k" + (
            f",1-{len(proposal.finding.fixes)}" if len(proposal.finding.fixes) > 1 else ""
        )
        try:
            answer = ask(f"Apply this repair [{keys},?]? ").strip().lower()
        except EOFError:
            return None
        if answer == "y":
            _accept(proposals, index)
        elif answer == "n":
            proposal.decision = Decision.SKIP
        elif answer == "a":
            for i in undecided:
                if i >= index and proposals[i].decision is None:
                    _accept(proposals, i)
        elif answer == "d":
            for i in undecided:
                if i >= index:
                    proposals[i].decision = Decision.SKIP
        elif answer == "q":
            return None
        elif answer == "e":
            current = proposal.fix.replacement
            try:
                edited = edit(f"Edit {current!r} (Enter applies it, Ctrl-C cancels): ", current)
            except EOFError:
                return None
            if edited is None:
                continue
            bad = control_characters(edited)
            if bad:
                console.print(
                    f"Not applied: the text holds control characters ({', '.join(bad)}).",
                    style="bold red",
                    markup=False,
                    highlight=False,
                )
                continue
            proposal.replacement = edited
            _accept(proposals, index)
        elif answer == "j":
            later = [i for i in undecided if i > index]
            index = later[0] if later else undecided[0]
        elif answer == "k":
            earlier = [i for i in undecided if i < index]
            index = earlier[-1] if earlier else undecided[-1]
        elif answer.isdigit() and 1 <= int(answer) <= len(proposal.finding.fixes):
            proposal.choice = int(answer) - 1
            proposal.replacement = None
        else:
            console.print(HELP, style="bold red" if answer != "?" else "", markup=False, highlight=False)


def _accept(proposals: list[Proposal], index: int) -> None:
    """Accept one proposal; undecided ones whose repair overlaps it are set aside for the re-check."""
    chosen = proposals[index]
    chosen.decision = Decision.ACCEPT
    for other in proposals:
        if other.decision is None and other.fix.overlaps(chosen.fix):
            other.decision = Decision.SUPERSEDED


def show_proposal(
    console: Console, document: Document, text: str, proposal: Proposal, index: int, total: int
) -> None:
    """The hunk: where, which rule and why, then the changed line with its neighbours, coloured."""
    finding, fix = proposal.finding, proposal.fix
    line_start = text.rfind("\n", 0, fix.start) + 1
    line_end = text.find("\n", fix.end)
    line_end = len(text) if line_end == -1 else line_end
    line_no = text.count("\n", 0, fix.start) + 1
    column = fix.start - line_start + 1
    console.print()
    console.print(
        f"[bold]({index + 1}/{total}) {escape(document.path)}:{line_no}:{column}[/] "
        f"[yellow]{escape(finding.rule)}[/] [dim]\\[{finding.category}][/] {escape(finding.message)}",
        highlight=False,
    )
    before_line = text[line_start:line_end].rstrip("\r")
    after_line = apply_fixes(
        before_line, [Fix(fix.start - line_start, fix.end - line_start, fix.replacement)]
    )
    previous = text[: max(0, line_start - 1)].rsplit("\n", 1)[-1].rstrip("\r") if line_start else None
    following = text[line_end + 1 :].split("\n", 1)[0].rstrip("\r") if line_end < len(text) else None
    old, new = changed_pair(before_line, after_line)
    if previous:
        console.print(Text(" " + _clip(previous), style="dim"))
    console.print(Text("-", style="red") + old)
    console.print(Text("+", style="green") + new)
    if following:
        console.print(Text(" " + _clip(following), style="dim"))
    if len(finding.fixes) > 1:
        for number, candidate in enumerate(finding.fixes, 1):
            marker = "→" if number - 1 == proposal.choice else " "
            score = f", score {candidate.score:.2f}" if candidate.score is not None else ""
            label = f"({candidate.applicability}{score})"
            console.print(
                f" {marker} {number}) {escape(repr(candidate.replacement))} [dim]{label}[/]", highlight=False
            )


def _clip(line: str, limit: int = 100) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"
