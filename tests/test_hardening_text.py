"""Hostile text, names and Markdown (issue 14: points 8, 15, 16, 17, 18 and 19).

Every test here failed on the main branch the issue was filed against: masking that took minutes on
a few thousand unclosed ``<!--``, CRLF fences that never closed, quoted suppressions that silenced a
whole article, hidden comments that ``fix`` edited, a thematic break taken for front matter, patches
``git apply`` refused or applied wrongly, JUnit XML no parser could read, CR-only files reported on
line 1, raw escape sequences printed from file names, and a hook that took ``-i.txt`` for an option.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from cleaner.findings import Finding
from cleaner.session import Session
from tests.conftest import REPO, check_json, run_cli

DAMAGE = "It ended. . Then it began."


def check(text: str, path: str = "article.md") -> list[Finding]:
    with Session(grammar=False) as session:
        return session.check_text(text, path, session.settings(path))


def flagged(text: str, path: str = "article.md") -> list[str]:
    return [text[f.start : f.end] for f in check(text, path)]


def cli_bytes(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The real command line with its output as bytes (a patch must be compared byte for byte)."""
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )


# -- 8: adversarial Markdown takes linear time ------------------------------------------------------

LINEAR_PROBE = textwrap.dedent(
    """
    import json
    from cleaner.markdown import markup_spans
    from cleaner.suppressions import parse

    results = {}
    comments = "<!-- draft\\n" * 60_000 + "It ended. . Then.\\n"
    results["comments"] = [[s.start, s.end] for s in markup_spans(comments)] == [[0, len(comments)]]
    notes = "[note. . here\\n" * 100_000
    results["notes"] = markup_spans(notes) == []
    ticks = "``x " + "`a " * 100_000  # the double run never closes; the single ones pair up
    results["ticks"] = len(markup_spans(ticks)) == 50_000
    marker = "<!-- cleaner: disable=a" + " " * 400_000 + "x"
    results["marker"] = parse(marker).regions == []
    markers = "<!-- cleaner: disable=a b c\\n" * 60_000
    results["markers"] = parse(markers).regions == []
    tags = "<span title='x\\n" * 60_000
    results["tags"] = len(markup_spans(tags)) == 0
    print(json.dumps(results))
    """
)


def test_adversarial_markdown_and_suppressions_are_masked_in_linear_time() -> None:
    # A quadratic scan takes minutes on these inputs: the generous timeout is a guard, not a benchmark.
    probe = subprocess.run(
        [sys.executable, "-c", LINEAR_PROBE], capture_output=True, text=True, timeout=60, cwd=REPO, check=True
    )
    assert json.loads(probe.stdout) == dict.fromkeys(
        ["comments", "notes", "ticks", "marker", "markers", "tags"], True
    )


def test_adversarial_markdown_file_end_to_end(tmp_path: Path) -> None:
    article = tmp_path / "hostile.md"
    article.write_text("Seen. . here\n\n" + "<!--\n" * 50_000 + "Hidden. . text\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", "--format", "json", str(article))
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["line"], f["excerpt"]) for f in findings] == [(1, " .")]


# -- 15: Markdown structure -------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_a_code_fence_closes_whatever_the_line_endings(newline: str) -> None:
    text = newline.join(
        ["Intro.", "", "```", "code. . here", "```", "", DAMAGE, "", "~~~~", "x. . y", "~~~~~"]
    )
    assert flagged(text) == [" ."]
    assert check(text)[0].start == text.index(DAMAGE) + len("It ended.")


def test_a_suppression_inside_code_is_quoted_not_obeyed() -> None:
    fence = f"```\n<!-- cleaner: disable -->\n# cleaner: disable\n```\n\n{DAMAGE}\n"
    span = f"Write `<!-- cleaner: disable -->` to silence cleaner.\n\n{DAMAGE}\n"
    indented = f"Example:\n\n    <!-- cleaner: disable -->\n\n{DAMAGE}\n"
    for text in (fence, span, indented):
        assert flagged(text) == [" ."], text
    assert flagged(fence, "article.txt") == [" ."]
    obeyed = f"<!-- cleaner: disable -->\n{DAMAGE}\n<!-- cleaner: enable -->\n`code`\n\n{DAMAGE}\n"
    assert [f.start for f in check(obeyed)] == [obeyed.rindex(" . Then")]


