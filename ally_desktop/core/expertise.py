"""Who can help with a topic: people ranked by the evidence you recorded, each with why.

The question is the one a person asks before a project ("who knows about pricing?"),
answered from what was written down, weighted by how close the relationship is.

The topic
    What is typed is resolved through the vocabulary (``core.topics``): a topic's name,
    or a word merged into it (``topic_alias``), leads to the topic; the phrases searched
    are then its name and every alias. Text that names no topic is searched as typed.
    Each phrase matches as a run of words, its last word as a prefix (``"pricing"*``
    also finds "pricings", ``"contract law"*`` finds "contract lawyers"), with the search
    index's folding of case and accents; there is no stemming ("price" does not find
    "pricing" unless the two were merged).

Evidence (points, added up)
    listed expertise   10, +0.5 for each place before the fourth: a first-listed topic
                       counts 11.5, a second 11, a third 10.5 (``contact_topic`` of the
                       topic, so merged synonyms count as the same topic)
    related topic      5 when they list another topic holding the phrase ("pricing
                       strategy" for "pricing"), once however many
    their own text     job title 4, notes 4, team 3, ambitions 2: each field that
                       mentions it counts once
    interactions       2 × log2(1 + F), F = the sum over the interactions that mention
                       it (title, notes, help noted; outside the trash) of their
                       freshness 0.5 ^ (age in days / 365): one today adds 2, three today
                       4, one a year old 1.17; each more adds less, newer ones more.

Multipliers
    closeness          inner circle 1.5, ally 1.25, acquaintance 1.0, other 0.8
    recency            0.8 + 0.4 × 0.5 ^ (days since the last interaction / 180):
                       1.2 for someone seen today, 1.0 after six months, towards 0.8 for
                       long ago; 0.8 for someone never met in a logged interaction

    score = evidence × closeness × recency

So listing a topic outweighs a mention in notes, which outweighs one old interaction;
closeness and recency move people within about a factor of 2.8 (0.64 to 1.8), enough
for a close, recently seen ally whose notes and meetings mention the topic to pass an
"other" who merely lists it, not enough for one stale mention to pass a listed expert.
Ties go by name, then id: the order is fully determined by the data and the clock.

People in the trash never appear; archived people only when asked (as in the Contacts
list). Interactions in the trash are not evidence.

The terms (the formula's numbers, what a typed topic searches) are in
``core.expertise_formula``; how the page is found fast, in ``core.expertise_ranking``;
the words around a match, in ``core.snippets``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import peewee as pw

from ally_desktop.core.expertise_formula import (
    FIELD_BITS,
    PAGE,
    RELATED_POINTS,
    TEXT_FIELDS,
    ReasonKind,
    TopicSearch,
    interaction_points,
    listed_points,
    topic_search,
)
from ally_desktop.core.expertise_ranking import Candidate, rank
from ally_desktop.core.records import MONTH_NAMES, Closeness
from ally_desktop.core.relative_time import days_ago_text, local_days_since
from ally_desktop.core.snippets import snippet
from ally_desktop.core.timeline import kind_label
from ally_desktop.core.topics import name_words
from ally_desktop.store.db import id_batches, sqlite_connection

__all__ = [
    "PAGE",
    "Expert",
    "Reason",
    "ReasonKind",
    "TopicSearch",
    "WhoResult",
    "short_date",
    "topic_search",
    "who_can_help",
]


# --- results ----------------------------------------------------------------------------
def short_date(day: date) -> str:
    """ "3 Mar 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: what it is, the points it adds, and the words to show."""

    kind: ReasonKind
    points: float
    text: str  # "Lists pricing as expertise", "Notes: …pricing decision…"
    snippet: str = ""  # the words around the match, or the related topic's name
    interaction_id: int | None = None  # the most recent interaction that mentions it
    occurred_on: date | None = None
    interaction_kind: str = ""
    interaction_title: str = ""
    count: int = 0  # interactions that mention it

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.value,
            "points": round(self.points, 3),
            "text": self.text,
        }
        if self.snippet:
            data["snippet"] = self.snippet
        if self.kind is ReasonKind.INTERACTIONS:
            data |= {
                "count": self.count,
                "latest": {
                    "id": self.interaction_id,
                    "date": self.occurred_on.isoformat() if self.occurred_on else None,
                    "kind": self.interaction_kind,
                    "title": self.interaction_title,
                },
            }
        return data


@dataclass(frozen=True)
class Expert:
    """A person who can help, their score and everything it is made of."""

    contact_id: int
    name: str
    organization: str
    job_title: str
    closeness: Closeness
    archived: bool
    last_interaction_at: str | None
    score: float
    evidence: float  # the points before the multipliers
    closeness_factor: float
    recency_factor: float
    reasons: tuple[Reason, ...]

    def standing(self, today: date | None = None) -> str:
        """The multipliers in words: "Inner circle · last in touch 5 weeks ago"."""
        if self.last_interaction_at:
            days = local_days_since(self.last_interaction_at, today or date.today())
            seen = f"last in touch {days_ago_text(days).lower()}"
        else:
            seen = "no interaction logged"
        archived = " · archived" if self.archived else ""
        return f"{self.closeness.label} · {seen}{archived}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.contact_id,
            "name": self.name,
            "organization": self.organization,
            "job_title": self.job_title,
            "score": round(self.score, 3),
            "evidence": round(self.evidence, 3),
            "closeness": self.closeness.name.lower(),
            "closeness_factor": self.closeness_factor,
            "recency_factor": round(self.recency_factor, 3),
            "last_interaction_at": self.last_interaction_at,
            "archived": self.archived,
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class WhoResult:
    """One page of the ranking: ``experts`` hold ranks ``offset + 1`` onwards."""

    search: TopicSearch
    experts: list[Expert]
    offset: int
    more: bool  # people may rank after this page


