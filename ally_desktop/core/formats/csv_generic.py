"""Any other CSV: each column mapped to a field of a contact, and the cell readers that
the other programs' formats (Google, Outlook, LinkedIn) share.

A spreadsheet someone made by hand, a CRM's export or Thunderbird's address book has no
fixed header, so the user maps each column to a ``Target`` in the import dialog.
``guess_mapping`` proposes that mapping from the header names, in the languages Ally's
users write them in, so that most files need no change. Cells are read leniently (dates
in the common national forms, several emails in one cell, labels taken from the column
name) and nothing that cannot be placed is thrown away: it goes into the notes.

The shared part lives here too because every foreign format needs the same things:
lenient dates, "work"/"home"/"mobile" labels from other programs' words, naming a row
that only has a company or an email, and the notes block in which Ally's exports carry
what the other program's columns have no room for.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from ally_desktop.core.formats.common import IncomingContact, RowError
from ally_desktop.core.formats.csv_native import parse_day
from ally_desktop.core.formats.item_cells import join_item, split_item
from ally_desktop.core.records import (
    Address,
    ContactData,
    ImportantDate,
    LabeledValue,
)

# -- text keys ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents ("Prénom" → "prenom", "Straße" → "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def header_key(text: str) -> str:
    """A name as guessing compares it: case, accents, punctuation and spaces ignored, so
    "E-Mail-Adresse", "e-mail adresse" and "EMailAdresse" are one key."""
    return "".join(ch for ch in _fold(text) if ch.isalnum())


class Cells:
    """A row's cells by column name, looked up the way people write names: case and
    outer spaces (and a stray byte-order mark) ignored; a missing column is empty."""

    def __init__(self, cells: Mapping[str, str]) -> None:
        self._cells: dict[str, str] = {}
        for name, value in cells.items():
            key = _column_key(name)
            if not self._cells.get(key):  # a name twice (case aside): the filled-in one
                self._cells[key] = value or ""

    def raw(self, name: str) -> str:
        """The cell as it is (notes keep their line breaks and spaces)."""
        return self._cells.get(name.casefold(), "")

    def get(self, *names: str) -> str:
        """The first of these columns that is filled in, without outer spaces."""
        for name in names:
            value = self.raw(name).strip()
            if value:
                return value
        return ""


@functools.lru_cache(maxsize=4096)  # a file repeats its header's names on every row
def _column_key(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().casefold()


def header_names(header: Sequence[str]) -> set[str]:
    """A header's names as ``header_matches`` compares them (case and spaces ignored)."""
    return {_column_key(name) for name in header}


# -- dates ----------------------------------------------------------------------------------

_MONTH_NAMES = (
    # English, German, French, Spanish, Italian, Dutch, Portuguese: all twelve in order.
    "january february march april may june july august september october november december",
    "januar februar marz april mai juni juli august september oktober november dezember",
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "januari februari maart april mei juni juli augustus september oktober november december",
    "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
)
_MONTH_EXTRAS = {"maerz": 3, "mrz": 3, "sept": 9, "setiembre": 9}
_UNKNOWN_YEARS = {1604}  # Apple's and Exchange's "year not known"
_NO_DATE_YEARS = {4501}  # Outlook's "None" date
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DAY_WORDS = re.compile(r"[^\W\d_]+|\d+")


def _month_table() -> dict[str, int]:
    """Every month name and every unambiguous prefix of three letters or more."""
    candidates: dict[str, set[int]] = {}
    for line in _MONTH_NAMES:
        for number, name in enumerate(line.split(), start=1):
            for end in range(3, len(name) + 1):
                candidates.setdefault(name[:end], set()).add(number)
    table = {word: next(iter(months)) for word, months in candidates.items() if len(months) == 1}
    table.update(_MONTH_EXTRAS)
    return table


_MONTHS = _month_table()


def month_number(text: str) -> int | None:
    """1-12 for a month's number or name in one of Ally's languages ("Aug", "août")."""
    word = header_key(text)
    if word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(word)


def _full_year(digits: str) -> int:
    if len(digits) == 4:
        return int(digits)
    if len(digits) <= 2:
        short = int(digits)
        return 2000 + short if short <= date.today().year % 100 else 1900 + short
    raise ValueError(digits)


def _day_and_month(first: str, second: str, text: str) -> tuple[int, int]:
    """Which of two numbers is the day: the one above 12 if any; else month first with
    slashes (the American 08/25), day first with dots or dashes (25.08)."""
    a, b = int(first), int(second)
    if a > 12 >= b:
        return a, b
    if b > 12 >= a:
        return b, a
    return (b, a) if "/" in text else (a, b)


def _numeric_day(numbers: list[str], text: str) -> tuple[str | None, int, int]:
    if len(numbers) == 1 and len(numbers[0]) == 8:  # 19740825
        digits = numbers[0]
        return digits[:4], int(digits[4:6]), int(digits[6:])
    if len(numbers) == 3 and len(numbers[0]) == 4:  # 1974/08/25
        return numbers[0], int(numbers[1]), int(numbers[2])
    if len(numbers) in (2, 3):
        day, month = _day_and_month(numbers[0], numbers[1], text)
        return (numbers[2] if len(numbers) == 3 else None), month, day
    raise ValueError(text)


