"""The real command line, run as a subprocess: output formats, the JSON contract and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEEDS, check_json, run_cli

SEED = next(SEEDS.glob("*.txt"))


def test_check_seed_reports_all_three_families_in_text() -> None:
    result = run_cli("check", "seeds/")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    headers = [line for line in lines if line.startswith("seeds/")]
    assert any(":1:24: tense.day-after-report [tense]" in h for h in headers)
    assert any("broken-sentence.clause-split [broken-sentence]" in h for h in headers)
    assert any("punctuation.repeated-stop [punctuation]" in h for h in headers)
    assert any(":7:38: tense.scheduled-event-narrated-past [tense]" in h for h in headers)
    assert "\x1b[" not in result.stdout, "piped output must be plain"
    assert lines[-1].startswith("Found 6 findings")


def test_json_output_follows_the_contract() -> None:
    result = run_cli("check", "--format", "json", str(SEED))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["errors"] == []
    (file,) = data["files"]
    text = SEED.read_text(encoding="utf-8")
    keys = {
        "rule",
        "category",
        "severity",
        "message",
        "start",
        "end",
        "line",
        "column",
        "excerpt",
        "source",
        "fixes",
    }
    for finding in file["findings"]:
        assert set(finding) == keys
        assert finding["source"] == "rules"
        assert text[finding["start"] : finding["end"]].startswith(finding["excerpt"].rstrip("…"))
        line_start = text.rfind("\n", 0, finding["start"]) + 1
        assert finding["line"] == text.count("\n", 0, finding["start"]) + 1
        assert finding["column"] == finding["start"] - line_start + 1
        for fix in finding["fixes"]:
            assert fix["applicability"] in {"safe", "unsafe", "display"}
    split = next(f for f in file["findings"] if f["rule"] == "broken-sentence.clause-split")
    assert split["excerpt"] == "not. Accept"
    assert split["fixes"][0] == {
        "start": split["start"],
        "end": split["end"],
        "replacement": "not accept",
        "applicability": "unsafe",
    }


def test_stdin_is_checked_and_clean_text_exits_zero() -> None:
    damaged = run_cli("check", "-", stdin=b"They left. . Then it rained.")
    assert damaged.returncode == 1 and "-:1:11: punctuation.repeated-stop" in damaged.stdout
    clean = run_cli("check", "-", stdin=b"They left. Then it rained.\n")
    assert clean.returncode == 0 and "No findings" in clean.stdout


def test_exit_zero_and_fail_on_threshold() -> None:
    assert run_cli("check", "--exit-zero", str(SEED)).returncode == 0
    info_only = run_cli("check", "-", stdin=b"The talks  ended on Friday.\n")
    assert info_only.returncode == 0 and "typography.doubled-space" in info_only.stdout
    assert run_cli("check", "--fail-on", "info", "-", stdin=b"The talks  ended.\n").returncode == 1


def test_fix_exits_as_check_does_on_the_findings_it_leaves(tmp_path: Path) -> None:
    """A warning left for review fails ``fix`` only where it would fail ``check``: at fail-on "error"
    both exit 0 on it, with or without --diff."""
    (tmp_path / "cleaner.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Prices fell 3.5 million euros. in the first quarter.\n", encoding="utf-8")
    for command in (["check"], ["fix", "--diff"], ["fix"]):
        result = run_cli(*command, "--no-grammar", str(article))
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert "1 left for review" in result.stdout
    (tmp_path / "cleaner.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    assert run_cli("fix", "--no-grammar", str(article)).returncode == 1


def test_a_file_named_twice_is_checked_and_diffed_once(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Done. . Now.\n", encoding="utf-8")
    named = [str(article), str(tmp_path / "." / "a.txt"), str(tmp_path)]
    assert [f["path"] for f in check_json("--no-grammar", *named)["files"]] == [str(article)]
    patch = run_cli("fix", "--diff", "--no-grammar", *named).stdout
    assert patch.count("+++ ") == 1, patch


def test_select_and_ignore_by_family_prefix() -> None:
    only = check_json("--select", "punctuation", str(SEED))
    assert {f["rule"].split(".")[0] for f in only["files"][0]["findings"]} == {"punctuation"}
    rest = check_json("--ignore", "punctuation", str(SEED))
    assert "punctuation" not in {f["rule"].split(".")[0] for f in rest["files"][0]["findings"]}
    unknown = run_cli("check", "--select", "nonsense", str(SEED))
    assert unknown.returncode == 2 and "nonsense" in unknown.stderr


def test_bad_input_gives_one_line_errors_exit_2_and_still_checks_the_rest(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9".encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_text("It ended. . Then it began.\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    data = json.loads(result.stdout)
    messages = {Path(e["path"]).name: e["message"] for e in data["errors"]}
    assert "binary" in messages["bin.txt"]
    assert "byte offset 3" in messages["latin1.txt"]
    assert "empty.txt" not in messages  # an empty article is checked: it has nothing to report
    assert "no such file" in messages["missing.txt"]
    assert sorted(Path(f["path"]).name for f in data["files"]) == ["empty.txt", "good.txt"]
    text = run_cli("check", str(tmp_path))
    assert len(text.stderr.splitlines()) == 2  # one line for each file that could not be checked
    assert "bin.txt: binary file" in text.stderr


def test_text_output_prints_names_and_text_as_they_are(tmp_path: Path) -> None:
    """rich would turn ":fire:" into an emoji: a path (or an article's words) must read as it is."""
    (tmp_path / "bad:fire:.txt").write_bytes("Caf\u00e9".encode("latin-1"))
    (tmp_path / "a.txt").write_text("We said :fire: yes. . Then it began.\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", str(tmp_path))
    assert result.returncode == 2
    assert f"error: {tmp_path / 'bad:fire:.txt'}: not valid UTF-8" in result.stderr
    assert "We said :fire: yes. . Then" in result.stdout
    assert "\U0001f525" not in result.stdout + result.stderr


def test_rules_lists_every_rule() -> None:
    result = run_cli("rules", "--format", "json")
    rules = json.loads(result.stdout)
    ids = {rule["id"] for rule in rules}
    assert {
        "tense.day-after-report",
        "broken-sentence.clause-split",
        "punctuation.repeated-stop",
        "typography.unicode-damage",
    } <= ids
    assert all(rule["summary"] and rule["severity"] in {"error", "warning", "info"} for rule in rules)
    kinds = {rule["id"]: rule["fixes"] for rule in rules}
    assert kinds["punctuation.repeated-stop"] == ["safe"]
    assert kinds["tense.day-after-report"] == ["unsafe"]  # a tense or a day change is for review
    assert kinds["typography.unknown-token"] == []  # found, never repaired: the word is missing
    text = run_cli("rules").stdout
    assert "tense.weekday-date" in text
    assert any(line.startswith("tense.day-after-report") and " unsafe " in line for line in text.splitlines())


def test_extra_rule_folder_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "no-utilize.yaml").write_text(
        "id: house.no-utilize\ncategory: style\nseverity: warning\nsummary: Prefer use.\n"
        "message: Use “use”.\npattern: '\\butilize\\b'\n"
        "fixes:\n  - replacement: use\n    applicability: safe\n"
        "examples:\n  flag: ['We utilize it.']\n  pass: ['We use it.']\n",
        encoding="utf-8",
    )
    result = run_cli("check", "--rules", str(tmp_path / "house"), "-", stdin=b"We utilize it.\n")
    assert result.returncode == 1 and "house.no-utilize [style]" in result.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.yaml").write_text("id: x.y\ncategory: style\nsurprise: 1\n", encoding="utf-8")
    bad = run_cli("check", "--rules", str(broken), "-", stdin=b"x\n")
    assert bad.returncode == 2 and "unknown key 'surprise'" in bad.stderr