def test_an_unclosed_comment_hides_the_rest_of_the_file_from_check_and_fix(tmp_path: Path) -> None:
    text = f"{DAMAGE}\n\n<!-- a draft note\n\nHidden. . and left as written.\n\n```\ncode\n```\n"
    assert [f.start for f in check(text)] == [len("It ended.")]
    inline = f"Before <!-- unclosed {DAMAGE}\n\nStill. . hidden.\n"
    assert check(inline) == []
    article = tmp_path / "draft.md"
    article.write_bytes(text.encode())
    assert run_cli("fix", "--no-grammar", str(article)).returncode == 0
    assert article.read_bytes() == text.replace("ended. . Then", "ended. Then", 1).encode()


def test_front_matter_must_read_as_yaml_so_a_rule_at_the_top_hides_nothing() -> None:
    rule_at_top = f"---\n{DAMAGE}\n\nMore text.\n\n---\n\nThe end. . Really.\n"
    assert flagged(rule_at_top) == [" .", " ."]
    front_matter = "---\ntitle: Notes. . on style\ntags:\n  - a. . b\n# note. . here\n---\nBody. . text\n"
    assert flagged(front_matter) == [" ."]
    assert check(front_matter)[0].start == front_matter.index("Body") + 5
    crlf = front_matter.replace("\n", "\r\n")
    assert flagged(crlf) == [" ."]
    assert flagged("+++\ntitle = 'a. . b'\n+++\nBody. . text\n") == [" ."]
    assert flagged("---\n---\nBody. . text\n") == [" ."]


# -- 16: fix --diff applies with git apply and patch -p1, giving what fix writes ----------------------

HOSTILE_LINES = {
    "cr-only.txt": b"One.\rIt ended. . Then.\rThe union would not. Accept it.\r",
    "crlf-bom.md": b"\xef\xbb\xbfTitle\r\n\r\nIt ended. . Then.\r\nLast. . line",
    "form-feed.txt": b"Page one.\x0cIt ended. . Then.\nNext\x0cline. . here\n",
    "nel.txt": "Line\x85It ended. . Then.\nSecond\x85line. . here".encode(),
    "separators.txt": "A\u2028It ended. . Then.\u2029B\nC. . d\n".encode(),
}


def apply_and_compare(workspace: Path, patch: bytes, names: list[str], files: dict[str, bytes]) -> None:
    """Apply ``patch`` with git apply and with patch -p1 to copies of the original files, and compare
    every file with what `cleaner fix` writes to a third copy."""
    copies = {}
    for tool in ("git", "patch", "fix"):
        root = workspace / tool
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        copies[tool] = root
    git = subprocess.run(
        ["git", "apply", "-"], cwd=copies["git"], input=patch, capture_output=True, check=False
    )
    assert git.returncode == 0, git.stderr
    patched = subprocess.run(
        ["patch", "-p1", "--batch"], cwd=copies["patch"], input=patch, capture_output=True, check=False
    )
    assert patched.returncode == 0, patched.stdout + patched.stderr
    fixed = cli_bytes("fix", "--no-grammar", *names, cwd=copies["fix"])
    assert fixed.returncode in (0, 1), fixed.stderr  # 1: findings without a safe repair are left
    for name in files:
        expected = (copies["fix"] / name).read_bytes()
        assert expected != files[name]
        assert (copies["git"] / name).read_bytes() == expected, ("git apply", name)
        assert (copies["patch"] / name).read_bytes() == expected, ("patch -p1", name)


def test_diff_applies_exactly_for_hostile_line_breaks_and_names(tmp_path: Path) -> None:
    files = {**HOSTILE_LINES, "dir with space/a b.txt": b"It ended. . Then.\n", 'odd "q".txt': b"x. . y\n"}
    work = tmp_path / "work"
    for name, data in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    names = [f"./{name}" for name in files]
    first = next(iter(files))
    names[0] = str(work / first)  # absolute, inside the current folder
    result = cli_bytes("fix", "--diff", "--no-grammar", *names, cwd=work)
    assert result.returncode == 1, result.stderr
    assert b"--- a/cr-only.txt\n" in result.stdout and b"+++ b/dir with space/a b.txt\t\n" in result.stdout
    assert b'--- "a/odd \\"q\\".txt"\n' in result.stdout
    assert {p.name: p.read_bytes() for p in work.rglob("*") if p.is_file()} == {
        Path(name).name: data for name, data in files.items()
    }, "--diff changed a file"
    apply_and_compare(
        tmp_path / "apply",
        result.stdout,
        [name.removeprefix("./") for name in names[1:]] + [first],
        files,
    )