def _named_day(numbers: list[str], month: int, text: str) -> tuple[str | None, int, int]:
    if len(numbers) == 1 and len(numbers[0]) <= 2:  # 25 Aug
        return None, month, int(numbers[0])
    if len(numbers) == 2:  # 25 Aug 1974, Aug 25, 1974, 1974 Aug 25
        day, year = numbers if len(numbers[1]) == 4 or len(numbers[0]) <= 2 else numbers[::-1]
        return year, month, int(day)
    raise ValueError(text)


def _checked(year: int | None, month: int, day: int, text: str) -> tuple[int | None, int, int]:
    if not 1 <= month <= 12 or (year is not None and not 1 <= year <= 9999):
        raise ValueError(text)
    if not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        raise ValueError(text)
    return (None if year in _UNKNOWN_YEARS else year), month, day


def loose_day(text: str) -> tuple[int | None, int, int] | None:
    """(year, month, day) from a date as programs and people write it: ``1974-08-25``,
    ``--08-25``, ``25.08.1974``, ``08/25/1974``, ``25 Aug 1974``, ``Aug 25``, ``25.08.``.

    The year is None when the text has none (or is Apple's 1604 "unknown"); None for a
    blank cell and for Outlook's empty dates (``0/0/00``, 4501). ValueError when the text
    is not a date, so callers can keep it in the notes instead of losing it.
    """
    text = text.strip()
    if not text:
        return None
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return None if year in _NO_DATE_YEARS else _checked(year, month, day, text)
    if text.startswith("--"):
        return _checked(*parse_day(text), text)
    words = _DAY_WORDS.findall(_fold(text))
    numbers = [w for w in words if w.isdigit()]
    if numbers and all(int(n) == 0 for n in numbers):
        return None
    months = [m for m in (_MONTHS.get(w) for w in words if not w.isdigit()) if m]
    if months:
        year_text, month, day = _named_day(numbers, months[0], text)
    elif len(numbers) == len(words):
        year_text, month, day = _numeric_day(numbers, text)
    else:
        raise ValueError(text)
    full_year = None if year_text is None else _full_year(year_text)
    if full_year in _NO_DATE_YEARS:
        return None
    return _checked(full_year, month, day, text)


def day_text(year: int | None, month: int, day: int) -> str:
    """ISO ``1974-08-25``, or ``--08-25`` without the year (what Google and vCard write)."""
    if year is None:
        return f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


# -- labels ---------------------------------------------------------------------------------

# fmt: off
_MOBILE_WORDS = ("mobil", "cell", "handy", "portable", "movil", "celular", "gsm", "iphone")
_FAX_WORDS = ("fax", "telecopie")
_PAGER_WORDS = ("pager", "beeper", "piepser")
_WORK_WORDS = (
    "work", "business", "office", "company", "dienst", "geschaft", "buro", "arbeit", "travail",
    "bureau", "professionnel", "trabajo", "oficina", "lavoro", "ufficio", "werk", "zakelijk",
    "kantoor", "trabalho", "comercial",
)
_HOME_WORDS = (
    "home", "privat", "personal", "personnel", "prive", "domicile", "maison", "casa", "thuis",
    "residencial", "particulier",
)
_OTHER_WORDS = ("other", "andere", "sonstig", "autre", "otro", "altro", "overig", "outro")
# fmt: on


def _has(key: str, words: Sequence[str]) -> bool:
    return any(word in key for word in words)


def kind_label(text: str, *, phone: bool = False) -> str:
    """Ally's label ("work", "home", "other"; for phones also "mobile", "fax", "pager")
    for another program's word or column name: "Tel. dienstlich" → "work",
    "Téléphone portable" → "mobile", "Business Fax" → "work fax"; "" when none fits."""
    key = header_key(text)
    if phone:
        if _has(key, _FAX_WORDS):
            place = "work " if _has(key, _WORK_WORDS) else "home " if _has(key, _HOME_WORDS) else ""
            return place + "fax"
        if _has(key, _MOBILE_WORDS):
            return "mobile"
        if _has(key, _PAGER_WORDS):
            return "pager"
    if _has(key, _WORK_WORDS):
        return "work"
    if _has(key, _HOME_WORDS):
        return "home"
    if _has(key, _OTHER_WORDS):
        return "other"
    return ""


_LINK_HOSTS = (
    ("linkedin.com", "LinkedIn"),
    ("github.com", "GitHub"),
    ("gitlab.com", "GitLab"),
    ("xing.com", "XING"),
    ("twitter.com", "Twitter"),
    ("x.com", "X"),
    ("mastodon.social", "Mastodon"),
    ("bsky.app", "Bluesky"),
)


def link_label(url: str, fallback: str = "") -> str:
    """The label a web link is known by from its address ("LinkedIn" for a profile on
    linkedin.com), else ``fallback``: other programs rarely label links usefully."""
    text = url.strip()
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    except ValueError:
        return fallback
    for domain, label in _LINK_HOSTS:
        if host == domain or host.endswith("." + domain):
            return label
    return fallback


# -- cells holding several values ----------------------------------------------------------

_GOOGLE_SEPARATOR = re.compile(r"\s*:::\s*")
_EMAIL_SEPARATORS = re.compile(r"\s*:::\s*|[;,\s]+")
_PHONE_SEPARATORS = re.compile(r"\s*:::\s*|\s*[;\n]\s*")
_LINK_SEPARATORS = re.compile(r"\s*:::\s*|[;\s]+")
_TERM_SEPARATORS = re.compile(r"\s*:::\s*|\s*[;,\n]\s*")
_ANGLE_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")


def split_values(cell: str, separators: re.Pattern[str] = _GOOGLE_SEPARATOR) -> list[str]:
    """The non-empty values of a cell that holds several (Google joins them with ``:::``)."""
    return [part.strip() for part in separators.split(cell) if part.strip()]


