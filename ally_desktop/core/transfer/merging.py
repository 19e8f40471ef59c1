"""Folding an imported contact into the matching stored one, losing nothing.

What the stored contact already says wins; what it lacks is filled in from the file;
lists (emails, phones, tags, dates ...) gain the file's entries they do not have yet;
notes that differ are kept both, the file's under the stored ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.text import vocabulary_key

T = TypeVar("T")

_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "display_name",
    "nickname",
    "pronouns",
    "job_title",
    "organization",
    "team",
    "met_how",
)


def _union(kept: Sequence[T], extra: Sequence[T], key: Callable[[T], Hashable]) -> list[T]:
    seen = {key(item) for item in kept}
    merged = list(kept)
    for item in extra:
        if key(item) not in seen:
            seen.add(key(item))
            merged.append(item)
    return merged


def _paragraphs(kept: str, extra: str) -> str:
    if not extra.strip() or extra.strip() in kept:
        return kept
    return f"{kept}\n\n{extra}" if kept.strip() else extra


def merge_contact(stored: ContactData, incoming: ContactData) -> ContactData:
    """``stored`` completed with what ``incoming`` adds (both already validated)."""
    filled = {name: getattr(stored, name) or getattr(incoming, name) for name in _TEXT_FIELDS}
    return dataclasses.replace(
        stored,
        **filled,
        photo=stored.photo or incoming.photo,
        met_on=stored.met_on or incoming.met_on,
        closeness=min(stored.closeness, incoming.closeness)
        if incoming.closeness != Closeness.ACQUAINTANCE
        else stored.closeness,
        cadence_days=stored.cadence_days or incoming.cadence_days,
        notes=_paragraphs(stored.notes, incoming.notes),
        ambitions=_paragraphs(stored.ambitions, incoming.ambitions),
        emails=_union(stored.emails, incoming.emails, lambda v: v.value.casefold()),
        phones=_union(
            stored.phones, incoming.phones, lambda v: "".join(ch for ch in v.value if ch.isalnum())
        ),
        links=_union(stored.links, incoming.links, lambda v: v.value.rstrip("/").casefold()),
        addresses=_union(stored.addresses, incoming.addresses, lambda a: tuple(a.lines())),
        topics=_union(stored.topics, incoming.topics, vocabulary_key),
        tags=_union(stored.tags, incoming.tags, vocabulary_key),
        dates=_union(stored.dates, incoming.dates, lambda d: (d.kind, d.month, d.day, d.label)),
    )
