"""vCard 2.1/3.0/4.0: Ally's contacts written and read back whole, other programs' files
read into the fields people expect, and broken text reported card by card."""

from __future__ import annotations

import dataclasses
import io
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from ally_desktop.core import connections
from ally_desktop.core.formats.common import IncomingContact, OutgoingContact, RowProblem
from ally_desktop.core.formats.vcard import (
    VERSIONS,
    card_of,
    looks_like_vcard,
    read_cards,
    write_cards,
)
from ally_desktop.core.records import (
    DATE_KINDS,
    Address,
    Closeness,
    ConnectionLink,
    ContactData,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.core.validation import validate_contact

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"
JPEG_MAGIC = b"\xff\xd8\xff\xe0"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _read(text: str) -> list[IncomingContact | RowProblem]:
    return list(read_cards(text))


def _contacts(text: str) -> list[IncomingContact]:
    found = _read(text)
    assert all(isinstance(item, IncomingContact) for item in found), found
    return [item for item in found if isinstance(item, IncomingContact)]


def _one(text: str) -> IncomingContact:
    (contact,) = _contacts(text)
    return contact


def _card(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


# -- round trip (property) -----------------------------------------------------------------

_PIECES = [*",;:\\\"'=^\n\t ", "😀", "👩🏽\u200d💻", "مرحبا", "שלום", "é", "\u200f"]
_WORDS = [
    "Ana",
    "José",
    "Zoë",
    "Søren",
    "محمد",
    "שרה",
    "李雷",
    "O'Brien",
    "=SUM(A1:A2)",
    "a\\b",
    "x,y;z",
    '"Bo"',
    "^'",
    "👩🏽\u200d💻",
]
_piece = st.one_of(st.sampled_from(_PIECES), st.characters(exclude_categories=("Cs",)))


def _texts(max_pieces: int) -> st.SearchStrategy[str]:
    """Text made of awkward pieces: separators, escapes, quotes, emoji, right-to-left."""
    return st.lists(_piece, max_size=max_pieces).map("".join)


_free = _texts(20)
_word = st.sampled_from(_WORDS)
_name = st.one_of(_word, st.builds(lambda a, b: a + b, _word, _free))
_label = st.one_of(
    st.sampled_from(
        [
            *("", "home", "work", "mobile", "fax", "work fax", "home pager", "other", "website"),
            *("cell", "Work", "LinkedIn", "Uni, alt", 'My "x"', "a;b", "pref", "iPhone", "main"),
        ]
    ),
    _free,
)
_email = st.builds(
    lambda local: LabeledValue("", f"{local}@example.com"),
    st.from_regex(r"[a-z0-9]{1,10}([._+-][a-z0-9]{1,5})?", fullmatch=True),
)
_phone = st.text(string.digits + " +()-.,;x", min_size=1, max_size=20)
_url = st.builds(
    lambda path: f"https://example.com/{path}",
    st.text(string.ascii_letters + string.digits + ",;=&?%/\\:~", max_size=20),
)


def _labeled(values: st.SearchStrategy[str]) -> st.SearchStrategy[LabeledValue]:
    return st.builds(LabeledValue, _label, values)


_address = st.builds(Address, _label, _free, _free, _free, _free, _free)
_year_less = st.dates(date(2000, 1, 1), date(2000, 12, 31))  # 2000: 29 February is in it


@st.composite
def _important_date(draw: st.DrawFn) -> ImportantDate:
    kind = draw(st.sampled_from(DATE_KINDS))
    if draw(st.booleans()):
        day = draw(_year_less)
        year = None
    else:
        day = draw(st.one_of(st.dates(), st.sampled_from([date(2024, 2, 29), date(1604, 2, 29)])))
        year = day.year
    return ImportantDate(kind, day.month, day.day, year, draw(st.one_of(st.just(""), _free)))


_photo = st.one_of(
    st.none(),
    st.builds(
        lambda magic, rest: magic + rest,
        st.sampled_from([JPEG_MAGIC, PNG_MAGIC]),
        st.binary(max_size=64),
    ),
)
_connection = st.builds(
    ConnectionLink,
    st.integers(1, 10**6),
    st.sampled_from(sorted(connections.KINDS)),
    st.booleans(),
    _free,
    _free,
)
_contact = st.builds(
    ContactData,
    given_name=_name,
    family_name=st.one_of(st.just(""), _name),
    display_name=st.one_of(st.just(""), _name),
    nickname=st.one_of(st.just(""), _name),
    pronouns=_free,
    job_title=_free,
    organization=_free,
    team=_free,
    photo=_photo,
    met_how=_free,
    met_on=st.one_of(st.none(), st.dates()),
    closeness=st.sampled_from(Closeness),
    cadence_days=st.one_of(st.none(), st.integers(1, 3660)),
    notes=_texts(150),
    ambitions=_texts(60),
    archived=st.booleans(),
    emails=st.lists(st.builds(dataclasses.replace, _email, label=_label), max_size=3),
    phones=st.lists(_labeled(_phone), max_size=3),
    links=st.lists(_labeled(_url), max_size=3),
    addresses=st.lists(_address, max_size=2),
    topics=st.lists(_free, max_size=3),
    tags=st.lists(_free, max_size=3),
    dates=st.lists(_important_date(), max_size=4),
    connections=st.lists(_connection, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(_contact, st.integers(1, 10**6), st.sampled_from(VERSIONS))
def test_any_valid_contact_comes_back_whole(data: ContactData, ident: int, version: str) -> None:
    expected = validate_contact(data)
    text = card_of(OutgoingContact(ident, expected, "2024-01-02T03:04:05.000006Z"), version)

    incoming = _one(text)

    assert validate_contact(incoming.data) == dataclasses.replace(expected, connections=[])
    assert incoming.ref == f"ally-{ident}"
    assert incoming.line == 1
    assert incoming.created_at == "2024-01-02T03:04:05.000006Z"
    sent = [
        (f"ally-{c.other_id}", c.kind, c.label, c.note) for c in expected.connections if c.outgoing
    ]
    assert [(link.ref, link.kind, link.label, link.note) for link in incoming.links] == sent


# -- writing -------------------------------------------------------------------------------

_ANA = ContactData(
    given_name="Ana",
    family_name='Ruiz; "Jr", \\ III',
    nickname="Bo, Bobby",
    organization="Acme, Inc.",
    team="R&D; Labs",
    notes="First line\nsecond, with; all \\ of it",
    emails=[LabeledValue("work", "ana@example.com"), LabeledValue("LinkedIn", "a@example.com")],
    phones=[LabeledValue("mobile", "+1 555 0100")],
    tags=["mentor, new", "Berlin"],
    dates=[ImportantDate("birthday", 8, 25), ImportantDate("custom", 2, 29, 2024, 'a "b"')],
    photo=JPEG_MAGIC + bytes(range(256)) * 4,
)


def _people(count: int) -> Iterator[OutgoingContact]:
    for n in range(1, count + 1):
        data = dataclasses.replace(_ANA, given_name=f"Ana {n}", notes="\n".join(["x" * 90] * n))
        yield OutgoingContact(n, data)


def test_several_cards_stream_and_read_back_with_their_lines() -> None:
    out = io.StringIO()
    write_cards(_people(4), out, "4.0")
    text = out.getvalue()

    contacts = _contacts(text)

    begins = [n for n, line in enumerate(text.split("\r\n"), 1) if line == "BEGIN:VCARD"]
    assert [c.line for c in contacts] == begins
    assert len(begins) == 4
    assert [c.ref for c in contacts] == ["ally-1", "ally-2", "ally-3", "ally-4"]
    assert [c.data.given_name for c in contacts] == ["Ana 1", "Ana 2", "Ana 3", "Ana 4"]


def test_write_cards_writes_each_card_before_taking_the_next_contact() -> None:
    out = io.StringIO()
    written_before: list[int] = []

    def contacts() -> Iterator[OutgoingContact]:
        for contact in _people(3):
            written_before.append(out.getvalue().count("END:VCARD"))
            yield contact

    write_cards(contacts(), out)

    assert written_before == [0, 1, 2]


@pytest.mark.parametrize("version", VERSIONS)
def test_vobject_reads_what_ally_writes(version: str) -> None:
    text = card_of(
        OutgoingContact(7, _ANA, "2024-01-01T00:00:00Z", "2024-05-01T10:00:00Z"), version
    )

    (card,) = vobject.readComponents(text)

    assert card.version.value == version
    assert card.fn.value == 'Ana Ruiz; "Jr", \\ III'
    assert card.n.value.family == 'Ruiz; "Jr", \\ III'
    assert card.n.value.given == "Ana"
    assert card.org.value == ["Acme, Inc.", "R&D; Labs"]
    assert card.note.value == "First line\nsecond, with; all \\ of it"
    assert card.categories.value == ["mentor, new", "Berlin"]
    assert card.uid.value == "ally-7"
    assert card.rev.value == "20240501T100000Z"


@pytest.mark.parametrize("version", VERSIONS)
def test_cards_use_crlf_and_fold_long_lines(version: str) -> None:
    data = dataclasses.replace(_ANA, ambitions="Grow into a director role; mentor. " * 6)
    text = card_of(OutgoingContact(7, data), version)

    lines = text.split("\r\n")
    assert lines[:2] == ["BEGIN:VCARD", f"VERSION:{version}"]
    assert lines[-2:] == ["END:VCARD", ""]
    assert not any("\n" in line or "\r" in line for line in lines)
    folded = [line for line in lines if not line.startswith("PHOTO")]  # vobject: one line
    assert max(len(line.encode("utf-8")) for line in folded) <= 75
    assert any(line.startswith(" ") for line in lines)


def test_labels_become_types_or_apple_labels() -> None:
    three = card_of(OutgoingContact(1, _ANA), "3.0")
    four = card_of(OutgoingContact(1, _ANA), "4.0")

    assert "EMAIL;TYPE=INTERNET,WORK:ana@example.com" in three
    assert "item1.EMAIL;TYPE=INTERNET:a@example.com\r\nitem1.X-ABLABEL:LinkedIn" in three
    assert "TEL;TYPE=CELL:+1 555 0100" in three
    assert "EMAIL;TYPE=work:ana@example.com" in four
    assert "TEL;TYPE=cell;VALUE=text:+1 555 0100" in four


def test_photos_and_dates_are_written_as_each_version_wants() -> None:
    three = card_of(OutgoingContact(1, _ANA), "3.0")
    four = card_of(OutgoingContact(1, _ANA), "4.0")

    assert "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4" in three
    assert "PHOTO:data:image/jpeg;base64,/9j/4" in four
    assert "BDAY:--08-25" in three
    assert "BDAY:--0825" in four
    assert "X-ALLY-DATE;LABEL=a ^'b^':2024-02-29" in three
    assert "X-ALLY-DATE;LABEL=a ^'b^':20240229" in four


def test_png_photo_gets_its_type() -> None:
    data = dataclasses.replace(_ANA, photo=PNG_MAGIC + b"\0" * 10)

    assert "TYPE=PNG" in card_of(OutgoingContact(1, data))
    assert "data:image/png;base64," in card_of(OutgoingContact(1, data), "4.0")


def test_anniversary_is_standard_only_in_4_0() -> None:
    data = dataclasses.replace(_ANA, dates=[ImportantDate("anniversary", 6, 1, 2010)])

    assert "\r\nX-ANNIVERSARY:2010-06-01\r\n" in card_of(OutgoingContact(1, data), "3.0")
    assert "\r\nANNIVERSARY:20100601\r\n" in card_of(OutgoingContact(1, data), "4.0")


def test_only_outgoing_connections_are_written() -> None:
    data = dataclasses.replace(
        _ANA,
        connections=[
            ConnectionLink(2, "reports_to", True, "boss; big", "met, once"),
            ConnectionLink(3, "mentor_of", False),
        ],
    )

    text = card_of(OutgoingContact(1, data))

    assert "X-ALLY-CONNECTION:reports_to;ally-2;boss\\; big;met\\, once" in text
    assert "ally-3" not in text


@pytest.mark.parametrize("version", ["2.1", "3", "5.0"])
def test_unknown_versions_are_refused(version: str) -> None:
    with pytest.raises(ValueError, match=r"vCard 3\.0 or 4\.0"):
        card_of(OutgoingContact(1, _ANA), version)
    with pytest.raises(ValueError, match=r"vCard 3\.0 or 4\.0"):
        write_cards([], io.StringIO(), version)


def test_a_long_run_of_spaces_in_a_note_survives_folding() -> None:
    data = dataclasses.replace(_ANA, notes="start" + " " * 300 + "end")

    for version in VERSIONS:
        assert _one(card_of(OutgoingContact(1, data), version)).data.notes == data.notes


# -- other programs' files -----------------------------------------------------------------


def test_apple_contacts_export() -> None:
    zoe, renee, cafe = _contacts(_fixture("apple_contacts.vcf"))

    assert [zoe.line, renee.line, cafe.line] == [1, 39, 54]
    assert (zoe.data.given_name, zoe.data.family_name) == ("Zoë", "Müller-Lüdenscheidt")
    assert zoe.data.display_name == ""
    assert zoe.data.nickname == "Zo"
    assert (zoe.data.organization, zoe.data.team) == ("Ćevapi & Co. GmbH", "Backoffice")
    assert zoe.data.job_title == "Head of Operations"
    assert zoe.data.emails == [
        LabeledValue("other", "zoe@example.com"),
        LabeledValue("work", "zoe.mueller@example.org"),
    ]
    assert zoe.data.phones == [
        LabeledValue("mobile", "+49 170 1234567"),
        LabeledValue("home", "+49 30 1234567"),
    ]
    assert zoe.data.addresses == [
        Address("home", "Hauptstraße 5, Hinterhaus", "Berlin", "", "10115", "Deutschland")
    ]
    assert zoe.data.links == [LabeledValue("website", "https://zoe.example.com")]
    assert zoe.data.notes == (
        "Met at the Berlin product meetup.\n"
        "Likes hiking, coffee and chess.\n"
        "Ask about her move to the new team."
    )
    assert zoe.data.dates == [
        ImportantDate("birthday", 3, 14, 1987),
        ImportantDate("anniversary", 6, 20, 2015),
    ]
    assert zoe.data.tags == ["Friends", "Berlin"]
    assert zoe.data.photo is not None
    assert zoe.data.photo.startswith(b"\xff\xd8\xff")
    assert zoe.data.photo.endswith(b"\xff\xd9")
    assert len(zoe.data.photo) == 633

    assert renee.data.emails == [LabeledValue("Uni", "renee.oconnor@example.ie")]
    assert renee.data.phones == [LabeledValue("iPhone", "+353 87 123 4567")]
    assert renee.data.organization == "Trinity College Dublin"
    assert renee.data.team == ""
    assert renee.data.dates == [
        ImportantDate("birthday", 11, 2, None),
        ImportantDate("custom", 9, 1, 2021, "Started at Trinity"),
    ]

    assert (cafe.data.given_name, cafe.data.family_name) == ("", "")
    assert cafe.data.display_name == "Café Lumière SARL"
    assert cafe.data.addresses == [
        Address("work", "12 Rue de Rivoli", "Paris", "", "75004", "France")
    ]
    for contact in (zoe, renee, cafe):
        validate_contact(contact.data)


def test_google_contacts_export() -> None:
    priya, jean_luc, acme = _contacts(_fixture("google_contacts.vcf"))

    assert (priya.data.given_name, priya.data.family_name) == ("Priya", "Raman")
    assert priya.data.nickname == "Pri"
    assert priya.data.emails == [
        LabeledValue("home", "priya.raman@example.com"),
        LabeledValue("work", "p.raman@example.org"),
    ]
    assert priya.data.phones == [
        LabeledValue("mobile", "+44 7700 900123"),
        LabeledValue("work", "+44 20 7946 0958"),
    ]
    assert priya.data.addresses == [
        Address("work", "12 Example Street", "London", "", "EC1A 1BB", "United Kingdom")
    ]
    assert (priya.data.organization, priya.data.team) == ("Example Analytics Ltd.", "Research")
    assert priya.data.links == [
        LabeledValue("LinkedIn", "https://www.linkedin.com/in/priya-example")
    ]
    assert priya.data.dates == [
        ImportantDate("birthday", 5, 17, None),
        ImportantDate("custom", 9, 2, 2019, "Started at Example"),
    ]
    assert priya.data.notes == (
        "Introduced by Sam at PyCon UK.\nAsk about her conference talk, she is speaking in May."
    )
    assert priya.data.photo is None  # a link to Google's servers: Ally works offline
    assert priya.data.tags == ["Work"]  # Google's own "myContacts" group is no tag

    assert jean_luc.data.family_name == "Brézé"
    assert jean_luc.data.emails == [LabeledValue("Perso", "jl.breze@example.fr")]
    assert jean_luc.data.dates == [
        ImportantDate("birthday", 12, 1, 1979),
        ImportantDate("anniversary", 7, 19, 2008),
    ]
    assert jean_luc.data.tags == ["starred"]

    assert acme.data.display_name == "Acme Plumbing"
    assert acme.data.organization == "Acme Plumbing"
    assert acme.data.tags == []


def test_outlook_vcard_2_1() -> None:
    (jurgen,) = _contacts(_fixture("outlook_contact.vcf"))
    data = jurgen.data

    assert (data.given_name, data.family_name) == ("Jürgen", "Müller")
    assert data.display_name == ""
    assert (data.organization, data.team) == ("Bäckerei Müller GmbH", "Vertrieb")
    assert data.job_title == "Geschäftsführer"  # quoted-printable, UTF-8
    assert data.notes == (
        "Kennengelernt auf der Messe in Köln.\nMag Fußball und gutes Brot; trinkt keinen Kaffee."
    )
    assert data.phones == [
        LabeledValue("work", "+49 221 1234567"),
        LabeledValue("mobile", "+49 151 2345678"),
        LabeledValue("work fax", "+49 221 1234568"),
    ]
    assert data.emails == [
        LabeledValue("", "j.mueller@baeckerei-mueller.example"),
        LabeledValue("", "juergen.privat@example.de"),
    ]
    assert data.addresses == [Address("work", "Domstraße 1", "Köln", "NRW", "50667", "Deutschland")]
    assert data.links == [LabeledValue("work", "http://www.baeckerei-mueller.example")]
    assert data.dates == [
        ImportantDate("birthday", 8, 12, 1975),
        ImportantDate("anniversary", 6, 1, 2000),
    ]
    assert data.photo is not None
    assert data.photo.startswith(b"\xff\xd8\xff")
    validate_contact(data)


def test_thunderbird_vcard_4_0() -> None:
    sofia, aoife = _contacts(_fixture("thunderbird.vcf"))

    assert sofia.ref == "0f1e6c4a-3b7d-4a51-9d0e-2c6b8f4e9a17"
    assert (sofia.data.given_name, sofia.data.family_name) == ("Sofia", "Lindqvist")
    assert sofia.data.emails == [
        LabeledValue("", "sofia.lindqvist@example.se"),
        LabeledValue("", "sofia@example.net"),
    ]
    assert sofia.data.phones == [
        LabeledValue("work", "+46 8 123 456 78"),
        LabeledValue("mobile", "+46 70 123 45 67"),
    ]
    assert sofia.data.links == [LabeledValue("work", "https://nordic-widgets.example")]
    assert sofia.data.notes == (
        "Board member of the climbing club.\nPrefers email over phone; answers within a day."
    )
    assert sofia.data.dates == [
        ImportantDate("birthday", 2, 14, 1990),
        ImportantDate("anniversary", 8, 22, 2015),
    ]
    assert sofia.data.photo is not None
    assert sofia.data.photo.startswith(PNG_MAGIC)

    assert aoife.line == 23
    assert aoife.data.family_name == "Ó Briain"
    assert aoife.data.dates == [ImportantDate("birthday", 4, 3, None)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BDAY:--0825", ImportantDate("birthday", 8, 25)),
        ("BDAY:--08-25", ImportantDate("birthday", 8, 25)),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-08-25", ImportantDate("birthday", 8, 25)),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29", ImportantDate("birthday", 2, 29)),
        ("BDAY:1604-08-25", ImportantDate("birthday", 8, 25, 1604)),
        ("BDAY:19740825", ImportantDate("birthday", 8, 25, 1974)),
        ("BDAY:1974-08-25T00:00:00Z", ImportantDate("birthday", 8, 25, 1974)),
        ("X-ANNIVERSARY:2010-06-01", ImportantDate("anniversary", 6, 1, 2010)),
        ("X-ALLY-DATE:--1224", ImportantDate("custom", 12, 24)),
    ],
)
def test_date_variants(line: str, expected: ImportantDate) -> None:
    assert _one(_card("FN:Ana", line)).data.dates == [expected]


@pytest.mark.parametrize(
    "line", ["BDAY:1983", "BDAY:2006-06", "BDAY:--12", "BDAY;VALUE=text:circa 1800"]
)
def test_dates_without_a_day_are_left_out(line: str) -> None:
    assert _one(_card("FN:Ana", line, version="4.0")).data.dates == []


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("TEL;TYPE=IPHONE;TYPE=CELL;TYPE=VOICE:1", "iPhone"),
        ('TEL;TYPE="work,voice";PREF=1:1', "work"),
        ("TEL;HOME;FAX:1", "home fax"),
        ("TEL;TYPE=PREF,VOICE:1", ""),
        ("TEL;TYPE=x-custom:1", "x-custom"),
    ],
)
def test_labels_from_types(line: str, label: str) -> None:
    assert _one(_card("FN:Ana", line)).data.phones == [LabeledValue(label, "1")]