def email_address(text: str) -> str:
    """The bare address in ``mailto:ana@x.org`` or ``Ana Lima <ana@x.org>``."""
    text = text.strip()
    inside = _ANGLE_ADDRESS.search(text)
    if inside:
        text = inside.group(1)
    if text.casefold().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip()


def emails_in(cell: str, label: str, notes: list[str]) -> list[LabeledValue]:
    """Every address in a cell (``a@x.org; b@y.org``, ``Ana <ana@x.org>``); the names
    around them are left. A cell without any address goes to ``notes`` rather than
    failing the whole contact at validation."""
    values = map(email_address, split_values(cell, _EMAIL_SEPARATORS))
    found = [LabeledValue(label, value) for value in values if "@" in value]
    if not found and cell.strip():
        notes.append(f"Email: {one_line(cell)}")
    return found


def terms_in(cell: str) -> list[str]:
    """Tags or topics: split on ``,``, ``;``, line breaks and Google's ``:::``."""
    return split_values(cell, _TERM_SEPARATORS)


def one_line(text: str) -> str:
    """A multi-line cell (a street over two lines) as one line, parts joined by commas."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def name_words(*names: str) -> list[str]:
    return sorted(w for name in names for w in _DAY_WORDS.findall(_fold(name)))


def display_if_different(candidate: str, *names: str) -> str:
    """``candidate`` as a display name, unless it only repeats the other names
    ("Lima, Ana" for Ana Lima is a filing order, not a different name)."""
    candidate = candidate.strip()
    if not candidate or name_words(candidate) == name_words(*names):
        return ""
    return candidate


def birthday_from(text: str, notes: list[str], what: str = "Birthday") -> ImportantDate | None:
    """A birthday from a cell; an unreadable one is kept in the notes."""
    try:
        day = loose_day(text)
    except ValueError:
        notes.append(f"{what}: {text.strip()}")
        return None
    if day is None:
        return None
    year, month, number = day
    return ImportantDate("birthday", month, number, year)


def with_notes(notes: str, extra: Sequence[str]) -> str:
    """The notes with lines Ally could not place elsewhere added at the end."""
    added = "\n".join(extra)
    if not added:
        return notes
    return f"{notes.rstrip()}\n\n{added}" if notes.strip() else added


NO_NAME = (
    "The row has no name, email, phone or organization: there is nothing to call this contact by."
)


def named_contact(data: ContactData, line: int) -> IncomingContact:
    """The contact of a row; a row with only a company, an email or a phone number is
    named after it (a name is what Ally needs, and phones keep many such entries).
    RowError for a row without any of them."""
    names = (data.given_name, data.family_name, data.display_name, data.nickname)
    if not any(name.strip() for name in names):
        if data.organization.strip():
            data.display_name = data.organization.strip()
        elif data.emails:
            data.display_name = data.emails[0].value
        elif data.phones:
            data.display_name = data.phones[0].value
        else:
            raise RowError(NO_NAME)
    return IncomingContact(line=line, data=data)


# -- what Ally's exports keep in the notes -------------------------------------------------

MORE_HEADING = "[More from Ally]"
_MORE_LINE = re.compile(
    r"^(?P<kind>Display name|Email|Phone|Web link|Address|Tags|Birthday|Work anniversary|Date)"
    r"(?: \((?P<label>[^()\n]*)\))?: (?P<value>.*)$"
)


@dataclass
class Overflow:
    """What a contact has beyond the other program's columns (a fourth email, a second
    work address, tags where Outlook has no column). Ally writes it as a block at the
    end of the notes, one readable line each, and takes it back from there on import,
    so a round trip through the other program's CSV loses nothing."""

    display_name: str = ""
    emails: list[LabeledValue] = field(default_factory=list)
    phones: list[LabeledValue] = field(default_factory=list)
    links: list[LabeledValue] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    dates: list[ImportantDate] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _single(text: str) -> str:
    return " ".join(text.split())


def _labeled_line(kind: str, item: LabeledValue) -> str:
    label = f" ({_single(item.label)})" if item.label.strip() else ""
    return f"{kind}{label}: {_single(item.value)}"


def _date_line(item: ImportantDate) -> str:
    when = day_text(item.year, item.month, item.day)
    if item.kind == "birthday":
        return f"Birthday: {when}"
    if item.kind == "anniversary":
        return f"Work anniversary: {when}"
    label = f" ({_single(item.label)})" if item.label.strip() else ""
    return f"Date{label}: {when}"


def _more_lines(more: Overflow) -> Iterator[str]:
    if more.display_name.strip():
        yield f"Display name: {_single(more.display_name)}"
    yield from (_labeled_line("Email", v) for v in more.emails)
    yield from (_labeled_line("Phone", v) for v in more.phones)
    yield from (_labeled_line("Web link", v) for v in more.links)
    for a in more.addresses:
        parts = join_item([a.street, a.city, a.region, a.postal_code, a.country])
        yield _labeled_line("Address", LabeledValue(a.label, parts))
    yield from (_date_line(d) for d in more.dates)
    if more.tags:
        yield f"Tags: {join_item([_single(t) for t in more.tags])}"


def notes_with_overflow(notes: str, more: Overflow) -> str:
    """The notes cell of an export: the notes, then the block of what had no column."""
    lines = list(_more_lines(more))
    if not lines:
        return notes
    block = "\n".join([MORE_HEADING, *lines])
    return f"{notes}\n\n{block}" if notes else block


