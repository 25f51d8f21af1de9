"""Reading a file asks for its own size, yet keeps the size limit exact (the speed issue: a buffer of
the 64 MiB limit was allocated for every article)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from cleaner.sources import UnreadableSource, _read_bounded, read_document


@pytest.mark.parametrize(
    ("content", "expected", "limit", "result"),
    [
        (b"abc", 3, 10, b"abc"),  # the usual case: one read of the file's size
        (b"abcdef", 3, 10, b"abcdef"),  # grew after its size was taken: read on
        (b"abc", 5, 10, b"abc"),  # shrank: what is there
        (b"", 0, 10, b""),
        (b"a" * 10, 10, 10, b"a" * 10),  # exactly the limit
        (b"a" * 10, None, 10, b"a" * 10),  # a stream of unknown size (standard input)
    ],
)
def test_reads_everything_up_to_the_limit(
    content: bytes, expected: int | None, limit: int, result: bytes
) -> None:
    assert _read_bounded("f", io.BufferedReader(io.BytesIO(content)), limit, expected) == result


@pytest.mark.parametrize("expected", [3, 11, None])
def test_more_than_the_limit_is_refused_however_it_was_sized(expected: int | None) -> None:
    with pytest.raises(UnreadableSource, match="larger than 10 bytes"):
        _read_bounded("f", io.BufferedReader(io.BytesIO(b"a" * 11)), 10, expected)


def test_a_file_is_read_whole_even_when_the_kernel_hands_it_over_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are read with ``os.read`` alone (no file object around the descriptor), which may return
    fewer bytes than asked for (a network or FUSE file system): reading goes on to the end of the file,
    as a buffered file's ``read`` does, so no article is checked (or repaired and written back) cut short."""
    path = tmp_path / "article.txt"
    path.write_text("The talks resumed on Monday. " * 40, encoding="utf-8")
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda descriptor, size: real_read(descriptor, min(size, 7)))
    assert read_document(str(path)).text == "The talks resumed on Monday. " * 40
