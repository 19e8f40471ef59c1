"""The words around the first match of a phrase in a text, for the reasons shown."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ally_desktop.store import search

SNIPPET_WORDS_BEFORE = 4
SNIPPET_WORDS_AFTER = 6
SHORT_TEXT = 60  # a job title or a team is shown whole


@dataclass
class _Word:
    start: int
    end: int
    folded: str = field(default="")


def _words_of(text: str) -> list[_Word]:
    words: list[_Word] = []
    start: int | None = None
    for i, ch in enumerate(text):
        token = unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "Co"
        if token and start is None:
            start = i
        elif not token and start is not None:
            words.append(_Word(start, i))
            start = None
    if start is not None:
        words.append(_Word(start, len(text)))
    for word in words:
        word.folded = search.fold(text[word.start : word.end])
    return words


def snippet(text: str, phrases: Sequence[Sequence[str]]) -> str:
    """The words around the first match of a phrase in ``text``: "…every pricing
    decision since 2015." Short texts are given whole; one line, no line breaks."""
    flat = " ".join(text.split())
    if len(flat) <= SHORT_TEXT:
        return flat
    words = _words_of(flat)
    folded = [w.folded for w in words]
    hit: tuple[int, int] | None = None
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(folded) - n + 1):
            if folded[i : i + n - 1] == list(phrase[:-1]) and folded[i + n - 1].startswith(
                phrase[-1]
            ):
                if hit is None or i < hit[0]:
                    hit = (i, n)
                break
    first, n = hit if hit else (0, 1)
    lo = max(0, first - SNIPPET_WORDS_BEFORE)
    hi = min(len(words), first + n + SNIPPET_WORDS_AFTER)
    start = 0 if lo == 0 else words[lo].start
    end = len(flat) if hi == len(words) else words[hi - 1].end
    shown = flat[start:end].strip()
    if end == len(flat) or flat[end:].strip() in (".", "!", "?"):
        shown = flat[start:].strip()
    else:
        shown += "…"
    return ("…" if start > 0 else "") + shown
