"""Outlook's CSV: its exports (on the web, classic, Google's "Outlook CSV") read, Ally's
rows written in Outlook's exact header and read back without loss."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ally_desktop.core import csv_cells
from ally_desktop.core.formats import csv_outlook
from ally_desktop.core.formats.common import OutgoingContact, RowError
from ally_desktop.core.formats.csv_generic import MORE_HEADING
from ally_desktop.core.records import Address, ContactData, ImportantDate, LabeledValue
from tests.unit.formats.csv_fixtures import OUTLOOK_CLASSIC_HEADER, read_table

OUTLOOK_WEB_HEADER = (
    "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,"
    "E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,"
    "Business Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,"
    "Home Fax,Other Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,"
    "Job Title,Department,Company,Office Location,Manager's Name,Assistant's Name,"
    "Assistant's Phone,Company Yomi,Business Street,Business City,Business State,"
    "Business Postal Code,Business Country/Region,Home Street,Home City,Home State,"
    "Home Postal Code,Home Country/Region,Other Street,Other City,Other State,"
    "Other Postal Code,Other Country/Region,Personal Web Page,Spouse,Schools,Hobby,Location,"
    "Web Page,Birthday,Anniversary,Notes"
)


def test_header_is_outlooks_own_in_its_order() -> None:
    assert ",".join(csv_outlook.HEADER) == OUTLOOK_WEB_HEADER
    assert len(csv_outlook.HEADER) == 61


def test_reads_an_export_of_outlook_on_the_web() -> None:
    rows = read_table("outlook.csv").dicts()
    assert rows[0][0] == 2
    eva, fabrikam, frank = (csv_outlook.contact_of(cells, line).data for line, cells in rows)

    assert (eva.given_name, eva.family_name, eva.nickname) == ("Eva", "Novak", "Evi")
    assert (eva.organization, eva.job_title, eva.team) == (
        "Contoso Ltd.",
        "Program Manager",
        "Cloud",
    )
    assert eva.emails == [
        LabeledValue("", "eva.novak@contoso.example"),
        LabeledValue("", "eva@novak.example"),
    ]
    assert eva.phones == [
        LabeledValue("mobile", "+1 206 555 0199"),
        LabeledValue("work", "+1 425 555 0100"),
        LabeledValue("home", "+1 206 555 0110"),
        LabeledValue("work fax", "+1 425 555 0101"),
    ]
    assert eva.addresses == [
        Address("work", "One Microsoft Way", "Redmond", "WA", "98052", "United States"),
        Address("home", "12 Pine St, Apt 4", "Seattle", "WA", "98101", "United States"),
    ]
    assert eva.links == [
        LabeledValue("LinkedIn", "https://www.linkedin.com/in/evanovak"),
        LabeledValue("personal", "https://eva.example"),
    ]
    assert eva.dates == [
        ImportantDate("birthday", 8, 25, 1974),
        ImportantDate("custom", 6, 9, 2001, "Anniversary"),
    ]
    assert eva.notes == 'Met at Build 2023.\nAsk about the migration, "phase 2".'

    assert fabrikam.display_name == "Fabrikam, Inc."
    assert fabrikam.phones == [LabeledValue("work", "+1 555 0142")]
    assert frank.given_name == "Frank"
    assert frank.phones == [
        LabeledValue("mobile", "+44 7700 900123"),
        LabeledValue("other", "+44 20 7946 0958"),
    ]


def test_reads_classic_outlooks_export() -> None:
    cells = dict.fromkeys(OUTLOOK_CLASSIC_HEADER, "")
    cells.update(
        {
            "First Name": "Hana",
            "Last Name": "Sato",
            "Company": "Northwind",
            "Business Street": "1 Harbour Rd",
            "Business Street 2": "Floor 3",
            "Business City": "Sydney",
            "Business Address PO Box": "77",
            "E-mail Address": "/o=ExchangeLabs/ou=Exchange Administrative Group/cn=hs",
            "E-mail Type": "EX",
            "E-mail Display Name": "Hana Sato (hana@northwind.example)",
            "E-mail 2 Address": "hana@northwind.example",
            "E-mail 2 Type": "SMTP",
            "Birthday": "0/0/00",
            "Anniversary": "0/0/00",
            "Categories": "Business;VIP",
        }
    )
    hana = csv_outlook.contact_of(cells, 5).data
    assert hana.emails == [LabeledValue("", "hana@northwind.example")]  # Exchange's left out
    assert hana.addresses == [Address("work", "1 Harbour Rd, Floor 3, PO Box 77", "Sydney")]
    assert hana.dates == []  # 0/0/00 is Outlook's "none"
    assert hana.tags == ["Business", "VIP"]
    assert hana.notes == ""


def test_a_birthday_in_year_1604_has_no_year() -> None:
    contact = csv_outlook.contact_of({"First Name": "Ida", "Birthday": "3/14/1604"}, 2)
    assert contact.data.dates == [ImportantDate("birthday", 3, 14, None)]


def test_a_row_without_name_email_or_company_is_refused() -> None:
    with pytest.raises(RowError, match="no name, email, phone or organization"):
        csv_outlook.contact_of({"Home City": "Paris", "Notes": "who is this?"}, 9)


# -- writing and reading back ---------------------------------------------------------------


def _rich() -> ContactData:
    return ContactData(
        given_name="Ana",
        family_name="Lima",
        display_name="Ana L. (Finance)",
        nickname="Nani",
        organization="Acme Corp",
        job_title="Head of Finance",
        team="Finance",
        notes="Prefers email.",
        emails=[
            LabeledValue("", "ana@acme.example"),
            LabeledValue("", "ana@lima.example"),
            LabeledValue("", "a@b.example"),
            LabeledValue("other", "fourth@b.example"),
        ],
        phones=[
            LabeledValue("mobile", "+1 555 0100"),
            LabeledValue("work", "+1 555 0101"),
            LabeledValue("home", "+1 555 0102"),
            LabeledValue("work", "+1 555 0103"),
            LabeledValue("work", "+1 555 0104"),
            LabeledValue("mobile", "+1 555 0105"),
            LabeledValue("mobile", "+1 555 0106"),
        ],
        links=[
            LabeledValue("LinkedIn", "https://www.linkedin.com/in/ana"),
            LabeledValue("home", "https://ana.example"),
            LabeledValue("GitHub", "https://github.com/ana"),
        ],
        addresses=[
            Address("work", "100 Main St", "Springfield", "IL", "62701", "US"),
            Address("home", "1 Elm St", "Springfield", "IL", "62702", "US"),
            Address("work", "2 Second Office Rd", "Chicago", "IL", "60601", "US"),
            Address("home", "Beach House 4", "Malibu", "CA", "90265", "US"),
        ],
        dates=[
            ImportantDate("birthday", 8, 25, None),
            ImportantDate("custom", 6, 9, 2001, "Anniversary"),
            ImportantDate("anniversary", 9, 1, 2019),
        ],
        tags=["mentor", "new job"],
    )


def test_a_row_has_exactly_the_headers_cells() -> None:
    row = csv_outlook.row_of(OutgoingContact(3, _rich()))
    assert len(row) == len(csv_outlook.HEADER)
    cells = dict(zip(csv_outlook.HEADER, row, strict=True))
    assert cells["Mobile Phone"] == "+1 555 0100"
    assert (cells["Business Phone"], cells["Business Phone 2"]) == ("+1 555 0101", "+1 555 0103")
    assert cells["Home Phone"] == "+1 555 0102"
    assert cells["Other Phone"] == "+1 555 0104"  # the third work number: the free column
    assert cells["Business Street"] == "100 Main St"
    assert cells["Home Street"] == "1 Elm St"
    assert cells["Other Street"] == "2 Second Office Rd"  # the second work address
    assert cells["Web Page"] == "https://www.linkedin.com/in/ana"
    assert cells["Personal Web Page"] == "https://ana.example"
    assert cells["Birthday"] == "8/25/1604"
    assert cells["Anniversary"] == "6/9/2001"
    assert cells["Company"] == "Acme Corp"
    notes = cells["Notes"]
    assert notes.startswith(f"Prefers email.\n\n{MORE_HEADING}\n")
    for line in (
        "Display name: Ana L. (Finance)",
        "Email (other): fourth@b.example",
        "Phone (mobile): +1 555 0105",
        "Address (home): Beach House 4;Malibu;CA;90265;US",
        "Web link (GitHub): https://github.com/ana",
        "Work anniversary: 2019-09-01",
        "Tags: mentor;new job",
    ):
        assert line in notes.splitlines()


def test_a_rich_contact_comes_back_whole() -> None:
    rich = _rich()
    row = csv_outlook.row_of(OutgoingContact(3, rich))
    back = csv_outlook.contact_of(dict(zip(csv_outlook.HEADER, row, strict=True)), 2).data

    assert (back.given_name, back.family_name, back.display_name, back.nickname) == (
        "Ana",
        "Lima",
        "Ana L. (Finance)",
        "Nani",
    )
    assert (back.organization, back.job_title, back.team) == (
        "Acme Corp",
        "Head of Finance",
        "Finance",
    )
    assert [e.value for e in back.emails] == [e.value for e in rich.emails]
    # Outlook keeps numbers by column: same numbers, same kinds, in Outlook's column order.
    assert sorted(back.phones, key=lambda p: p.value) == [
        LabeledValue("mobile", "+1 555 0100"),
        LabeledValue("work", "+1 555 0101"),
        LabeledValue("home", "+1 555 0102"),
        LabeledValue("work", "+1 555 0103"),
        LabeledValue("other", "+1 555 0104"),
        LabeledValue("mobile", "+1 555 0105"),
        LabeledValue("mobile", "+1 555 0106"),
    ]
    # Business, Home, Other, then the notes block; the second work address sat in Other.
    assert back.addresses == [
        Address("work", "100 Main St", "Springfield", "IL", "62701", "US"),
        Address("home", "1 Elm St", "Springfield", "IL", "62702", "US"),
        Address("other", "2 Second Office Rd", "Chicago", "IL", "60601", "US"),
        Address("home", "Beach House 4", "Malibu", "CA", "90265", "US"),
    ]
    assert {link.value for link in back.links} == {link.value for link in rich.links}
    assert sorted(back.dates, key=lambda d: d.month) == sorted(rich.dates, key=lambda d: d.month)
    assert back.tags == rich.tags
    assert back.notes == "Prefers email."


def test_only_a_display_name_goes_to_the_first_name() -> None:
    row = csv_outlook.row_of(OutgoingContact(1, ContactData(display_name="Reception")))
    cells = dict(zip(csv_outlook.HEADER, row, strict=True))
    assert (cells["First Name"], cells["Notes"]) == ("Reception", "")


_NAMES = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(['=cmd|" /C calc"!A0', 'Ng, "Jo"', "محمد", "🦊\n🐻", "-5", "'quoted"]),
).filter(lambda s: s.strip())


@settings(max_examples=100, deadline=None)
@given(given_name=_NAMES, family_name=_NAMES, notes=_NAMES | st.just(""))
def test_any_names_and_notes_survive_a_round_trip(
    given_name: str, family_name: str, notes: str
) -> None:
    data = ContactData(given_name=given_name, family_name=family_name, notes=notes)
    row = csv_outlook.row_of(OutgoingContact(1, data))
    out = io.StringIO(newline="")
    csv.writer(out).writerows([csv_outlook.HEADER, [csv_cells.neutralise(c) for c in row]])
    header, cells = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    restored = dict(zip(header, [csv_cells.restore(c) for c in cells], strict=True))
    for written in (dict(zip(csv_outlook.HEADER, row, strict=True)), restored):
        back = csv_outlook.contact_of(written, 2).data
        assert (back.given_name, back.family_name) == (given_name.strip(), family_name.strip())
        assert back.notes == notes.replace("\r\n", "\n").replace("\r", "\n").strip()
