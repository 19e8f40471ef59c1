"""Google Contacts' CSV ("Google CSV"), read and written.

Google's export has fixed name and organization columns and then numbered groups
(``E-mail 1 - Label``, ``E-mail 1 - Value``, ``Phone 2 - Value``, ``Address 1 - City``
…), as many as the exported contacts need. Several values of one kind can share a cell,
joined by `` ::: `` (two numbers with one label), and so do the labels a contact is
filed under (``* myContacts ::: Coworkers``; a leading ``*`` marks Google's own
groups). The older export (before 2020) names the same things differently ("Given
Name", "Group Membership", ``E-mail 1 - Type``, ``Organization 1 - Name``); both are
read. Ally writes the current layout with a fixed number of slots (``HEADER``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from ally_desktop.core.formats.common import IncomingContact, OutgoingContact
from ally_desktop.core.formats.csv_generic import (
    Cells,
    Overflow,
    birthday_from,
    day_text,
    display_if_different,
    emails_in,
    header_key,
    header_names,
    link_label,
    loose_day,
    merge_overflow,
    named_contact,
    notes_and_overflow,
    notes_with_overflow,
    one_line,
    split_values,
    with_notes,
)
from ally_desktop.core.records import (
    Address,
    ContactData,
    ImportantDate,
    LabeledValue,
)

EMAIL_SLOTS = 3
PHONE_SLOTS = 3
ADDRESS_SLOTS = 2
WEBSITE_SLOTS = 2
EVENT_SLOTS = 2
_ADDRESS_PARTS = (
    "Label",
    "Formatted",
    "Street",
    "City",
    "PO Box",
    "Region",
    "Postal Code",
    "Country",
    "Extended Address",
)


def _slots(kind: str, count: int, parts: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{kind} {n} - {part}" for n in range(1, count + 1) for part in parts)


HEADER: tuple[str, ...] = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    *_slots("E-mail", EMAIL_SLOTS, ("Label", "Value")),
    *_slots("Phone", PHONE_SLOTS, ("Label", "Value")),
    *_slots("Address", ADDRESS_SLOTS, _ADDRESS_PARTS),
    *_slots("Website", WEBSITE_SLOTS, ("Label", "Value")),
    *_slots("Event", EVENT_SLOTS, ("Label", "Value")),
)
"""The header Google Contacts writes (in its order), with the slots Ally fills:
3 emails, 3 phones, 2 addresses, 2 websites and 2 events. Google writes as many numbered
slots as its contacts need, and reads any number back."""

_T = TypeVar("_T")
MY_CONTACTS = "* myContacts"
_NUMBERED = re.compile(r"^\s*(?P<kind>[A-Za-z][A-Za-z -]*?) (?P<n>\d+) - (?P<part>.+?)\s*$")
_SIGNS = frozenset(
    {
        "labels",
        "group membership",
        "file as",
        "phonetic first name",
        "phonetic middle name",
        "phonetic last name",
        "name prefix",
        "name suffix",
        "organization name",
        "organization title",
        "organization department",
        "given name",
        "additional name",
        "family name",
        "yomi name",
        "given name yomi",
    }
)
# Google's groups that every contact is in or that Google fills itself: not tags.
_SYSTEM_LABELS = frozenset({"mycontacts", "starred", "othercontacts", "starredinandroid"})
# Google's words for labels, and Ally's (lower case, as Ally's editor offers them).
_GOOGLE_WORDS = {
    "work": "Work",
    "home": "Home",
    "other": "Other",
    "mobile": "Mobile",
    "main": "Main",
    "work fax": "Work Fax",
    "home fax": "Home Fax",
    "pager": "Pager",
    "website": "Home Page",
    "profile": "Profile",
    "blog": "Blog",
}
_ALLY_WORDS = {header_key(google): ally for ally, google in _GOOGLE_WORDS.items()}
_GENERIC_LINK_LABELS = {"", "profile", "other", "website"}


def header_matches(header: Sequence[str]) -> bool:
    """A Google Contacts export, current or older: its numbered ``E-mail 1 - Value``
    columns, or at least two of its name, organization and label columns, in any order."""
    names = header_names(header)
    numbered = any(
        (m := _NUMBERED.match(name)) and m["kind"] in ("e-mail", "phone", "address", "website")
        for name in names
    )
    return numbered or len(names & _SIGNS) >= 2


# -- writing -------------------------------------------------------------------------------


def _google_label(label: str) -> str:
    return _GOOGLE_WORDS.get(label.strip().casefold(), label)


def _fit(items: Sequence[_T], slots: int, rest: list[_T]) -> list[_T]:
    """The first ``slots`` items; the others are added to ``rest`` (the notes block)."""
    rest.extend(items[slots:])
    return list(items[:slots])


def _labeled_cells(
    cells: dict[str, str],
    kind: str,
    values: Sequence[LabeledValue],
    slots: int,
    rest: list[LabeledValue],
) -> None:
    for n, value in enumerate(_fit(values, slots, rest), start=1):
        cells[f"{kind} {n} - Label"] = _google_label(value.label)
        cells[f"{kind} {n} - Value"] = value.value


def _address_cells(
    cells: dict[str, str], addresses: Sequence[Address], rest: list[Address]
) -> None:
    for n, address in enumerate(_fit(addresses, ADDRESS_SLOTS, rest), start=1):
        prefix = f"Address {n} - "
        cells[prefix + "Label"] = _google_label(address.label)
        cells[prefix + "Formatted"] = "\n".join(address.lines())
        cells[prefix + "Street"] = address.street
        cells[prefix + "City"] = address.city
        cells[prefix + "Region"] = address.region
        cells[prefix + "Postal Code"] = address.postal_code
        cells[prefix + "Country"] = address.country


def _event_label(item: ImportantDate) -> str:
    if item.kind == "anniversary":
        return "Work anniversary"
    return item.label or "Other"


def _date_cells(
    cells: dict[str, str], dates: Sequence[ImportantDate], rest: list[ImportantDate]
) -> None:
    """The first birthday in "Birthday", the other dates as events; another birthday, or
    dates beyond the event slots, go to the notes block."""
    birthdays = [d for d in dates if d.kind == "birthday"]
    if birthdays:
        cells["Birthday"] = day_text(birthdays[0].year, birthdays[0].month, birthdays[0].day)
    rest.extend(birthdays[1:])
    events = [d for d in dates if d.kind != "birthday"]
    for n, item in enumerate(_fit(events, EVENT_SLOTS, rest), start=1):
        cells[f"Event {n} - Label"] = _event_label(item)
        cells[f"Event {n} - Value"] = day_text(item.year, item.month, item.day)


def row_of(contact: OutgoingContact) -> list[str]:
    """The cells of one contact, in ``HEADER`` order (not yet made safe for spreadsheets).

    Tags become Google labels next to ``* myContacts`` (so the contacts show up in
    Google's list), the display name goes to "File As". Emails, phones, addresses,
    websites and dates beyond ``HEADER``'s slots are not dropped: they go into the notes,
    in a block that ``contact_of`` reads back (see ``csv_generic.Overflow``).
    """
    data = contact.data
    more = Overflow()
    cells = dict.fromkeys(HEADER, "")
    cells.update(
        {
            "First Name": data.given_name,
            "Last Name": data.family_name,
            "Nickname": data.nickname,
            "File As": data.display_name,
            "Organization Name": data.organization,
            "Organization Title": data.job_title,
            "Organization Department": data.team,
            "Labels": " ::: ".join([MY_CONTACTS, *data.tags]),
        }
    )
    _labeled_cells(cells, "E-mail", data.emails, EMAIL_SLOTS, more.emails)
    _labeled_cells(cells, "Phone", data.phones, PHONE_SLOTS, more.phones)
    _address_cells(cells, data.addresses, more.addresses)
    _labeled_cells(cells, "Website", data.links, WEBSITE_SLOTS, more.links)
    _date_cells(cells, data.dates, more.dates)
    cells["Notes"] = notes_with_overflow(data.notes, more)
    return [cells[name] for name in HEADER]


# -- reading -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a file repeats its header's names on every row
def _numbered_column(name: str) -> tuple[str, int, str] | None:
    """("phone", 1, "value") for "Phone 1 - Value"; the older export's "Type" is today's
    "Label"; None for a column that is not numbered."""
    match = _NUMBERED.match(name.lstrip("\ufeff"))
    if not match:
        return None
    part = match["part"].casefold()
    return match["kind"].casefold(), int(match["n"]), "label" if part == "type" else part


def _numbered(cells: Mapping[str, str]) -> dict[str, dict[int, dict[str, str]]]:
    """The numbered columns by kind, number and part: ``{"phone": {1: {"value": …}}}``."""
    groups: dict[str, dict[int, dict[str, str]]] = {}
    for name, value in cells.items():
        column = _numbered_column(name)
        if column is None:
            continue
        kind, number, part = column
        groups.setdefault(kind, {}).setdefault(number, {})[part] = value or ""
    return groups


def _in_order(groups: dict[int, dict[str, str]] | None) -> list[dict[str, str]]:
    return [groups[n] for n in sorted(groups)] if groups else []


def _ally_label(label: str) -> str:
    """Ally's word for a Google label: "* Work" → "work"; a label of one's own stays."""
    text = label.strip().lstrip("*").strip()
    return _ALLY_WORDS.get(header_key(text), text)


def _emails(groups: list[dict[str, str]], notes: list[str]) -> list[LabeledValue]:
    found = []
    for group in groups:
        label = _ally_label(group.get("label", ""))
        for value in split_values(group.get("value", "")):
            found.extend(emails_in(value, label, notes))
    return found


def _values(groups: list[dict[str, str]]) -> list[LabeledValue]:
    return [
        LabeledValue(_ally_label(group.get("label", "")), value)
        for group in groups
        for value in split_values(group.get("value", ""))
    ]


def _links(groups: list[dict[str, str]]) -> list[LabeledValue]:
    return [
        LabeledValue(label if label not in _GENERIC_LINK_LABELS else link_label(url, label), url)
        for label, url in ((v.label, v.value) for v in _values(groups))
    ]


_PLACE_PARTS = ("street", "city", "region", "postal code", "country", "extended address", "po box")


def _street(parts: dict[str, str]) -> str:
    """The street on one line (with the extended address and PO box); the formatted
    address when Google has nothing but that (addresses typed as one text)."""
    if not any(parts.get(k, "").strip() for k in _PLACE_PARTS):
        return one_line(parts.get("formatted", ""))
    box = parts.get("po box", "").strip()
    pieces = (parts.get("street", ""), parts.get("extended address", ""), box and f"PO Box {box}")
    return ", ".join(one_line(p) for p in pieces if p.strip())


def _addresses(groups: list[dict[str, str]]) -> list[Address]:
    """Each address group; one whose parts hold several values (``:::``) gives several."""
    found = []
    for group in groups:
        split = {part: split_values(value) for part, value in group.items()}
        for i in range(max((len(v) for v in split.values()), default=0)):
            parts = {part: values[i] if i < len(values) else "" for part, values in split.items()}
            address = Address(
                _ally_label(parts.get("label", "")),
                _street(parts),
                parts.get("city", ""),
                parts.get("region", ""),
                parts.get("postal code", ""),
                parts.get("country", ""),
            )
            if any(address.lines()):
                found.append(address)
    return found


def _event(label: str, value: str, notes: list[str]) -> ImportantDate | None:
    """A Google event: "Work anniversary" (Ally's) is Ally's anniversary, any other
    (Google's "Anniversary" is a wedding's) a date with its label; an unreadable date
    is kept in the notes."""
    label = label.strip().lstrip("*").strip()
    try:
        day = loose_day(value)
    except ValueError:
        notes.append(f"{label or 'Date'}: {value.strip()}")
        return None
    if day is None:
        return None
    year, month, number = day
    if header_key(label) == "workanniversary":
        return ImportantDate("anniversary", month, number, year)
    kept = "" if header_key(label) == "other" else label
    return ImportantDate("custom", month, number, year, kept)


def _tags(cell: str) -> list[str]:
    """Google's labels without its own groups (``* myContacts``, ``* starred``); the
    older export's system groups (``* Coworkers``) are real tags without the star."""
    tags = []
    for value in split_values(cell):
        name = value.lstrip("*").strip()
        if name and header_key(name) not in _SYSTEM_LABELS:
            tags.append(name)
    return tags


def _names(row: Cells, data: ContactData) -> None:
    given = row.get("First Name", "Given Name")
    middle = row.get("Middle Name", "Additional Name")
    data.given_name = " ".join(p for p in (given, middle) if p)
    data.family_name = row.get("Last Name", "Family Name")
    data.nickname = row.get("Nickname")
    names = (data.given_name, data.family_name)
    data.display_name = display_if_different(row.get("File As"), *names) or (
        display_if_different(row.get("Name"), *names) if any(names) else row.get("Name")
    )


def _organization(
    row: Cells, numbered: dict[str, dict[int, dict[str, str]]]
) -> tuple[str, str, str]:
    """(organization, title, department), from today's columns or the older numbered ones."""
    older = next(iter(_in_order(numbered.get("organization"))), {})
    return (
        row.get("Organization Name") or older.get("name", "").strip(),
        row.get("Organization Title") or older.get("title", "").strip(),
        row.get("Organization Department") or older.get("department", "").strip(),
    )


def contact_of(cells: Mapping[str, str], line: int) -> IncomingContact:
    """The contact a row stands for (cells by column name; unknown or missing columns
    are ignored). Reads Google's current and older exports and Ally's own; RowError
    when the row has no name, email, phone or organization."""
    row = Cells(cells)
    numbered = _numbered(cells)
    notes: list[str] = []
    data = ContactData()
    _names(row, data)
    data.organization, data.job_title, data.team = _organization(row, numbered)
    data.emails = _emails(_in_order(numbered.get("e-mail")), notes)
    data.phones = _values(_in_order(numbered.get("phone")))
    data.links = _links(_in_order(numbered.get("website")))
    data.addresses = _addresses(_in_order(numbered.get("address")))
    birthday = birthday_from(row.get("Birthday"), notes)
    events = (
        _event(g.get("label", ""), g.get("value", ""), notes)
        for g in _in_order(numbered.get("event"))
    )
    data.dates = [d for d in (birthday, *events) if d is not None]
    data.tags = _tags(row.get("Labels", "Group Membership"))
    text, more = notes_and_overflow(row.raw("Notes").strip())
    data.notes = with_notes(text, notes)
    merge_overflow(data, more)
    return named_contact(data, line)
