"""Cleaning what people type, and the keys names sort by.

Text arrives from keyboards, clipboards and other programs' files: control characters,
stray carriage returns and decomposed accents are normalised here, once, before they
reach the store. Right-to-left text, emoji and joiners are kept as typed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from ally_desktop.store.search import fold

NAME_MAX_CHARS = 200
LINE_MAX_CHARS = 1000
TEXT_MAX_CHARS = 100_000


# Unicode's control characters (Cc) and lone surrogates (Cs), as one character class: a
# regular expression drops them far faster than asking unicodedata about every character.
_CONTROLS = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_CONTROL_PATTERNS: dict[str, re.Pattern[str]] = {}


def _drop_controls(text: str, keep: str = "") -> str:
    pattern = _CONTROL_PATTERNS.get(keep)
    if pattern is None:
        kept = "".join(re.escape(ch) for ch in keep)
        body = f"(?![{kept}])[{_CONTROLS}]" if kept else f"[{_CONTROLS}]"
        pattern = _CONTROL_PATTERNS[keep] = re.compile(body)
    return pattern.sub("", text)


def clean_line(text: str) -> str:
    """One line of text: NFC, no control characters, single spaces, no outer blanks."""
    if text.isascii() and text.isprintable():  # nothing to drop or compose: spaces only
        return " ".join(text.split())
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = unicodedata.normalize("NFC", _drop_controls(text))  # compose after dropping
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Multi-line text (notes): NFC, Unix line ends, tabs kept, other controls dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _drop_controls(text, keep="\n\t")).strip()


def is_blank(text: str) -> bool:
    """True when nothing visible is left: only spaces, joiners, direction marks and the like."""
    return all(unicodedata.category(ch) in ("Zs", "Cf", "Zl", "Zp") for ch in text)


def sort_key(name: str) -> str:
    """A key that sorts names as people expect: case and accents ignored ("Élodie" by "Elodie",
    "Søren" by "Soren")."""
    return fold(name).strip()


def vocabulary_key(term: str) -> str:
    """The identity of a topic or tag: "Pricing", "pricing " and "PRICING" are one topic."""
    return sort_key(clean_line(term))


def utc_now() -> str:
    """Now, as the UTC ISO-8601 text every timestamp in the store uses."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
