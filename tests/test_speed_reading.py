"""Reading a file asks for its own size, yet keeps the size limit exact (the speed issue: a buffer of
the 64 MiB limit was allocated for every article)."""

from __future__ import annotations

import io

import pytest

from cleaner.sources import UnreadableSource, _read_bounded


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
