"""Outlook's contacts CSV ("Outlook CSV"), read and written.

Outlook has a fixed column per kind of number and place: Business/Home/Mobile/Other
Phone, Business/Home/Other address, three emails without labels, one birthday, one
anniversary. Ally writes the header of Outlook on the web and the new Outlook for
Windows (``HEADER``); it reads that, classic Outlook's export (92 columns, with
"E-mail Type", "Business Street 2" and "Categories") and Google's "Outlook CSV".
Labels come from the columns: a number in "Mobile Phone" is a "mobile" one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ally_desktop.core.formats.common import IncomingContact, OutgoingContact
from ally_desktop.core.formats.csv_generic import (
    Cells,
    Overflow,
    birthday_from,
    emails_in,
    header_names,
    kind_label,
    link_label,
    loose_day,
    merge_overflow,
    named_contact,
    notes_and_overflow,
    notes_with_overflow,
    one_line,
    split_values,
    terms_in,
    with_notes,
)
from ally_desktop.core.records import (
    Address,
    ContactData,
    ImportantDate,
    LabeledValue,
)

HEADER: tuple[str, ...] = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Title",
    "Suffix",
    "Nickname",
    "Given Yomi",
    "Surname Yomi",
    "E-mail Address",
    "E-mail 2 Address",
    "E-mail 3 Address",
    "Home Phone",
    "Home Phone 2",
    "Business Phone",
    "Business Phone 2",
    "Mobile Phone",
    "Car Phone",
    "Other Phone",
    "Primary Phone",
    "Pager",
    "Business Fax",
    "Home Fax",
    "Other Fax",
    "Company Main Phone",
    "Callback",
    "Radio Phone",
    "Telex",
    "TTY/TDD Phone",
    "IMAddress",
    "Job Title",
    "Department",
    "Company",
    "Office Location",
    "Manager's Name",
    "Assistant's Name",
    "Assistant's Phone",
    "Company Yomi",
    "Business Street",
    "Business City",
    "Business State",
    "Business Postal Code",
    "Business Country/Region",
    "Home Street",
    "Home City",
    "Home State",
    "Home Postal Code",
    "Home Country/Region",
    "Other Street",
    "Other City",
    "Other State",
    "Other Postal Code",
    "Other Country/Region",
    "Personal Web Page",
    "Spouse",
    "Schools",
    "Hobby",
    "Location",
    "Web Page",
    "Birthday",
    "Anniversary",
    "Notes",
)
"""The 61 columns Outlook on the web (outlook.com, Microsoft 365) and the new Outlook
for Windows write, in their order."""

EMAIL_COLUMNS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
# Each phone column and the label its numbers get in Ally.
PHONE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Mobile Phone", "mobile"),
    ("Business Phone", "work"),
    ("Business Phone 2", "work"),
    ("Home Phone", "home"),
    ("Home Phone 2", "home"),
    ("Other Phone", "other"),
    ("Primary Phone", "main"),
    ("Company Main Phone", "company"),
    ("Business Fax", "work fax"),
    ("Home Fax", "home fax"),
    ("Other Fax", "fax"),
    ("Pager", "pager"),
    ("Car Phone", "car"),
    ("Assistant's Phone", "assistant"),
    ("Callback", "callback"),
    ("Radio Phone", "radio"),
    ("ISDN", "ISDN"),
    ("Telex", "telex"),
    ("TTY/TDD Phone", "TTY/TDD"),
)
# Where Ally puts a number, by the kind of its label; "Other Phone" takes the rest.
_PHONE_PLACES: dict[str, tuple[str, ...]] = {
    "mobile": ("Mobile Phone",),
    "work": ("Business Phone", "Business Phone 2"),
    "home": ("Home Phone", "Home Phone 2"),
    "work fax": ("Business Fax",),
    "home fax": ("Home Fax",),
    "fax": ("Other Fax",),
    "pager": ("Pager",),
    "main": ("Primary Phone",),
    "company": ("Company Main Phone",),
    "car": ("Car Phone",),
    "assistant": ("Assistant's Phone",),
}
_ANNIVERSARY = "anniversary"  # the custom date Outlook's own "Anniversary" column holds
_LINES = re.compile(r"\s*[\n;]\s*|\s*:::\s*")  # several numbers or links in one cell


@dataclass(frozen=True)
class _Place:
    """The columns of one of Outlook's three addresses."""

    prefix: str  # "Business"
    label: str  # Ally's label for it: "work"

    def column(self, part: str) -> str:
        return f"{self.prefix} {part}"


