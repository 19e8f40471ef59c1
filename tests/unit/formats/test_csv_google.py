"""Google Contacts' CSV: its real exports (current and older) read, Ally's rows written in
its exact header and read back without loss."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from ally_desktop.core import csv_cells
from ally_desktop.core.formats import csv_google
from ally_desktop.core.formats.common import OutgoingContact
from ally_desktop.core.formats.csv_generic import MORE_HEADING
from ally_desktop.core.records import Address, ContactData, ImportantDate, LabeledValue
from tests.unit.formats.csv_fixtures import read_table

GOOGLE_FIXED = [
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
]


def _contacts(name: str, count: int | None = None) -> list[ContactData]:
    rows = read_table(name).dicts()[:count]
    return [csv_google.contact_of(cells, line).data for line, cells in rows]


# -- the header -----------------------------------------------------------------------------


def test_header_is_googles_own_in_its_order() -> None:
    header = list(csv_google.HEADER)
    assert header[:17] == GOOGLE_FIXED
    assert header[17:23] == [
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "E-mail 2 - Label",
        "E-mail 2 - Value",
        "E-mail 3 - Label",
        "E-mail 3 - Value",
    ]
    assert header[29:38] == [
        "Address 1 - Label",
        "Address 1 - Formatted",
        "Address 1 - Street",
        "Address 1 - City",
        "Address 1 - PO Box",
        "Address 1 - Region",
        "Address 1 - Postal Code",
        "Address 1 - Country",
        "Address 1 - Extended Address",
    ]
    assert header[-8:] == [
        "Website 1 - Label",
        "Website 1 - Value",
        "Website 2 - Label",
        "Website 2 - Value",
        "Event 1 - Label",
        "Event 1 - Value",
        "Event 2 - Label",
        "Event 2 - Value",
    ]
    assert len(header) == len(set(header)) == 17 + 6 + 6 + 18 + 4 + 4


def test_the_fixture_is_googles_current_layout() -> None:
    header = read_table("google_contacts.csv").header
    assert header[:17] == GOOGLE_FIXED
    # Google's groups, in its order: emails, phones, addresses, relations, websites, events.
    order = ["E-mail", "Phone", "Address", "Relation", "Website", "Event", "Custom"]
    kinds = [h.split(" ")[0] for h in header[17:]]
    assert kinds == sorted(kinds, key=order.index)


# -- reading Google's exports ---------------------------------------------------------------


def test_reads_a_current_export() -> None:
    ana, bo, globex, pat, zoe = _contacts("google_contacts.csv", 5)

    assert (ana.given_name, ana.family_name, ana.nickname) == ("Ana Sofia", "Lima", "Nani")
    assert ana.display_name == ""
    assert (ana.organization, ana.job_title, ana.team) == (
        "Acme Corp",
        "Head of Finance",
        "Finance",
    )
    assert ana.emails == [
        LabeledValue("work", "ana.lima@acme.example"),
        LabeledValue("home", "ana@lima.example"),
        LabeledValue("home", "nani.lima@mail.example"),
    ]
    assert ana.phones == [
        LabeledValue("mobile", "+1 555 0100"),
        LabeledValue("work", "+1 555 0101"),
        LabeledValue("work", "+1 555 0102"),
    ]
    assert ana.addresses == [
        Address("work", "100 Main St, Suite 5", "Springfield", "IL", "62701", "US")
    ]
    assert ana.links == [LabeledValue("LinkedIn", "https://www.linkedin.com/in/ana-lima")]
    assert ana.dates == [
        ImportantDate("birthday", 8, 25, 1974),
        ImportantDate("custom", 6, 9, 2001, "Anniversary"),
    ]
    assert ana.tags == ["Coworkers"]
    assert ana.notes == (
        'Met at the budget offsite, Lisbon.\nPrefers email to calls; "no meetings on Fridays".'
    )

    assert bo.dates == [
        ImportantDate("birthday", 2, 29, None),
        ImportantDate("anniversary", 9, 1, 2019),
    ]
    assert bo.tags == ["Mentors"]
    assert bo.links == [LabeledValue("blog", "https://bochen.example/blog")]

    assert globex.display_name == "Globex Corporation"
    assert globex.phones == [LabeledValue("main", "+44 20 7946 0000")]
    assert pat.display_name == "pat.doe@example.org"
    assert pat.emails == [LabeledValue("", "pat.doe@example.org")]

    assert (zoe.given_name, zoe.family_name) == ("Zoë", "Müller-Łukasiewicz")
    assert zoe.tags == ["Conference 2024"]
    assert zoe.addresses == [Address("home", "Karl-Marx-Allee 1", "Berlin", "", "10178", "Germany")]
    assert zoe.notes == "Speaks at conferences 🎤, likes RTL demos: שלום עולם"


def test_a_row_with_only_a_phone_number_is_named_after_it() -> None:
    line, cells = read_table("google_contacts.csv").dicts()[5]
    data = csv_google.contact_of(cells, line).data
    assert data.display_name == "+1 555 0199"
    assert [(p.label, p.value) for p in data.phones] == [("mobile", "+1 555 0199")]


def test_reads_the_older_export() -> None:
    carla, dan = _contacts("google_contacts_legacy.csv")

    assert (carla.given_name, carla.family_name, carla.display_name) == ("Carla", "Gómez", "")
    assert (carla.organization, carla.job_title, carla.team) == (
        "Acme Iberia",
        "Sales Director",
        "Sales",
    )
    assert carla.emails == [
        LabeledValue("work", "carla.gomez@acme.example"),
        LabeledValue("home", "carla@gomez.example"),
    ]
    assert carla.phones == [
        LabeledValue("mobile", "+34 600 123 456"),
        LabeledValue("work", "+34 91 123 4567"),
    ]
    assert carla.addresses == [Address("work", "Calle Mayor 1", "Madrid", "", "28013", "Spain")]
    assert carla.links == [LabeledValue("LinkedIn", "http://www.linkedin.com/in/carlagomez")]
    assert carla.dates == [ImportantDate("birthday", 3, 3, 1980)]
    # "* Coworkers" was one of the old Gmail's own groups, and a real one: kept as a tag.
    assert carla.tags == ["Coworkers", "Madrid office"]
    assert carla.notes == "Old friend from university."

    assert dan.display_name == "Dr. Dan Rivers"
    assert dan.emails == [LabeledValue("other", "dan@rivers.example")]


def test_the_line_a_row_starts_on_is_kept() -> None:
    line, cells = read_table("google_contacts.csv").dicts()[1]
    assert line == 7  # Ana's row, from line 2, spans five (a 2-line note, a 4-line address)
    assert csv_google.contact_of(cells, line).line == 7


def test_a_date_google_cannot_have_written_is_kept_in_the_notes() -> None:
    contact = csv_google.contact_of({"First Name": "Ana", "Birthday": "sometime in May"}, 2)
    assert contact.data.dates == []
    assert contact.data.notes == "Birthday: sometime in May"


# -- writing and reading back ---------------------------------------------------------------


def _rich() -> ContactData:
    return ContactData(
        given_name="Ana",
        family_name="Lima",
        display_name="Dr. Ana Lima",
        nickname="Nani",
        organization="Acme Corp",
        job_title="Head of Finance",
        team="Finance",
        notes="Prefers email.",
        emails=[
            LabeledValue("work", "ana@acme.example"),
            LabeledValue("home", "ana@lima.example"),
            LabeledValue("", "a@b.example"),
            LabeledValue("other", "fourth@b.example"),
        ],
        phones=[
            LabeledValue("mobile", "+1 555 0100"),
            LabeledValue("work", "+1 555 0101"),
            LabeledValue("home", "+1 555 0102"),
            LabeledValue("work fax", "+1 555 0103"),
        ],
        links=[
            LabeledValue("LinkedIn", "https://www.linkedin.com/in/ana"),
            LabeledValue("website", "https://ana.example"),
            LabeledValue("GitHub", "https://github.com/ana"),
        ],
        addresses=[
            Address("work", "100 Main St", "Springfield", "IL", "62701", "US"),
            Address("home", "1 Elm St; Apt 2", "Springfield", "IL", "62702", "US"),
            Address("other", "PO Box 9", "Chicago", "", "", ""),
        ],
        dates=[
            ImportantDate("birthday", 8, 25, 1974),
            ImportantDate("anniversary", 9, 1, 2019),
            ImportantDate("custom", 6, 9, None, "Wedding"),
            ImportantDate("custom", 1, 2, 2020, "Promotion"),
        ],
        tags=["mentor", "new job"],
    )


def test_a_row_has_exactly_the_headers_cells() -> None:
    row = csv_google.row_of(OutgoingContact(7, _rich()))
    assert len(row) == len(csv_google.HEADER)
    cells = dict(zip(csv_google.HEADER, row, strict=True))
    assert cells["Labels"] == "* myContacts ::: mentor ::: new job"
    assert cells["Birthday"] == "1974-08-25"
    assert (cells["E-mail 1 - Label"], cells["E-mail 1 - Value"]) == ("Work", "ana@acme.example")
    assert (cells["Phone 1 - Label"], cells["Phone 1 - Value"]) == ("Mobile", "+1 555 0100")
    assert cells["Address 1 - Formatted"] == "100 Main St\n62701 Springfield\nIL\nUS"
    assert (cells["Event 1 - Label"], cells["Event 1 - Value"]) == (
        "Work anniversary",
        "2019-09-01",
    )
    assert (cells["Event 2 - Label"], cells["Event 2 - Value"]) == ("Wedding", "--06-09")
    assert cells["File As"] == "Dr. Ana Lima"
    assert cells["Notes"].startswith(f"Prefers email.\n\n{MORE_HEADING}\n")
    assert "Email (other): fourth@b.example" in cells["Notes"]


def test_a_rich_contact_comes_back_whole() -> None:
    rich = _rich()
    row = csv_google.row_of(OutgoingContact(7, rich))
    back = csv_google.contact_of(dict(zip(csv_google.HEADER, row, strict=True)), 2).data

    assert (back.given_name, back.family_name, back.display_name, back.nickname) == (
        "Ana",
        "Lima",
        "Dr. Ana Lima",
        "Nani",
    )
    assert (back.organization, back.job_title, back.team) == (
        "Acme Corp",
        "Head of Finance",
        "Finance",
    )
    assert back.emails == rich.emails
    assert back.phones == rich.phones
    assert back.links == rich.links
    assert back.addresses == rich.addresses
    assert back.dates == rich.dates
    assert back.tags == rich.tags
    assert back.notes == "Prefers email."


def test_a_contact_without_extras_writes_no_block() -> None:
    data = ContactData(given_name="Bo", notes="Line one\nline two")
    row = csv_google.row_of(OutgoingContact(1, data))
    assert dict(zip(csv_google.HEADER, row, strict=True))["Notes"] == "Line one\nline two"


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)
_NAMES = st.one_of(
    _TEXT,
    st.sampled_from(
        ['=HYPERLINK("x")', 'O\'Brien, "Jr"', "שלום עולם", "👩🏽‍💻 Ana", "a\nb", "+1 555", "@here"]
    ),
).filter(lambda s: s.strip())


def _through_a_file(row: list[str]) -> dict[str, str]:
    """The row written as Ally writes CSV (cells made safe) and read back as text."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        [csv_google.HEADER, [csv_cells.neutralise(c) for c in row]]
    )
    header, cells = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    return dict(zip(header, [csv_cells.restore(c) for c in cells], strict=True))


@settings(max_examples=100, deadline=None)
@given(given_name=_NAMES, family_name=_NAMES, notes=_NAMES | st.just(""))
def test_any_names_and_notes_survive_a_round_trip(
    given_name: str, family_name: str, notes: str
) -> None:
    data = ContactData(
        given_name=given_name,
        family_name=family_name,
        organization='Acme, "Inc"',
        notes=notes,
        emails=[LabeledValue("work", "a@b.example")],
    )
    row = csv_google.row_of(OutgoingContact(1, data))
    for cells in (dict(zip(csv_google.HEADER, row, strict=True)), _through_a_file(row)):
        back = csv_google.contact_of(cells, 2).data
        assert back.given_name == given_name.strip()
        assert back.family_name == family_name.strip()
        assert back.organization == 'Acme, "Inc"'
        assert back.notes == notes.replace("\r\n", "\n").replace("\r", "\n").strip()
        assert back.emails == data.emails