def _read_date(kind: str, label: str, value: str) -> ImportantDate:
    year, month, day = parse_day(value)
    if kind == "Birthday":
        return ImportantDate("birthday", month, day, year)
    if kind == "Work anniversary":
        return ImportantDate("anniversary", month, day, year)
    return ImportantDate("custom", month, day, year, label)


def _read_more_line(line: str, more: Overflow) -> bool:
    """Adds what one line of the block says to ``more``; False when it says nothing Ally
    understands (the line then stays in the notes)."""
    match = _MORE_LINE.match(line)
    if not match:
        return False
    kind, label, value = match["kind"], match["label"] or "", match["value"]
    try:
        if kind in ("Birthday", "Work anniversary", "Date"):
            more.dates.append(_read_date(kind, label, value))
        elif kind == "Address":
            more.addresses.append(Address(label, *split_item(value)[:5]))
        elif kind == "Tags":
            more.tags.extend(t for t in split_item(value) if t.strip())
        elif kind == "Display name":
            more.display_name = value
        else:
            target = {"Email": more.emails, "Phone": more.phones, "Web link": more.links}[kind]
            target.append(LabeledValue(label, value))
    except RowError:
        return False
    return True


def notes_and_overflow(notes: str) -> tuple[str, Overflow]:
    """The notes without Ally's block, and what the block holds; lines of the block that
    Ally does not understand (a user edited them) stay in the notes."""
    text = notes.replace("\r\n", "\n").replace("\r", "\n")
    more = Overflow()
    if text.startswith(MORE_HEADING + "\n"):
        head, tail = "", text[len(MORE_HEADING) + 1 :]
    else:
        at = text.rfind(f"\n\n{MORE_HEADING}\n")
        if at < 0:
            return text, more
        head, tail = text[:at], text[at + len(MORE_HEADING) + 3 :]
    left = [line for line in tail.split("\n") if not _read_more_line(line, more)]
    return with_notes(head, [line for line in left if line.strip()]), more


def merge_overflow(data: ContactData, more: Overflow) -> None:
    """Adds what Ally's notes block held to a contact read from the columns."""
    data.emails.extend(more.emails)
    data.phones.extend(more.phones)
    data.links.extend(more.links)
    data.addresses.extend(more.addresses)
    data.dates.extend(more.dates)
    data.tags.extend(more.tags)
    if more.display_name.strip():
        data.display_name = more.display_name.strip()


# -- mapping columns ------------------------------------------------------------------------


class Target(StrEnum):
    """The field of a contact a column of another CSV is read into."""

    FULL_NAME = "full_name"
    GIVEN_NAME = "given_name"
    MIDDLE_NAME = "middle_name"
    FAMILY_NAME = "family_name"
    DISPLAY_NAME = "display_name"
    NICKNAME = "nickname"
    ORGANIZATION = "organization"
    TEAM = "team"
    JOB_TITLE = "job_title"
    EMAIL = "email"
    PHONE = "phone"
    WEBSITE = "website"
    STREET = "street"
    STREET_2 = "street_2"
    CITY = "city"
    REGION = "region"
    POSTAL_CODE = "postal_code"
    COUNTRY = "country"
    BIRTHDAY = "birthday"
    BIRTH_YEAR = "birth_year"
    BIRTH_MONTH = "birth_month"
    BIRTH_DAY = "birth_day"
    NOTES = "notes"
    TAGS = "tags"
    TOPICS = "topics"
    PRONOUNS = "pronouns"
    MET_ON = "met_on"
    MET_HOW = "met_how"
    IGNORE = "ignore"

    @property
    def label(self) -> str:
        """What the import dialog calls it."""
        return _TARGET_LABELS[self]


_TARGET_LABELS = {
    Target.FULL_NAME: "Full name",
    Target.GIVEN_NAME: "First name",
    Target.MIDDLE_NAME: "Middle name",
    Target.FAMILY_NAME: "Last name",
    Target.DISPLAY_NAME: "Display name",
    Target.NICKNAME: "Nickname",
    Target.ORGANIZATION: "Organization",
    Target.TEAM: "Team / department",
    Target.JOB_TITLE: "Job title",
    Target.EMAIL: "Email",
    Target.PHONE: "Phone",
    Target.WEBSITE: "Web link",
    Target.STREET: "Street",
    Target.STREET_2: "Street (second line)",
    Target.CITY: "City",
    Target.REGION: "Region / state",
    Target.POSTAL_CODE: "Postal code",
    Target.COUNTRY: "Country",
    Target.BIRTHDAY: "Birthday",
    Target.BIRTH_YEAR: "Birth year",
    Target.BIRTH_MONTH: "Birth month",
    Target.BIRTH_DAY: "Birth day (of the month)",
    Target.NOTES: "Notes",
    Target.TAGS: "Tags",
    Target.TOPICS: "Topics (knows about)",
    Target.PRONOUNS: "Pronouns",
    Target.MET_ON: "Met on (date)",
    Target.MET_HOW: "How you met",
    Target.IGNORE: "Don't import",
}