def test_apple_label_wins_over_types() -> None:
    contact = _one(
        _card(
            "FN:Ana",
            "item7.EMAIL;type=INTERNET;type=WORK:a@example.com",
            "item7.X-ABLabel:Mom\\, Dad",
        )
    )

    assert contact.data.emails == [LabeledValue("Mom, Dad", "a@example.com")]


def test_tel_uri_of_4_0_becomes_the_number() -> None:
    contact = _one(
        _card("FN:Ana", "TEL;VALUE=uri;TYPE=work,voice:tel:+1-418-656-9254", version="4.0")
    )

    assert contact.data.phones == [LabeledValue("work", "+1-418-656-9254")]


def test_photo_forms_are_read_in_either_version() -> None:
    three = _one(_card("FN:Ana", "PHOTO:data:image/png;base64,iVBORw0KGgo="))
    four = _one(_card("FN:Ana", "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=", version="4.0"))
    linked = _one(_card("FN:Ana", "PHOTO;VALUE=uri:https://example.com/ana.jpg", version="4.0"))

    assert three.data.photo == four.data.photo == PNG_MAGIC
    assert linked.data.photo is None


def test_windows_1252_quoted_printable_of_2_1() -> None:
    text = _card(
        "N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Sch=F6n;J=FCrgen",
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Caf=E9 au lait=0D=0A=",
        "zweite Zeile",
        version="2.1",
    )

    contact = _one(text)

    assert (contact.data.given_name, contact.data.family_name) == ("Jürgen", "Schön")
    assert contact.data.notes == "Café au lait\nzweite Zeile"