PLACES = (_Place("Business", "work"), _Place("Home", "home"), _Place("Other", "other"))
_SIGNS = frozenset(
    name.casefold()
    for name in (
        "E-mail Address",
        "E-mail 2 Address",
        "E-mail 3 Address",
        "E-mail Type",
        "E-mail Display Name",
        "Business Phone",
        "Business Phone 2",
        "Home Phone 2",
        "Business Fax",
        "Company Main Phone",
        "Car Phone",
        "Radio Phone",
        "TTY/TDD Phone",
        "Assistant's Phone",
        "Business Street",
        "Business City",
        "Business State",
        "Business Postal Code",
        "Business Country/Region",
        "Business Country",
        "Home Street",
        "Home Country/Region",
        "Other Street",
        "Given Yomi",
        "Surname Yomi",
        "Company Yomi",
        "Manager's Name",
        "Personal Web Page",
    )
)


def header_matches(header: Sequence[str]) -> bool:
    """An Outlook export (on the web, classic, or Google's "Outlook CSV"): at least three
    of Outlook's own column names, in any order."""
    return len(header_names(header) & _SIGNS) >= 3


# -- writing -------------------------------------------------------------------------------


def _phone_kind(label: str) -> str:
    word = label.strip().casefold()
    return word if word in _PHONE_PLACES else kind_label(label, phone=True)


def _place_phones(
    cells: dict[str, str], phones: Sequence[LabeledValue], rest: list[LabeledValue]
) -> None:
    """Each number into the first free column of its kind, else "Other Phone"; numbers
    without a free column go to the notes block."""
    for phone in phones:
        places = (*_PHONE_PLACES.get(_phone_kind(phone.label), ()), "Other Phone")
        free = next((p for p in places if not cells[p]), None)
        if free is None:
            rest.append(phone)
        else:
            cells[free] = phone.value


def _place_addresses(
    cells: dict[str, str], addresses: Sequence[Address], rest: list[Address]
) -> None:
    """A work address in Business, a home one in Home, any other in Other; an address
    whose place is taken goes to Other, then to the notes block."""
    used: set[str] = set()
    for address in addresses:
        kind = kind_label(address.label)
        wanted = [p for p in PLACES if p.label == kind] + [PLACES[2]]
        place = next((p for p in wanted if p.prefix not in used), None)
        if place is None:
            rest.append(address)
            continue
        used.add(place.prefix)
        cells[place.column("Street")] = address.street
        cells[place.column("City")] = address.city
        cells[place.column("State")] = address.region
        cells[place.column("Postal Code")] = address.postal_code
        cells[place.column("Country/Region")] = address.country


def _place_links(
    cells: dict[str, str], links: Sequence[LabeledValue], rest: list[LabeledValue]
) -> None:
    """A personal link (home, blog) in "Personal Web Page", the first other in "Web Page";
    then whichever is free, then the notes block."""
    for link in links:
        personal = kind_label(link.label) == "home" or "blog" in link.label.casefold()
        order = ("Personal Web Page", "Web Page") if personal else ("Web Page", "Personal Web Page")
        free = next((c for c in order if not cells[c]), None)
        if free is None:
            rest.append(link)
        else:
            cells[free] = link.value


def _outlook_day(item: ImportantDate) -> str:
    """M/D/YYYY as Outlook writes it; a birthday without its year gets 1604, the year
    Outlook and Exchange (and Apple) use for "year unknown"."""
    return f"{item.month}/{item.day}/{item.year or 1604}"


def _place_dates(
    cells: dict[str, str], dates: Sequence[ImportantDate], rest: list[ImportantDate]
) -> None:
    for item in dates:
        if item.kind == "birthday" and not cells["Birthday"]:
            cells["Birthday"] = _outlook_day(item)
        elif (
            item.kind == "custom"
            and item.label.strip().casefold() == _ANNIVERSARY
            and not cells["Anniversary"]
        ):
            cells["Anniversary"] = _outlook_day(item)
        else:
            rest.append(item)


def _name_cells(cells: dict[str, str], data: ContactData, more: Overflow) -> None:
    """The names; a display name goes to "First Name" when there is no other name, else
    into the notes block (Outlook on the web has no column for it)."""
    cells.update(
        {"First Name": data.given_name, "Last Name": data.family_name, "Nickname": data.nickname}
    )
    shown = " ".join(p for p in (data.given_name, data.family_name) if p)
    if data.display_name and not shown:
        cells["First Name"] = data.display_name
    elif data.display_name and data.display_name != shown:
        more.display_name = data.display_name


