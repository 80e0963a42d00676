"""Byte offsets become code points stretch by stretch between runs of non-ASCII bytes, or by
counting where runs are dense or an offset lies between two non-ASCII characters: every way
gives what decoding the bytes before each offset gives."""

from __future__ import annotations

import random

import pytest

from glossary_lsp.text.positions import code_point_offsets, code_point_offsets_of

ALPHABETS = {
    "sparse": ["a"] * 40 + [" ", "\n", "é", "🚀"],
    "dense": ["注", "意", "a", "🚀", "é"],
    "mixed": ["a", " ", "é", "注", "🚀", "\n", "b"],
}


def _expected(data: bytes, offsets: list[int]) -> list[int]:
    return [len(data[:offset].decode("utf-8")) for offset in offsets]


@pytest.mark.slow
@pytest.mark.parametrize("alphabet", sorted(ALPHABETS))
def test_code_points_equal_decoding_the_bytes_before(alphabet: str) -> None:
    rng = random.Random(alphabet)
    for _ in range(2000):
        text = "".join(rng.choice(ALPHABETS[alphabet]) for _ in range(rng.randint(0, 80)))
        data = text.encode()
        bounds = [len(text[:index].encode()) for index in range(len(text) + 1)]
        lists = [[rng.choice(bounds) for _ in range(rng.randint(0, 30))] for _ in range(2)]
        lists[0].sort()  # one ascending, one in any order
        assert code_point_offsets_of(text, data, lists) == [_expected(data, x) for x in lists]
        assert code_point_offsets(text, data, lists[1]) == _expected(data, lists[1])


def test_an_offset_between_two_non_ascii_characters() -> None:
    text = "ab 注意 🚀🚀 cd " * 10
    data = text.encode()
    inside = len("ab 注".encode())
    offsets = sorted([0, inside, len("ab 注意 🚀".encode()), *range(0, len(data), 41)])
    offsets = [offset for offset in offsets if offset in _boundaries(text)]
    assert code_point_offsets(text, data, offsets) == _expected(data, offsets)


def _boundaries(text: str) -> set[int]:
    return {len(text[:index].encode()) for index in range(len(text) + 1)}
