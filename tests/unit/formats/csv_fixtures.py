"""The other programs' CSV exports in tests/fixtures/imports, read with the csv module.

The transfer layer decodes files, sniffs the separator and finds the header (also below
LinkedIn's preamble); these tests read the fixtures the simple way instead, with each
file's real encoding and separator, so the formats are tested on their own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"

# file → (encoding, separator): as the programs write them
FILES = {
    "google_contacts.csv": ("utf-8-sig", ","),
    "google_contacts_legacy.csv": ("utf-16", ","),
    "outlook.csv": ("utf-8-sig", ","),
    "linkedin_connections.csv": ("utf-8-sig", ","),
    "thunderbird.csv": ("utf-8-sig", ","),
    "thunderbird_de.csv": ("cp1252", ";"),
    "generic_fr.csv": ("utf-8-sig", ";"),
}

# Classic Outlook's "Comma Separated Values" export (Import and Export wizard).
OUTLOOK_CLASSIC_HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business Street 2", "Business Street 3", "Business City",
    "Business State", "Business Postal Code", "Business Country/Region", "Home Street",
    "Home Street 2", "Home Street 3", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3", "Other City",
    "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone",
    "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone",
    "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone",
    "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address",
    "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
    "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name",
    "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
    "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage",
    "Notes", "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority",
    "Private", "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
    "User 3", "User 4", "Web Page",
]  # fmt: skip


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line the row starts on, cells)

    def dicts(self) -> list[tuple[int, dict[str, str]]]:
        return [(line, dict(zip(self.header, cells, strict=True))) for line, cells in self.rows]


def read_table(name: str) -> Table:
    """The header (the first row with two cells filled in) and the rows below it."""
    encoding, separator = FILES[name]
    text = (FIXTURES / name).read_bytes().decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    before = 0
    for cells in reader:
        line, before = before + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header:
            rows.append((line, cells))
        elif sum(1 for c in cells if c.strip()) >= 2:
            header = cells
    return Table(header, rows)
