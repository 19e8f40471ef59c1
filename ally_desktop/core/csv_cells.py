"""Cells a spreadsheet would run as formulas, made inert on export and restored on import.

A contact's note that starts with ``=HYPERLINK(...)`` or ``@SUM(...)`` would run as a
formula when an exported CSV is opened in a spreadsheet (CSV injection). OWASP's advice
is followed: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or
a line feed gets a single quote in front, which spreadsheets show as text and do not
evaluate.

The quote is added only where needed and only in front of those characters, so Ally's
own importer can take it off again exactly: a cell that starts with a quote followed by
one of them lost its quote on the way in; any other cell is left as it is. A phone
number like ``+1 555 0100`` is exported as ``'+1 555 0100`` (shown as ``+1 555 0100`` in
a spreadsheet) and comes back unchanged. The other programs' formats (Google, Outlook)
get the same treatment: they show the quote, which a user can see and remove, instead
of running the cell.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"


def _after_quotes(text: str) -> str:
    return text.lstrip(QUOTE)


_FIRST_CHARACTERS = frozenset((*TRIGGERS, QUOTE))


def neutralise(value: str) -> str:
    """The cell as written to a CSV: inert in a spreadsheet."""
    if value[:1] not in _FIRST_CHARACTERS:  # most cells: one look at the first character
        return value
    if _after_quotes(value).startswith(TRIGGERS):
        # Quotes already in front of a trigger get one more, so that reading back takes
        # off exactly one: nothing typed is lost.
        return QUOTE + value
    return value


def restore(cell: str) -> str:
    """The value a neutralised cell stood for (the inverse of ``neutralise``)."""
    if cell.startswith(QUOTE) and _after_quotes(cell).startswith(TRIGGERS):
        return cell[1:]
    return cell