# Header names per target, as people and programs write them (English, German, French,
# Spanish, Italian, Dutch, Portuguese; Thunderbird, Outlook, Google, HubSpot, Salesforce).
# They are compared by ``header_key``, so case, accents and punctuation do not matter.
# fmt: off
_KNOWN_HEADERS: dict[Target, tuple[str, ...]] = {
    Target.FULL_NAME: (
        "Full name", "Fullname", "Contact", "Contact name", "Person", "Vollständiger Name",
        "Kontakt", "Kontaktname", "Nom complet", "Nombre completo", "Nome completo",
        "Volledige naam", "Nome e cognome",
    ),
    Target.GIVEN_NAME: (
        "First name", "Firstname", "First", "Given name", "Forename", "Vorname", "Prénom",
        "Nombre de pila", "Primer nombre", "Nome proprio", "Voornaam", "Roepnaam",
        "Primeiro nome", "Nome próprio",
    ),
    Target.MIDDLE_NAME: (
        "Middle name", "Middle", "Additional name", "Other names", "Zweiter Vorname",
        "Weitere Vornamen", "Deuxième prénom", "Autres prénoms", "Segundo nombre",
        "Secondo nome", "Tussenvoegsel", "Tussenvoegsels", "Nome do meio",
    ),
    Target.FAMILY_NAME: (
        "Last name", "Lastname", "Last", "Surname", "Family name", "Nachname",
        "Familienname", "Zuname", "Nom de famille", "Apellido", "Apellidos",
        "Primer apellido", "Cognome", "Achternaam", "Sobrenome", "Último nome", "Apelidos",
    ),
    Target.DISPLAY_NAME: (
        "Display name", "Displayname", "Shown as", "Anzeigename", "Nom d'affichage",
        "Nom affiché", "Nombre para mostrar", "Nome visualizzato", "Weergavenaam",
        "Nome de exibição",
    ),
    Target.NICKNAME: (
        "Nickname", "Nick", "Nick name", "Spitzname", "Rufname", "Surnom", "Apodo",
        "Soprannome", "Bijnaam", "Alcunha",
    ),
    Target.ORGANIZATION: (
        "Company", "Company name", "Organization", "Organisation", "Organization name",
        "Organisation name", "Org", "Employer", "Account name", "Account", "Business name",
        "Firma", "Firmenname", "Unternehmen", "Arbeitgeber", "Organisation", "Société",
        "Entreprise", "Organisme", "Employeur", "Empresa", "Compañía", "Organización",
        "Azienda", "Società", "Ditta", "Organizzazione", "Bedrijf", "Organisatie",
        "Werkgever", "Companhia", "Organização",
    ),
    Target.TEAM: (
        "Department", "Dept", "Team", "Division", "Unit", "Abteilung", "Bereich", "Service",
        "Département", "Équipe", "Departamento", "Equipo", "Área", "Reparto",
        "Dipartimento", "Afdeling", "Equipa",
    ),
    Target.JOB_TITLE: (
        "Job title", "Jobtitle", "Position", "Role", "Job", "Occupation", "Designation",
        "Arbeitstitel", "Funktion", "Stelle", "Berufsbezeichnung", "Beruf", "Jobtitel",
        "Fonction", "Poste", "Titre du poste", "Métier", "Cargo", "Puesto",
        "Título del puesto", "Ocupación", "Ruolo", "Mansione", "Qualifica", "Functie",
        "Functietitel", "Rol", "Função", "Profissão",
    ),
    Target.EMAIL: (
        "Email", "E-mail", "Emails", "Email address", "E-mail address", "Mail",
        "Mail address", "E-Mail-Adresse", "Mailadresse", "Courriel", "Adresse e-mail",
        "Adresse électronique", "Mél", "Correo", "Correo electrónico", "Posta elettronica",
        "Indirizzo email", "E-mailadres", "Endereço de e-mail", "Endereço de email",
    ),
    Target.PHONE: (
        "Phone", "Phone number", "Telephone", "Tel", "Tel nr", "Telefon nr", "Mobile",
        "Mobile number", "Cell",
        "Cell phone", "Fax", "Fax number", "Pager number", "Telefon", "Telefonnummer",
        "Handy", "Mobiltelefon", "Mobil-Tel.-Nr.", "Fax-Nummer", "Pager-Nummer",
        "Téléphone", "Portable", "Téléphone portable", "Mobile", "Teléfono", "Móvil",
        "Celular", "Telefono", "Cellulare", "Telefoon", "Telefoonnummer", "Mobiel",
        "Telemóvel",
    ),
    Target.WEBSITE: (
        "Website", "Web site", "Web page", "Webpage", "Homepage", "Home page", "URL", "Web",
        "Site", "Site web", "Webseite", "Internetseite", "Sitio web", "Página web",
        "Sito web", "Sito", "Pagina web", "Página", "LinkedIn", "LinkedIn URL",
        "Profile URL",
    ),
    Target.STREET: (
        "Street", "Address", "Street address", "Address line 1", "Address 1", "Street 1",
        "Straße", "Strasse", "Anschrift", "Adresse", "Rue", "Calle", "Dirección",
        "Domicilio", "Via", "Indirizzo", "Straat", "Adres", "Rua", "Endereço", "Morada",
    ),
    Target.STREET_2: (
        "Address line 2", "Address 2", "Street 2", "Street 3", "Address line 3", "Address2",
        "Adresse 2", "Adresszusatz", "Complément d'adresse", "Dirección 2",
        "Indirizzo 2", "Adres 2", "Complemento",
    ),
    Target.CITY: (
        "City", "Town", "Locality", "Ort", "Stadt", "Wohnort", "Ville", "Localité",
        "Commune", "Ciudad", "Localidad", "Población", "Città", "Comune", "Località",
        "Plaats", "Woonplaats", "Stad", "Cidade", "Localidade", "Municipio",
    ),
    Target.REGION: (
        "State", "Region", "Province", "County", "State/Province", "State/Region",
        "Bundesland", "Kanton", "Région", "Estado", "Provincia", "Región", "Regione",
        "Provincie", "Distrito",
    ),
    Target.POSTAL_CODE: (
        "Postal code", "Zip", "Zip code", "Zipcode", "Zip/Postal Code", "Postcode",
        "Post code", "PLZ", "Postleitzahl", "Code postal", "CP", "Código postal", "CAP",
        "Codice postale", "CEP",
    ),
    Target.COUNTRY: (
        "Country", "Country/Region", "Land", "Pays", "País", "Paese", "Nazione",
    ),
    Target.BIRTHDAY: (
        "Birthday", "Birthdate", "Birth date", "Date of birth", "DOB", "Born",
        "Geburtstag", "Geburtsdatum", "Anniversaire", "Date de naissance", "Cumpleaños",
        "Fecha de nacimiento", "Compleanno", "Data di nascita", "Verjaardag",
        "Geboortedatum", "Aniversário", "Data de nascimento",
    ),
    Target.BIRTH_YEAR: (
        "Birth year", "Year of birth", "Geburtsjahr", "Année de naissance",
        "Año de nacimiento", "Anno di nascita", "Geboortejaar", "Ano de nascimento",
    ),
    Target.BIRTH_MONTH: (
        "Birth month", "Month of birth", "Geburtsmonat", "Mois de naissance",
        "Mes de nacimiento", "Mese di nascita", "Geboortemaand", "Mês de nascimento",
    ),
    Target.BIRTH_DAY: (
        "Day of birth", "Jour de naissance", "Día de nacimiento", "Giorno di nascita",
        "Geboortedag", "Dia de nascimento",
    ),
    Target.NOTES: (
        "Notes", "Note", "Comments", "Comment", "Description", "Remarks", "Memo",
        "Notizen", "Notiz", "Bemerkungen", "Bemerkung", "Anmerkungen", "Kommentar",
        "Commentaires", "Commentaire", "Remarques", "Notas", "Nota", "Comentarios",
        "Observaciones", "Appunti", "Commenti", "Opmerkingen", "Notities", "Observações",
    ),
    Target.TAGS: (
        "Tags", "Tag", "Labels", "Label", "Categories", "Category", "Groups", "Group",
        "Group Membership", "Keywords", "Kategorien", "Kategorie", "Schlagwörter",
        "Gruppen", "Gruppe", "Étiquettes", "Catégories", "Groupes", "Mots-clés",
        "Etiquetas", "Categorías", "Grupos", "Etichette", "Categorie", "Gruppi",
        "Categorieën", "Groepen", "Trefwoorden", "Marcadores", "Categorias",
    ),
    Target.TOPICS: (
        "Topics", "Knows about", "Expertise", "Skills", "Interests", "Themen",
        "Fachgebiete", "Interessen", "Kenntnisse", "Sujets", "Compétences",
        "Centres d'intérêt", "Temas", "Intereses", "Habilidades", "Argomenti",
        "Competenze", "Interessi", "Onderwerpen", "Interesses", "Competências", "Assuntos",
    ),
    Target.PRONOUNS: (
        "Pronouns", "Pronomen", "Pronoms", "Pronombres", "Pronomi", "Voornaamwoorden",
        "Pronomes",
    ),
    Target.MET_ON: (
        "Met on", "Date met", "First met", "Connected on", "Kennengelernt am",
        "Rencontré le", "Date de rencontre", "Conocido el", "Conosciuto il", "Ontmoet op",
        "Conhecido em",
    ),
    Target.MET_HOW: (
        "Met how", "How we met", "How met", "Met at", "Met through", "Lead source",
        "Original source", "Source", "Kennengelernt über", "Kennengelernt bei",
        "Rencontré via", "Cómo nos conocimos", "Come ci siamo conosciuti",
        "Hoe ontmoet", "Como nos conhecemos", "Origine", "Origen", "Herkunft",
    ),
    Target.IGNORE: (
        "E-mail Display Name", "E-mail Type", "Screen Name", "Messenger-Name", "Chat-Name",
        "Salutation", "Anrede", "Prefix", "Name prefix", "Suffix", "Name suffix", "Gender",
        "Photo", "Custom 1", "Custom 2", "Custom 3", "Custom 4", "Email opt out",
        "Email domain", "Manager's Name", "Assistant's Name",
    ),
}
# fmt: on