def who_can_help(
    db: pw.SqliteDatabase,
    text: str,
    *,
    limit: int = PAGE,
    offset: int = 0,
    include_archived: bool = False,
    now: datetime | None = None,
) -> WhoResult:
    """People who can help with ``text``, best first: ranks ``offset + 1`` to
    ``offset + limit``, each with the reasons (see the module's docstring for the score).

    ``now`` (aware; the current time by default) is what freshness and recency count from.
    """
    now = now or datetime.now(UTC)
    found = topic_search(db, text)
    if found.expression is None or limit <= 0:
        return WhoResult(found, [], offset, False)
    conn = sqlite_connection(db)
    want = offset + limit
    with db.atomic():  # one consistent read: every statement below sees the same data
        ranking, _ = rank(conn, found, want, include_archived, now)
        ranked = sorted(ranking.scored, key=Candidate.rank_key)
        page = ranked[offset:want]
        experts = _describe(conn, found, page)
    more = ranking.more or len(ranked) > want
    return WhoResult(found, experts, offset, more)


# --- the reasons --------------------------------------------------------------------------
def _describe(conn: sqlite3.Connection, found: TopicSearch, page: list[Candidate]) -> list[Expert]:
    ids = [c.contact_id for c in page]
    related = _related_names(conn, found, [c.contact_id for c in page if c.related])
    texts = _texts(conn, [c.contact_id for c in page if c.mask])
    latest = _interactions(conn, [c.latest[1] for c in page if c.latest])
    phrases = [words for words in (name_words(p) for p in found.phrases) if words]
    experts = []
    for c in page:
        reasons: list[Reason] = []
        if c.position is not None:
            reasons.append(
                Reason(
                    ReasonKind.EXPERTISE,
                    listed_points(c.position),
                    f"Lists {found.label} as expertise",
                    found.label,
                )
            )
        if c.related:
            names = related.get(c.contact_id, [])
            shown = ", ".join(names) or "a related topic"
            text = (
                f"Also lists {shown}" if c.position is not None else f"Lists {shown} as expertise"
            )
            reasons.append(Reason(ReasonKind.RELATED, RELATED_POINTS, text, shown))
        for bit, (kind, column, points, label) in FIELD_BITS:
            if c.mask & bit:
                value = texts.get(c.contact_id, {}).get(column, "")
                words = snippet(value, phrases)
                reasons.append(Reason(kind, points, f"{label}: {words}", words))
        if c.latest is not None:
            reasons.append(_interaction_reason(c, latest.get(c.latest[1])))
        experts.append(
            Expert(
                c.contact_id,
                c.name,
                c.organization,
                c.job_title,
                c.closeness,
                c.archived,
                c.last_interaction_at,
                c.score,
                c.static_points + interaction_points(c.freshness),
                c.factor,
                c.recency,
                tuple(reasons),
            )
        )
    assert len(experts) == len(ids)
    return experts


def _interaction_reason(c: Candidate, row: tuple[str, str, str] | None) -> Reason:
    local_date, kind, title = row or ("", "", "")
    day = date.fromisoformat(local_date) if local_date else None
    what = title or kind_label(kind)
    text = what
    if day is not None:
        text += f", {short_date(day)}"
    if kind and title:
        text += f" ({kind_label(kind).lower()})"
    others = c.interactions - 1
    if others > 0:
        text += f", and {others:,} more" if others > 1 else ", and 1 more"
    return Reason(
        ReasonKind.INTERACTIONS,
        interaction_points(c.freshness),
        text,
        interaction_id=c.latest[1] if c.latest else None,
        occurred_on=day,
        interaction_kind=kind,
        interaction_title=title,
        count=c.interactions,
    )


def _related_names(
    conn: sqlite3.Connection, found: TopicSearch, ids: list[int]
) -> dict[int, list[str]]:
    if not ids or not found.related:
        return {}
    topic_ids = ",".join(str(int(ref.id)) for ref in found.related)
    names: dict[int, list[str]] = {}
    for batch, marks in id_batches(ids):
        for cid, name in conn.execute(
            "SELECT ct.contact_id, t.name FROM contact_topic ct JOIN topic t ON t.id = ct.topic_id"
            f" WHERE ct.contact_id IN ({marks}) AND ct.topic_id IN ({topic_ids})"
            " ORDER BY ct.contact_id, ct.position",
            batch,
        ):
            names.setdefault(cid, []).append(name)
    return names


def _texts(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, str]]:
    columns = [column for _, column, _, _ in TEXT_FIELDS]
    found: dict[int, dict[str, str]] = {}
    for batch, marks in id_batches(ids):
        for row in conn.execute(
            f"SELECT id, {', '.join(columns)} FROM contact WHERE id IN ({marks})", batch
        ):
            found[row[0]] = dict(zip(columns, row[1:], strict=True))
    return found


def _interactions(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    found: dict[int, tuple[str, str, str]] = {}
    for batch, marks in id_batches(ids):
        for iid, local_date, kind, title in conn.execute(
            f"SELECT id, local_date, kind, title FROM interaction WHERE id IN ({marks})", batch
        ):
            found[iid] = (local_date, kind, title)
    return found
