"""What every format reads into and writes from.

A format writes ``OutgoingContact`` (a stored contact: its id, its data, when it was
made) and reads ``IncomingContact`` (a contact found in a file, with the line it starts
on so that problems can point at it). A row that cannot be read raises ``RowError`` with
the reason in words a user understands; the importer lists it with its line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ally_desktop.core.records import ContactData


class Format(StrEnum):
    """The formats Ally reads and writes; the values are the command line's names."""

    NATIVE = "native"
    GOOGLE = "google"
    OUTLOOK = "outlook"
    LINKEDIN = "linkedin"
    VCARD = "vcard"
    GENERIC = "generic"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Format.NATIVE: "Ally CSV",
    Format.GOOGLE: "Google Contacts CSV",
    Format.OUTLOOK: "Outlook CSV",
    Format.LINKEDIN: "LinkedIn Connections CSV",
    Format.VCARD: "vCard",
    Format.GENERIC: "Other CSV",
}

EXPORT_FORMATS = (Format.NATIVE, Format.GOOGLE, Format.OUTLOOK, Format.VCARD)


@dataclass(frozen=True)
class OutgoingContact:
    """A stored contact on its way out; ``data.connections`` hold the outgoing side only
    (each connection is written once, by the contact it starts from)."""

    id: int
    data: ContactData
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class IncomingLink:
    """A connection named in a file: to the contact the file calls ``ref``."""

    ref: str
    kind: str
    label: str = ""
    note: str = ""


@dataclass
class IncomingContact:
    """A contact read from a file, not yet stored (nor validated)."""

    line: int  # where it starts in the file (1-based), for messages
    data: ContactData
    ref: str = ""  # the file's own id for it (Ally CSV, vCard UID): what links point at
    links: list[IncomingLink] = field(default_factory=list)
    created_at: str | None = None  # kept from an Ally export; None: now


class RowError(ValueError):
    """This row or card cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class RowProblem:
    """A row left out of an import, and why."""

    line: int
    reason: str
