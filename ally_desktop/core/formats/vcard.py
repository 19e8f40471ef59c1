"""vCard: contacts as other address books (Apple, Google, Outlook, Thunderbird) trade them.

Writing gives vCard 3.0 (the default: what Apple Contacts and Google Contacts read best)
or 4.0 (RFC 6350). vobject escapes, base64-encodes and folds every line; Ally puts the
lines in its own order, because vobject would sort a card's lines by name, which tears an
Apple label away from the email it labels and reorders dates of different kinds.

Labels. A label that a standard TYPE says exactly is written as TYPE: "home" and "work";
for phones also "mobile" (``CELL``), "fax", "pager" and pairs such as "work fax". Any
other label ("LinkedIn", "Work", "cell") is written the way Apple and Google write theirs,
as a group: ``item1.EMAIL:…`` with ``item1.X-ABLabel:LinkedIn``; "other" and "website"
use Apple's built-in names (``_$!<Other>!$_``, ``_$!<HomePage>!$_``). Reading takes the
group's X-ABLabel when there is one, else the TYPE words without the noise ("internet",
"pref", "voice"), "cell" read as "mobile". So every label comes back as it was written.

Ally's own fields travel as ``X-ALLY-*`` properties (closeness, cadence, how and when you
met, ambitions, topics, archived, connections, created), which other programs ignore
and Ally reads back. A connection names the other person by that card's UID
(``ally-<id>``), so a whole export re-imported links the same people the same way.

Reading takes 2.1, 3.0 and 4.0. The text is split into cards here, on BEGIN:VCARD and
END:VCARD lines, so one broken card is reported (a RowProblem with its line) and the
others are still read. vobject parses each line (group, parameters, quoted-printable
text in its charset); values are unescaped here, because vobject's decoding of a
property it does not know keeps only the first of comma-separated values (an Apple label
"Mom, Dad" would become "Mom"). A photo that is a link is left out: Ally works offline.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TextIO
from urllib.parse import unquote_to_bytes

import vobject
from vobject.base import VObjectError, backslashEscape, textLineToContentLine

from ally_desktop.core.formats.common import (
    IncomingContact,
    IncomingLink,
    OutgoingContact,
    RowError,
    RowProblem,
)
from ally_desktop.core.formats.csv_native import parse_day
from ally_desktop.core.formats.item_cells import split_escaped
from ally_desktop.core.records import (
    Address,
    Closeness,
    ContactData,
    ImportantDate,
    LabeledValue,
)

VERSIONS = ("3.0", "4.0")
"""The vCard versions Ally writes; the first is the default."""

PRODID = "-//Ally//Ally desktop//EN"
UID_PREFIX = "ally-"

_CLOSENESS_WORDS = {c: c.name.lower() for c in Closeness}
_WORD_CLOSENESS = {w: c for c, w in _CLOSENESS_WORDS.items()}
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n", ""}

# -- labels --------------------------------------------------------------------------------

_PLACES = ("home", "work", "other")
_PLACE_TYPES = {"home": "HOME", "work": "WORK"}
_PHONE_TYPES = {**_PLACE_TYPES, "mobile": "CELL", "fax": "FAX", "pager": "PAGER"}
_NOISE = {"internet", "pref", "voice", "x400", "msg", "dom", "intl", "postal", "parcel"}
_TYPE_WORDS = {"cell": "mobile", "iphone": "iPhone"}
_APPLE_BUILT_IN = re.compile(r"^_\$!<(.*)>!\$_$")
_APPLE_WORDS = {
    "Home": "home",
    "Work": "work",
    "Other": "other",
    "Mobile": "mobile",
    "iPhone": "iPhone",
    "Main": "main",
    "HomeFAX": "home fax",
    "WorkFAX": "work fax",
    "OtherFAX": "fax",
    "Pager": "pager",
    "HomePage": "website",
    "School": "school",
    "Anniversary": "anniversary",
}
_WORD_APPLE = {word: name for name, word in _APPLE_WORDS.items()}


def _label_of_types(types: Iterable[str]) -> str:
    """The label TYPE words stand for: places first ("work fax"), noise left out."""
    words: list[str] = []
    for token in types:
        word = token.strip().lower()
        if not word or word in _NOISE:
            continue
        word = _TYPE_WORDS.get(word, word)
        if word not in words:
            words.append(word)
    if "iPhone" in words and "mobile" in words:
        words.remove("mobile")
    places = [w for w in words if w in _PLACES]
    return " ".join(places + [w for w in words if w not in places])


def _types_for(label: str, allowed: dict[str, str]) -> list[str] | None:
    """The TYPE values that read back as exactly ``label``, or None when none do."""
    if not label:
        return []
    types = [allowed.get(word, "") for word in label.split(" ")]
    if all(types) and _label_of_types(types) == label:
        return types
    return None


def _apple_label(text: str) -> str:
    """An X-ABLabel as a label: Apple's built-in names ("_$!<Other>!$_") in words."""
    built_in = _APPLE_BUILT_IN.match(text.strip())
    if not built_in:
        return text.strip()
    return _APPLE_WORDS.get(built_in.group(1), built_in.group(1))


