"""Files from other programs decode whatever their encoding, or are refused in words."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ally_desktop.core.transfer.text_files import UnreadableFileError, decode, read_text

TEXT = "Prénom,Nom\nZoë,Ørsted\n"


@pytest.mark.parametrize(
    ("raw", "encoding", "bom"),
    [
        (TEXT.encode("utf-8"), "UTF-8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8", True),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "UTF-16", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "UTF-16", True),
        (TEXT.encode("utf-16-le"), "UTF-16", False),
        (TEXT.encode("cp1252"), "Windows-1252", False),
    ],
)
def test_each_encoding_programs_write_is_read(raw: bytes, encoding: str, bom: bool) -> None:
    decoded = decode(raw)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding
    assert decoded.byte_order_mark is bom


def test_a_named_encoding_overrides_the_guess() -> None:
    assert decode("Zoë".encode("latin-1"), "latin-1").text == "Zoë"
    with pytest.raises(UnreadableFileError, match="not an encoding"):
        decode(b"abc", "klingon-8")
    with pytest.raises(UnreadableFileError, match="not utf-8 text"):
        decode(b"\xff\xfe\xfa", "utf-8")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        (b"name\n\x81\x8d\x8f\x90\x9d\n", "neither UTF-8, UTF-16 nor Windows-1252"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "damaged"),
    ],
)
def test_what_is_not_text_is_refused_with_the_reason(raw: bytes, message: str) -> None:
    with pytest.raises(UnreadableFileError, match=message):
        decode(raw)


def test_missing_files_and_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="does not exist"):
        read_text(tmp_path / "nope.csv")
    with pytest.raises(UnreadableFileError, match="is a folder"):
        read_text(tmp_path)