def test_formatted_name_becomes_the_display_name_when_it_says_more() -> None:
    company = _one(_card("N:;;;;", "FN:Acme Plumbing"))
    titled = _one(_card("N:Ruiz;Ana;;Dr.;", "FN:Dr. Ana Ruiz"))
    plain = _one(_card("N:Ruiz;Ana;;;", "FN:Ana  Ruiz"))
    nickname_only = _one(_card("N:;;;;", "FN:Bo", "NICKNAME:Bo"))

    assert company.data.display_name == "Acme Plumbing"
    assert titled.data.display_name == "Dr. Ana Ruiz"
    assert plain.data.display_name == ""
    assert nickname_only.data.display_name == ""


def test_ally_fields_are_read() -> None:
    contact = _one(
        _card(
            "FN:Ana",
            "X-ALLY-CLOSENESS:inner_circle",
            "X-ALLY-CADENCE-DAYS:14",
            "X-ALLY-MET-ON:2023-04-01",
            "X-ALLY-ARCHIVED:yes",
            "X-ALLY-TOPIC:pricing\\, contracts",
            "X-ALLY-CONNECTION:introduced;ally-9",
            "X-ALLY-CREATED:2020-01-01T00:00:00Z",
            "UID:ally-3",
        )
    )

    assert contact.data.closeness is Closeness.INNER_CIRCLE
    assert contact.data.cadence_days == 14
    assert contact.data.met_on == date(2023, 4, 1)
    assert contact.data.archived is True
    assert contact.data.topics == ["pricing, contracts"]
    assert [(link.ref, link.kind, link.label) for link in contact.links] == [
        ("ally-9", "introduced", "")
    ]
    assert contact.created_at == "2020-01-01T00:00:00Z"
    assert contact.ref == "ally-3"


