"""Ally's own CSV: every field of a contact, one contact per row, stable column names.

The columns are documented in docs/csv-format.md and never renamed: a column is only
ever added. Lists share a cell (``item_cells``); a connection names the other person by
the ``id`` column of this file, so a whole export re-imported into an empty database
gives back the same people linked the same way. Reading is lenient about what a
spreadsheet may have done to the file (columns moved or missing, ``TRUE`` for yes, a
closeness typed as a number) and strict about what it cannot understand.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from datetime import date

from ally_desktop.core.formats.common import (
    IncomingContact,
    IncomingLink,
    OutgoingContact,
    RowError,
)
from ally_desktop.core.formats.item_cells import join_items, split_items
from ally_desktop.core.records import (
    DATE_KINDS,
    Address,
    Closeness,
    ContactData,
    ImportantDate,
    LabeledValue,
)

COLUMNS: tuple[str, ...] = (
    "id",
    "given_name",
    "family_name",
    "display_name",
    "nickname",
    "pronouns",
    "organization",
    "job_title",
    "team",
    "emails",
    "phones",
    "links",
    "addresses",
    "dates",
    "tags",
    "topics",
    "connections",
    "closeness",
    "cadence_days",
    "met_how",
    "met_on",
    "notes",
    "ambitions",
    "archived",
    "photo",
    "created_at",
)
"""The header of an Ally CSV, in order."""

_CLOSENESS_WORDS = {c: c.name.lower() for c in Closeness}
_WORD_CLOSENESS = {w: c for c, w in _CLOSENESS_WORDS.items()}
_YES = {"yes", "true", "1", "y", "x"}
_NO = {"no", "false", "0", "n", ""}
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def header_matches(header: Sequence[str]) -> bool:
    """An Ally CSV: the name columns and most of the others, by their exact names."""
    names = set(header)
    return "given_name" in names and "family_name" in names and len(names & set(COLUMNS)) >= 8


# -- writing -------------------------------------------------------------------------------


def _labeled(values: Sequence[LabeledValue]) -> str:
    return join_items([[v.label, v.value] if v.label else [v.value] for v in values])


def _day(item: ImportantDate) -> str:
    if item.year is None:
        return f"--{item.month:02d}-{item.day:02d}"
    return f"{item.year:04d}-{item.month:02d}-{item.day:02d}"


def row_of(contact: OutgoingContact) -> list[str]:
    """The cells of one contact, in ``COLUMNS`` order (not yet made safe for spreadsheets)."""
    data = contact.data
    return [
        str(contact.id),
        data.given_name,
        data.family_name,
        data.display_name,
        data.nickname,
        data.pronouns,
        data.organization,
        data.job_title,
        data.team,
        _labeled(data.emails),
        _labeled(data.phones),
        _labeled(data.links),
        join_items(
            [
                [a.label, a.street, a.city, a.region, a.postal_code, a.country]
                for a in data.addresses
            ]
        ),
        join_items([[d.kind, _day(d), d.label] for d in data.dates]),
        join_items([[t] for t in data.tags]),
        join_items([[t] for t in data.topics]),
        join_items(
            [[c.kind, str(c.other_id), c.label, c.note] for c in data.connections if c.outgoing]
        ),
        _CLOSENESS_WORDS[Closeness(data.closeness)],
        "" if data.cadence_days is None else str(data.cadence_days),
        data.met_how,
        data.met_on.isoformat() if data.met_on else "",
        data.notes,
        data.ambitions,
        "yes" if data.archived else "no",
        base64.b64encode(data.photo).decode("ascii") if data.photo else "",
        contact.created_at,
    ]


# -- reading -------------------------------------------------------------------------------


def _labeled_values(cell: str) -> list[LabeledValue]:
    values = []
    for parts in split_items(cell):
        if len(parts) == 1:
            values.append(LabeledValue("", parts[0]))
        elif len(parts) == 2:
            values.append(LabeledValue(parts[0], parts[1]))
        else:
            raise RowError(f"“{';'.join(parts)}” has more parts than a label and a value.")
    return values


def _addresses(cell: str) -> list[Address]:
    found = []
    for parts in split_items(cell):
        if len(parts) > 6:
            raise RowError("An address has more than six parts.")
        found.append(Address(*parts))
    return found


def parse_day(text: str) -> tuple[int | None, int, int]:
    """``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown: (year, month, day)."""
    text = text.strip()
    no_year = _NO_YEAR.match(text)
    if no_year:
        return None, int(no_year.group(1)), int(no_year.group(2))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise RowError(f"“{text}” is not a date (write 1974-08-25, or --08-25).") from None
    return day.year, day.month, day.day


def _dates(cell: str) -> list[ImportantDate]:
    found = []
    for parts in split_items(cell):
        if len(parts) < 2 or len(parts) > 3:
            raise RowError(f"“{';'.join(parts)}” is not kind;date or kind;date;label.")
        kind = parts[0].strip().lower()
        if kind not in DATE_KINDS:
            raise RowError(f"“{parts[0]}” is not a kind of date ({', '.join(DATE_KINDS)}).")
        year, month, day = parse_day(parts[1])
        found.append(ImportantDate(kind, month, day, year, parts[2] if len(parts) == 3 else ""))
    return found


def _links(cell: str) -> list[IncomingLink]:
    found = []
    for parts in split_items(cell):
        if len(parts) < 2 or len(parts) > 4:
            raise RowError(f"“{';'.join(parts)}” is not a connection (kind;id;label;note).")
        found.append(IncomingLink(parts[1].strip(), parts[0].strip(), *parts[2:]))
    return found


def _terms(cell: str) -> list[str]:
    """Tags or topics, one per line (a semicolon typed in a spreadsheet stays in the term)."""
    return [";".join(parts) for parts in split_items(cell)]


def _closeness(cell: str) -> Closeness:
    word = cell.strip().lower().replace(" ", "_")
    if not word:
        return Closeness.ACQUAINTANCE
    if word in _WORD_CLOSENESS:
        return _WORD_CLOSENESS[word]
    if word.isdigit() and int(word) in {int(c) for c in Closeness}:
        return Closeness(int(word))
    raise RowError(f"“{cell}” is not a closeness ({', '.join(_WORD_CLOSENESS)}).")


def _yes(cell: str, column: str) -> bool:
    word = cell.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise RowError(f"“{cell}” in {column} is neither yes nor no.")


def _whole_number(cell: str, column: str) -> int | None:
    text = cell.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise RowError(f"“{cell}” in {column} is not a whole number.") from None


def _met_on(cell: str) -> date | None:
    text = cell.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(f"“{cell}” in met_on is not a date (write 2024-05-17).") from None


def _photo(cell: str) -> bytes | None:
    text = cell.strip()
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RowError("The photo is not base64 data.") from None


def contact_of(cells: Mapping[str, str], line: int) -> IncomingContact:
    """The contact a row stands for (cells by column name; missing columns are empty)."""

    def cell(name: str) -> str:
        return cells.get(name, "")

    data = ContactData(
        given_name=cell("given_name"),
        family_name=cell("family_name"),
        display_name=cell("display_name"),
        nickname=cell("nickname"),
        pronouns=cell("pronouns"),
        organization=cell("organization"),
        job_title=cell("job_title"),
        team=cell("team"),
        emails=_labeled_values(cell("emails")),
        phones=_labeled_values(cell("phones")),
        links=_labeled_values(cell("links")),
        addresses=_addresses(cell("addresses")),
        dates=_dates(cell("dates")),
        tags=_terms(cell("tags")),
        topics=_terms(cell("topics")),
        closeness=_closeness(cell("closeness")),
        cadence_days=_whole_number(cell("cadence_days"), "cadence_days"),
        met_how=cell("met_how"),
        met_on=_met_on(cell("met_on")),
        notes=cell("notes"),
        ambitions=cell("ambitions"),
        archived=_yes(cell("archived"), "archived"),
        photo=_photo(cell("photo")),
    )
    return IncomingContact(
        line=line,
        data=data,
        ref=cell("id").strip(),
        links=_links(cell("connections")),
        created_at=cell("created_at").strip() or None,
    )