# -- writing -------------------------------------------------------------------------------


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"Ally writes vCard {' or '.join(VERSIONS)}, not “{version}”.")


def _caret_encoded(text: str) -> str:
    """A parameter value that may hold quotes and line breaks (RFC 6868: ^' ^n ^^)."""
    text = text.replace("^", "^^").replace('"', "^'")
    return text.replace("\r\n", "^n").replace("\r", "^n").replace("\n", "^n")


def _caret_decoded(text: str) -> str:
    return re.sub(r"\^([n'^])", lambda m: {"n": "\n", "'": '"', "^": "^"}[m.group(1)], text)


def _media_type(photo: bytes) -> str | None:
    """JPEG, PNG or GIF, told by the first bytes; None for anything else."""
    if photo.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if photo.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if photo.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    return None


def _rev(updated_at: str) -> str | None:
    """REV's UTC timestamp (``20240501T100000Z``) from the store's ISO text, if it is one."""
    try:
        moment = datetime.fromisoformat(updated_at)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


class _CardLines:
    """The lines of one card in the order Ally writes them; vobject escapes and folds each."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._holder = vobject.vCard()  # gives each new line its vCard behaviour
        self._lines: list[Any] = []
        self._groups = 0

    def add(
        self,
        name: str,
        value: object,
        params: dict[str, list[str]] | None = None,
        *,
        group: str | None = None,
        escaped: bool = False,
    ) -> None:
        """One line; ``escaped`` values are written as they are (a structured value, a URI)."""
        line = self._holder.add(name, group)
        line.value = value
        line.params.update(params or {})
        if escaped:
            line.encoded = True
        self._lines.append(line)

    def type_case(self, types: Sequence[str]) -> list[str]:
        """TYPE values as each version writes them: ``HOME`` in 3.0, ``home`` in 4.0."""
        return [t.lower() for t in types] if self.version == "4.0" else list(types)

    def labeled(
        self,
        name: str,
        value: object,
        label: str,
        allowed: dict[str, str],
        fixed: Sequence[str] = (),
        params: dict[str, list[str]] | None = None,
        *,
        escaped: bool = False,
    ) -> None:
        """A value with its label: as TYPE when TYPE says it exactly, else as an Apple group."""
        params = dict(params or {})
        types = _types_for(label, allowed)
        if types is not None:
            if [*fixed, *types]:
                params["TYPE"] = self.type_case([*fixed, *types])
            self.add(name, value, params, escaped=escaped)
            return
        if fixed:
            params["TYPE"] = self.type_case(fixed)
        self._groups += 1
        group = f"item{self._groups}"
        self.add(name, value, params, group=group, escaped=escaped)
        built_in = _WORD_APPLE.get(label)
        self.add("X-ABLabel", f"_$!<{built_in}>!$_" if built_in else label, group=group)

    def text(self) -> str:
        """The card. Each line is serialized on its own: serializing the whole component
        would sort the lines by name."""
        out = io.StringIO()
        out.write("BEGIN:VCARD\r\n")
        for line in self._lines:
            line.serialize(out, 75, False)
        out.write("END:VCARD\r\n")
        return out.getvalue()


def _write_names(card: _CardLines, contact: OutgoingContact) -> None:
    data = contact.data
    card.add("VERSION", card.version)
    card.add("PRODID", PRODID)
    card.add("UID", f"{UID_PREFIX}{contact.id}")
    card.add("N", vobject.vcard.Name(family=data.family_name, given=data.given_name))
    card.add("FN", data.shown_name())
    if data.display_name:
        card.add("X-ALLY-DISPLAY-NAME", data.display_name)
    if data.nickname:
        card.add("NICKNAME", data.nickname)
    if data.pronouns:
        card.add("X-ALLY-PRONOUNS", data.pronouns)
    if data.organization or data.team:
        card.add("ORG", [data.organization, data.team] if data.team else [data.organization])
    if data.job_title:
        card.add("TITLE", data.job_title)


def _uri_text(uri: str) -> str:
    """A URL as its line's value: commas and semicolons stay (a URI is not text), and only
    a backslash or a line break, which no URL holds, is escaped so nothing can be lost."""
    escaped = uri.replace("\\", "\\\\")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _write_reach(card: _CardLines, data: ContactData) -> None:
    internet = ["INTERNET"] if card.version == "3.0" else []
    for email in data.emails:
        card.labeled("EMAIL", email.value, email.label, _PLACE_TYPES, internet)
    as_text = {"VALUE": ["text"]} if card.version == "4.0" else {}
    for phone in data.phones:
        card.labeled("TEL", phone.value, phone.label, _PHONE_TYPES, params=as_text)
    for a in data.addresses:
        where = vobject.vcard.Address(
            street=a.street, city=a.city, region=a.region, code=a.postal_code, country=a.country
        )
        card.labeled("ADR", where, a.label, _PLACE_TYPES)
    for link in data.links:
        card.labeled("URL", _uri_text(link.value), link.label, _PLACE_TYPES, escaped=True)


def _day_text(item: ImportantDate, version: str) -> str:
    """4.0's basic form (``19740825``, ``--0825``) or 3.0's (``1974-08-25``, ``--08-25``)."""
    dash = "" if version == "4.0" else "-"
    month_day = f"{item.month:02d}{dash}{item.day:02d}"
    return f"--{month_day}" if item.year is None else f"{item.year:04d}{dash}{month_day}"


def _write_dates(card: _CardLines, data: ContactData) -> None:
    anniversary = "ANNIVERSARY" if card.version == "4.0" else "X-ANNIVERSARY"
    for item in data.dates:
        name = {"birthday": "BDAY", "anniversary": anniversary}.get(item.kind, "X-ALLY-DATE")
        params = {"LABEL": [_caret_encoded(item.label)]} if item.label else {}
        card.add(name, _day_text(item, card.version), params)


def _write_photo(card: _CardLines, photo: bytes) -> None:
    kind = _media_type(photo)
    if card.version == "4.0":
        media = f"image/{kind.lower()}" if kind else "application/octet-stream"
        uri = f"data:{media};base64,{base64.b64encode(photo).decode('ascii')}"
        card.add("PHOTO", uri, escaped=True)
    else:
        card.add("PHOTO", photo, {"ENCODING": ["b"], **({"TYPE": [kind]} if kind else {})})


def _connection_value(kind: str, other_id: int, label: str, note: str) -> str:
    """``kind;ally-<id>;label;note``, each part escaped as vCard text."""
    return ";".join(backslashEscape(p) for p in (kind, f"{UID_PREFIX}{other_id}", label, note))


def _write_ally(card: _CardLines, contact: OutgoingContact) -> None:
    """Ally's own fields, as X-ALLY-* lines other programs ignore."""
    data = contact.data
    card.add("X-ALLY-CLOSENESS", _CLOSENESS_WORDS[Closeness(data.closeness)])
    if data.cadence_days is not None:
        card.add("X-ALLY-CADENCE-DAYS", str(data.cadence_days))
    if data.met_how:
        card.add("X-ALLY-MET-HOW", data.met_how)
    if data.met_on is not None:
        card.add("X-ALLY-MET-ON", data.met_on.isoformat())
    if data.ambitions:
        card.add("X-ALLY-AMBITIONS", data.ambitions)
    for topic in data.topics:
        card.add("X-ALLY-TOPIC", topic)
    if data.archived:
        card.add("X-ALLY-ARCHIVED", "yes")
    for link in data.connections:
        if link.outgoing:
            value = _connection_value(link.kind, link.other_id, link.label, link.note)
            card.add("X-ALLY-CONNECTION", value, escaped=True)
    if contact.created_at:
        card.add("X-ALLY-CREATED", contact.created_at)
    rev = _rev(contact.updated_at)
    if rev:
        card.add("REV", rev)