def test_looks_like_vcard() -> None:
    assert looks_like_vcard("\ufeff\r\n  \r\nbegin:vcard\r\nVERSION:3.0\r\n")
    assert looks_like_vcard(_fixture("thunderbird.vcf"))
    assert not looks_like_vcard("given_name,family_name\r\nAna,Ruiz\r\n")
    assert not looks_like_vcard("")
    assert not looks_like_vcard("BEGIN:VCALENDAR\r\n")


def test_byte_order_mark_and_lower_case_markers_are_fine() -> None:
    text = "\ufeffbegin:vcard\nversion:3.0\nfn:Ana\nend:vcard\n"

    assert _one(text).data.display_name == "Ana"


# -- broken text ---------------------------------------------------------------------------


def test_a_broken_card_is_reported_and_the_others_are_read() -> None:
    text = (
        _card("N:One;Ana;;;", "FN:Ana One")
        + _card("N:Two;Bo;;;", "THIS LINE IS BROKEN", "FN:Bo Two")
        + _card("N:Three;Cy;;;", "FN:Cy Three")
    )

    first, problem, third = _read(text)

    assert isinstance(first, IncomingContact)
    assert first.data.given_name == "Ana"
    assert problem == RowProblem(
        6, "Line 9 is not a vCard line (NAME:value): “THIS LINE IS BROKEN”."
    )
    assert isinstance(third, IncomingContact)
    assert third.data.given_name == "Cy"
    assert third.line == 12


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("BDAY:next Tuesday", "The birthday “next Tuesday” is not a date."),
        ("X-ALLY-CLOSENESS:bestie", "“bestie” is not a closeness"),
        ("X-ALLY-CADENCE-DAYS:weekly", "is not a whole number of days"),
        ("X-ALLY-ARCHIVED:maybe", "neither yes nor no"),
        ("X-ALLY-CONNECTION:reports_to", "is not a connection"),
        ("PHOTO;ENCODING=b;TYPE=JPEG:!!!not base64!!!", "The photo is not valid base64 data."),
        ("NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=x-klingon:abc", "character set"),
    ],
)
def test_cards_that_cannot_be_understood_say_why(line: str, reason: str) -> None:
    text = _card("FN:Bad", line) + _card("FN:Good")

    problem, good = _read(text)

    assert isinstance(problem, RowProblem)
    assert problem.line == 1
    assert reason in problem.reason
    assert isinstance(good, IncomingContact)
    assert good.line == 6