# Words that mean different things by what else the header has (see ``_in_context``).
_NAME_KEYS = {"name", "nom", "naam"}  # with a first-name column: the last name
_GIVEN_OR_FULL_KEYS = {"nombre", "nome"}  # with a last-name column: the first name
_TITLE_KEYS = {"title", "titel", "titre", "titulo", "titolo"}  # job, or Dr./Mrs.
_BIRTHDAY_KEYS = {"birthday", "geburtstag"}  # Thunderbird's "Birth Day": day of month
# fmt: off
# Place words in front of or after a column's name: "Home City", "Privat: Ort", "Email (work)".
_KIND_WORDS = (
    "home", "work", "business", "office", "other", "private", "privat", "personal",
    "dienstlich", "geschaftlich", "mailing", "billing", "shipping", "primary", "primare",
    "secondary", "sekundare", "alternate", "main",
)
_NO_FALLBACK_WORDS = (
    "type", "label", "display", "optout", "domain", "status", "bounce", "verified",
)
# fmt: on
_PHONE_WORDS = ("phone", "telefon", "telephon", "telefoon", "fax", *_MOBILE_WORDS, "pager")
_WEB_WORDS = ("website", "webpage", "homepage", "webseite", "url", "linkedin")


def _known_keys() -> dict[str, Target]:
    table: dict[str, Target] = {}
    for target, names in _KNOWN_HEADERS.items():
        for name in names:
            table.setdefault(header_key(name), target)
    return table