def card_of(contact: OutgoingContact, version: str = "3.0") -> str:
    """One contact as one vCard: CRLF line ends, long lines folded."""
    _check_version(version)
    data = contact.data
    card = _CardLines(version)
    _write_names(card, contact)
    _write_reach(card, data)
    _write_dates(card, data)
    if data.notes:
        card.add("NOTE", data.notes)
    if data.tags:
        card.add("CATEGORIES", list(data.tags))
    if data.photo:
        _write_photo(card, data.photo)
    _write_ally(card, contact)
    return card.text()


def write_cards(contacts: Iterable[OutgoingContact], out: TextIO, version: str = "3.0") -> None:
    """Every contact, one card after another, each written as soon as it is made."""
    _check_version(version)
    for contact in contacts:
        out.write(card_of(contact, version))


# -- reading: values -----------------------------------------------------------------------

_UNESCAPES = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ",", ":": ":"}


def _split(value: str, separator: str | None) -> list[str]:
    """The parts of a value split on unescaped ``separator``, escapes undone.

    ``\\,`` ``\\;`` ``\\\\`` ``\\n`` are vCard's escapes; ``\\:`` is Apple's (in URLs).
    Any other backslash is kept, as 2.1 files hold Windows paths unescaped.
    """
    return split_escaped(value.replace("\r\n", "\n").replace("\r", "\n"), separator, _UNESCAPES)


