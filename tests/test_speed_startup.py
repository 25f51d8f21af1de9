"""A rules-only run imports only what it uses (the speed issue: one article in a blink).

``cleaner check --no-grammar`` on an article must not load lemminflect (its answers are precomputed),
NumPy, the neural stage, the grammar client's HTTP stack, rich's progress bar, nor what only a
translation with its source needs (the source-aware detectors, Babel, the XML and PO readers), nor the
review page's web stack or the corpus tools: each costs start-up
that a pre-commit hook pays on every commit. The real command runs in a subprocess and reports the
modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
    "rich.progress",
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
)


def _loaded(*args: str) -> tuple[int, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["exit"], report["modules"]


def test_rules_only_check_imports_no_grammar_neural_or_lemminflect() -> None:
    seed = str(next(SEEDS.glob("*.txt")))
    code, modules = _loaded("check", "--no-grammar", seed)
    assert code == 1  # the seed is damaged on purpose: the rules ran and found it
    assert "cleaner.detectors.tense_words" in modules
    unwanted = [m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_FOR_RULES_ONLY)]
    assert unwanted == []


def test_json_output_of_a_rules_only_run_imports_none_of_them_either(tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("He said on Monday that the talks has been held last week. . Then it rained.\n")
    code, modules = _loaded("check", "--no-grammar", "--format", "json", str(article))
    assert code == 1
    unwanted = [m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_FOR_RULES_ONLY)]
    assert unwanted == []