def test_diff_of_a_file_outside_the_current_folder_names_it_from_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "story.txt"
    outside.parent.mkdir()
    outside.write_bytes(HOSTILE_LINES["cr-only.txt"])
    here = tmp_path / "here"
    here.mkdir()
    result = cli_bytes("fix", "--diff", "--no-grammar", "../elsewhere/story.txt", cwd=here)
    relative = str(outside).lstrip("/")
    assert result.stdout.startswith(f"--- a/{relative}\n+++ b/{relative}\n".encode())
    root = tmp_path / "root"  # stands in for "/": the patch names the file from there
    (root / relative).parent.mkdir(parents=True)
    (root / relative).write_bytes(outside.read_bytes())
    done = subprocess.run(
        ["patch", "-p1", "--batch", "-d", str(root)], input=result.stdout, capture_output=True
    )
    assert done.returncode == 0, done.stdout
    assert run_cli("fix", "--no-grammar", str(outside)).returncode == 1  # the join is left for review
    assert (root / relative).read_bytes() == outside.read_bytes()


# -- 17: machine-readable formats stay valid with control characters ----------------------------------


def test_junit_sarif_and_json_are_valid_with_control_characters_in_text_and_names(tmp_path: Path) -> None:
    article = tmp_path / "ctl\x1b[31m\x01.txt"
    article.write_bytes(b"It ended. . Then \x01\x02 more\x1b[2J.\x0b\x7f\xc2\x85 end\xef\xbf\xbf.\n")
    junit = run_cli("check", "--no-grammar", "--format", "junit", str(article))
    root = ElementTree.fromstring(junit.stdout)
    failures = root.findall(".//failure")
    assert len(failures) >= 2 and all("\x01" not in (f.text or "") for f in failures)
    assert "\\x01" in junit.stdout and "\\x1b[2J" in junit.stdout
    assert root.find(".//testcase").get("name") == repr(str(article))
    for fmt in ("json", "sarif"):
        json.loads(run_cli("check", "--no-grammar", "--format", fmt, str(article)).stdout)


def test_every_format_reports_a_lone_surrogate_from_a_bilingual_file(tmp_path: Path) -> None:
    """A ``\\ud800`` escape in a JSON Lines target decodes to a lone surrogate, which no UTF-8 output
    can hold: each report carries it as an escape instead of failing with an internal error."""
    corpus = tmp_path / "units.jsonl"
    corpus.write_text('{"source": "Es ist gut.", "target": "It is good \\ud800 ok."}\n', encoding="utf-8")
    outputs = {}
    for fmt in ("text", "json", "sarif", "github", "junit"):
        result = run_cli("check", "--no-grammar", "--format", fmt, str(corpus))
        assert result.returncode == 1, (fmt, result.stderr)
        outputs[fmt] = result.stdout
    (finding,) = json.loads(outputs["json"])["files"][0]["findings"]
    assert (finding["rule"], finding["excerpt"]) == ("typography.unicode-damage", "\ud800")
    json.loads(outputs["sarif"])
    assert "\\ud800" in ElementTree.fromstring(outputs["junit"]).find(".//failure").text


# -- 18: CR-only line numbers; escape sequences in file names -----------------------------------------


def test_cr_only_files_report_real_line_numbers(tmp_path: Path) -> None:
    article = tmp_path / "cr.txt"
    article.write_bytes(HOSTILE_LINES["cr-only.txt"])
    data = check_json("--no-grammar", str(article))
    assert [(f["line"], f["column"], f["excerpt"]) for f in data["files"][0]["findings"]] == [
        (2, 10, " ."),
        (3, 17, "not. Accept"),
    ]
    text = run_cli("check", "--no-grammar", str(article)).stdout
    assert f"{article}:2:10: punctuation.repeated-stop" in text
    assert "    The union would not. Accept it.\n" in text  # the excerpt is the finding's own line


def test_file_names_with_escape_sequences_are_printed_escaped(tmp_path: Path) -> None:
    article = tmp_path / "evil\x1b[2J\x1b]0;title\x07\n:1:1: name.txt"
    article.write_text(DAMAGE + "\n", encoding="utf-8")
    missing = tmp_path / "gone\x1b[31m.txt"
    missing.symlink_to(tmp_path / "nowhere")
    # Text shows a name as its repr; a workflow command's file= carries the runner's own escapes (which
    # it decodes to match the repository's file), with other control characters written as escapes.
    shown = {
        "text": (repr(str(article)), repr(str(missing))),
        "github": (
            f"{tmp_path}/evil\\x1b[2J\\x1b]0;title\\x07%0A%3A1%3A1%3A name.txt",
            f"{tmp_path}/gone\\x1b[31m.txt",
        ),
    }
    for fmt, names in shown.items():
        result = run_cli("check", "--no-grammar", "--format", fmt, str(article), str(missing))
        output = result.stdout + result.stderr
        assert "\x1b" not in output and "\x07" not in output, fmt
        assert all(name in output for name in names), (fmt, output)
        assert len([line for line in result.stdout.splitlines() if "name.txt" in line]) == 1, fmt


