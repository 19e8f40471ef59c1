"""Reading another program's text file: which encoding, and whether it is text at all.

Files arrive as UTF-8 with or without a byte-order mark (Google, LinkedIn, Excel's
"CSV UTF-8"), UTF-16 with a mark (Excel's "Unicode text", Outlook on Windows), or
Windows-1252 (Excel's plain "CSV" and older Outlook). A byte-order mark decides; else
the whole file must be valid UTF-8, which text in another encoding almost never is by
chance; else Windows-1252, the last program-default left. A file with NUL bytes that is
not UTF-16 is not text, and is refused with that reason rather than imported as junk.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 1 << 30  # 1 GiB: far beyond any address book, short of a wrong file


class UnreadableFileError(ValueError):
    """The file cannot be read as text; the message says why, for the user."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # a name people know: "UTF-8", "UTF-16", "Windows-1252"
    byte_order_mark: bool = False


_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_NAMES = {"utf-8": "UTF-8", "utf_8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFileError(
                f"{path.name} is {size / (1 << 20):,.0f} MB: too large to be an address book."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"{path} is a folder, not a file.") from None
    except PermissionError:
        raise UnreadableFileError(f"Ally may not read {path}.") from None
    except OSError as exc:
        raise UnreadableFileError(f"{path} cannot be read: {exc.strerror or exc}.") from None


def _looks_like_utf16(raw: bytes) -> str | None:
    """UTF-16 without a mark: every other byte of ASCII text is NUL."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode(raw: bytes, encoding: str | None = None) -> DecodedText:
    """The text of a file; ``encoding`` (any Python codec name) overrides the guess."""
    if not raw.strip():
        raise UnreadableFileError("The file is empty.")
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise UnreadableFileError(f"“{encoding}” is not an encoding Ally knows.") from None
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(
                f"The file is not {encoding} text (byte {exc.start:,} does not fit)."
            ) from None
        return DecodedText(text.removeprefix("\ufeff"), _NAMES.get(codec, encoding))
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw[len(bom) :].decode(codec), name, byte_order_mark=True)
            except UnicodeDecodeError:
                raise UnreadableFileError(
                    f"The file says it is {name} but is damaged: it does not decode."
                ) from None
    utf16 = _looks_like_utf16(raw)
    if utf16:
        try:
            return DecodedText(raw.decode(utf16), "UTF-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise UnreadableFileError(
            "This is not a text file (it holds binary data): export CSV or vCard from the"
            " other program and import that."
        )
    try:
        return DecodedText(raw.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return DecodedText(raw.decode("cp1252"), "Windows-1252")
    except UnicodeDecodeError:
        raise UnreadableFileError(
            "The file's text is neither UTF-8, UTF-16 nor Windows-1252; save it as UTF-8"
            " from the program that made it, or name its encoding."
        ) from None


def read_text(path: Path, encoding: str | None = None) -> DecodedText:
    return decode(read_bytes(path), encoding)