def row_of(contact: OutgoingContact) -> list[str]:
    """The cells of one contact, in ``HEADER`` order (not yet made safe for spreadsheets).

    Numbers are placed by their label into Outlook's Mobile/Business/Home/Other Phone
    columns, addresses into Business/Home/Other. What has no column is not lost: a
    fourth email, a third work number, a second home address, work anniversaries and
    the tags (Outlook on the web writes no "Categories" column) go into the notes, in a
    block that ``contact_of`` reads back (see ``csv_generic.Overflow``).
    """
    data = contact.data
    more = Overflow(tags=list(data.tags))
    cells = dict.fromkeys(HEADER, "")
    _name_cells(cells, data, more)
    cells.update(
        {"Company": data.organization, "Job Title": data.job_title, "Department": data.team}
    )
    for column, email in zip(EMAIL_COLUMNS, data.emails, strict=False):
        cells[column] = email.value
    more.emails.extend(data.emails[len(EMAIL_COLUMNS) :])
    _place_phones(cells, data.phones, more.phones)
    _place_addresses(cells, data.addresses, more.addresses)
    _place_links(cells, data.links, more.links)
    _place_dates(cells, data.dates, more.dates)
    cells["Notes"] = notes_with_overflow(data.notes, more)
    return [cells[name] for name in HEADER]


# -- reading -------------------------------------------------------------------------------


def _emails(row: Cells, notes: list[str]) -> list[LabeledValue]:
    """The three emails; Exchange's internal addresses (type "EX", ``/o=…``) are left
    out: they mean nothing outside the company's server."""
    found = []
    for n, column in enumerate(EMAIL_COLUMNS, start=1):
        kind = row.get("E-mail Type" if n == 1 else f"E-mail {n} Type")
        value = row.get(column)
        if kind.upper() == "EX" or value.startswith("/"):
            continue
        found.extend(emails_in(value, "", notes))
    return found


def _phones(row: Cells) -> list[LabeledValue]:
    return [
        LabeledValue(label, value)
        for column, label in PHONE_COLUMNS
        for value in split_values(row.get(column), _LINES)
    ]


def _address(row: Cells, place: _Place) -> Address:
    """One of the three addresses: "Business Street" … with the classic export's
    "Business Street 2/3" and PO box; only the formatted "Business Address" if that is
    all there is (Google's Outlook CSV)."""
    lines = [row.get(place.column(p)) for p in ("Street", "Street 2", "Street 3")]
    box = row.get(f"{place.prefix} Address PO Box")
    street = ", ".join(one_line(p) for p in (*lines, box and f"PO Box {box}") if p)
    address = Address(
        place.label,
        street,
        row.get(place.column("City")),
        row.get(place.column("State")),
        row.get(place.column("Postal Code")),
        row.get(place.column("Country/Region"), place.column("Country")),
    )
    if not any(address.lines()):
        return Address(place.label, one_line(row.get(place.column("Address"))))
    return address


def _links(row: Cells) -> list[LabeledValue]:
    found = []
    for column, fallback in (("Web Page", "website"), ("Personal Web Page", "personal")):
        for url in split_values(row.get(column), _LINES):
            found.append(LabeledValue(link_label(url, fallback), url))
    return found


def _anniversary(text: str, notes: list[str]) -> ImportantDate | None:
    try:
        day = loose_day(text)
    except ValueError:
        notes.append(f"Anniversary: {text.strip()}")
        return None
    if day is None:
        return None
    return ImportantDate("custom", day[1], day[2], day[0], "Anniversary")


def contact_of(cells: Mapping[str, str], line: int) -> IncomingContact:
    """The contact a row stands for (cells by column name; unknown or missing columns
    are ignored). Reads Outlook's exports and Ally's; RowError when the row has no name,
    email or organization."""
    row = Cells(cells)
    notes: list[str] = []
    data = ContactData(
        given_name=" ".join(p for p in (row.get("First Name"), row.get("Middle Name")) if p),
        family_name=row.get("Last Name"),
        nickname=row.get("Nickname"),
        organization=row.get("Company"),
        job_title=row.get("Job Title"),
        team=row.get("Department"),
    )
    data.emails = _emails(row, notes)
    data.phones = _phones(row)
    data.addresses = [a for a in (_address(row, p) for p in PLACES) if any(a.lines())]
    data.links = _links(row)
    dates = (birthday_from(row.get("Birthday"), notes), _anniversary(row.get("Anniversary"), notes))
    data.dates = [d for d in dates if d is not None]
    data.tags = terms_in(row.get("Categories"))
    text, more = notes_and_overflow(row.raw("Notes").strip())
    data.notes = with_notes(text, notes)
    merge_overflow(data, more)
    return named_contact(data, line)
