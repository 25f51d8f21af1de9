"""A rules-only run imports only what it uses (the speed issue: one article in a blink).

``cleaner check --no-grammar`` on an article must not load lemminflect (its answers are precomputed),
NumPy, the neural stage, the grammar client's HTTP stack, rich's progress bar, nor what only a
translation with its source needs (the source-aware detectors, Babel, the XML and PO readers), nor the
review page's web stack or the corpus tools: each costs start-up
that a pre-commit hook pays on every commit. The real command runs in a subprocess and reports the
modules it loaded.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.analysis import first_maybe_foreign
from cleaner.cli import PROGRESS_MIN_FILES
from cleaner.detectors.unicode_damage import TYPOGRAPHY
from cleaner.pipeline import Checker, Selection
from cleaner.repair.fixer import fix_text
from cleaner.ruleset import RuleError, load_rule_file
from tests.conftest import SEEDS

_PROBE = """
import json, sys
from cleaner.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

NOT_FOR_RULES_ONLY = (
    "lemminflect",
    "ftfy",  # the seed's curly quotes and dashes are no Unicode damage: ftfy loads for suspect lines only
    "regex",  # the script detectors' patterns: for texts that may hold a foreign letter, and user rules
    "numpy",
    "ctranslate2",
    "tokenizers",
    "cleaner.neural.models",
    "cleaner.neural.ranker",
    "cleaner.grammar.client",
    "cleaner.grammar.engine",
    "cleaner.grammar.transport",
    "cleaner.grammar.server",
    "cleaner.grammar.install",
    "language_tool_python",
    "http.client",
    "urllib3",
    "requests",
    "cleaner.consistency",
    "cleaner.detectors.consistency_calendar",
    "babel",
    "polib",
    "cleaner.bilingual.xml_units",
    "cleaner.review",
    "starlette",
    "uvicorn",
    "cleaner.batch",
    "pyarrow",
    "ray",
    "pydantic",  # typer 0.29 parses every option through pydantic: 0.2 s a run (pyproject pins below it)
    "typer._adapters",
    "cleaner.repair.diff",  # the repair layer is `fix`'s: a check loads only the review's key list
    "cleaner.repair.fixer",
    "cleaner.repair.interactive",
    "cleaner.repair.writer",
    "rich.progress",
    "cleaner.markdown",  # Markdown files (and texts with a `cleaner:` marker) only
)
NOT_FOR_PLAIN_OUTPUT = ("rich",)
"""JSON, SARIF, GitHub and JUnit output is plain text: without a terminal to draw a progress bar on and
with nothing to say on stderr, such a run does not load rich (the text format renders with it)."""


def _loaded(*args: str) -> tuple[int, list[str]]:
    code, modules, _ = _run(*args)
    return code, modules


