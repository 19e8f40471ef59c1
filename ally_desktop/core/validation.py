"""Checking and cleaning a contact before it is stored.

Every problem is collected (not only the first), each tied to the field it concerns so
the editor can point at it; nothing is stored unless the whole contact is valid.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass
from datetime import date

from ally_desktop.core import connections
from ally_desktop.core.records import (
    DATE_KINDS,
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
    clean_text,
    is_blank,
    vocabulary_key,
)

PHOTO_MAX_BYTES = 256 * 1024
CADENCE_MAX_DAYS = 3660
MAX_ITEMS = 100  # emails, phones, topics ... per contact


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(ValueError):
    """The contact cannot be stored as it is; ``errors`` says why, field by field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


def _line(errors: list[FieldError], name: str, value: str, limit: int, what: str) -> str:
    cleaned = clean_line(value)
    if len(cleaned) > limit:
        errors.append(
            FieldError(name, f"{what} is too long ({len(cleaned):,} of {limit:,} characters).")
        )
    return cleaned


def _text(errors: list[FieldError], name: str, value: str, what: str) -> str:
    cleaned = clean_text(value)
    if len(cleaned) > TEXT_MAX_CHARS:
        errors.append(
            FieldError(
                name, f"{what} are too long ({len(cleaned):,} of {TEXT_MAX_CHARS:,} characters)."
            )
        )
    return cleaned


# The plain addresses nearly everyone has (ASCII dot-atom local part, ASCII host names,
# an alphabetic top-level domain) are valid by any reading of the RFCs; only they skip
# the full check, which costs 100 µs each and dominates an import. A test holds this
# shape to agreeing with email-validator.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")


def _plainly_valid(address: str) -> bool:
    if len(address) > 254 or not _PLAIN_EMAIL.fullmatch(address):
        return False
    local, domain = address.rsplit("@", 1)
    top = domain.rsplit(".", 1)[-1].lower()
    return len(local) <= 64 and len(domain) <= 253 and top not in _SPECIAL_USE_DOMAINS


def email_problem(address: str) -> str | None:
    """Why ``address`` is not a usable email address, or None when it is.

    email-validator knows the RFCs (quoted local parts, internationalised domains)
    far better than a regular expression; deliverability (DNS) is not checked: Ally
    works offline.
    """
    if _plainly_valid(address):
        return None
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def date_problem(year: int | None, month: int, day: int) -> str | None:
    """Why this day of the year does not exist, or None. 29 February is fine without a year."""
    if not 1 <= month <= 12:
        return f"There is no month {month}."
    if year is not None and not 1 <= year <= 9999:
        return f"The year {year} is out of range."
    longest = calendar.monthrange(year if year is not None else 2000, month)[1]
    if not 1 <= day <= longest:
        when = f"{calendar.month_name[month]} {year}" if year else calendar.month_name[month]
        return f"{when} has no day {day}."
    return None


def _values(
    errors: list[FieldError], name: str, items: list[LabeledValue], what: str
) -> list[LabeledValue]:
    cleaned = []
    for item in items[: MAX_ITEMS + 1]:
        value = _line(errors, name, item.value, LINE_MAX_CHARS, what)
        if not value:
            continue
        label = _line(errors, name, item.label, NAME_MAX_CHARS, "A label")
        cleaned.append(LabeledValue(label, value))
    if len(items) > MAX_ITEMS:
        errors.append(FieldError(name, f"At most {MAX_ITEMS} {what.lower()}s per person."))
    return cleaned


