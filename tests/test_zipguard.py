"""The one zip-bomb policy .docx, .xlsx and .qdpx files are read under."""

import zipfile

import pytest

from tr_nlp.zipguard import MAX_RATIO, bomb_reason


def entry(name: str, size: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = size, packed
    return info


@pytest.mark.parametrize("entries,expected", [
    ([entry("a.xml", 50 * 2**20, 5 * 2**20)], None),  # 10:1, like real XML
    ([entry("a.xml", 2**20, 10)], None),  # a 1 MB entry is never refused for its ratio
    ([entry("a.xml", 2**20 + 1, 10)], "a.xml"),
    ([entry("a.xml", MAX_RATIO * 2**20, 2**20)], None),  # exactly at the ratio
    ([entry("a.xml", MAX_RATIO * 2**20 + 1, 2**20)], "a.xml"),
    ([entry("a.xml", 60 * 2**20, 30 * 2**20), entry("b.mp4", 60 * 2**20, 59 * 2**20)], "(all entries)"),
    ([entry("a.xml", 50 * 2**20, 30 * 2**20), entry("b.mp4", 50 * 2**20, 49 * 2**20)], None),  # exactly 100 MB
])
def test_bomb_reason_names_the_entry_or_the_total(entries, expected):
    found = bomb_reason(entries, max_mb=100)
    assert (found and found[0]) == expected


def test_the_total_reason_gives_sizes_in_megabytes():
    assert bomb_reason([entry("a", 300 * 2**20, 200 * 2**20)], max_mb=200) == (
        "(all entries)", "300 MB uncompressed in total, over the 200 MB limit")