def _text(value: str) -> str:
    return _split(value, None)[0]


def _parts(value: str, count: int) -> list[str]:
    """A structured value (N, ADR, ORG ...) with at least ``count`` parts."""
    parts = _split(value, ";")
    return parts + [""] * (count - len(parts))


def _items(value: str) -> list[str]:
    """A comma-separated list (CATEGORIES, NICKNAME), empty items left out."""
    return [item.strip() for item in _split(value, ",") if item.strip()]


def _base64(text: str) -> bytes:
    """Base64 data; folding's spaces and a missing padding (some writers drop it) are fine."""
    data = "".join(text.split())
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise RowError("The photo is not valid base64 data.") from None


def _data_uri(uri: str) -> bytes:
    header, comma, payload = uri.partition(",")
    if not comma:
        raise RowError("The photo's data: link has no data.")
    if header.lower().endswith(";base64"):
        return _base64(payload)
    return unquote_to_bytes(payload)


def _closeness(text: str) -> Closeness:
    word = text.strip().lower().replace(" ", "_").replace("-", "_")
    if word in _WORD_CLOSENESS:
        return _WORD_CLOSENESS[word]
    if word.isdigit() and int(word) in {c.value for c in Closeness}:
        return Closeness(int(word))
    raise RowError(f"“{text}” is not a closeness ({', '.join(_WORD_CLOSENESS)}).")


