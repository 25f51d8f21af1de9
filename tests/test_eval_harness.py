"""The accuracy harness runs end to end on a small sample of the real dev data (a smoke test: the
numbers are reported, never asserted against thresholds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED_EVAL


def run_eval(*args: str) -> subprocess.CompletedProcess[str]:
    """``bench/eval.py`` with ``args``, as a user runs it from the checkout."""
    return subprocess.run(
        [sys.executable, "bench/eval.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="the shared evaluation data is not beside this checkout")
def test_eval_harness_prints_tables_for_every_system(tmp_path: Path, languagetool_url: str) -> None:
    out = tmp_path / "results.json"
    result = run_eval("--sample", "4", "--languagetool", "--show", "1", "--json", str(out))
    assert result.returncode == 0, result.stderr
    for system in ("own rules", "cleaner (rules + LanguageTool)", "LanguageTool alone"):
        for dataset in ("ted", "bio", "artefacts"):
            assert f"== {dataset} / {system}" in result.stdout
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 9
    labelled = [row for row in rows if row["dataset"] == "artefacts"]
    assert len(labelled) == 3
    for row in labelled:
        counted = sum(label["records"] for label in row["labels"].values()) + row["lookalikes"]
        assert 0 < counted + row["casing_only"] <= 4
        for label in row["labels"].values():
            assert label["repair_first"] <= label["repair_among_candidates"] <= label["found"]
    for row in (row for row in rows if row["dataset"] != "artefacts"):
        assert row["documents"] == 4 and row["characters"] > 0
        assert set(row["recall"]) == {"punctuation", "grammar", "spelling", "broken"}
        assert row["precision"] is None or 0 <= row["precision"] <= 1
    assert any(row["findings"] > 0 for row in rows if row["system"] == "LanguageTool alone")


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="the shared evaluation data is not beside this checkout")
def test_source_eval_reports_weekdays_and_number_and_date_findings(tmp_path: Path) -> None:
    out = tmp_path / "sources.json"
    result = run_eval("--source", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "weekday_wrong_vs_source found: " in result.stdout
    assert "MQM sets with sources, MT: " in result.stdout
    rows = {row["dataset"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    artefacts = rows["artefacts-sources"]
    assert (
        0 <= artefacts["weekday_wrong_vs_source"]["found"] <= artefacts["weekday_wrong_vs_source"]["records"]
    )
    assert artefacts["source_has_both_days"]["flagged"] <= artefacts["source_has_both_days"]["pairs"]
    ted = rows["ted zh-en (MQM, MT)"]
    assert ted["segments"] > 0 and 0 <= ted["on_rater_span"] <= ted["number_date_findings"]


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="the shared evaluation data is not beside this checkout")
def test_labelled_eval_with_sources_scores_each_record_with_its_source(tmp_path: Path) -> None:
    out = tmp_path / "labelled.json"
    result = run_eval("--dataset", "artefacts", "--with-source", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "== artefacts / own rules, with source" in result.stdout
    own, sourced = json.loads(out.read_text(encoding="utf-8"))
    assert (own["system"], sourced["system"]) == ("own rules", "own rules, with source")
    for name, label in sourced["labels"].items():
        alone = own["labels"][name]
        assert label["records"] == alone["records"] and label["found"] >= alone["found"]
        assert label["repair_first"] <= label["repair_among_candidates"] <= label["found"]
    # The source reorders candidates (the dev set's truncated ellipses), never at a real sentence end.
    stray = "stray_punctuation"
    assert sourced["labels"][stray]["repair_first"] > own["labels"][stray]["repair_first"]
    assert sourced["casing_only_capitalised_first"] == own["casing_only_capitalised_first"]
    assert sourced["casing_only_offered_a_join"] == own["casing_only_offered_a_join"] == 0


def test_tense_damage_bench_finds_injected_tense_errors_in_a_small_text(tmp_path: Path) -> None:
    """``bench/tense_damage.py`` on a few sentences of its own (no shared data): it finds the dated verbs,
    damages each into a present perfect, a future and a present, and counts what the rules find."""
    text = tmp_path / "sound.txt"
    text.write_text(
        "The talks were tense. Last week the minister signed the agreement in Geneva. Two years ago, the "
        "company opened a factory in Ohio. The police arrested three men yesterday in the capital. The "
        "delegation met the mayor.\n\nWe remember the floods. Our town has grown since last year.\n",
        encoding="utf-8",
    )
    out = tmp_path / "tense.json"
    args = ("--show", "2", "--json", str(out))
    result = subprocess.run(
        [sys.executable, "bench/tense_damage.py", "--no-ted", "--text", str(text), "--reports", "4", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    assert "undamaged text: 0 tense findings" in result.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = {(row["damage"], row["time"]): row for row in report["rows"]}
    for damage in ("perfect", "future", "present"):
        row = rows[damage, "all"]
        assert row["total"] == 3, row  # "signed last week", "opened two years ago", "arrested yesterday"
        assert row["repaired"] <= row["found"] == 3
    reports = {(row["label"], row["shape"]): row for row in report["reports"]}
    assert sum(row["total"] for row in reports.values()) == 8
    for (label, _), row in reports.items():
        assert row["flagged"] == (row["total"] if label == "day-after-report" else 0), (label, row)
    assert report["clean_findings"] == {}
