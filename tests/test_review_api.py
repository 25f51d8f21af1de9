"""``cleaner review``'s web API over HTTP (Starlette's test client): the guards (token, loopback host,
files by index only, body size), and each decision checked against the real engine and the real write
path. The page itself is driven in a real browser in ``test_review_browser.py``."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from cleaner.findings import Applicability, Category, Finding, Severity
from cleaner.repair.fixer import fix_text
from cleaner.review.app import MAX_BODY, ReviewedFile, create_app
from cleaner.review.server import load_reviews
from cleaner.review.view import segments
from cleaner.session import Session
from tests.conftest import FIXTURES, SEEDS, run_cli

SEED = next(SEEDS.glob("*.txt"))
SEED_BYTES = SEED.read_bytes()
TOKEN = "test-token-0123456789"
HEADERS = {"X-Cleaner-Token": TOKEN}


@pytest.fixture
def session() -> Iterator[Session]:
    with Session({}, grammar=False) as opened:
        yield opened


def _client(files: list[ReviewedFile], **options: bool) -> TestClient:
    return TestClient(create_app(files, TOKEN, **options), base_url="http://127.0.0.1")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_bytes(SEED_BYTES)
    return path


@pytest.fixture
def client(session: Session, article: Path, tmp_path: Path) -> TestClient:
    other = tmp_path / "other.txt"
    other.write_bytes(SEED_BYTES)
    files, errors = load_reviews(session, [str(article), str(other)])
    assert not errors
    return _client(files)


def _file(client: TestClient, index: int = 0) -> dict:
    response = client.get(f"/api/files/{index}", headers=HEADERS)
    assert response.status_code == 200
    return response.json()["file"]


def _find(view: dict, rule: str) -> int:
    return next(i for i, f in enumerate(view["findings"]) if f["rule"] == rule)


def _post(client: TestClient, action: str, index: int = 0, **body: object) -> tuple[int, dict]:
    response = client.post(f"/api/files/{index}/{action}", headers=HEADERS, json=body)
    return response.status_code, response.json()


def test_every_request_that_reads_or_writes_needs_the_token(client: TestClient, article: Path) -> None:
    for path in ["/", "/api/files", "/api/files/0", "/api/files/0/diff"]:
        assert client.get(path).status_code == 403, path
        assert client.get(path, headers={"X-Cleaner-Token": TOKEN[:-1] + "x"}).status_code == 403, path
        assert client.get(path, headers=HEADERS).status_code == 200, path
    view = _file(client)
    for action in ["accept", "reject", "edit", "undo", "accept-safe", "save"]:
        response = client.post(
            f"/api/files/0/{action}",
            json={"version": view["version"], "finding": 0, "candidate": 0, "text": "x"},
        )
        assert response.status_code == 403, action
    assert _file(client)["version"] == view["version"]  # nothing happened
    assert article.read_bytes() == SEED_BYTES
    # The page's own address carries the token in the query, as printed.
    assert client.get(f"/?token={TOKEN}").status_code == 200


def test_only_the_files_named_on_the_command_line_by_index(client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours to read", encoding="utf-8")
    for path in [
        "/api/files/2",
        "/api/files/-1",
        f"/api/files/{secret}",
        "/api/files/..%2Fsecret.txt",
        "/static/..%2F..%2Fcli.py",
        "/static/../app.py",
    ]:
        response = client.get(path, headers=HEADERS)
        assert response.status_code == 404, path
        assert "not yours" not in response.text and "import" not in response.text, path
    # A path in the query or the body is not a way in: file 0 is file 0.
    response = client.get(f"/api/files/0?path={secret}", headers=HEADERS)
    assert response.json()["file"]["name"].endswith("article.txt")
    view = _file(client)
    index = _find(view, "broken-sentence.clause-split")
    status, _ = _post(client, "accept", version=view["version"], finding=index, candidate=0, path=str(secret))
    assert status == 200
    status, _ = _post(client, "save", version=view["version"] + 1, path=str(secret))
    assert status == 200
    assert secret.read_text(encoding="utf-8") == "not yours to read"


def test_only_loopback_host_names_and_modest_bodies(client: TestClient, article: Path) -> None:
    rebound = client.get("/api/files", headers={**HEADERS, "host": "attacker.example"})
    assert rebound.status_code == 400
    view = _file(client)
    huge = {"version": view["version"], "finding": 0, "text": "x" * MAX_BODY}
    response = client.post("/api/files/0/edit", headers=HEADERS, json=huge)
    assert response.status_code == 413
    form = client.post("/api/files/0/reject", headers=HEADERS, data={"version": "0", "finding": "0"})
    assert form.status_code == 415
    assert _file(client)["version"] == view["version"]
    assert article.read_bytes() == SEED_BYTES
    page = client.get("/", headers=HEADERS)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_accept_reject_edit_undo_then_save_writes_exactly_those(client: TestClient, article: Path) -> None:
    view = _file(client)
    assert view["counts"] == {"broken-sentence": 2, "punctuation": 2, "tense": 2}
    tense = _find(view, "tense.day-after-report")
    status, reply = _post(client, "reject", version=view["version"], finding=tense)
    assert status == 200
    view = reply["file"]
    assert "tense.day-after-report" not in {f["rule"] for f in view["findings"]}
    status, reply = _post(
        client,
        "accept",
        version=view["version"],
        finding=_find(view, "broken-sentence.clause-split"),
        candidate=0,
    )
    view = reply["file"]
    assert status == 200 and "broken-sentence.clause-split" not in {f["rule"] for f in view["findings"]}
    # The re-check after a change does not bring the rejected finding back.
    assert "tense.day-after-report" not in {f["rule"] for f in view["findings"]}
    assert article.read_bytes() == SEED_BYTES  # nothing is written before Save
    stops = _find(view, "punctuation.doubled-stop-between-words")
    sentence = view["findings"][stops]["sentence"]
    assert sentence.startswith("At the press conference") and "would not accept anything" in sentence
    edited = sentence.replace("them..they participate", "them, as they participate")
    status, reply = _post(client, "edit", version=view["version"], finding=stops, text=edited)
    view = reply["file"]
    assert status == 200 and "punctuation.doubled-stop-between-words" not in {
        f["rule"] for f in view["findings"]
    }
    # A wrong turn, undone: the choice of the second candidate ("gas. Pipeline") is taken back.
    status, reply = _post(
        client,
        "accept",
        version=view["version"],
        finding=_find(view, "broken-sentence.noun-phrase-split"),
        candidate=1,
    )
    assert "Russian gas. Pipeline" in "".join(s["text"] for s in reply["file"]["segments"])
    status, reply = _post(client, "undo", version=reply["file"]["version"])
    view = reply["file"]
    assert status == 200 and "Russian gas. pipeline" in "".join(s["text"] for s in view["segments"])
    status, reply = _post(client, "save", version=view["version"])
    assert status == 200, reply
    expected = (
        SEED_BYTES.decode("utf-8")
        .replace("would not. Accept", "would not accept")
        .replace("them..they participate", "them, as they participate")
    )
    assert article.read_bytes() == expected.encode("utf-8")
    assert reply["file"]["saved"]["counts"] == {"rejected": 1, "accepted": 1, "edited": 1}
    assert not reply["file"]["unsaved"]
    # The other file was never saved: untouched.
    assert (article.parent / "other.txt").read_bytes() == SEED_BYTES
    # The diff of what was saved applies with git to the original and gives the saved bytes.
    patch = client.get("/api/files/0/diff", headers=HEADERS)
    assert patch.headers["content-disposition"] == 'attachment; filename="article.txt.diff"'
    copy = article.parent / "copy"
    copy.mkdir()
    (copy / "article.txt").write_bytes(SEED_BYTES)
    names = patch.text.splitlines()[:2]
    assert names[0].startswith("--- a/") and names[0].endswith("/article.txt")
    prefix = names[0][len("--- a/") : -len("article.txt")]
    subprocess.run(
        ["git", "apply", f"-p{prefix.count('/') + 1}", "-"], input=patch.text.encode(), cwd=copy, check=True
    )
    assert (copy / "article.txt").read_bytes() == article.read_bytes()


def test_a_bilingual_file_is_reviewed_against_its_sources_and_saved_into_its_targets(
    session: Session, tmp_path: Path
) -> None:
    """Read as ``check`` reads it: the XLIFF's targets with their sources, so the source comparison is
    on the page; Save writes the accepted repair into its unit and leaves every other byte."""
    original = (FIXTURES / "bilingual" / "energy.de-en.xlf").read_bytes()
    path = tmp_path / "energy.de-en.xlf"
    path.write_bytes(original)
    files, errors = load_reviews(session, [str(path)])
    assert not errors
    client = _client(files)
    view = _file(client)
    assert "<" not in "".join(s["text"] for s in view["segments"])  # the targets, not the XML
    weekday = _find(view, "consistency.weekday-mismatch")
    status, reply = _post(client, "accept", version=view["version"], finding=weekday, candidate=0)
    assert status == 200, reply
    status, reply = _post(client, "save", version=reply["file"]["version"])
    assert status == 200, reply
    expected = original.replace(b"in Brussels on Wednesday", b"in Brussels on Thursday", 1)
    assert expected != original and path.read_bytes() == expected
    patch = client.get("/api/files/0/diff", headers=HEADERS).text.splitlines()  # of the file, as saved
    removed = [line for line in patch if line.startswith("-") and not line.startswith("---")]
    added = [line for line in patch if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1 and "<target" in removed[0]
    assert added[0][1:] == removed[0][1:].replace("on Wednesday", "on Thursday")


def test_a_translation_is_reviewed_against_the_source_given(tmp_path: Path) -> None:
    pair = FIXTURES / "bilingual" / "pair"
    translation = tmp_path / "report.txt"  # no source beside it: only --source names one
    translation.write_bytes((pair / "report.txt").read_bytes())
    with Session({}, grammar=False, source=str(pair / "report.de.txt")) as with_source:
        files, errors = load_reviews(with_source, [str(translation)])
    assert not errors
    assert "consistency.weekday-mismatch" in {f["rule"] for f in _file(_client(files))["findings"]}
    result = run_cli(
        "review",
        "--no-browser",
        "--no-grammar",
        "--source",
        str(pair / "report.de.txt"),
        str(translation),
        "x",
    )
    assert result.returncode == 2 and "--source ORIGINAL pairs with exactly one translation" in result.stderr


def test_a_rejected_finding_stays_rejected_after_a_repair_beside_it(session: Session, tmp_path: Path) -> None:
    """Rejections are kept where they are and moved through later edits: a repair 23 characters away
    does not bring the rejected finding back, and an edit of the text it judged does."""
    path = tmp_path / "near.txt"
    path.write_text(
        "The minister spoke on Friday , and the talks ended.. They left at noon.\n", encoding="utf-8"
    )
    files, _ = load_reviews(session, [str(path)])
    client = _client(files)
    view = _file(client)
    status, reply = _post(
        client, "reject", version=view["version"], finding=_find(view, "punctuation.space-before-punctuation")
    )
    view = reply["file"]
    status, reply = _post(
        client,
        "accept",
        version=view["version"],
        finding=_find(view, "punctuation.doubled-stop"),
        candidate=0,
    )
    view = reply["file"]
    assert status == 200 and view["findings"] == []
    status, reply = _post(client, "undo", version=view["version"])
    status, reply = _post(client, "undo", version=reply["file"]["version"])
    view = reply["file"]  # back to the start: nothing rejected
    assert {f["rule"] for f in view["findings"]} >= {"punctuation.space-before-punctuation"}
    rejected = _find(view, "punctuation.space-before-punctuation")
    status, reply = _post(client, "reject", version=view["version"], finding=rejected)
    view = reply["file"]
    edited = "The minister spoke on Friday   , and the talks ended.. They left at noon."
    status, reply = _post(
        client, "edit", version=view["version"], finding=_find(view, "punctuation.doubled-stop"), text=edited
    )
    # the hand edit changed the text the rejected finding judged: what is found there is new
    assert status == 200 and "punctuation.space-before-punctuation" in {
        f["rule"] for f in reply["file"]["findings"]
    }


def test_a_stale_page_or_a_bad_edit_changes_nothing(client: TestClient) -> None:
    view = _file(client)
    status, reply = _post(client, "reject", version=view["version"], finding=0)
    assert status == 200
    status, reply = _post(client, "reject", version=view["version"], finding=0)  # the same click again
    assert status == 409 and "changed since this page was drawn" in reply["error"]
    assert reply["file"]["version"] == view["version"] + 1  # the page is sent the file to redraw
    view = reply["file"]
    for bad in ["two\nlines", "escape \x1b[D code", "\ttab"]:
        status, reply = _post(client, "edit", version=view["version"], finding=0, text=bad)
        assert status == 400 and "control characters" in reply["error"]
    status, reply = _post(
        client, "edit", version=view["version"], finding=0, text=view["findings"][0]["sentence"]
    )
    assert status == 400 and "unchanged" in reply["error"]
    for body in [{"version": view["version"]}, {"version": view["version"], "finding": True, "candidate": 0}]:
        status, reply = _post(client, "accept", **body)
        assert status == 400
    status, reply = _post(client, "accept", version=view["version"], finding=0, candidate=9)
    assert status == 400 and "no candidate 10" in reply["error"]
    assert _file(client)["version"] == view["version"]


def test_accept_all_safe_is_what_cleaner_fix_does(
    session: Session, client: TestClient, article: Path
) -> None:
    settings = session.settings(str(article))
    expected = fix_text(
        SEED_BYTES.decode("utf-8"), lambda text: session.check_text(text, str(article), settings)
    )
    view = _file(client)
    status, reply = _post(client, "accept-safe", version=view["version"])
    count = len(expected.applied)
    assert status == 200 and reply["message"] == f"{count} safe repair{'s' * (count != 1)} accepted"
    assert "".join(s["text"] for s in reply["file"]["segments"]) == expected.text
    assert [f["rule"] for f in reply["file"]["findings"]] == [f.rule for f in expected.remaining]
    status, reply = _post(client, "accept-safe", version=reply["file"]["version"])
    assert status == 400 and "no safe repair" in reply["error"]


def test_a_rejected_safe_repair_is_left_by_accept_all_safe(client: TestClient, article: Path) -> None:
    view = _file(client)
    status, reply = _post(
        client, "reject", version=view["version"], finding=_find(view, "punctuation.repeated-stop")
    )
    assert status == 200  # the seed's one safe repair (its joins are for review)
    status, reply = _post(client, "accept-safe", version=reply["file"]["version"])
    assert status == 400 and "no safe repair" in reply["error"]
    assert "attack. ." in "".join(s["text"] for s in _file(client)["segments"])
    assert article.read_bytes() == SEED_BYTES


def test_save_is_refused_when_the_file_changed_on_disk(client: TestClient, article: Path) -> None:
    view = _file(client)
    status, reply = _post(client, "accept-safe", version=view["version"])
    changed = SEED_BYTES.replace(b"Geneva", b"Genf", 1)
    article.write_bytes(changed)
    status, reply = _post(client, "save", version=reply["file"]["version"])
    assert status == 409 and reply["refused"] == "save"
    assert "changed on disk since it was checked; not written" in reply["error"]
    assert article.read_bytes() == changed
    assert reply["file"]["unsaved"] and reply["file"]["saved"] is None


def test_bom_crlf_and_mode_kept_and_backup(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    original = "\ufeff" + SEED_BYTES.decode("utf-8").replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    path.chmod(0o640)
    files, _ = load_reviews(session, [str(path)])
    client = _client(files, backup=True)
    view = _file(client)
    stop = _find(view, "punctuation.repeated-stop")
    sentence = view["findings"][stop]["sentence"]
    assert not sentence.endswith("\r")
    status, reply = _post(
        client, "edit", version=view["version"], finding=stop, text=sentence.replace("attack. .", "attack.")
    )
    status, reply = _post(client, "save", version=reply["file"]["version"])
    assert status == 200 and "the original is kept as" in reply["message"]
    assert path.read_bytes() == original.replace("attack. .", "attack.").encode("utf-8")
    assert path.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "windows.txt.orig").read_bytes() == original.encode("utf-8")


def test_segments_cover_the_text_once_with_overlaps_and_insertion_points() -> None:
    def finding(start: int, end: int) -> Finding:
        return Finding("x.y", Category.PUNCTUATION, Severity.WARNING, "m", start, end)

    text = "abcdefghij"
    found = (finding(0, 0), finding(2, 6), finding(4, 8), finding(10, 10))
    cut = segments(text, found)
    assert "".join(s["text"] for s in cut) == text
    assert [(s["text"], s["findings"]) for s in cut] == [
        ("", [0]),
        ("ab", []),
        ("cd", [1]),
        ("ef", [1, 2]),
        ("gh", [2]),
        ("ij", []),
        ("", [3]),
    ]
    assert segments("", (finding(0, 0),)) == [{"text": "", "findings": [0]}]


def test_candidates_carry_their_applicability_and_an_inline_diff(client: TestClient) -> None:
    view = _file(client)
    noun = view["findings"][_find(view, "broken-sentence.noun-phrase-split")]
    kinds = [c["applicability"] for c in noun["candidates"]]
    assert kinds == [Applicability.UNSAFE, Applicability.UNSAFE]  # a join is for review
    first = noun["candidates"][0]["diff"]
    assert ["del", "."] in first and all(op in {"same", "del", "ins"} for op, _ in first)
    old_side = "".join(t for op, t in first if op != "ins").strip("…")
    new_side = "".join(t for op, t in first if op != "del").strip("…")
    assert "suspension” of Russian gas. pipeline, in addition" in old_side and old_side in SEED_BYTES.decode()
    assert "Russian gas pipeline, in addition" in new_side
    tense = view["findings"][_find(view, "tense.day-after-report")]
    assert ["del", "told"] in tense["candidates"][0]["diff"] and ["ins", "will tell"] in tense["candidates"][
        0
    ]["diff"]


def test_the_command_refuses_what_it_cannot_review(tmp_path: Path) -> None:
    result = run_cli("review", "--no-browser", "--no-grammar", "-", cwd=tmp_path)
    assert result.returncode == 2
    assert "standard input cannot be reviewed" in result.stderr and "no file to review" in result.stderr
    result = run_cli("review", "--no-browser", "--no-grammar", "missing.txt", cwd=tmp_path)
    assert result.returncode == 2 and "missing.txt" in result.stderr and "review at" not in result.stdout
    result = run_cli("review", "--no-browser", "--no-grammar", "--select", "tense.no-such-rule", str(SEED))
    assert result.returncode == 2 and "review at" not in result.stdout


def test_offsets_past_astral_characters_highlight_and_repair_the_right_text(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "emoji.txt"
    original = SEED_BYTES.decode("utf-8").replace("At the press conference", "😀🇺🇦 At the press conference")
    path.write_text(original, encoding="utf-8")
    files, _ = load_reviews(session, [str(path)])
    client = _client(files)
    view = _file(client)
    split = _find(view, "broken-sentence.clause-split")
    marked = "".join(s["text"] for s in view["segments"] if split in s["findings"])
    assert marked == "not. Accept" == view["findings"][split]["excerpt"]
    status, reply = _post(client, "accept", version=view["version"], finding=split, candidate=0)
    status, reply = _post(client, "save", version=reply["file"]["version"])
    assert status == 200
    assert path.read_text(encoding="utf-8") == original.replace("not. Accept", "not accept")


def test_a_streamed_body_over_the_limit_is_refused(client: TestClient) -> None:
    view = _file(client)

    def chunks() -> Iterator[bytes]:
        yield b'{"version": 0, "finding": 0, "text": "'
        for _ in range(MAX_BODY // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    response = client.post(
        "/api/files/0/edit", headers={**HEADERS, "content-type": "application/json"}, content=chunks()
    )
    assert response.status_code == 413
    assert _file(client)["version"] == view["version"]


def _post_json(client: TestClient, action: str, body: dict, index: int = 0) -> tuple[int, dict]:
    """A body the client's own encoder cannot send (a lone surrogate): JSON escapes, as a browser sends."""
    response = client.post(
        f"/api/files/{index}/{action}",
        headers={**HEADERS, "content-type": "application/json"},
        content=json.dumps(body).encode("ascii"),
    )
    return response.status_code, response.json()