def _yes(text: str, name: str) -> bool:
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise RowError(f"“{text}” in {name} is neither yes nor no.")


# A date without its day (4.0 allows "1983", "2006-06", "--12", "---30"): Ally keeps days.
_PARTIAL_DATE = re.compile(r"^(\d{4}(-?\d{2})?|--\d{2}|---\d{2})$")


# -- reading: a card's lines ---------------------------------------------------------------


@dataclass(frozen=True)
class _Property:
    """One line of a card, parsed: the value still escaped (vCard text), QP decoded."""

    name: str  # upper case
    group: str  # lower case, "" without one
    params: dict[str, list[str]]  # upper-case names; 2.1's bare words are TYPE values
    value: str
    line: int

    def param(self, key: str) -> str:
        values = self.params.get(key)
        return values[0] if values else ""

    @property
    def types(self) -> list[str]:
        return [t for value in self.params.get("TYPE", []) for t in value.split(",")]


def _property(number: int, text: str) -> _Property:
    """One logical line, parsed by vobject; RowError when it is no vCard line."""
    shown = "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:60])
    snippet = shown if len(text) <= 60 else shown[:57] + "…"
    try:
        line = textLineToContentLine(text, number)
    except VObjectError:
        raise RowError(f"Line {number} is not a vCard line (NAME:value): “{snippet}”.") from None
    except LookupError:
        raise RowError(f"Line {number} names a character set Ally does not know.") from None
    except (ValueError, TypeError):
        raise RowError(
            f"Line {number} holds quoted-printable text that cannot be decoded."
        ) from None
    params = {str(k).upper(): [str(v) for v in values] for k, values in line.params.items()}
    for word in line.singletonparams:
        key = "ENCODING" if str(word).upper() in ("BASE64", "B") else "TYPE"
        params.setdefault(key, []).append(str(word))
    value = line.value if isinstance(line.value, str) else ""
    return _Property(str(line.name).upper(), str(line.group or "").lower(), params, value, number)


def _quoted_printable(first: str) -> bool:
    return "QUOTED-PRINTABLE" in first.split(":", 1)[0].upper()


