"""Finding the one person a typed name means, as ``ally log --with NAME`` does."""

from __future__ import annotations

from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import (
    AmbiguousNameError,
    NameMatch,
    NameNotFoundError,
    resolve_name,
)
from ally_desktop.core.contacts import create_contact, purge_contacts, trash_contacts
from ally_desktop.core.records import ContactData


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


@pytest.fixture
def people(db: pw.SqliteDatabase) -> dict[str, int]:
    return {
        "bjorn_stark": _add(db, "Björn", "Iyer", organization="Stark Industries"),
        "bjorn_wayne": _add(db, "Björn", "Iyer", organization="Wayne Enterprises"),
        "elodie": _add(db, "Élodie", "Martin", organization="Acme"),
        "ana": _add(db, "Ana"),
        "ana_lopez": _add(db, "Ana", "Lopez"),
        "ana_smith": _add(db, "Ana", "Smith", organization="Globex"),
        "zoe": _add(db, "Zoë", "Adams", nickname="Zed"),
    }


@pytest.mark.parametrize(
    "typed", ["Élodie Martin", "elodie martin", "ELODIE  MARTIN", " élodie martin "]
)
def test_exact_name_ignores_case_accents_and_spaces(
    db: pw.SqliteDatabase, people: dict[str, int], typed: str
) -> None:
    assert resolve_name(db, typed) == NameMatch(people["elodie"], "Élodie Martin", "Acme")


def test_exact_name_wins_over_longer_names(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    """ "Ana" is Ana, not one of the Anas with a family name."""
    assert resolve_name(db, "ana").id == people["ana"]
    assert resolve_name(db, "ANA").name == "Ana"


@pytest.mark.parametrize(
    ("typed", "who"),
    [("elod", "elodie"), ("Martin", "elodie"), ("zoe ad", "zoe"), ("ana lop", "ana_lopez")],
)
def test_the_only_person_whose_name_starts_so(
    db: pw.SqliteDatabase, people: dict[str, int], typed: str, who: str
) -> None:
    assert resolve_name(db, typed).id == people[who]


def test_unaccented_prefix_finds_the_accented_name(db: pw.SqliteDatabase) -> None:
    bjorn = _add(db, "Björn", "Iyer")
    assert resolve_name(db, "bjorn").id == bjorn
    assert resolve_name(db, "Bjorn Iyer").id == bjorn
    assert resolve_name(db, "björn").id == bjorn


def test_several_people_list_the_candidates(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    with pytest.raises(AmbiguousNameError) as excinfo:
        resolve_name(db, "bjorn iyer")
    error = excinfo.value
    assert {c.id for c in error.candidates} == {people["bjorn_stark"], people["bjorn_wayne"]}
    message = str(error)
    assert "Björn Iyer (Stark Industries)" in message
    assert "Björn Iyer (Wayne Enterprises)" in message
    assert "\n" not in message


def test_a_prefix_matching_several_is_ambiguous(db: pw.SqliteDatabase) -> None:
    lopez = _add(db, "Ana", "Lopez")
    lowe = _add(db, "Ana", "Lowe")
    with pytest.raises(AmbiguousNameError) as excinfo:
        resolve_name(db, "ana lo")
    assert [c.id for c in excinfo.value.candidates] == [lopez, lowe]
    assert "Ana Lopez; Ana Lowe" in str(excinfo.value)


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Björn Iyer (Stark Industries)", "bjorn_stark"),
        ("bjorn iyer (wayne enterprises)", "bjorn_wayne"),
        ("  Bjorn Iyer ( Wayne Enterprises ) ", "bjorn_wayne"),
    ],
)
def test_organization_in_brackets_tells_them_apart(
    db: pw.SqliteDatabase, people: dict[str, int], typed: str, who: str
) -> None:
    assert resolve_name(db, typed).id == people[who]


def test_the_listed_form_of_each_candidate_resolves(
    db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    with pytest.raises(AmbiguousNameError) as excinfo:
        resolve_name(db, "Björn Iyer")
    for candidate in excinfo.value.candidates:
        shown = f"{candidate.name} ({candidate.organization})"
        assert resolve_name(db, shown) == candidate


def test_wrong_organization_matches_nobody(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    with pytest.raises(NameNotFoundError):
        resolve_name(db, "Björn Iyer (Globex)")


@pytest.mark.parametrize("typed", ["Nobody Known", "xyz", "!!!"])
def test_unknown_name(db: pw.SqliteDatabase, people: dict[str, int], typed: str) -> None:
    with pytest.raises(NameNotFoundError):
        resolve_name(db, typed)


@pytest.mark.parametrize("typed", ["", "   ", "\t"])
def test_empty_name(db: pw.SqliteDatabase, people: dict[str, int], typed: str) -> None:
    with pytest.raises(NameNotFoundError, match="empty"):
        resolve_name(db, typed)


def test_people_in_the_trash_are_not_matched(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    trash_contacts(db, [people["elodie"]])
    with pytest.raises(NameNotFoundError):
        resolve_name(db, "Élodie Martin")
    with pytest.raises(NameNotFoundError):
        resolve_name(db, "elod")

    trash_contacts(db, [people["bjorn_wayne"]])
    assert resolve_name(db, "Björn Iyer").id == people["bjorn_stark"], "no longer ambiguous"
    purge_contacts(db, [people["bjorn_wayne"]])
    assert resolve_name(db, "bjorn").id == people["bjorn_stark"]


def test_an_empty_store(db: pw.SqliteDatabase) -> None:
    with pytest.raises(NameNotFoundError):
        resolve_name(db, "Ana")


def test_a_name_that_itself_has_brackets(db: pw.SqliteDatabase) -> None:
    sam = create_contact(db, ContactData(display_name="Sam (Marketing)"))
    assert resolve_name(db, "Sam (Marketing)").id == sam