# -- 19: pre-commit passes file names after "--" ------------------------------------------------------


def hook_entry(hook_id: str) -> str:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(hook["entry"] for hook in hooks if hook["id"] == hook_id)


def test_hook_entries_end_options_so_a_file_named_like_an_option_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "-i.txt").write_text(DAMAGE + "\n", encoding="utf-8")
    (tmp_path / "--exit-zero").write_text("A clean sentence.\n", encoding="utf-8")
    for hook_id in ("cleaner-check", "cleaner-fix"):
        entry = hook_entry(hook_id).split()
        assert entry[0] == "cleaner" and entry[-1] == "--", entry
        # pre-commit appends the file names to the entry; an option of our own goes before its "--"
        result = run_cli(*entry[1:-1], "--no-grammar", "--", "-i.txt", "--exit-zero", cwd=tmp_path)
        assert "No such option" not in result.stderr and result.returncode != 2, result.stderr
        if hook_id == "cleaner-check":  # "--exit-zero" was a file: the finding in "-i.txt" fails the run
            assert result.returncode == 1 and "-i.txt:1:10: punctuation.repeated-stop" in result.stdout
    assert (tmp_path / "-i.txt").read_text(encoding="utf-8") == "It ended. Then it began.\n"
    assert (tmp_path / "--exit-zero").read_text(encoding="utf-8") == "A clean sentence.\n"


def test_pre_commit_runs_the_hook_on_a_file_named_dash_i(tmp_path: Path) -> None:
    repo = tmp_path / "desk"
    repo.mkdir()

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, timeout=300, check=False
        )

    git("init", "-q")
    git("config", "user.email", "desk@example.org")
    git("config", "user.name", "Desk")
    hook = {
        "id": "cleaner-check",
        "name": "cleaner check",
        "entry": hook_entry("cleaner-check"),
        "language": "system",
        "types_or": ["plain-text", "markdown"],
        "require_serial": True,
    }
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    # options live in the configuration file, not in `args:` (see .pre-commit-hooks.yaml)
    (repo / "pyproject.toml").write_text("[tool.cleaner.languagetool]\nenabled = false\n", encoding="utf-8")
    (repo / "-i.txt").write_text(DAMAGE + "\n", encoding="utf-8")
    git("add", "--", ".pre-commit-config.yaml", "pyproject.toml", "-i.txt")
    run = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    blocked = subprocess.run(run, cwd=repo, capture_output=True, text=True, timeout=600, check=False)
    assert blocked.returncode == 1, blocked.stdout
    assert "-i.txt:1:10: punctuation.repeated-stop" in blocked.stdout
    (repo / "-i.txt").write_text("A clean sentence.\n", encoding="utf-8")
    git("add", "--", "-i.txt")
    passed = subprocess.run(run, cwd=repo, capture_output=True, text=True, timeout=600, check=False)
    assert passed.returncode == 0, passed.stdout
    assert shutil.which("git")


def test_a_word_of_100000_characters_is_quoted_by_its_ends_but_repaired_whole(tmp_path: Path) -> None:
    """Messages and the text report's repair line quote a long stretch by its ends; the JSON report's
    repairs, which ``fix`` applies, keep every character."""
    word = "a" * 100_000
    path = tmp_path / "long.txt"
    path.write_text(f"It was {word}.. {'b' * 100_000} then.\n", encoding="utf-8")
    text = run_cli("check", "--no-grammar", str(path))
    assert text.returncode == 1, text.stderr
    assert all(len(line) < 400 for line in text.stdout.splitlines()), max(map(len, text.stdout.splitlines()))
    assert "…" in text.stdout
    report = json.loads(run_cli("check", "--no-grammar", "--format", "json", str(path)).stdout)
    [finding] = report["files"][0]["findings"]
    assert len(finding["message"]) < 200 and "…" in finding["message"]
    assert any(len(fix["replacement"]) > 200_000 for fix in finding["fixes"])
