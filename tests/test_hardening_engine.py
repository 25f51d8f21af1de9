"""Issue 14, the engine's share: the interactive editor (3), user rules that backtrack catastrophically
(8), clear errors instead of tracebacks (13), a distinct exit code for internal errors (14) and a fix
loop that reaches its fixed point or says it did not (20)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import cleaner.__main__ as entry
from cleaner.document import Document
from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.paths import CACHE_ENV
from cleaner.pipeline import Checker
from cleaner.repair.edits import choose_fixes
from cleaner.repair.fixer import MAX_PASSES, fix_text
from cleaner.repair.interactive import CONFIRM_PROMPT, EDIT_PROMPT, review_document
from cleaner.ruleset import load_rules, on_time_budget_exceeded
from cleaner.session import Session
from tests.conftest import REPO, SEEDS, check_json, run_cli

SEED = next(SEEDS.glob("*.txt"))
SEED_TEXT = SEED.read_text(encoding="utf-8")
PROMPT = r"Apply this repair \[[^\]]*\]\? "


def rule_file(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(body, encoding="utf-8")


def pattern_rule(rule_id: str, pattern: str, flag: str, passing: str, fix: str | None = None) -> str:
    fixes = f"fixes:\n  - replacement: '{fix}'\n    applicability: safe\n" if fix is not None else ""
    return (
        f"id: {rule_id}\ncategory: punctuation\nseverity: warning\nsummary: A house rule.\n"
        f"message: 'House rule.'\npattern: '{pattern}'\n{fixes}"
        f"examples:\n  flag: ['{flag}']\n  pass: ['{passing}']\n"
    )


# --- 3: `e` edits with real line editing, the current text prefilled ---------------------------------


def spawn_fix(path: Path, term: str) -> pexpect.spawn:
    env = {**os.environ, "TERM": term, "NO_COLOR": "1", "COLUMNS": "200", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "cleaner", "fix", "--interactive", "--no-grammar", str(path)],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )


@pytest.mark.parametrize("term", ["xterm-256color", "dumb"])
def test_edit_moves_with_the_arrow_keys_and_writes_no_escape_codes(tmp_path: Path, term: str) -> None:
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    child = spawn_fix(article, term)
    child.expect(r"\(1/\d+\) .*tense\.day-after-report")
    child.expect(PROMPT)
    child.sendline("e")
    child.expect(re.escape(EDIT_PROMPT))  # the whole sentence, prefilled with the repair
    child.send("\x1b[D" * 4 + "X\r")  # four times Left, then insert: "Wednesday." -> "WednesXday."
    child.expect(re.escape(CONFIRM_PROMPT))  # after the preview
    child.sendline("y")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect("1 repair applied")
    child.expect(pexpect.EOF)
    text = article.read_text(encoding="utf-8")
    assert "\x1b" not in text and "[D" not in text
    assert text == SEED_TEXT.replace("Biden told his", "Biden will tell his").replace(
        "said Wednesday.", "said WednesXday.", 1
    )


def test_edit_refuses_control_characters_and_a_cancel_applies_nothing(tmp_path: Path) -> None:
    document = Document(path=str(tmp_path / "a.txt"), text=SEED_TEXT)
    checker = Checker()
    answers = iter(["e", "e", "q"])
    edits = iter(["will\x1b[Dtell", None])  # an escape code, then Ctrl-C
    recorded = Console(record=True, width=200, file=io.StringIO())
    review = review_document(
        document, checker.check_text, recorded, lambda _: next(answers), lambda _q, _t: next(edits)
    )
    assert "control characters (U+001B)" in recorded.export_text()
    assert review.accepted == [] and review.text == document.text and review.quit


# --- 8: user rules run under a time budget ---------------------------------------------------------------


def test_user_rule_that_backtracks_catastrophically_does_not_hang(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rule_file(rules, "nested", pattern_rule("house.nested", r"(?P<run>(a+)+$)", "aaa", "b"))
    article = tmp_path / "a.txt"
    article.write_text("a" * 40 + "!\n", encoding="utf-8")
    result = subprocess.run(  # re takes forever here; the timeout only keeps a regression from hanging CI
        [sys.executable, "-m", "cleaner", "check", "--no-grammar", "--rules", str(rules), str(article)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_user_rule_over_its_time_budget_is_skipped_with_a_warning_and_the_run_goes_on(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rule_file(rules, "slow", pattern_rule("house.slow", "(x+x+)+y", "xxy", "b"))
    # lookbehind, which google-re2 lacks, keeps working under the budget
    rule_file(
        rules, "twice", pattern_rule("house.twice", r"(?<=\bthe )(?P<word>the)\b", "the the end", "the end")
    )
    article = tmp_path / "a.txt"
    article.write_text("x" * 3000 + "\nIt was the the end.\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", "--format", "json", "--rules", str(rules), str(article))
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [f["rule"] for f in data["files"][0]["findings"]] == ["house.twice"]
    assert data["warnings"] == [f"rule house.slow exceeded its time budget on {article}; skipped"]

    fixed = run_cli("fix", "--no-grammar", "--rules", str(rules), str(article))
    assert f"warning: rule house.slow exceeded its time budget on {article}; skipped" in fixed.stderr


def test_time_budget_reaches_the_listener_and_bundled_rules_keep_re(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    import cleaner.ruleset as ruleset

    rule_file(tmp_path, "slow", pattern_rule("house.slow", "(x+x+)+y", "xxy", "b"))
    rules = load_rules([tmp_path])
    assert all(
        isinstance(rule.pattern, re.Pattern) for rule in rules if rule.id != "house.slow" and rule.pattern
    )
    monkeypatch.setattr(ruleset, "USER_RULE_BUDGET", 0.05)
    checker = Checker(rules=[rule for rule in rules if rule.id == "house.slow"])
    heard: list[str] = []
    with on_time_budget_exceeded(heard.append):
        assert checker.check_text("x" * 3000) == []
    assert heard == ["house.slow"]
    with pytest.warns(RuntimeWarning, match="house.slow exceeded its time budget"):
        checker.check_text("x" * 3000)


def test_time_budget_covers_anchors_and_every_line_of_a_text_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cleaner.ruleset as ruleset

    slow_anchor = pattern_rule("house.slow-anchor", "y", "xxy", "b") + "anchor: '(x+x+)+y'\n"
    rule_file(tmp_path, "anchor", slow_anchor)
    # line by line (the anchor finds every line), each line well within the budget, all of them not
    rule_file(tmp_path, "lines", pattern_rule("house.slow-lines", "(x+x+)+y", "xxy", "b") + "anchor: 'x'\n")
    monkeypatch.setattr(ruleset, "USER_RULE_BUDGET", 0.5)
    rules = [rule for rule in load_rules([tmp_path]) if rule.id.startswith("house.")]
    heard: list[str] = []
    with on_time_budget_exceeded(heard.append):
        assert Checker(rules=rules[:1]).check_text("x" * 3000 + "\ny") == []
        assert Checker(rules=rules[1:]).check_text(("x" * 300 + "\n") * 40) == []
    assert heard == ["house.slow-anchor", "house.slow-lines"]


# --- 13: clear errors, not tracebacks --------------------------------------------------------------------


def test_user_rule_naming_a_single_rule_detector_is_a_rule_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rule_file(
        rules,
        "mine",
        "id: house.tense\ncategory: tense\nseverity: warning\nsummary: Mine.\nmessage: Mine.\n"
        "detector: tense-day\nexamples:\n  flag: ['x']\n  pass: ['y']\n",
    )
    for command in ("check", "fix"):
        result = run_cli(command, "--no-grammar", "--rules", str(rules), str(SEED))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert f"{rules / 'mine.yaml'}: detector 'tense-day' serves exactly one rule" in result.stderr
        assert "day-after-report.yaml" in result.stderr


def neural_config(folder: Path, model: str) -> Path:
    (folder / "pyproject.toml").write_text(f'[tool.cleaner.neural]\nmodel = "{model}"\n', encoding="utf-8")
    article = folder / "a.txt"
    article.write_text("The talks ended. . Then more.\n", encoding="utf-8")
    return article


def test_missing_neural_model_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    article = neural_config(tmp_path, "nope")
    for command in ("check", "fix"):
        result = run_cli(command, "--neural", "--no-grammar", str(article))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"no CTranslate2 model in {tmp_path / 'nope'}: it does not exist" in result.stderr


def test_truncated_user_model_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    from cleaner.neural.models import language_model_dir

    source = language_model_dir()
    if not (source / "model.bin").is_file():
        pytest.skip("the converted language model is not in the cache (run `cleaner setup`)")
    model = tmp_path / "lm"
    model.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copy(source / name, model / name)
    with open(source / "model.bin", "rb") as whole, open(model / "model.bin", "wb") as part:
        part.write(whole.read(1_000_000))
    article = neural_config(tmp_path, str(model))
    result = run_cli("check", "--neural", "--no-grammar", str(article))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot load the CTranslate2 model in {model}" in result.stderr
    assert "truncated or corrupt model.bin" in result.stderr


def test_corrupt_converted_model_in_the_cache_is_moved_aside_and_converted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ctranslate2")
    from cleaner.neural.convert import minilm_folder
    from cleaner.neural.errors import ModelUnavailable
    from cleaner.neural.models import SentenceEncoder, encoder_dir, prepare_encoder

    try:
        minilm_folder()
    except ModelUnavailable as exc:
        pytest.skip(str(exc))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))  # never the shared models folder
    folder = encoder_dir()
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"\0" * 100)
    encoder = SentenceEncoder()
    assert encoder.similarity("The talks ended.", "The talks ended.") > 0.99
    assert "moved it to" in capsys.readouterr().err
    assert [p.name.split(".corrupt-")[0] for p in folder.parent.glob("*.corrupt-*")] == [folder.name]
    with open(folder / "model.bin", "r+b") as model:  # what `cleaner setup` does: check, convert again
        model.truncate(1000)
    assert prepare_encoder() == folder
    SentenceEncoder()


# --- 14: an internal error has its own exit code -----------------------------------------------------------


def crash(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom")


def test_internal_error_exits_3_with_one_line_and_the_traceback_on_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Session, "check_paths", crash)
    monkeypatch.delenv(entry.DEBUG_ENV, raising=False)
    assert entry.main(["check", "--no-grammar", str(SEED)]) == entry.EXIT_INTERNAL == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom; please report it" in err and "Traceback" not in err
    monkeypatch.setenv(entry.DEBUG_ENV, "1")
    assert entry.main(["check", "--no-grammar", str(SEED)]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_interrupt_exits_130_and_ordinary_results_keep_their_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert entry.main(["check", "--no-grammar", str(SEED)]) == 1
    assert entry.main(["check", "--no-such-option"]) == 2
    assert entry.main(["--version"]) == 0

    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Session, "check_paths", interrupt)
    assert entry.main(["check", "--no-grammar", str(SEED)]) == 130
    capsys.readouterr()


def test_python_m_cleaner_and_the_console_script_go_through_main() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["cleaner"] == "cleaner.__main__:main"
    code = (
        "import runpy, sys; import cleaner.session as s\n"
        "def boom(*a, **k): raise RuntimeError('boom')\n"
        "s.Session.check_paths = boom\n"
        "sys.argv = ['cleaner', 'check', '--no-grammar', sys.argv[1]]\n"
        "runpy.run_module('cleaner', run_name='__main__')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 3
    assert "internal error: RuntimeError: boom; please report it" in result.stderr


# --- 20: the fix loop reaches its fixed point, or says it did not -----------------------------------------

STRAY_STOPS = "It ended" + "! ." * 30 + " Then more."


def test_stray_stops_are_all_repaired_in_one_run_and_check_then_offers_no_safe_fix(tmp_path: Path) -> None:
    outcome = fix_text(STRAY_STOPS, Checker().check_text)
    assert outcome.converged and len(outcome.applied) == 30
    article = tmp_path / "a.txt"
    article.write_text(STRAY_STOPS + "\n", encoding="utf-8")
    result = run_cli("fix", "--no-grammar", str(article))
    assert result.returncode == 0, result.stderr
    assert "30 repairs applied" in result.stdout
    data = check_json("--no-grammar", str(article))
    safe = [fix for f in data["files"][0]["findings"] for fix in f["fixes"] if fix["applicability"] == "safe"]
    assert safe == []


def finding(rule: str, start: int, end: int, replacement: str) -> Finding:
    fix = Fix(start, end, replacement, Applicability.SAFE)
    return Finding(rule, Category.PUNCTUATION, Severity.ERROR, "m", start, end, fixes=(fix,))


def test_repairs_that_undo_each_other_stop_with_a_warning() -> None:
    def check(text: str) -> list[Finding]:
        if "colour" in text:
            return [finding("house.us", text.index("colour"), text.index("colour") + 6, "color")]
        return [finding("house.uk", text.index("color"), text.index("color") + 5, "colour")]

    outcome = fix_text("The colour.", check)
    assert not outcome.converged
    assert outcome.problem is not None and "house.uk, house.us undo each other" in outcome.problem


def test_a_fix_loop_that_never_settles_stops_after_the_bound_and_exits_non_zero(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rule_file(rules, "grow", pattern_rule("house.grow", r"(?P<end>o+)(?=\.)", "so.", "sa.", fix="{end}o"))
    article = tmp_path / "a.txt"
    article.write_text("It was so.\n", encoding="utf-8")
    result = run_cli("fix", "--no-grammar", "--rules", str(rules), str(article))
    assert result.returncode == 1
    assert (
        f"warning: {article}: repairs still apply after {MAX_PASSES} passes; stopped there" in result.stderr
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 4)), max_size=25))
def test_choose_fixes_takes_every_repair_that_overlaps_none_chosen_before(spans: list) -> None:
    findings = [finding("a.b", start, start + length, "x") for start, length in spans]
    chosen, deferred = choose_fixes(findings, {Applicability.SAFE})
    expected: list[Finding] = []
    for candidate in findings:  # the definition, quadratic
        if not any(candidate.fixes[0].overlaps(other.fixes[0]) for other in expected):
            expected.append(candidate)
    assert chosen == expected
    assert len(chosen) + len(deferred) == len(findings)
