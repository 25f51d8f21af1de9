"""``cleaner … --help`` as a new user reads it on an 80-column terminal (issue 12): plain like ruff's and
pre-commit's help, nothing cut or broken, a value placeholder only where an option takes a value."""

from __future__ import annotations

import os
import re
import subprocess
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from cleaner.cli import app
from cleaner.repair.interactive import HELP as REVIEW_HELP

COLUMNS = 80


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group of the real application, with the words that call it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(typer.main.get_command(app)))


def run_cleaner(*args: str) -> subprocess.CompletedProcess[str]:
    """The ``cleaner`` console script itself, as a user types it (``python -m cleaner`` names itself
    after the interpreter in its usage line)."""
    script = Path(sysconfig.get_path("scripts")) / "cleaner"
    env = {**os.environ, "COLUMNS": str(COLUMNS), "TERM": "xterm", "NO_COLOR": "1"}
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def show_help(*words: str) -> str:
    result = run_cleaner(*words, "--help")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("words", list(COMMANDS), ids=lambda w: " ".join(w) or "cleaner")
def test_help_fits_80_columns_every_option_whole_and_no_type_placeholders(words: tuple[str, ...]) -> None:
    text = show_help(*words)
    assert text.startswith(f"Usage: {' '.join(('cleaner', *words))} [OPTIONS]"), text
    assert all(len(line) <= COLUMNS for line in text.splitlines()), text
    # no Python type for a value, no box-drawing, no braces around an argument
    assert not re.search(r"<(bool|str|int|float|Path|list\[)|[{}]|[╭│╰─]", text), text
    for param in COMMANDS[words].params:
        for name in (*param.opts, *param.secondary_opts):
            if name.startswith("-"):
                assert re.search(rf"(^|[ ,]){re.escape(name)}([ ,]|$)", text, re.M), (name, text)
        assert param.help, f"{' '.join(words)}: {param.name} has no help text"


def test_flags_take_no_value_and_arguments_are_named_as_ruff_and_click_name_them() -> None:
    text = show_help("check")
    assert text.splitlines()[0] == "Usage: cleaner check [OPTIONS] PATHS..."
    assert re.search(r"^  --exit-zero +Exit 0", text, re.M), text
    assert re.search(r"^  --report-unused-suppressions +Report suppressions", text, re.M), text
    assert re.search(r"^  --select <SELECTOR> +Only these rules", text, re.M), text
    assert re.search(r"^  PATHS\.\.\. +Files or folders", text, re.M), text
    assert show_help("config").splitlines()[0] == "Usage: cleaner config [OPTIONS] [PATH]"
    assert run_cleaner("check", "-h").stdout == text  # -h, as ruff and pre-commit take it
    missing = run_cleaner("check")
    assert missing.returncode == 2 and "Missing argument 'PATHS'." in missing.stderr


def test_exit_status_is_a_table_not_a_sentence_cut_mid_line() -> None:
    text = show_help("check")
    block = text[text.index("Exit status:") :].split("\n\n")[0].splitlines()
    codes = [line.split()[0] for line in block[1:] if re.match(r"^    \d", line)]
    assert codes == ["0", "1", "2", "3", "130"], block
    assert "  1    findings at or above --fail-on" in text


def test_fix_help_lists_the_review_keys() -> None:
    text = show_help("fix")
    assert "Keys in --interactive review:" in text
    for line in REVIEW_HELP.splitlines():  # the same text `?` prints during the review
        assert f"    {line}\n" in text, line