def _run(*args: str) -> tuple[int, list[str], str]:
    """The real command line in a fresh process: (exit code, the modules it loaded, its stdout)."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["exit"], report["modules"], result.stdout


def _among(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_rules_only_check_imports_no_grammar_neural_or_lemminflect() -> None:
    seed = str(next(SEEDS.glob("*.txt")))
    assert first_maybe_foreign(Path(seed).read_text(encoding="utf-8")) is None  # so no `regex` either
    code, modules = _loaded("check", "--no-grammar", seed)
    assert code == 1  # the seed is damaged on purpose: the rules ran and found it
    assert "cleaner.detectors.tense_words" in modules
    assert "rich.console" in modules  # the text format renders with rich
    assert _among(modules, NOT_FOR_RULES_ONLY) == []
    # LanguageTool's rule names: for a run with selectors to check (and SARIF output to describe)
    assert "cleaner.grammar.mapping" not in modules


@pytest.mark.parametrize("output_format", ["json", "sarif", "github", "junit"])
def test_plain_output_of_a_rules_only_run_imports_none_of_them_nor_rich(tmp_path, output_format) -> None:
    article = tmp_path / "a.txt"
    article.write_text("He said on Monday that the talks has been held last week. . Then it rained.\n")
    code, modules = _loaded("check", "--no-grammar", "--format", output_format, str(article))
    assert code == 1
    assert "cleaner.detectors.tense_words" in modules
    assert _among(modules, NOT_FOR_RULES_ONLY + NOT_FOR_PLAIN_OUTPUT) == []


def test_a_folder_checked_into_a_pipe_draws_no_progress_bar_and_loads_no_rich(tmp_path, monkeypatch) -> None:
    """Enough files for a progress bar, but stderr is no terminal: the run does not load rich to ask."""
    monkeypatch.delenv("CI", raising=False)  # CI turns the bar off before any question of a terminal
    for index in range(PROGRESS_MIN_FILES + 1):
        (tmp_path / f"{index}.txt").write_text("The talks ended. . Then it rained.\n", encoding="utf-8")
    code, modules = _loaded("check", "--no-grammar", "--format", "json", str(tmp_path))
    assert code == 1
    assert _among(modules, NOT_FOR_RULES_ONLY + NOT_FOR_PLAIN_OUTPUT) == []


def test_a_file_that_cannot_be_checked_is_still_reported_in_json_output(tmp_path) -> None:
    """Not loading rich changes nothing a plain-output run says: an unreadable file is in the JSON."""
    article = tmp_path / "a.txt"
    article.write_bytes(b"caf\xe9 au lait\n")
    code, modules, output = _run("check", "--no-grammar", "--format", "json", str(article))
    assert code == 2
    assert [error["path"] for error in json.loads(output)["errors"]] == [str(article)]
    assert _among(modules, NOT_FOR_PLAIN_OUTPUT) == []


_FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_line_breaks=False, normalization=None, explain=True
)
_NEAR_TYPOGRAPHY = TYPOGRAPHY + " aA.'\"&;-"


def test_ftfy_leaves_every_short_mix_of_typography_and_ascii_alone() -> None:
    """Why the Unicode-damage detector may skip lines of ASCII, curly quotes and dashes without
    loading ftfy: ftfy, configured as the detector configures it, changes none of them."""
    changed = [
        text
        for length in range(1, 4)
        for text in map("".join, itertools.product(_NEAR_TYPOGRAPHY, repeat=length))
        if ftfy.fix_and_explain(text, config=_FTFY_CONFIG)[0] != text
    ]
    assert changed == []


@given(st.text(alphabet=st.sampled_from(_NEAR_TYPOGRAPHY + "bcxyz,!?0123 "), max_size=60))
def test_ftfy_leaves_longer_typographic_text_alone(text: str) -> None:
    assert ftfy.fix_and_explain(text, config=_FTFY_CONFIG)[0] == text


def test_mojibake_of_the_same_typography_is_still_found_and_repaired() -> None:
    """The skip is for the clean characters only: their UTF-8 read as Windows-1252 is still damage."""
    clean = "It\u2019s over \u2014 the minister\u2019s words."
    damaged = clean.encode().decode("cp1252")
    checker = Checker(Selection(select=("typography.unicode-damage",)))
    assert [f.rule for f in checker.check_text(damaged)] != []
    assert fix_text(damaged, checker.check_text).text == clean


_UNICODE_DAMAGE = Checker(Selection(select=("typography.unicode-damage",)))
_BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@settings(deadline=None)  # the first example builds the checker and loads ftfy
@given(
    st.lists(
        st.sampled_from(
            ["It\u00e2\u20ac\u2122s", "caf\u00c3\u00a9", " plain", " &amp; ", "\ufb01ne", "\u00b13", *_BREAKS]
        )
    )
)
def test_unicode_damage_jumps_to_its_lines_and_finds_what_a_check_of_each_line_finds(parts) -> None:
    """The detector finds its lines from one scan of the whole text: whatever breaks the lines (every
    separator ``str.splitlines`` knows), it reports what checking each line on its own reports."""
    text = "".join(parts)
    expected, offset = [], 0
    for line in text.splitlines(keepends=True):
        body = line.removesuffix("\n").removesuffix("\r")
        for finding in _UNICODE_DAMAGE.check_text(body):
            fixes = [(fix.start + offset, fix.end + offset, fix.replacement) for fix in finding.fixes]
            expected.append((finding.start + offset, finding.end + offset, fixes))
        offset += len(line)
    found = [
        (f.start, f.end, [(fix.start, fix.end, fix.replacement) for fix in f.fixes])
        for f in _UNICODE_DAMAGE.check_text(text)
    ]
    assert found == expected


def test_a_text_with_a_foreign_letter_still_loads_regex_and_is_reported(tmp_path) -> None:
    """The script detectors compile their ``regex`` patterns for the first text that may need them."""
    article = tmp_path / "a.txt"
    article.write_text("The p-value was (\u0440=0.001) and the talks ended.\n", encoding="utf-8")
    code, modules, output = _run("check", "--no-grammar", "--format", "json", str(article))
    assert code == 0  # an info-level finding
    assert "regex" in modules
    assert [f["rule"] for f in json.loads(output)["files"][0]["findings"]] == ["typography.look-alike-letter"]


def test_a_user_rule_compiles_with_regex_and_a_bad_one_is_still_a_rule_error(tmp_path) -> None:
    """``regex`` loads where a user rule needs it, and its compile errors read as before."""
    folder = tmp_path / "house"
    folder.mkdir()
    rule = (
        "id: house.{name}\ncategory: style\nseverity: warning\nsummary: S.\nmessage: M.\n"
        "pattern: '{pattern}'\nexamples:\n  flag: ['We utilize it.']\n  pass: ['We use it.']\n"
    )
    (folder / "good.yaml").write_text(rule.format(name="good", pattern=r"(?<=We )utilize"), encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("We utilize it.\n", encoding="utf-8")
    rules = ("--rules", str(folder))
    code, modules, output = _run("check", "--no-grammar", "--format", "json", *rules, str(article))
    assert code == 1 and "regex" in modules
    assert [f["rule"] for f in json.loads(output)["files"][0]["findings"]] == ["house.good"]
    (folder / "bad.yaml").write_text(rule.format(name="bad", pattern="(unclosed"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.yaml: bad pattern: missing \)"):
        load_rule_file(folder / "bad.yaml", user=True)


def test_a_markdown_file_loads_the_markdown_module_and_its_code_is_not_checked(tmp_path) -> None:
    article = tmp_path / "a.md"
    article.write_text("The talks ended. . Then it rained.\n\n    code. . here\n", encoding="utf-8")
    code, modules, output = _run("check", "--no-grammar", "--format", "json", str(article))
    assert code == 1 and "cleaner.markdown" in modules
    assert [f["line"] for f in json.loads(output)["files"][0]["findings"]] == [1]
