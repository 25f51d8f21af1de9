"""The accuracy harness runs end to end on a small sample of the real dev data (a smoke test: the
numbers are reported, never asserted against thresholds)."""

from __future__ import annotations

import json
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
