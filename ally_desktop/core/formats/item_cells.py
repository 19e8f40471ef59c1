"""Several values in one CSV cell: one item per line, an item's parts split by ``;``.

Ally's CSV keeps a contact on one row, so a list (emails, addresses, dates ...) shares
a cell. The encoding is the one vCard uses for structured values, which spreadsheets
show readably: items on their own lines, parts separated by semicolons, and a
backslash in front of a backslash, a semicolon or a line break inside a part (a line
break is written ``\\n``). ``split_items(join_items(x)) == x`` for any text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

SEPARATOR = ";"
_ESCAPES = {"\\": "\\\\", ";": "\\;", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", ";": ";", "n": "\n", "r": "\r"}


_NEEDS_ESCAPE = re.compile(r"[\\;\n\r]")


def escape(part: str) -> str:
    if _NEEDS_ESCAPE.search(part) is None:  # nearly every part: nothing to do
        return part
    return "".join(_ESCAPES.get(ch, ch) for ch in part)


def join_item(parts: Sequence[str]) -> str:
    """One item: its parts escaped and joined; trailing empty parts are left off."""
    end = len(parts)
    while end > 1 and parts[end - 1] == "":
        end -= 1
    if end == 1:
        return escape(parts[0])
    return SEPARATOR.join([escape(part) for part in parts[:end]])


def join_items(items: Sequence[Sequence[str]]) -> str:
    if not items:  # most lists of most people
        return ""
    return "\n".join([join_item(parts) for parts in items])


def split_escaped(text: str, separator: str | None, unescapes: Mapping[str, str]) -> list[str]:
    """``text`` split on each ``separator`` not escaped by a backslash (None: not split),
    with the escapes in ``unescapes`` undone; any other backslash is kept as it is."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            following = next(chars, "")
            current.append(unescapes.get(following, "\\" + following))
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def split_item(text: str) -> list[str]:
    """The parts of one item (escapes undone); a lone backslash at the end is kept."""
    return split_escaped(text, SEPARATOR, _UNESCAPES)


def split_items(cell: str) -> list[list[str]]:
    """Every item of a cell; blank lines (a spreadsheet's stray line breaks) are skipped."""
    cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return [split_item(line) for line in cell.split("\n") if line.strip()]
