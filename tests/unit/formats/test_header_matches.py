"""Each program's header is recognised by its own format and by no other."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from ally_desktop.core.formats import csv_google, csv_linkedin, csv_outlook
from tests.unit.formats.csv_fixtures import FILES, OUTLOOK_CLASSIC_HEADER, read_table

MATCHERS: dict[str, Callable[[Sequence[str]], bool]] = {
    "google": csv_google.header_matches,
    "outlook": csv_outlook.header_matches,
    "linkedin": csv_linkedin.header_matches,
}
PROGRAM = {
    "google_contacts.csv": "google",
    "google_contacts_legacy.csv": "google",
    "outlook.csv": "outlook",
    "linkedin_connections.csv": "linkedin",
    "thunderbird.csv": None,
    "thunderbird_de.csv": None,
    "generic_fr.csv": None,
}

# Google's own "Outlook CSV" export: Outlook's names in Google's order, with "Categories".
GOOGLES_OUTLOOK_CSV = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Title",
    "Suffix",
    "Web Page",
    "Birthday",
    "Anniversary",
    "Notes",
    "E-mail Address",
    "E-mail 2 Address",
    "E-mail 3 Address",
    "Primary Phone",
    "Home Phone",
    "Home Phone 2",
    "Mobile Phone",
    "Pager",
    "Home Fax",
    "Home Address",
    "Home Street",
    "Home City",
    "Home State",
    "Home Postal Code",
    "Home Country",
    "Company",
    "Job Title",
    "Department",
    "Business Address",
    "Business Street",
    "Business City",
    "Business State",
    "Business Postal Code",
    "Business Country",
    "Other Phone",
    "Categories",
]


def test_every_fixture_has_a_place_in_the_matrix() -> None:
    assert set(PROGRAM) == set(FILES)


@pytest.mark.parametrize("name", sorted(PROGRAM))
@pytest.mark.parametrize("program", sorted(MATCHERS))
def test_a_header_is_recognised_by_its_program_only(name: str, program: str) -> None:
    header = read_table(name).header
    assert MATCHERS[program](header) is (PROGRAM[name] == program)


@pytest.mark.parametrize(
    ("header", "program"),
    [
        (list(csv_google.HEADER), "google"),
        (list(csv_outlook.HEADER), "outlook"),
        (OUTLOOK_CLASSIC_HEADER, "outlook"),
        (GOOGLES_OUTLOOK_CSV, "outlook"),
        (list(csv_linkedin.HEADER), "linkedin"),
    ],
)
def test_allys_own_exports_and_the_variants_are_recognised(header: list[str], program: str) -> None:
    assert {p for p, matches in MATCHERS.items() if matches(header)} == {program}


def test_order_case_spaces_and_missing_columns_do_not_matter() -> None:
    google = [" labels", "E-MAIL 1 - VALUE", "first name"]
    outlook = ["\ufeffBusiness Phone", "E-mail Address ", "home street", "Company"]
    linkedin = ["Connected On", "URL", "First Name"]
    assert csv_google.header_matches(google)
    assert csv_outlook.header_matches(outlook[::-1])
    assert csv_linkedin.header_matches(linkedin)


@pytest.mark.parametrize(
    "header",
    [
        ["Name", "Email", "Phone"],
        ["First Name", "Last Name", "Email Address", "Company", "Job Title"],
        ["Given Name", "Email"],
        ["First Name", "Connected On"],
    ],
)
def test_plain_spreadsheets_are_no_programs_export(header: list[str]) -> None:
    assert not any(matches(header) for matches in MATCHERS.values())