_KNOWN = _known_keys()


def _without_kind(key: str) -> str:
    """The key without a leading or trailing place word ("homecity" → "city")."""
    for word in _KIND_WORDS:
        if key.startswith(word) and len(key) > len(word):
            return key[len(word) :]
        if key.endswith(word) and len(key) > len(word):
            return key[: -len(word)]
    return key


def _by_words(key: str) -> Target:
    """A last guess from the words in a name ("Mobile Phone Number", "Email (work)")."""
    if _has(key, _NO_FALLBACK_WORDS):
        return Target.IGNORE
    if "mail" in key or "courriel" in key or "correo" in key:
        return Target.EMAIL
    if _has(key, _PHONE_WORDS):
        return Target.PHONE
    if _has(key, _WEB_WORDS):
        return Target.WEBSITE
    return Target.IGNORE


def _guess_one(key: str) -> Target:
    for candidate in (key, _without_kind(key)):
        for form in (candidate, candidate.rstrip("0123456789")):
            if form in _KNOWN:
                return _KNOWN[form]
    return _by_words(key)


def _in_context(key: str, guess: Target, others: set[Target]) -> Target:
    """Settles the header names whose meaning depends on the other columns."""
    given, family = Target.GIVEN_NAME in others, Target.FAMILY_NAME in others
    if key in _NAME_KEYS:
        return Target.FAMILY_NAME if given and not family else Target.FULL_NAME
    if key in _GIVEN_OR_FULL_KEYS:
        return Target.GIVEN_NAME if family and not given else Target.FULL_NAME
    if key == "apelido":  # Portugal: the last name; Brazil: a nickname
        return Target.FAMILY_NAME if given and not family else Target.NICKNAME
    if key in _TITLE_KEYS:  # Salesforce's job title, Outlook's "Dr."
        return Target.IGNORE if Target.JOB_TITLE in others else Target.JOB_TITLE
    if key in _BIRTHDAY_KEYS and others & {Target.BIRTH_YEAR, Target.BIRTH_MONTH}:
        return Target.BIRTH_DAY
    return guess


def guess_mapping(header: Sequence[str]) -> list[Target]:
    """A target for every column, from its name: the import dialog's first proposal.

    Names are compared by ``header_key`` in English, German, French, Spanish, Italian,
    Dutch and Portuguese, including the exact headers of Thunderbird (English and
    German), Outlook, Google, Apple/Numbers-style sheets and CRM exports. A place word
    ("Home City", "Privat: Ort") is looked through; unknown columns are ignored.
    """
    keys = [header_key(name) for name in header]
    guesses = [_guess_one(key) for key in keys]
    mapping = []
    for index, (key, guess) in enumerate(zip(keys, guesses, strict=True)):
        others = {g for i, g in enumerate(guesses) if i != index}
        mapping.append(_in_context(key, guess, others))
    return mapping


_NAME_TARGETS = frozenset(
    {
        Target.FULL_NAME,
        Target.GIVEN_NAME,
        Target.MIDDLE_NAME,
        Target.FAMILY_NAME,
        Target.DISPLAY_NAME,
        Target.NICKNAME,
    }
)


def mapping_is_usable(mapping: Sequence[Target]) -> bool:
    """Whether rows read with this mapping can name a contact: some name, an email or an
    organization must be mapped (the dialog keeps Import disabled until then)."""
    return any(t in _NAME_TARGETS or t in (Target.EMAIL, Target.ORGANIZATION) for t in mapping)


# -- reading a mapped row -------------------------------------------------------------------

_ADDRESS_TARGETS = (
    Target.STREET,
    Target.STREET_2,
    Target.CITY,
    Target.REGION,
    Target.POSTAL_CODE,
    Target.COUNTRY,
)


@dataclass
class _AddressGroup:
    """The columns of one address: ``Home Address`` … ``Home Country`` in Thunderbird."""

    label: str = ""
    columns: dict[Target, list[int]] = field(default_factory=dict)


def _starts_address(current: _AddressGroup, target: Target, label: str) -> bool:
    """Whether a column begins the next address rather than adding to this one."""
    if target in current.columns and target is not Target.STREET_2:
        return True
    return bool(label and current.label and label != current.label)


def _address_groups(mapping: Sequence[Target], header: Sequence[str]) -> list[_AddressGroup]:
    """Address columns in groups: a target seen again (a second street, a second city) or
    another place word starts the next address; a second street line only adds a line."""
    groups: list[_AddressGroup] = []
    for index, target in enumerate(mapping):
        if target not in _ADDRESS_TARGETS:
            continue
        label = kind_label(header[index]) if index < len(header) else ""
        current = groups[-1] if groups else None
        if current is None or _starts_address(current, target, label):
            current = _AddressGroup(label)
            groups.append(current)
        current.label = current.label or label
        current.columns.setdefault(target, []).append(index)
    return groups


