"""LinkedIn's "Connections.csv" (Settings → Data privacy → Get a copy of your data), read
only: LinkedIn imports no contacts.

The file starts with a preamble ("Notes:", a quoted paragraph about missing emails,
a blank line) before its header; the transfer layer finds the header after it
(``PREAMBLE_MARKER``). Emails are only there for connections who allow it, so most rows
are a name, a profile link, a company and a position, and the day you connected, which
is when and how you met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from ally_desktop.core.formats.common import IncomingContact
from ally_desktop.core.formats.csv_generic import (
    Cells,
    emails_in,
    header_names,
    loose_day,
    named_contact,
    with_notes,
)
from ally_desktop.core.records import ContactData, LabeledValue

HEADER: tuple[str, ...] = (
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
)
"""The header of LinkedIn's Connections.csv, in its order."""

PREAMBLE_MARKER = "Notes:"
"""The first cell of the export's first line, above the header."""

LINKEDIN = "LinkedIn"


def header_matches(header: Sequence[str]) -> bool:
    """LinkedIn's connections: "Connected On" next to a first name and the profile URL
    or the position (older exports had no URL), in any order."""
    names = header_names(header)
    return {"first name", "connected on"} <= names and bool(names & {"url", "position"})


def _met_on(text: str, notes: list[str]) -> date | None:
    """The day of "12 Mar 2023" (or 2023-03-12); text that is no date stays in the notes."""
    try:
        day = loose_day(text)
    except ValueError:
        day = None
    if day is not None and day[0] is not None:
        return date(day[0], day[1], day[2])
    if text.strip():
        notes.append(f"Connected on LinkedIn: {text.strip()}")
    return None


def contact_of(cells: Mapping[str, str], line: int) -> IncomingContact:
    """A connection as a contact: the profile as a "LinkedIn" link, the company and
    position, and "Connected On" as when and how you met. No tag is added: where people
    come from is ``met_how``. RowError when the row has no name, email or company."""
    row = Cells(cells)
    notes: list[str] = []
    url = row.get("URL", "Profile URL")
    data = ContactData(
        given_name=row.get("First Name"),
        family_name=row.get("Last Name"),
        organization=row.get("Company"),
        job_title=row.get("Position"),
        emails=emails_in(row.get("Email Address"), "", notes),
        links=[LabeledValue(LINKEDIN, url)] if url else [],
        met_how=LINKEDIN,
    )
    data.met_on = _met_on(row.get("Connected On"), notes)
    data.notes = with_notes("", notes)
    return named_contact(data, line)