def test_an_edit_holding_a_lone_surrogate_is_refused_and_nothing_is_stored(client: TestClient) -> None:
    view = _file(client)
    body = {"version": view["version"], "finding": 0, "text": "He would \ud800 accept it."}
    status, reply = _post_json(client, "edit", body)
    assert status == 400 and "lone surrogate (U+D800)" in reply["error"]
    after = _file(client)
    assert after["version"] == view["version"] and after["segments"] == view["segments"]
    status, reply = _post(client, "undo", version=view["version"])
    assert status == 400 and reply["error"] == "nothing to undo"


def test_a_file_holding_a_lone_surrogate_is_shown_and_its_repair_saved(
    session: Session, tmp_path: Path
) -> None:
    """A bilingual JSONL target's ``\\ud800`` escape decodes to a lone surrogate: the page is sent it
    (JSON-escaped), and accepting the Unicode-damage repair saves U+FFFD in its place."""
    path = tmp_path / "menu.jsonl"
    path.write_text('{"id": "1", "source": "Das Café ist offen.", "target": "The caf\\ud800 is open."}\n')
    files, errors = load_reviews(session, [str(path)])
    assert not errors
    client = _client(files)
    view = _file(client)
    damage = _find(view, "typography.unicode-damage")
    assert view["findings"][damage]["excerpt"] == "\ud800"
    status, reply = _post(client, "accept", version=view["version"], finding=damage, candidate=0)
    assert status == 200, reply
    status, reply = _post(client, "save", version=reply["file"]["version"])
    assert status == 200, reply
    assert json.loads(path.read_text(encoding="utf-8"))["target"] == "The caf\ufffd is open."
    assert (
        "+" + path.read_text(encoding="utf-8").rstrip("\n")
        in client.get("/api/files/0/diff", headers=HEADERS).text
    )
