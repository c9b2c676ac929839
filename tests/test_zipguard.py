"""The one zip-bomb policy .docx, .xlsx and .qdpx files are read under."""

import zipfile

import pytest

from tr_nlp.zipguard import MAX_RATIO, bomb_reason, declared_size


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
    ([entry("a.xml", 600 * 2**20, 300 * 2**20), entry("b.mp4", 6000 * 2**20, 5900 * 2**20)], None),  # large, not a bomb
    ([entry("a.xml", 10, 10), entry("b.mp4", 200 * 2**20, 2**20)], "b.mp4"),  # a bomb by any name
])
def test_bomb_reason_names_the_entry_that_compresses_too_well(entries, expected):
    found = bomb_reason(entries)
    assert (found and found[0]) == expected


def test_the_ratio_reason_gives_sizes():
    assert bomb_reason([entry("a.xml", 300 * 2**20, 2**20)]) == ("a.xml", "300 MB packed into 1,048,576 bytes (over 100:1)")


def test_declared_size_tells_pictures_audio_and_video_apart_by_suffix():
    entries = [entry("word/document.xml", 100, 10), entry("word/media/image1.PNG", 2000, 1990),
               entry("sources/p08.m4a", 30000, 29000), entry("sources/p08.txt", 7, 7), entry("media.xml", 5, 5)]
    assert declared_size(entries) == (32112, 32000)
