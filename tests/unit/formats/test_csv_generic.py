"""Any other CSV: mappings guessed from headers in Ally's languages and from Thunderbird,
rows read through a mapping, and the lenient dates every foreign format shares."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ally_desktop.core.formats.common import RowError
from ally_desktop.core.formats.csv_generic import (
    Target,
    contact_of_mapped,
    guess_mapping,
    kind_label,
    loose_day,
    mapping_is_usable,
)
from ally_desktop.core.records import Address, ContactData, ImportantDate, LabeledValue
from tests.unit.formats.csv_fixtures import read_table

T = Target


def _read(name: str, count: int | None = None) -> list[ContactData]:
    table = read_table(name)
    mapping = guess_mapping(table.header)
    return [
        contact_of_mapped(cells, mapping, line, header=table.header).data
        for line, cells in table.rows[:count]
    ]


# -- guessing -------------------------------------------------------------------------------


def test_guesses_thunderbirds_english_header() -> None:
    assert guess_mapping(read_table("thunderbird.csv").header) == [
        T.GIVEN_NAME, T.FAMILY_NAME, T.DISPLAY_NAME, T.NICKNAME, T.EMAIL, T.EMAIL, T.IGNORE,
        T.PHONE, T.PHONE, T.PHONE, T.PHONE, T.PHONE,
        T.STREET, T.STREET_2, T.CITY, T.REGION, T.POSTAL_CODE, T.COUNTRY,
        T.STREET, T.STREET_2, T.CITY, T.REGION, T.POSTAL_CODE, T.COUNTRY,
        T.JOB_TITLE, T.TEAM, T.ORGANIZATION, T.WEBSITE, T.WEBSITE,
        T.BIRTH_YEAR, T.BIRTH_MONTH, T.BIRTH_DAY,
        T.IGNORE, T.IGNORE, T.IGNORE, T.IGNORE, T.NOTES,
    ]  # fmt: skip


def test_guesses_thunderbirds_german_header() -> None:
    # "Geburtstag" is the day of the month here, next to "Geburtsjahr" and "Geburtsmonat".
    assert guess_mapping(read_table("thunderbird_de.csv").header) == [
        T.GIVEN_NAME, T.FAMILY_NAME, T.DISPLAY_NAME, T.NICKNAME, T.EMAIL, T.EMAIL, T.IGNORE,
        T.PHONE, T.PHONE, T.PHONE, T.PHONE, T.PHONE,
        T.STREET, T.STREET_2, T.CITY, T.REGION, T.POSTAL_CODE, T.COUNTRY,
        T.STREET, T.STREET_2, T.CITY, T.REGION, T.POSTAL_CODE, T.COUNTRY,
        T.JOB_TITLE, T.TEAM, T.ORGANIZATION, T.WEBSITE, T.WEBSITE,
        T.BIRTH_YEAR, T.BIRTH_MONTH, T.BIRTH_DAY,
        T.IGNORE, T.IGNORE, T.IGNORE, T.IGNORE, T.NOTES,
    ]  # fmt: skip


def test_guesses_thunderbirds_british_wording() -> None:
    header = ["Home County", "Home Post Code", "Organisation", "Web Page 2"]
    assert guess_mapping(header) == [T.REGION, T.POSTAL_CODE, T.ORGANIZATION, T.WEBSITE]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "First name,Last name,Company,Job title,Work email,Personal Email,Mobile,"
            "Office phone,Street address,City,State,ZIP,Country,Birthday,Tags,Notes,Foo",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE, T.EMAIL, T.EMAIL,
             T.PHONE, T.PHONE, T.STREET, T.CITY, T.REGION, T.POSTAL_CODE, T.COUNTRY,
             T.BIRTHDAY, T.TAGS, T.NOTES, T.IGNORE],
        ),
        (
            "Vorname,Nachname,Firma,Abteilung,Position,E-Mail,Telefon geschäftlich,"
            "Mobiltelefon,Straße,PLZ,Ort,Land,Geburtstag,Notizen",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.TEAM, T.JOB_TITLE, T.EMAIL,
             T.PHONE, T.PHONE, T.STREET, T.POSTAL_CODE, T.CITY, T.COUNTRY, T.BIRTHDAY,
             T.NOTES],
        ),
        (  # German forms call the last name "Name"
            "Anrede,Vorname,Name,E-Mail-Adresse",
            [T.IGNORE, T.GIVEN_NAME, T.FAMILY_NAME, T.EMAIL],
        ),
        (
            "Prénom,Nom,Société,Fonction,Courriel,Téléphone portable,Ville,Notes",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE, T.EMAIL, T.PHONE,
             T.CITY, T.NOTES],
        ),
        (
            "Nombre,Apellidos,Empresa,Cargo,Correo electrónico,Teléfono móvil,Dirección,"
            "Ciudad,Código postal,País,Fecha de nacimiento,Etiquetas,Notas",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE, T.EMAIL, T.PHONE,
             T.STREET, T.CITY, T.POSTAL_CODE, T.COUNTRY, T.BIRTHDAY, T.TAGS, T.NOTES],
        ),
        (
            "Nome,Cognome,Azienda,Ruolo,Email,Cellulare,Città,Compleanno,Note",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE, T.EMAIL, T.PHONE,
             T.CITY, T.BIRTHDAY, T.NOTES],
        ),
        (
            "Voornaam,Tussenvoegsel,Achternaam,Bedrijf,Functie,E-mailadres,Telefoonnummer,"
            "Woonplaats,Verjaardag",
            [T.GIVEN_NAME, T.MIDDLE_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE,
             T.EMAIL, T.PHONE, T.CITY, T.BIRTHDAY],
        ),
        (
            "Nome,Sobrenome,Empresa,Cargo,E-mail,Celular,Cidade,Data de nascimento",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE, T.EMAIL, T.PHONE,
             T.CITY, T.BIRTHDAY],
        ),
        (  # Apple Contacts / Numbers-style: the kind in brackets
            "First name,Last name,Organization,Job title,Email (work),Email (home),"
            "Phone (mobile),Phone (iPhone),Street (home),City (home),ZIP (home),"
            "Country (home),Note,URL (homepage)",
            [T.GIVEN_NAME, T.FAMILY_NAME, T.ORGANIZATION, T.JOB_TITLE, T.EMAIL, T.EMAIL,
             T.PHONE, T.PHONE, T.STREET, T.CITY, T.POSTAL_CODE, T.COUNTRY, T.NOTES,
             T.WEBSITE],
        ),
        (  # HubSpot
            "Record ID,First Name,Last Name,Email,Email Domain,Phone Number,"
            "Mobile Phone Number,Company Name,Job Title,Street Address,City,State/Region,"
            "Postal Code,Country/Region,Lifecycle Stage",
            [T.IGNORE, T.GIVEN_NAME, T.FAMILY_NAME, T.EMAIL, T.IGNORE, T.PHONE, T.PHONE,
             T.ORGANIZATION, T.JOB_TITLE, T.STREET, T.CITY, T.REGION, T.POSTAL_CODE,
             T.COUNTRY, T.IGNORE],
        ),
        (  # Salesforce: "Title" is the job title there
            "Salutation,First Name,Last Name,Title,Account Name,Mailing Street,Mailing City,"
            "Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,Phone,Mobile,"
            "Email,Email Opt Out,Birthdate,Lead Source,Description",
            [T.IGNORE, T.GIVEN_NAME, T.FAMILY_NAME, T.JOB_TITLE, T.ORGANIZATION, T.STREET,
             T.CITY, T.REGION, T.POSTAL_CODE, T.COUNTRY, T.PHONE, T.PHONE, T.EMAIL,
             T.IGNORE, T.BIRTHDAY, T.MET_HOW, T.NOTES],
        ),
        (
            "Name,Email Address,Pronouns,Topics,Met on,How we met",
            [T.FULL_NAME, T.EMAIL, T.PRONOUNS, T.TOPICS, T.MET_ON, T.MET_HOW],
        ),
    ],
)  # fmt: skip
def test_guesses_headers_in_allys_languages(header: str, expected: list[Target]) -> None:
    assert guess_mapping(header.split(",")) == expected


def test_with_a_job_title_column_outlooks_title_is_the_salutation() -> None:
    assert guess_mapping(["Title", "First Name", "Job Title"]) == [
        T.IGNORE,
        T.GIVEN_NAME,
        T.JOB_TITLE,
    ]


def test_every_target_has_a_label_and_ignore_is_one() -> None:
    assert T.GIVEN_NAME.label == "First name"
    assert T.IGNORE.label == "Don't import"
    assert all(t.label for t in Target)


def test_a_mapping_is_usable_with_a_name_an_email_or_an_organization() -> None:
    assert mapping_is_usable([T.IGNORE, T.FULL_NAME])
    assert mapping_is_usable([T.EMAIL])
    assert mapping_is_usable([T.ORGANIZATION, T.PHONE])
    assert not mapping_is_usable([T.PHONE, T.CITY, T.NOTES, T.IGNORE])
    assert not mapping_is_usable([])


# -- reading mapped rows --------------------------------------------------------------------


def test_reads_thunderbirds_export() -> None:
    greta, helpdesk, ivan = _read("thunderbird.csv")

    assert (greta.given_name, greta.family_name, greta.display_name) == (
        "Greta",
        "Berg",
        "Greta Berg",
    )
    assert (greta.organization, greta.team, greta.job_title) == (
        "Nordic Widgets AB",
        "Engineering",
        "CTO",
    )
    assert greta.emails == [
        LabeledValue("", "greta.berg@example.se"),
        LabeledValue("", "greta@berg.example"),
    ]
    assert greta.phones == [
        LabeledValue("work", "+46 8 123 456 00"),
        LabeledValue("fax", "+46 8 123 456 01"),
        LabeledValue("mobile", "+46 70 123 45 67"),
    ]
    assert greta.addresses == [
        Address("home", "Storgatan 1, lgh 1102", "Stockholm", "", "111 22", "Sweden"),
        Address("work", "Kungsgatan 5", "Stockholm", "", "111 43", "Sweden"),
    ]
    assert greta.links == [
        LabeledValue("website", "https://nordicwidgets.example"),
        LabeledValue("GitHub", "https://github.com/gretaberg"),
    ]
    assert greta.dates == [ImportantDate("birthday", 4, 12, 1985)]
    assert greta.notes == "Loves fika.\nIntroduced by Ana."

    assert helpdesk.display_name == "Helpdesk Nordic"
    assert ivan.dates == [ImportantDate("birthday", 11, 7, None)]


def test_reads_thunderbirds_german_export_in_windows_1252() -> None:
    juergen, klara = _read("thunderbird_de.csv")

    assert (juergen.given_name, juergen.family_name) == ("Jürgen", "Schäfer")
    assert juergen.organization == "Müller & Söhne GmbH"
    assert (juergen.job_title, juergen.team) == ("Leiter Einkauf", "Einkauf")
    assert juergen.phones == [
        LabeledValue("work", "+49 30 1234567"),
        LabeledValue("home", "+49 30 7654321"),
        LabeledValue("mobile", "+49 171 2345678"),
    ]
    assert juergen.addresses == [
        Address("home", "Hauptstraße 5", "Berlin", "", "10115", "Deutschland"),
        Address("work", "Friedrichstraße 100", "Berlin", "", "10117", "Deutschland"),
    ]
    assert juergen.links == [LabeledValue("XING", "https://www.xing.com/profile/Juergen_Schaefer")]
    assert juergen.dates == [ImportantDate("birthday", 12, 24, 1970)]
    assert juergen.notes == "Bevorzugt Anrufe; nie vor 9 Uhr."

    assert klara.display_name == "Weiß Consulting"
    assert klara.emails == [LabeledValue("", "klara.weiss@beispiel.de")]


def test_reads_a_french_spreadsheet() -> None:
    elodie, luc, atelier = _read("generic_fr.csv")

    assert (elodie.given_name, elodie.family_name) == ("Élodie", "Durand")
    assert (elodie.organization, elodie.job_title) == ("Société Générale", "Directrice financière")
    assert elodie.emails == [LabeledValue("", "elodie.durand@exemple.fr")]
    assert elodie.phones == [LabeledValue("mobile", "06 12 34 56 78")]
    assert elodie.addresses == [Address("", "", "Paris")]
    assert elodie.notes == "Rencontrée au salon VivaTech; très intéressée par l'IA"

    assert (luc.organization, luc.job_title) == ("", "Consultant indépendant")
    assert atelier.display_name == "Atelier Dupont"
    assert atelier.emails == [LabeledValue("", "contact@atelier-dupont.example")]


def test_a_full_name_is_split_at_the_last_space() -> None:
    mapping = [T.FULL_NAME, T.EMAIL]
    ana = contact_of_mapped(["Ana Sofia Lima", "ana@x.example"], mapping, 2).data
    assert (ana.given_name, ana.family_name) == ("Ana Sofia", "Lima")
    cher = contact_of_mapped(["Cher", ""], mapping, 3).data
    assert (cher.given_name, cher.family_name) == ("Cher", "")


def test_a_full_name_next_to_first_and_last_is_a_display_name_only_when_different() -> None:
    mapping = [T.FULL_NAME, T.GIVEN_NAME, T.MIDDLE_NAME, T.FAMILY_NAME]
    same = contact_of_mapped(["Lima, Ana", "Ana", "", "Lima"], mapping, 2).data
    assert same.display_name == ""
    other = contact_of_mapped(["Dr. Ana Lima", "Ana", "S.", "Lima"], mapping, 2).data
    assert (other.given_name, other.display_name) == ("Ana S.", "Dr. Ana Lima")


def test_cells_with_several_values_and_labels_from_the_column() -> None:
    header = ["Name", "Work email", "E-mail", "Mobile", "Tags", "Topics", "Web"]
    mapping = guess_mapping(header)
    cells = [
        "Bo Chen",
        "bo@work.example; Bo <bo.chen@work.example>",
        "mailto:bo@home.example",
        "+1 555 0100\n+1 555 0101",
        "mentor, new job ::: conference",
        "pricing; contract law",
        "https://www.linkedin.com/in/bochen https://bo.example",
    ]
    bo = contact_of_mapped(cells, mapping, 2, header=header).data
    assert bo.emails == [
        LabeledValue("work", "bo@work.example"),
        LabeledValue("work", "bo.chen@work.example"),
        LabeledValue("", "bo@home.example"),
    ]
    assert bo.phones == [
        LabeledValue("mobile", "+1 555 0100"),
        LabeledValue("mobile", "+1 555 0101"),
    ]
    assert bo.tags == ["mentor", "new job", "conference"]
    assert bo.topics == ["pricing", "contract law"]
    assert bo.links == [
        LabeledValue("LinkedIn", "https://www.linkedin.com/in/bochen"),
        LabeledValue("website", "https://bo.example"),
    ]


def test_without_the_header_labels_stay_empty() -> None:
    bo = contact_of_mapped(["Bo", "bo@work.example"], [T.GIVEN_NAME, T.EMAIL], 2).data
    assert bo.emails == [LabeledValue("", "bo@work.example")]


def test_met_on_and_how() -> None:
    mapping = [T.GIVEN_NAME, T.MET_ON, T.MET_HOW, T.PRONOUNS]
    ana = contact_of_mapped(["Ana", "17.05.2024", "Conference", "she/her"], mapping, 2).data
    assert (ana.met_on, ana.met_how, ana.pronouns) == (date(2024, 5, 17), "Conference", "she/her")
    vague = contact_of_mapped(["Bo", "last spring", "", ""], mapping, 3).data
    assert vague.met_on is None
    assert vague.notes == "Met on: last spring"


def test_what_cannot_be_read_is_kept_in_the_notes() -> None:
    mapping = [T.GIVEN_NAME, T.EMAIL, T.BIRTHDAY, T.NOTES]
    row = ["Ana", "not an address", "31.02.1980", "Call her."]
    ana = contact_of_mapped(row, mapping, 2).data
    assert ana.emails == []
    assert ana.dates == []
    assert ana.notes == "Call her.\n\nEmail: not an address\nBirthday: 31.02.1980"


def test_missing_cells_are_empty_and_extra_cells_ignored() -> None:
    short = contact_of_mapped(["Ana"], [T.GIVEN_NAME, T.FAMILY_NAME, T.EMAIL], 2).data
    assert (short.given_name, short.family_name, short.emails) == ("Ana", "", [])
    long = contact_of_mapped(["Ana", "Lima", "x"], [T.GIVEN_NAME, T.FAMILY_NAME], 2).data
    assert (long.given_name, long.family_name) == ("Ana", "Lima")


@pytest.mark.parametrize(
    "cells",
    [
        ["", "", "", ""],
        ["  ", "", "Paris", "Some notes"],
    ],
)
def test_a_row_with_nothing_usable_is_refused(cells: list[str]) -> None:
    mapping = [T.FULL_NAME, T.PHONE, T.CITY, T.NOTES]
    with pytest.raises(RowError, match="no name, email, phone or organization"):
        contact_of_mapped(cells, mapping, 7)


def test_a_row_with_only_a_phone_number_is_named_after_it() -> None:
    data = contact_of_mapped(
        ["", "+1 555 0100", "Paris", ""], [T.FULL_NAME, T.PHONE, T.CITY, T.NOTES], 7
    ).data
    assert data.display_name == "+1 555 0100"
    assert [p.value for p in data.phones] == ["+1 555 0100"]


# -- dates and labels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1974-08-25", (1974, 8, 25)),
        ("1974-08-25T00:00:00", (1974, 8, 25)),
        ("--08-25", (None, 8, 25)),
        ("25.08.1974", (1974, 8, 25)),
        ("25.08.74", (1974, 8, 25)),
        ("08/25/1974", (1974, 8, 25)),
        ("25/08/1974", (1974, 8, 25)),
        ("03/04/1974", (1974, 3, 4)),  # slashes and both under 13: American, month first
        ("03.04.1974", (1974, 4, 3)),  # dots: day first
        ("1974/08/25", (1974, 8, 25)),
        ("25 Aug 1974", (1974, 8, 25)),
        ("August 25, 1974", (1974, 8, 25)),
        ("25. August 1974", (1974, 8, 25)),
        ("3. März 1980", (1980, 3, 3)),
        ("25 août 1974", (1974, 8, 25)),
        ("25 de agosto de 1974", (1974, 8, 25)),
        ("7-Feb-22", (2022, 2, 7)),
        ("25.08.", (None, 8, 25)),
        ("08/25", (None, 8, 25)),
        ("25 Aug", (None, 8, 25)),
        ("29 Feb", (None, 2, 29)),
        ("8/25/1604", (None, 8, 25)),  # Apple's and Exchange's "year unknown"
        ("", None),
        ("0/0/00", None),  # Outlook's "none"
        ("1/1/4501", None),
    ],
)
def test_loose_days(text: str, expected: tuple[int | None, int, int] | None) -> None:
    assert loose_day(text) == expected


@pytest.mark.parametrize("text", ["soon", "31.02.1980", "13/13/1980", "1980", "Aug 1980"])
def test_what_is_not_a_day_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(text)):
        loose_day(text)


@pytest.mark.parametrize(
    ("column", "phone", "label"),
    [
        ("Work email", False, "work"),
        ("E-Mail (privat)", False, "home"),
        ("Primary Email", False, ""),
        ("Tel. dienstlich", True, "work"),
        ("Telefon geschäftlich", True, "work"),
        ("Téléphone portable", True, "mobile"),
        ("Mobil-Tel.-Nr.", True, "mobile"),
        ("Business Fax", True, "work fax"),
        ("Fax-Nummer", True, "fax"),
        ("Pager Number", True, "pager"),
        ("Other Phone", True, "other"),
    ],
)
def test_labels_from_column_names(column: str, phone: bool, label: str) -> None:
    assert kind_label(column, phone=phone) == label
