"""Reading input: exact decoding, clear errors for bad input, and offsets in code points."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner.document import Document
from cleaner.pipeline import Checker
from cleaner.session import Session
from cleaner.sources import UnreadableSource, decode, discover, read_document


def test_bom_is_stripped_and_remembered(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfHello.\r\nWorld.\r\n")
    document = read_document(str(path))
    assert document.bom is True
    assert document.text == "Hello.\r\nWorld.\r\n"
    assert document.line_col(document.text.index("World")) == (2, 1)


def test_invalid_utf8_names_the_byte_offset() -> None:
    with pytest.raises(UnreadableSource) as info:
        decode("x.txt", "Caf\u00e9 ".encode() + b"\xff\xfe tail")
    assert "byte offset 6" in info.value.error.message
    assert "0xff" in info.value.error.message


def test_binary_files_are_refused_and_an_empty_file_is_an_empty_article() -> None:
    with pytest.raises(UnreadableSource, match="binary"):
        decode("x.bin", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert decode("x.txt", b"").text == ""


def test_missing_path_and_symlink_loop_are_errors_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Fine.", encoding="utf-8")
    os.symlink(tmp_path / "docs", tmp_path / "docs" / "loop")
    items = list(discover([str(tmp_path / "docs"), str(tmp_path / "nope.txt")]))
    files = [i for i in items if isinstance(i, str)]
    errors = [i for i in items if not isinstance(i, str)]
    assert files == [str(tmp_path / "docs" / "a.txt")]
    assert any("loop" in e.message for e in errors)
    assert any(e.path.endswith("nope.txt") and "no such file" in e.message for e in errors)


def test_unreadable_file_is_reported_and_the_others_still_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("It ended. . Then it began.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xc3\x28 broken")
    with Session(grammar=False) as session:
        run = session.check_paths([str(bad), str(good)])
    assert [e.path for e in run.errors] == [str(bad)]
    assert [r.path for r in run.files] == [str(good)]
    assert run.files[0].findings


def test_folders_are_walked_for_text_and_markdown_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "b.md", "c.py", "sub/d.txt", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [Path(p).name for p in discover([str(tmp_path)]) if isinstance(p, str)]
    assert found == ["a.txt", "b.md", "d.txt"]


@pytest.mark.parametrize(
    "prefix",
    ["", "Café — “quoted” ", "Emoji 🎉🇺🇦 first: ", "Combining e\u0301 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 "],
)
def test_offsets_are_code_points_after_non_ascii_text(prefix: str) -> None:
    text = prefix + "the attack. . Then"
    findings = Checker(rules=None).check_text(text)
    stray = [f for f in findings if f.rule == "punctuation.repeated-stop"]
    assert len(stray) == 1
    assert text[stray[0].start : stray[0].end] == " ."
    assert stray[0].start == len(prefix) + len("the attack.")


@pytest.mark.parametrize(
    "data",
    [
        "Caf\u00e9 \u201cquoted\u201d \U0001f600 end.\n".encode() * 40,  # sequences cut by every chunk size
        b"\xef\xbb\xbf" + "Na\u00efve \u2014 text.\r\n".encode() * 40,
        b"plain ascii only\n" * 40,
        b"\xff\xfe" + "utf-16 text".encode("utf-16-le"),
        "bad \u00e9".encode() * 20 + b"\xe9 tail" * 20,
        "cut \u00e9".encode() * 20 + "\u20ac".encode()[:2],
        b"nul \x00 in the middle" * 20,
        b"\xef\xbb",
    ],
)
def test_a_big_file_decoded_as_it_is_read_is_the_file_decoded_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    """Above ``STREAM_ABOVE`` a file is decoded a chunk at a time (its bytes and its text are never held
    together): the same document, digest included, or the same refusal, as decoding it whole."""
    import cleaner.sources as sources

    path = tmp_path / "big.txt"
    path.write_bytes(data)

    def read(reader: Callable[[], Document]) -> object:
        try:
            document = reader()
        except UnreadableSource as exc:
            return exc.error
        return document.path, document.text, document.bom, document.encoding, document.digest

    expected = read(lambda: decode(str(path), data, hashlib.sha256(data).digest()))
    monkeypatch.setattr(sources, "STREAM_ABOVE", 0)
    for chunk in (1, 2, 3, 5, 7, 64):
        monkeypatch.setattr(sources, "_STREAM_CHUNK", chunk)
        assert read(lambda: read_document(str(path))) == expected, chunk