def test_installed_wheel_ships_the_rules_and_works_outside_the_checkout(tmp_path: Path) -> None:
    """The wheel alone, run from another folder, lists every rule: the rules ship inside it.

    The wheel goes without dependencies into a folder of its own, and this interpreter runs it with -S
    (no site initialisation, so no editable install of the checkout) and PYTHONPATH = that folder, then
    this interpreter's site-packages for the dependencies. That works alike when the suite runs in a
    virtual environment and on a system interpreter (``pip install --target`` is allowed under PEP 668).
    """
    import os
    import site
    import subprocess
    import sys

    from tests.conftest import REPO

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPO), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("cleaner-*.whl")
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    dependencies = site.getsitepackages()
    if site.ENABLE_USER_SITE and Path(site.getusersitepackages()).is_dir():
        dependencies.append(site.getusersitepackages())
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join([str(target), *dependencies])}
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def run(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-S", *args],
            cwd=outside,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    listed = run("-m", "cleaner", "rules", "--format", "json")
    located = run("-c", "import cleaner, json, os, sys; print(json.dumps([cleaner.__file__, sys.path]))")
    module, sys_path = json.loads(located)
    assert Path(module).resolve().is_relative_to(target.resolve())  # the wheel's copy, not the checkout
    assert str(REPO) not in {os.path.realpath(os.path.join(outside, entry)) for entry in sys_path}
    ids = {rule["id"] for rule in json.loads(listed)}
    assert {path.stem for path in (REPO / "rules").rglob("*.yaml")} == {i.split(".", 1)[1] for i in ids}
