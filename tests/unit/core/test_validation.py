"""Checking and cleaning a contact before it is stored: every problem, tied to its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ally_desktop.core.records import (
    Address,
    Closeness,
    ConnectionLink,
    ContactData,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.core.text import (
    LINE_MAX_CHARS,
    NAME_MAX_CHARS,
    TEXT_MAX_CHARS,
    clean_line,
    is_blank,
)
from ally_desktop.core.validation import (
    CADENCE_MAX_DAYS,
    MAX_ITEMS,
    PHOTO_MAX_BYTES,
    FieldError,
    ValidationError,
    date_problem,
    email_problem,
    validate_contact,
)


def _errors(data: ContactData) -> list[FieldError]:
    with pytest.raises(ValidationError) as raised:
        validate_contact(data)
    assert str(raised.value) == "; ".join(e.message for e in raised.value.errors)
    return raised.value.errors


def _fields(data: ContactData) -> list[str]:
    return [e.field for e in _errors(data)]


def _ana(**fields: Any) -> ContactData:
    return ContactData(given_name="Ana", **fields)


def test_valid_contact_is_returned_cleaned_as_a_copy() -> None:
    data = _ana(family_name=" Lima ")
    cleaned = validate_contact(data)
    assert cleaned is not data
    assert cleaned.family_name == "Lima"
    assert data.family_name == " Lima "


@pytest.mark.parametrize(
    "data",
    [
        ContactData(),
        ContactData(given_name="   "),
        ContactData(given_name="\x00\x07", family_name="\t\n"),
    ],
)
def test_a_name_is_needed(data: ContactData) -> None:
    errors = _errors(data)
    assert errors == [FieldError("given_name", "A name is needed: type at least a first name.")]


@pytest.mark.parametrize("field", ["given_name", "family_name", "display_name", "nickname"])
def test_any_one_name_is_enough(field: str) -> None:
    cleaned = validate_contact(ContactData(**{field: "Kim"}))
    assert getattr(cleaned, field) == "Kim"


@pytest.mark.parametrize(
    "address", ["not-an-email", "ana@lima", "a b@c.org", "@lima.org", "ana@", "ana@@lima.org"]
)
def test_invalid_email(address: str) -> None:
    errors = _errors(_ana(emails=[LabeledValue("work", address)]))
    assert [e.field for e in errors] == ["emails"]
    assert address in errors[0].message
    assert email_problem(address)


@pytest.mark.parametrize(
    "address",
    ["ana@lima.org", "ana.lima+ally@mail.example", "josé@correo.españa.es", "用户@例子.广告"],
)
def test_valid_email(address: str) -> None:
    assert email_problem(address) is None
    assert validate_contact(_ana(emails=[LabeledValue("", address)])).emails[0].value == address


def test_blank_emails_are_dropped_not_refused() -> None:
    cleaned = validate_contact(_ana(emails=[LabeledValue("home", "  "), LabeledValue("", "")]))
    assert cleaned.emails == []


@pytest.mark.parametrize(
    ("year", "month", "day", "message"),
    [
        (None, 2, 30, "February has no day 30."),
        (None, 13, 1, "There is no month 13."),
        (None, 0, 10, "There is no month 0."),
        (2023, 2, 29, "February 2023 has no day 29."),
        (None, 4, 31, "April has no day 31."),
        (None, 1, 0, "January has no day 0."),
        (0, 1, 1, "The year 0 is out of range."),
        (10_000, 1, 1, "The year 10000 is out of range."),
    ],
)
def test_impossible_dates(year: int | None, month: int, day: int, message: str) -> None:
    assert date_problem(year, month, day) == message
    errors = _errors(_ana(dates=[ImportantDate("birthday", month, day, year)]))
    assert errors == [FieldError("dates", f"Birthday: {message}")]


@pytest.mark.parametrize(
    ("year", "month", "day"), [(None, 2, 29), (2024, 2, 29), (2000, 2, 29), (None, 12, 31)]
)
def test_possible_dates(year: int | None, month: int, day: int) -> None:
    assert date_problem(year, month, day) is None
    validate_contact(_ana(dates=[ImportantDate("birthday", month, day, year)]))


def test_unknown_kind_of_date() -> None:
    errors = _errors(_ana(dates=[ImportantDate("deathday", 1, 1)]))
    assert errors == [FieldError("dates", "Unknown kind of date “deathday”.")]


def test_custom_date_error_names_its_label() -> None:
    errors = _errors(_ana(dates=[ImportantDate("custom", 2, 31, label="Name day")]))
    assert errors[0].message == "Name day: February has no day 31."


def test_text_over_the_limit() -> None:
    assert _fields(_ana(notes="x" * (TEXT_MAX_CHARS + 1))) == ["notes"]
    assert _fields(_ana(ambitions="y" * (TEXT_MAX_CHARS + 1))) == ["ambitions"]
    assert validate_contact(_ana(notes="x" * TEXT_MAX_CHARS)).notes == "x" * TEXT_MAX_CHARS


def test_huge_text_error_says_how_long() -> None:
    errors = _errors(_ana(notes="x" * 1_000_000))
    assert len(errors) == 1
    assert "too long" in errors[0].message
    assert "1,000,000 of 100,000 characters" in errors[0].message


def test_names_and_lines_over_their_limits() -> None:
    assert _fields(ContactData(given_name="a" * (NAME_MAX_CHARS + 1))) == ["given_name"]
    assert validate_contact(ContactData(given_name="a" * NAME_MAX_CHARS))
    assert _fields(_ana(job_title="t" * (LINE_MAX_CHARS + 1))) == ["job_title"]
    assert _fields(_ana(organization="o" * (LINE_MAX_CHARS + 1))) == ["organization"]
    assert _fields(_ana(topics=["t" * (NAME_MAX_CHARS + 1)])) == ["topics"]
    assert _fields(_ana(phones=[LabeledValue("", "1" * (LINE_MAX_CHARS + 1))])) == ["phones"]
    long_street = Address(street="s" * (LINE_MAX_CHARS + 1))
    assert _fields(_ana(addresses=[long_street])) == ["addresses"]


def test_control_characters_are_stripped() -> None:
    cleaned = validate_contact(
        ContactData(
            given_name="A\x00n\x1ba\x7f",
            family_name="\x85Lima\u0000",
            job_title="Head\tof\r\nPricing",
            notes="first\r\nsecond\rthird\x0c\ttabbed\x1b",
        )
    )
    assert cleaned.given_name == "Ana"
    assert cleaned.family_name == "Lima"
    assert cleaned.job_title == "Head of Pricing"
    assert cleaned.notes == "first\nsecond\nthird\ttabbed"


@pytest.mark.parametrize(
    "name",
    [
        "محمد",
        "نور الهدى",
        "\u200fנועה\u200f",
        "李娜",
        "🦊",
        "👩🏽‍💻 Sam",
        "Zoë 🏳️‍🌈",
        "Ngọc Ánh",
        "O'Brien-Ó Súilleabháin",
    ],
)
def test_emoji_and_right_to_left_names_are_kept_exactly(name: str) -> None:
    cleaned = validate_contact(ContactData(given_name=name, nickname=name, display_name=name))
    assert cleaned.given_name == name
    assert cleaned.nickname == name
    assert cleaned.display_name == name
    assert validate_contact(cleaned) == cleaned


def test_decomposed_accents_are_composed() -> None:
    cleaned = validate_contact(ContactData(given_name="E\u0301lodie"))
    assert cleaned.given_name == "Élodie"


def test_multiple_errors_are_collected_at_once() -> None:
    data = ContactData(
        emails=[LabeledValue("", "nope"), LabeledValue("", "also@nope")],
        dates=[ImportantDate("birthday", 2, 30)],
        cadence_days=0,
        photo=b"x" * (PHOTO_MAX_BYTES + 1),
        notes="n" * (TEXT_MAX_CHARS + 1),
        connections=[ConnectionLink(2, "enemy_of")],
    )
    fields = _fields(data)
    assert sorted(fields) == sorted(
        ["given_name", "emails", "emails", "dates", "cadence_days", "photo", "notes", "connections"]
    )


@pytest.mark.parametrize(
    ("days", "ok"),
    [(0, False), (1, True), (CADENCE_MAX_DAYS, True), (CADENCE_MAX_DAYS + 1, False), (-7, False)],
)
def test_cadence(days: int, ok: bool) -> None:
    data = _ana(cadence_days=days)
    if ok:
        assert validate_contact(data).cadence_days == days
    else:
        assert _fields(data) == ["cadence_days"]


def test_photo_size() -> None:
    assert validate_contact(_ana(photo=b"p" * PHOTO_MAX_BYTES)).photo == b"p" * PHOTO_MAX_BYTES
    assert _fields(_ana(photo=b"p" * (PHOTO_MAX_BYTES + 1))) == ["photo"]


def test_met_on_must_be_a_date() -> None:
    assert validate_contact(_ana(met_on=date(2020, 1, 2))).met_on == date(2020, 1, 2)
    assert _fields(_ana(met_on="2020-01-02")) == ["met_on"]


def test_too_many_items() -> None:
    emails = [LabeledValue("", f"p{n}@mail.example") for n in range(MAX_ITEMS + 1)]
    assert _fields(_ana(emails=emails)) == ["emails"]
    assert len(validate_contact(_ana(emails=emails[:MAX_ITEMS])).emails) == MAX_ITEMS
    topics = [f"topic {n}" for n in range(MAX_ITEMS + 1)]
    assert _fields(_ana(topics=topics)) == ["topics"]


def test_duplicate_topics_and_tags_collapse() -> None:
    cleaned = validate_contact(
        _ana(topics=["Pricing", " pricing", "PRICING ", "Élodie", "elodie", ""], tags=["a", "A"])
    )
    assert cleaned.topics == ["Pricing", "Élodie"]
    assert cleaned.tags == ["a"]


def test_blank_addresses_are_dropped() -> None:
    cleaned = validate_contact(
        _ana(addresses=[Address(label="home"), Address(" work ", city=" Paris ")])
    )
    assert cleaned.addresses == [Address("work", city="Paris")]


def test_connections() -> None:
    cleaned = validate_contact(
        _ana(
            connections=[
                ConnectionLink(2, "reports_to", False, note=" weekly 1:1 "),
                ConnectionLink(2, "reports_to", False),
                ConnectionLink(3, "works_with", False),
                ConnectionLink(3, "works_with", True),
                ConnectionLink(4, "custom", True, label="  plays chess with "),
            ]
        )
    )
    assert cleaned.connections == [
        ConnectionLink(2, "reports_to", False, note="weekly 1:1"),
        ConnectionLink(3, "works_with", True),
        ConnectionLink(4, "custom", True, label="plays chess with"),
    ]


def test_unknown_connection_kind() -> None:
    errors = _errors(_ana(connections=[ConnectionLink(2, "enemy_of")]))
    assert errors == [FieldError("connections", "Unknown kind of connection “enemy_of”.")]


def test_closeness_and_archived_are_normalised() -> None:
    cleaned = validate_contact(_ana(closeness=0, archived=1))
    assert cleaned.closeness is Closeness.INNER_CIRCLE
    assert cleaned.archived is True


_TEXT = st.text(max_size=60)


@settings(max_examples=200, deadline=None)
@given(
    given_name=_TEXT,
    family_name=_TEXT,
    job_title=_TEXT,
    notes=st.text(max_size=200),
    topics=st.lists(_TEXT, max_size=5),
)
def test_validation_either_refuses_or_returns_clean_data(
    given_name: str, family_name: str, job_title: str, notes: str, topics: list[str]
) -> None:
    data = ContactData(
        given_name=given_name,
        family_name=family_name,
        job_title=job_title,
        notes=notes,
        topics=topics,
    )
    if is_blank(clean_line(given_name)) and is_blank(clean_line(family_name)):
        # Nothing visible: spaces, or only format characters such as a soft hyphen.
        assert _fields(data) == ["given_name"]
        return
    cleaned = validate_contact(data)
    for line in (cleaned.given_name, cleaned.family_name, cleaned.job_title, *cleaned.topics):
        assert line == line.strip()
        assert "  " not in line
        assert not any(ch in line for ch in "\x00\n\r\t\x1b")
    assert cleaned.given_name or cleaned.family_name
    assert "\r" not in cleaned.notes
    assert cleaned.notes == cleaned.notes.strip()


_PRINTABLE = st.text(
    alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=60
)


@settings(max_examples=200, deadline=None)
@given(name=_PRINTABLE, notes=_PRINTABLE, topic=_PRINTABLE)
def test_validating_clean_data_changes_nothing(name: str, notes: str, topic: str) -> None:
    data = ContactData(given_name=name, nickname="N", notes=notes, topics=[topic])
    cleaned = validate_contact(data)
    assert validate_contact(cleaned) == cleaned


def test_a_control_character_between_letter_and_accent_still_gives_composed_text() -> None:
    cleaned = validate_contact(ContactData(given_name="Jose\x00\u0301"))
    assert cleaned.given_name == "José"
    assert validate_contact(cleaned) == cleaned