class _MappedRow:
    """A row's cells with the mapping that says what each one is."""

    def __init__(
        self, cells: Sequence[str], mapping: Sequence[Target], header: Sequence[str]
    ) -> None:
        self.cells = [cells[i] if i < len(cells) else "" for i in range(len(mapping))]
        self.mapping = mapping
        self.header = [header[i] if i < len(header) else "" for i in range(len(mapping))]
        self.notes: list[str] = []

    def each(self, target: Target) -> Iterator[tuple[str, str]]:
        """(cell, column name) for every filled-in column mapped to ``target``."""
        for cell, mapped, name in zip(self.cells, self.mapping, self.header, strict=True):
            if mapped is target and cell.strip():
                yield cell, name

    def text(self, target: Target, joiner: str = " ") -> str:
        return joiner.join(cell.strip() for cell, _ in self.each(target))

    def at(self, indexes: Sequence[int]) -> str:
        return ", ".join(self.cells[i].strip() for i in indexes if self.cells[i].strip())


def _names(row: _MappedRow, data: ContactData) -> None:
    data.given_name = " ".join(
        p for p in (row.text(Target.GIVEN_NAME), row.text(Target.MIDDLE_NAME)) if p
    )
    data.family_name = row.text(Target.FAMILY_NAME)
    data.display_name = row.text(Target.DISPLAY_NAME)
    data.nickname = row.text(Target.NICKNAME)
    full = next((cell.strip() for cell, _ in row.each(Target.FULL_NAME)), "")
    if not full:
        return
    if not data.given_name and not data.family_name:
        given, _, family = full.rpartition(" ")
        data.given_name, data.family_name = (given.strip(), family) if given else (family, "")
    elif not data.display_name:
        data.display_name = display_if_different(full, data.given_name, data.family_name)


def _reach(row: _MappedRow, data: ContactData) -> None:
    for cell, name in row.each(Target.EMAIL):
        data.emails.extend(emails_in(cell, kind_label(name), row.notes))
    for cell, name in row.each(Target.PHONE):
        label = kind_label(name, phone=True)
        data.phones.extend(LabeledValue(label, v) for v in split_values(cell, _PHONE_SEPARATORS))
    for cell, _ in row.each(Target.WEBSITE):
        data.links.extend(
            LabeledValue(link_label(v, "website"), v) for v in split_values(cell, _LINK_SEPARATORS)
        )


def _addresses(row: _MappedRow, data: ContactData) -> None:
    for group in _address_groups(row.mapping, row.header):
        parts = {t: row.at(group.columns.get(t, [])) for t in _ADDRESS_TARGETS}
        street = ", ".join(one_line(p) for p in (parts[Target.STREET], parts[Target.STREET_2]) if p)
        address = Address(
            group.label,
            street,
            parts[Target.CITY],
            parts[Target.REGION],
            parts[Target.POSTAL_CODE],
            parts[Target.COUNTRY],
        )
        if any(address.lines()):
            data.addresses.append(address)


def _birthday_of_parts(row: _MappedRow) -> ImportantDate | None:
    """A birthday from separate year, month and day columns (Thunderbird's)."""
    year_text, month_text = row.text(Target.BIRTH_YEAR), row.text(Target.BIRTH_MONTH)
    day_text_ = row.text(Target.BIRTH_DAY)
    if not (month_text or day_text_):
        return None
    month = month_number(month_text)
    try:
        year = int(year_text) if year_text else None
        day = int(day_text_)
        if month is None:
            raise ValueError(month_text)
        year, month, day = _checked(year, month, day, "")
    except ValueError:
        written = " ".join(p for p in (day_text_, month_text, year_text) if p)
        row.notes.append(f"Birthday: {written}")
        return None
    return ImportantDate("birthday", month, day, year)


def _dates(row: _MappedRow, data: ContactData) -> None:
    for cell, _ in row.each(Target.BIRTHDAY):
        birthday = birthday_from(cell, row.notes)
        if birthday:
            data.dates.append(birthday)
            break
    else:
        birthday = _birthday_of_parts(row)
        if birthday:
            data.dates.append(birthday)
    met = row.text(Target.MET_ON)
    if met:
        try:
            day = loose_day(met)
        except ValueError:
            day = None
        if day is not None and day[0] is not None:
            data.met_on = date(day[0], day[1], day[2])
        else:
            row.notes.append(f"Met on: {met}")


def contact_of_mapped(
    cells: Sequence[str],
    mapping: Sequence[Target],
    line: int,
    header: Sequence[str] = (),
) -> IncomingContact:
    """The contact in a row read with ``mapping`` (cells by position; missing cells are
    empty). With the ``header``, labels come from the column names ("Work email" →
    "work", "Tel. privat" → "home") and Thunderbird's home and work addresses are told
    apart. RowError when the row gives no name, email, phone or organization at all."""
    row = _MappedRow(cells, mapping, header)
    data = ContactData()
    _names(row, data)
    data.organization = row.text(Target.ORGANIZATION, ", ")
    data.team = row.text(Target.TEAM, ", ")
    data.job_title = row.text(Target.JOB_TITLE, ", ")
    data.pronouns = row.text(Target.PRONOUNS, ", ")
    data.met_how = row.text(Target.MET_HOW, ", ")
    _reach(row, data)
    _addresses(row, data)
    _dates(row, data)
    data.tags = [t for cell, _ in row.each(Target.TAGS) for t in terms_in(cell)]
    data.topics = [t for cell, _ in row.each(Target.TOPICS) for t in terms_in(cell)]
    notes = "\n\n".join(cell.strip() for cell, _ in row.each(Target.NOTES))
    data.notes = with_notes(notes, row.notes)
    return named_contact(data, line)
