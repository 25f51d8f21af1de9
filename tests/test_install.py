"""The README's install, test and pre-commit instructions, as a user pastes them."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cleaner import __version__
from tests.conftest import FIXTURES, REPO, SEEDS

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's section under ``## title``, up to the next section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.MULTILINE | re.DOTALL)
    assert match, title
    return match.group(1)


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command_and_pip_only_installs_into_the_project_venv() -> None:
    install, tests = (block.strip() for block in blocks(section("Quick start"), "sh"))
    assert install.endswith("&& .venv/bin/cleaner setup && .venv/bin/cleaner check seeds/")
    assert tests.endswith("&& .venv/bin/python -m pytest")
    for command in (install, tests):
        steps = command.split(" && ")
        assert steps[0] == "python3 -m venv .venv", command
        # a PEP 668 system Python refuses `python3 -m pip install`: pip runs only from the venv
        assert all(".venv/bin/python -m pip" in step for step in steps if " pip " in step), command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "set -euo pipefail" in ci
    assert ci[-1] == tests  # the last command: its exit status (pytest's 1 or 5 included) is CI's


def pre_commit_snippets() -> list[dict]:
    return [yaml.safe_load(block) for block in blocks(section("Pre-commit"), "yaml")]


def test_the_readme_pre_commit_snippets_match_the_published_hooks() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    }
    local, hosted = pre_commit_snippets()
    (repo,) = local["repos"]
    assert repo["repo"] == "local"
    for hook in repo["hooks"]:
        published = hooks[hook["id"]]
        assert hook["entry"] == published["entry"] and hook["entry"].endswith(" --")
        assert hook["types_or"] == published["types_or"] and hook["require_serial"] is True
    (repo,) = hosted["repos"]
    # the release tag of this version (the integrator tags it), with its CHANGELOG entry
    assert repo["rev"] == f"v{__version__}"
    assert re.search(rf"^## {re.escape(__version__)} ", (REPO / "CHANGELOG.md").read_text("utf-8"), re.M)
    assert {hook["id"] for hook in repo["hooks"]} <= set(hooks)


def test_the_readme_local_pre_commit_snippet_works_as_pasted(tmp_path: Path) -> None:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (it comes with the [test] extra)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    local, _ = pre_commit_snippets()
    desk = tmp_path / "desk"
    desk.mkdir()

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=desk, env=env, capture_output=True, text=True, timeout=600, check=False
        )

    git("init", "-q")
    git("config", "user.email", "desk@example.org")
    git("config", "user.name", "Desk")
    (desk / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local), encoding="utf-8")
    git("add", ".pre-commit-config.yaml")
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=desk,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    seed = next(SEEDS.glob("*.txt"))
    shutil.copy(seed, desk / "seed.txt")
    git("add", "seed.txt")
    blocked = git("commit", "-m", "seed")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "cleaner check" in output and "Failed" in output
    assert "seed.txt:1:24: tense.day-after-report [tense]" in output
    git("reset", "-q", "seed.txt")

    shutil.copy(FIXTURES / "clean" / "wire-story.txt", desk / "story.txt")
    git("add", "story.txt")
    committed = git("commit", "-m", "clean story")
    output = committed.stdout + committed.stderr
    assert committed.returncode == 0, output
    assert "cleaner check" in output and "Passed" in output
