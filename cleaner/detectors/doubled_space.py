"""Doubled spaces in running text: "The talks  ended" — and not the spaces that lay out a plain-text table.

MT output and copy-pasting leave a stray pair of spaces between two words; collapsing it changes nothing
a reader sees but the gap, so the repair is ``safe``. Spaces that align text in columns are layout, and
a plain ``cleaner fix`` must never collapse a table ("Team        Points" over "Arsenal     72"). A run
is taken for layout when the line shows columns:

- a run of three or more spaces on the line (a stray gap is one extra space, alignment pads freely);
- several runs on a line whose every stretch between them is short (cells: "Anna  34  Oslo"), where
  running text with two stray gaps has long stretches of words between them;
- a run that ends at the column where a run ends on the line above or below (the next cell starts
  under the cell above it).

Runs next to a pipe are Markdown table padding ("| France  | 94%  |") and never taken; nor are
indentation and spaces at a line's end, which have no visible character on one side. Nor are two spaces
after a sentence's end ("was done.  Prices rose"): the typewriter convention, which whole archives of
edited prose follow, and not damage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis, line_end
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

_RUN = re.compile(r"(?<=[^\s|]) {2,}(?=[^\s|])")
_SENTENCE_SPACING = re.compile(r"[.!?:][\"'”’)\]]*  (?=\S)")
"""Two spaces after a sentence's end: the stop, any closing quotes or brackets, the run."""
_WORD = re.compile(r"\S+")


class DoubledSpaceDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "doubled-space")
        self.cell_words = int(self.rule.options.get("cell-words", 3))

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        """Only the lines that hold two spaces in a row are looked at (most articles have none), each
        with its neighbours."""
        text = analysis.text
        hit = text.find("  ")
        while hit != -1:
            start = text.rfind("\n", 0, hit) + 1
            end = line_end(text, hit)
            runs = [
                run for run in _RUN.finditer(text, start, end) if not _is_sentence_spacing(text, run.start())
            ]
            spans = [(run.start() - start, run.end() - start) for run in runs]
            if runs and not self._is_layout(text[start:end], spans):
                above = _run_columns(text, text.rfind("\n", 0, start - 1) + 1, start - 1) if start else set()
                below = _run_columns(text, end + 1, line_end(text, end + 1)) if end < len(text) else set()
                for run in runs:
                    if run.end() - start in above | below:
                        continue  # the next cell starts under (or over) a cell of the next line
                    fix = Fix(run.start(), run.end(), " ", Applicability.SAFE)
                    yield self.rule.finding(self.rule.message, run.start(), run.end(), (fix,))
            hit = text.find("  ", end)

    def _is_layout(self, line: str, runs: list[tuple[int, int]]) -> bool:
        """Whether the line's runs of spaces (offsets into ``line``) align columns rather than sit as
        stray gaps in a sentence."""
        if any(end - start > 2 for start, end in runs):
            return True
        if len(runs) < 2:
            return False
        cuts = [0, *(edge for run in runs for edge in run), len(line)]
        stretches = (line[cuts[i] : cuts[i + 1]] for i in range(0, len(cuts), 2))
        return all(len(_WORD.findall(stretch)) <= self.cell_words for stretch in stretches)


def _is_sentence_spacing(text: str, run: int) -> bool:
    """Whether the run of spaces at ``run`` is two spaces after a sentence's end."""
    closing = run
    while closing > 0 and text[closing - 1] in "\"'”’)]":
        closing -= 1
    return _SENTENCE_SPACING.match(text, closing - 1) is not None if closing else False


def _run_columns(text: str, start: int, end: int) -> set[int]:
    """The columns where the runs of spaces on the line ``text[start:end]`` end."""
    if "  " not in text[start:end]:
        return set()
    return {run.end() - start for run in _RUN.finditer(text, start, end)}
