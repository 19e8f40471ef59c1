"""Plain data that crosses from core to the UI and the command line: no Peewee, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum


class Closeness(IntEnum):
    """How close an ally is; lower is closer, which is also the sort order."""

    INNER_CIRCLE = 0
    ALLY = 1
    ACQUAINTANCE = 2
    OTHER = 3

    @property
    def label(self) -> str:
        return _CLOSENESS_LABELS[self]


_CLOSENESS_LABELS = {
    Closeness.INNER_CIRCLE: "Inner circle",
    Closeness.ALLY: "Ally",
    Closeness.ACQUAINTANCE: "Acquaintance",
    Closeness.OTHER: "Other",
}


@dataclass(frozen=True)
class LabeledValue:
    """An email, phone number or web link with its label ("work", "LinkedIn")."""

    label: str
    value: str


@dataclass(frozen=True)
class Address:
    label: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    def lines(self) -> list[str]:
        city_line = " ".join(p for p in (self.postal_code, self.city) if p)
        return [p for p in (self.street, city_line, self.region, self.country) if p]


DATE_KINDS = ("birthday", "anniversary", "custom")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class ImportantDate:
    """A yearly date; ``year`` is None when unknown (a birthday without the year)."""

    kind: str
    month: int
    day: int
    year: int | None = None
    label: str = ""

    def when(self) -> str:
        """ "25 August 1974", or "25 August" when the year is unknown."""
        day = f"{self.day} {MONTH_NAMES[self.month - 1]}"
        return f"{day} {self.year}" if self.year else day

    def title(self) -> str:
        if self.kind == "custom":
            return self.label or "Date"
        return {"birthday": "Birthday", "anniversary": "Work anniversary"}[self.kind]


@dataclass(frozen=True)
class ConnectionLink:
    """A connection seen from one contact: who is at the other end and how they relate."""

    other_id: int
    kind: str
    outgoing: bool = True  # True: this contact is the connection's "from" side
    label: str = ""
    note: str = ""


@dataclass
class ContactData:
    """Everything about a contact that a person edits; the unit of save and undo."""

    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    nickname: str = ""
    pronouns: str = ""
    job_title: str = ""
    organization: str = ""
    team: str = ""
    photo: bytes | None = None
    met_how: str = ""
    met_on: date | None = None
    closeness: Closeness = Closeness.ACQUAINTANCE
    cadence_days: int | None = None
    notes: str = ""
    ambitions: str = ""
    archived: bool = False
    emails: list[LabeledValue] = field(default_factory=list)
    phones: list[LabeledValue] = field(default_factory=list)
    links: list[LabeledValue] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dates: list[ImportantDate] = field(default_factory=list)
    connections: list[ConnectionLink] = field(default_factory=list)

    def shown_name(self) -> str:
        """The name shown everywhere: the display name, else given + family, else nickname."""
        return (
            self.display_name
            or " ".join(p for p in (self.given_name, self.family_name) if p)
            or self.nickname
        )


@dataclass(frozen=True)
class ContactRow:
    """One line of the contact list: the columns a table shows, nothing more."""

    id: int
    name: str
    organization: str
    job_title: str
    team: str
    closeness: Closeness
    archived: bool
    tags: str
    topics: str
    email: str
    updated_at: str
    last_interaction_at: str | None = None  # UTC ISO; None: no interaction logged


@dataclass(frozen=True)
class ConnectionView:
    """A connection ready to show: "reports to" + the other person's name."""

    other_id: int
    other_name: str
    phrase: str
    link: ConnectionLink
    other_trashed: bool = False


@dataclass(frozen=True)
class ContactRecord:
    """A stored contact: its data plus what the store keeps about it."""

    id: int
    data: ContactData
    created_at: str
    updated_at: str
    trashed_at: str | None
    connections: list[ConnectionView]

    @property
    def name(self) -> str:
        return self.data.shown_name()
