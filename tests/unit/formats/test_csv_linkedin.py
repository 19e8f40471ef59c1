"""LinkedIn's Connections.csv: the preamble above the header, profiles, and the day you
connected as when and how you met."""

from __future__ import annotations

from datetime import date

import pytest

from ally_desktop.core.formats import csv_linkedin
from ally_desktop.core.formats.common import RowError
from ally_desktop.core.records import LabeledValue
from tests.unit.formats.csv_fixtures import FIXTURES, read_table


def test_the_file_starts_with_the_preamble_then_the_header() -> None:
    lines = (FIXTURES / "linkedin_connections.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == csv_linkedin.PREAMBLE_MARKER
    assert lines[1].startswith('"When exporting your connection data')
    assert lines[2] == ""
    assert lines[3] == ",".join(csv_linkedin.HEADER)
    assert read_table("linkedin_connections.csv").header == list(csv_linkedin.HEADER)


def test_reads_connections() -> None:
    rows = read_table("linkedin_connections.csv").dicts()
    assert [line for line, _ in rows] == [5, 6, 7, 8]
    priya, arjun, neha = (csv_linkedin.contact_of(cells, line).data for line, cells in rows[:3])

    assert (priya.given_name, priya.family_name) == ("Priya", "Sharma")
    assert (priya.organization, priya.job_title) == ("Stripe, Inc.", "Technical Recruiter")
    assert priya.links == [
        LabeledValue("LinkedIn", "https://www.linkedin.com/in/priya-sharma-1a2b3c")
    ]
    assert priya.emails == []
    assert (priya.met_on, priya.met_how) == (date(2023, 3, 12), "LinkedIn")
    assert priya.tags == []

    assert arjun.emails == [LabeledValue("", "arjun.mehta@example.com")]
    assert arjun.job_title == "Engineering Manager, Payments"
    assert arjun.met_on == date(2023, 1, 3)

    assert (neha.given_name, neha.family_name) == ("Neha", "")
    assert neha.job_title == 'Senior Engineer "Platform"'
    assert neha.met_on == date(2022, 2, 7)  # ISO dates are read too


def test_a_member_who_hides_everything_is_refused() -> None:
    line, cells = read_table("linkedin_connections.csv").dicts()[3]
    with pytest.raises(RowError, match="no name, email, phone or organization"):
        csv_linkedin.contact_of(cells, line)


def test_an_unreadable_connection_day_is_kept_in_the_notes() -> None:
    contact = csv_linkedin.contact_of({"First Name": "Li", "Connected On": "yesterday"}, 4)
    assert contact.data.met_on is None
    assert contact.data.met_how == "LinkedIn"
    assert contact.data.notes == "Connected on LinkedIn: yesterday"