def _vocabulary(errors: list[FieldError], name: str, terms: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    cleaned = []
    for term in terms:
        value = _line(errors, name, term, NAME_MAX_CHARS, what)
        key = vocabulary_key(value)
        if value and key not in seen:
            seen.add(key)
            cleaned.append(value)
    if len(cleaned) > MAX_ITEMS:
        errors.append(FieldError(name, f"At most {MAX_ITEMS} {what.lower()}s per person."))
    return cleaned


def validate_contact(data: ContactData) -> ContactData:
    """A cleaned copy of ``data``, or ValidationError listing every problem."""
    errors: list[FieldError] = []
    names = {
        f: _line(errors, f, getattr(data, f), NAME_MAX_CHARS, label)
        for f, label in (
            ("given_name", "The first name"),
            ("family_name", "The last name"),
            ("display_name", "The display name"),
            ("nickname", "The nickname"),
        )
    }
    if all(is_blank(name) for name in names.values()):
        errors.append(FieldError("given_name", "A name is needed: type at least a first name."))

    emails = _values(errors, "emails", data.emails, "Email")
    for email in emails:
        problem = email_problem(email.value)
        if problem:
            errors.append(FieldError("emails", f"“{email.value}” is not a valid email: {problem}"))

    dates: list[ImportantDate] = []
    for item in data.dates:
        if item.kind not in DATE_KINDS:
            errors.append(FieldError("dates", f"Unknown kind of date “{item.kind}”."))
            continue
        problem = date_problem(item.year, item.month, item.day)
        if problem:
            errors.append(FieldError("dates", f"{item.title()}: {problem}"))
        label = _line(errors, "dates", item.label, NAME_MAX_CHARS, "A date's label")
        dates.append(dataclasses.replace(item, label=label))

    if data.met_on is not None and not isinstance(data.met_on, date):
        errors.append(FieldError("met_on", "The date you met is not a date."))
    if data.cadence_days is not None and not 1 <= data.cadence_days <= CADENCE_MAX_DAYS:
        errors.append(
            FieldError("cadence_days", f"Keep in touch every 1 to {CADENCE_MAX_DAYS} days.")
        )
    if data.photo is not None and len(data.photo) > PHOTO_MAX_BYTES:
        errors.append(FieldError("photo", "The photo is too large; choose a smaller picture."))

    links: list[ConnectionLink] = []
    seen_links: set[tuple[int, str, bool, str]] = set()
    for link in data.connections:
        if link.kind not in connections.KINDS:
            errors.append(FieldError("connections", f"Unknown kind of connection “{link.kind}”."))
            continue
        label = _line(errors, "connections", link.label, NAME_MAX_CHARS, "A connection's label")
        note = _line(errors, "connections", link.note, LINE_MAX_CHARS, "A connection's note")
        # A symmetric link ("works with") reads the same both ways: one direction is kept.
        outgoing = link.outgoing or connections.KINDS[link.kind].symmetric
        key = (link.other_id, link.kind, outgoing, label)
        if key not in seen_links:
            seen_links.add(key)
            links.append(dataclasses.replace(link, label=label, note=note, outgoing=outgoing))

    addresses = [
        Address(
            *(
                _line(errors, "addresses", v, LINE_MAX_CHARS, "An address line")
                for v in (a.label, a.street, a.city, a.region, a.postal_code, a.country)
            )
        )
        for a in data.addresses
    ]

    cleaned = ContactData(
        **names,
        pronouns=_line(errors, "pronouns", data.pronouns, NAME_MAX_CHARS, "Pronouns"),
        job_title=_line(errors, "job_title", data.job_title, LINE_MAX_CHARS, "The job title"),
        organization=_line(
            errors, "organization", data.organization, LINE_MAX_CHARS, "The organization"
        ),
        team=_line(errors, "team", data.team, LINE_MAX_CHARS, "The team"),
        photo=data.photo,
        met_how=_line(errors, "met_how", data.met_how, LINE_MAX_CHARS, "How you met"),
        met_on=data.met_on,
        closeness=Closeness(data.closeness),
        cadence_days=data.cadence_days,
        notes=_text(errors, "notes", data.notes, "The notes"),
        ambitions=_text(errors, "ambitions", data.ambitions, "The ambitions"),
        archived=bool(data.archived),
        emails=emails,
        phones=_values(errors, "phones", data.phones, "Phone number"),
        links=_values(errors, "links", data.links, "Web link"),
        addresses=[a for a in addresses if any(a.lines())],
        topics=_vocabulary(errors, "topics", data.topics, "Topic"),
        tags=_vocabulary(errors, "tags", data.tags, "Tag"),
        dates=dates,
        connections=links,
    )
    if errors:
        raise ValidationError(errors)
    return cleaned