def _logical_lines(body: Sequence[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Folded lines joined again (and 2.1's quoted-printable soft line breaks).

    Done here rather than by vobject, which ends a line at a continuation made only of
    spaces (a long run of spaces in a note) and numbers the first line 0.
    """
    pieces: list[str] = []
    start = 0
    for number, text in body:
        if pieces and _quoted_printable(pieces[0]) and pieces[-1].endswith("="):
            pieces.append("\n" + text)
        elif pieces and text[:1] in (" ", "\t"):
            pieces.append(text[1:])
        else:
            if pieces:
                yield start, "".join(pieces)
            pieces = [text.lstrip()] if text.strip() else []
            start = number
    if pieces:
        yield start, "".join(pieces)


# -- reading: a card's meaning -------------------------------------------------------------


@dataclass
class _Found:
    """What a card says, gathered line by line."""

    labels: dict[str, str]  # group → its X-ABLabel
    data: ContactData = field(default_factory=ContactData)
    formatted_name: str | None = None
    display_name: str | None = None
    ref: str = ""
    links: list[IncomingLink] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created_at: str | None = None

    def label(self, prop: _Property) -> str:
        if prop.group in self.labels:
            return self.labels[prop.group]
        return _label_of_types(prop.types)


_Reader = Callable[[_Property, _Found], None]


def _read_n(prop: _Property, found: _Found) -> None:
    family, given = _parts(prop.value, 2)[:2]
    found.data.family_name, found.data.given_name = family.strip(), given.strip()


def _read_fn(prop: _Property, found: _Found) -> None:
    if found.formatted_name is None:
        found.formatted_name = _text(prop.value).strip()


def _read_display_name(prop: _Property, found: _Found) -> None:
    found.display_name = _text(prop.value)


def _read_nickname(prop: _Property, found: _Found) -> None:
    if not found.data.nickname:
        found.data.nickname = ", ".join(_items(prop.value))


def _read_pronouns(prop: _Property, found: _Found) -> None:
    if not found.data.pronouns:
        found.data.pronouns = _text(prop.value)


def _read_org(prop: _Property, found: _Found) -> None:
    parts = _parts(prop.value, 2)
    found.data.organization = parts[0]
    found.data.team = ", ".join(p for p in parts[1:] if p)


def _read_title(prop: _Property, found: _Found) -> None:
    found.data.job_title = _text(prop.value)


def _read_email(prop: _Property, found: _Found) -> None:
    value = _text(prop.value).strip()
    if value:
        found.data.emails.append(LabeledValue(found.label(prop), value))


def _read_tel(prop: _Property, found: _Found) -> None:
    value = _text(prop.value).strip()
    if value.lower().startswith("tel:") and prop.param("VALUE").lower() != "text":
        value = value[4:]  # 4.0's tel: URI
    if value:
        found.data.phones.append(LabeledValue(found.label(prop), value))


def _read_url(prop: _Property, found: _Found) -> None:
    value = _text(prop.value).strip()
    if value:
        found.data.links.append(LabeledValue(found.label(prop), value))


def _read_adr(prop: _Property, found: _Found) -> None:
    box, extended, street, city, region, code, country = (
        p.replace("\n", ", ") for p in _parts(prop.value, 7)[:7]
    )
    street = ", ".join(p for p in (street, extended, box) if p)
    found.data.addresses.append(Address(found.label(prop), street, city, region, code, country))


def _day(prop: _Property, what: str) -> tuple[int | None, int, int] | None:
    """The day a date line names, or None for a date without its day (or given as text)."""
    text = _text(prop.value).strip()
    if prop.param("VALUE").lower() == "text" or _PARTIAL_DATE.match(text):
        return None
    try:
        year, month, day = parse_day(text.split("T", 1)[0])  # a time of day is dropped
    except RowError:
        raise RowError(f"{what} “{text}” is not a date.") from None
    omitted = prop.param("X-APPLE-OMIT-YEAR")  # Apple's year-less day: 1604-08-25
    if year is not None and omitted.isdigit() and int(omitted) == year:
        year = None
    return year, month, day


def _add_date(prop: _Property, found: _Found, kind: str, label: str, what: str) -> None:
    day = _day(prop, what)
    if day is not None:
        year, month, day_of_month = day
        found.data.dates.append(ImportantDate(kind, month, day_of_month, year, label))


def _read_birthday(prop: _Property, found: _Found) -> None:
    _add_date(prop, found, "birthday", _caret_decoded(prop.param("LABEL")), "The birthday")


def _read_anniversary(prop: _Property, found: _Found) -> None:
    _add_date(prop, found, "anniversary", _caret_decoded(prop.param("LABEL")), "The anniversary")


def _read_ally_date(prop: _Property, found: _Found) -> None:
    label = _caret_decoded(prop.param("LABEL"))
    _add_date(prop, found, "custom", label, f"The date “{label}”" if label else "A date")


def _read_apple_date(prop: _Property, found: _Found) -> None:
    label = found.labels.get(prop.group, "")
    if label == "anniversary":
        _add_date(prop, found, "anniversary", "", "The anniversary")
    else:
        _add_date(prop, found, "custom", label, f"The date “{label}”" if label else "A date")


def _read_note(prop: _Property, found: _Found) -> None:
    note = _text(prop.value).strip()
    if note:
        found.notes.append(note)


def _read_photo(prop: _Property, found: _Found) -> None:
    if found.data.photo is not None:
        return
    if prop.param("ENCODING").lower() in ("b", "base64"):
        found.data.photo = _base64(prop.value)
        return
    uri = _text(prop.value).strip()
    if uri[:5].lower() == "data:":
        found.data.photo = _data_uri(uri)
    # Any other photo is a link (http ...): Ally works offline, so it is left out.


def _read_categories(prop: _Property, found: _Found) -> None:
    # "myContacts" is Google's name for all of one's contacts, not a tag anyone chose.
    found.data.tags.extend(t for t in _items(prop.value) if t != "myContacts")


def _read_uid(prop: _Property, found: _Found) -> None:
    found.ref = _text(prop.value).strip()


def _read_closeness(prop: _Property, found: _Found) -> None:
    found.data.closeness = _closeness(_text(prop.value))


def _read_cadence(prop: _Property, found: _Found) -> None:
    text = _text(prop.value).strip()
    if not text.isdigit():
        raise RowError(f"“{text}” in X-ALLY-CADENCE-DAYS is not a whole number of days.")
    found.data.cadence_days = int(text)


def _read_met_how(prop: _Property, found: _Found) -> None:
    found.data.met_how = _text(prop.value)


def _read_met_on(prop: _Property, found: _Found) -> None:
    text = _text(prop.value).strip()
    try:
        found.data.met_on = date.fromisoformat(text)
    except ValueError:
        raise RowError(f"“{text}” in X-ALLY-MET-ON is not a date (2024-05-17).") from None


def _read_ambitions(prop: _Property, found: _Found) -> None:
    found.data.ambitions = _text(prop.value)


def _read_topic(prop: _Property, found: _Found) -> None:
    topic = _text(prop.value).strip()
    if topic:
        found.data.topics.append(topic)


def _read_archived(prop: _Property, found: _Found) -> None:
    found.data.archived = _yes(_text(prop.value), "X-ALLY-ARCHIVED")


def _read_connection(prop: _Property, found: _Found) -> None:
    parts = _split(prop.value, ";")
    if not 2 <= len(parts) <= 4 or not parts[0].strip() or not parts[1].strip():
        shown = ";".join(parts)
        raise RowError(f"“{shown}” is not a connection (kind;other card's UID;label;note).")
    kind, ref, *rest = parts
    found.links.append(IncomingLink(ref.strip(), kind.strip(), *rest))


def _read_created(prop: _Property, found: _Found) -> None:
    found.created_at = _text(prop.value).strip() or None


_READERS: dict[str, _Reader] = {
    "N": _read_n,
    "FN": _read_fn,
    "X-ALLY-DISPLAY-NAME": _read_display_name,
    "NICKNAME": _read_nickname,
    "X-ALLY-PRONOUNS": _read_pronouns,
    "PRONOUNS": _read_pronouns,  # RFC 9554
    "ORG": _read_org,
    "TITLE": _read_title,
    "EMAIL": _read_email,
    "TEL": _read_tel,
    "URL": _read_url,
    "ADR": _read_adr,
    "BDAY": _read_birthday,
    "ANNIVERSARY": _read_anniversary,
    "X-ANNIVERSARY": _read_anniversary,
    "X-MS-ANNIVERSARY": _read_anniversary,  # Outlook
    "X-ALLY-DATE": _read_ally_date,
    "X-ABDATE": _read_apple_date,
    "NOTE": _read_note,
    "PHOTO": _read_photo,
    "CATEGORIES": _read_categories,
    "UID": _read_uid,
    "X-ALLY-CLOSENESS": _read_closeness,
    "X-ALLY-CADENCE-DAYS": _read_cadence,
    "X-ALLY-MET-HOW": _read_met_how,
    "X-ALLY-MET-ON": _read_met_on,
    "X-ALLY-AMBITIONS": _read_ambitions,
    "X-ALLY-TOPIC": _read_topic,
    "X-ALLY-ARCHIVED": _read_archived,
    "X-ALLY-CONNECTION": _read_connection,
    "X-ALLY-CREATED": _read_created,
}


def _display_name(found: _Found) -> str:
    """X-ALLY-DISPLAY-NAME, else FN when it says more than the name Ally would show anyway
    (a company's card, "Dr. Ana Ruiz"); else none."""
    if found.display_name is not None:
        return found.display_name
    formatted = " ".join((found.formatted_name or "").split())
    data = found.data
    plain = ContactData(
        given_name=data.given_name, family_name=data.family_name, nickname=data.nickname
    ).shown_name()
    return formatted if formatted != " ".join(plain.split()) else ""


def _contact_of(props: Sequence[_Property], line: int) -> IncomingContact:
    labels = {
        p.group: _apple_label(_text(p.value)) for p in props if p.name == "X-ABLABEL" and p.group
    }
    found = _Found(labels)
    for prop in props:
        reader = _READERS.get(prop.name)
        if reader is not None:
            reader(prop, found)
    found.data.notes = "\n\n".join(found.notes)
    found.data.display_name = _display_name(found)
    return IncomingContact(
        line=line, data=found.data, ref=found.ref, links=found.links, created_at=found.created_at
    )


def _card(begin: int, body: Sequence[tuple[int, str]]) -> IncomingContact | RowProblem:
    """The contact of one card (its BEGIN:VCARD on line ``begin``), or why it is left out."""
    try:
        props = [_property(number, text) for number, text in _logical_lines(body)]
        return _contact_of(props, begin)
    except RowError as exc:
        return RowProblem(begin, str(exc))


# -- reading: cards in a text --------------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line with its number (1-based), without building a list of all of them."""
    start = 0
    number = 1
    for end in _LINE_END.finditer(text):
        yield number, text[start : end.start()]
        start = end.end()
        number += 1
    if start < len(text):
        yield number, text[start:]


def _is(text: str, marker: str) -> bool:
    return text.strip().upper() == marker


def looks_like_vcard(text: str) -> bool:
    """True when the first line with anything on it is BEGIN:VCARD."""
    head = text.lstrip("\ufeff \t\r\n")[:100]
    return _is(_LINE_END.split(head, 1)[0], "BEGIN:VCARD")


def _stray(first: int, last: int) -> RowProblem:
    where = f"Line {first} is" if first == last else f"Lines {first} to {last} are"
    return RowProblem(first, f"{where} outside any card (a card starts with BEGIN:VCARD).")


def read_cards(text: str) -> Iterator[IncomingContact | RowProblem]:
    """Every card in ``text``, in order: its contact, or a RowProblem saying why not.

    A broken card does not stop the reading: the next BEGIN:VCARD starts afresh. Text
    outside any card is reported once per stretch; text with no card at all is reported
    as not being a vCard.
    """
    begin: int | None = None  # the line of the open card's BEGIN:VCARD
    body: list[tuple[int, str]] = []
    stray: tuple[int, int] | None = None  # lines outside any card, not yet reported
    cards = 0
    for number, line in _numbered_lines(text):
        if number == 1:
            line = line.removeprefix("\ufeff")
        if _is(line, "BEGIN:VCARD"):
            if begin is not None:
                yield RowProblem(
                    begin,
                    f"The card that starts on line {begin} has no END:VCARD "
                    f"before the next card, on line {number}.",
                )
            elif stray is not None:
                yield _stray(*stray)
                stray = None
            begin, body, cards = number, [], cards + 1
        elif begin is None:
            if line.strip():
                stray = (stray[0] if stray else number, number)
        elif _is(line, "END:VCARD"):
            yield _card(begin, body)
            begin, body = None, []
        else:
            body.append((number, line))
    if begin is not None:
        yield RowProblem(
            begin,
            f"The card that starts on line {begin} is cut off: the text ends before its END:VCARD.",
        )
    elif cards == 0:
        if stray is None:
            yield RowProblem(1, "There is nothing to read: the text holds no cards.")
        else:
            yield RowProblem(stray[0], "This is not a vCard: no line says BEGIN:VCARD.")
    elif stray is not None:
        yield _stray(*stray)