def test_a_truncated_file_keeps_the_cards_before_the_cut() -> None:
    text = _card("FN:Ana") + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo\r\nNOTE:half a no"

    ana, problem = _read(text)

    assert isinstance(ana, IncomingContact)
    assert problem == RowProblem(
        5, "The card that starts on line 5 is cut off: the text ends before its END:VCARD."
    )


def test_a_card_without_its_end_does_not_swallow_the_next() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\n" + _card("FN:Bo")

    problem, bo = _read(text)

    assert isinstance(problem, RowProblem)
    assert problem.line == 1
    assert "no END:VCARD before the next card, on line 4" in problem.reason
    assert isinstance(bo, IncomingContact)
    assert bo.line == 4


def test_text_between_cards_is_reported_once_per_stretch() -> None:
    text = _card("FN:Ana") + "stray\r\nmore stray\r\n\r\n" + _card("FN:Bo") + "END:VCARD\r\n"

    ana, stray, bo, end = _read(text)

    assert isinstance(ana, IncomingContact)
    assert isinstance(bo, IncomingContact)
    assert stray == RowProblem(
        5, "Lines 5 to 6 are outside any card (a card starts with BEGIN:VCARD)."
    )
    assert end == RowProblem(12, "Line 12 is outside any card (a card starts with BEGIN:VCARD).")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "There is nothing to read: the text holds no cards."),
        ("  \r\n\r\n\t\n", "There is nothing to read: the text holds no cards."),
        (bytes(range(256)).decode("latin-1"), "This is not a vCard: no line says BEGIN:VCARD."),
        ("given_name,family_name\nAna,Ruiz\n", "This is not a vCard: no line says BEGIN:VCARD."),
    ],
)
def test_text_that_is_no_vcard_gives_one_clear_problem(text: str, reason: str) -> None:
    (problem,) = _read(text)

    assert isinstance(problem, RowProblem)
    assert problem.reason == reason


def test_binary_junk_inside_a_card_is_a_problem_not_an_exception() -> None:
    junk = bytes(range(1, 256)).decode("latin-1").replace("\r", "").replace("\n", "")
    text = _card("FN:Ana", junk) + _card("FN:Bo")

    problem, bo = _read(text)

    assert isinstance(problem, RowProblem)
    assert problem.line == 1
    assert "Line 4 is not a vCard line" in problem.reason
    assert isinstance(bo, IncomingContact)
