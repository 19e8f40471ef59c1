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

How it stays fast (100,000 people, 1,000,000 interactions)
    1. One SQL statement turns every piece of evidence into a row (person, points, which
       evidence, interaction id) from the full-text hits and the topic's listings, sums
       them per person (GROUP BY) and orders people by an upper bound of their score
       that needs no further reads: their evidence with every interaction counted as new.
    2. Python walks that order a chunk at a time: one query reads the chunk's closeness
       and last interaction, which tightens the bound; only those who can still enter the
       page get their matching interactions' dates read (one query) and are scored
       exactly. It stops once the next bound times the largest multiplier (1.8) falls
       below the page's last place: nobody further can enter it. The result is the exact
       ranking of the formula (tests compare it with a plain computation of every score).
    3. Only the page's people get their reasons built (names of related topics, the words
       around the match, the most recent matching interaction).
"""

from __future__ import annotations

import bisect
import math
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import peewee as pw

from ally_desktop.core.records import MONTH_NAMES, Closeness
from ally_desktop.core.relative_time import days_ago_text, local_days_since, parse_utc
from ally_desktop.core.text import clean_line
from ally_desktop.core.timeline import kind_label
from ally_desktop.core.topics import TopicRef, name_words, related_topics, resolve_topic
from ally_desktop.store import search
from ally_desktop.store.db import id_batches, sqlite_connection

# --- the formula ------------------------------------------------------------------------
EXPERTISE_POINTS = 10.0
POSITION_BONUS = 0.5  # per place before the fourth
BONUS_PLACES = 3
RELATED_POINTS = 5.0
INTERACTION_POINTS = 2.0  # × log2(1 + sum of freshness)
FRESHNESS_HALF_LIFE_DAYS = 365.0
CLOSENESS_FACTORS: dict[Closeness, float] = {
    Closeness.INNER_CIRCLE: 1.5,
    Closeness.ALLY: 1.25,
    Closeness.ACQUAINTANCE: 1.0,
    Closeness.OTHER: 0.8,
}
RECENCY_FLOOR = 0.8
RECENCY_SPAN = 0.4
RECENCY_HALF_LIFE_DAYS = 180.0
MAX_FACTOR = max(CLOSENESS_FACTORS.values()) * (RECENCY_FLOOR + RECENCY_SPAN)
_FACTOR_OF_LEVEL = {int(level): factor for level, factor in CLOSENESS_FACTORS.items()}

PAGE = 50
_CHUNK = 256
_EPSILON = 1e-9  # a bound computed in SQL may differ from Python's in the last bit


class ReasonKind(Enum):
    EXPERTISE = "expertise"
    RELATED = "related_topic"
    JOB_TITLE = "job_title"
    TEAM = "team"
    NOTES = "notes"
    AMBITIONS = "ambitions"
    INTERACTIONS = "interactions"


# The person's own fields searched, with their points and the bit each sets in a mask.
TEXT_FIELDS: tuple[tuple[ReasonKind, str, float, str], ...] = (
    (ReasonKind.JOB_TITLE, "job_title", 4.0, "Job title"),
    (ReasonKind.TEAM, "team", 3.0, "Team"),
    (ReasonKind.NOTES, "notes", 4.0, "Notes"),
    (ReasonKind.AMBITIONS, "ambitions", 2.0, "Ambitions"),
)
INTERACTION_COLUMNS = "{title notes exchange_note}"


def listed_points(position: int) -> float:
    """Points for listing the topic at ``position`` (0: first) among their topics."""
    return EXPERTISE_POINTS + POSITION_BONUS * max(0, BONUS_PLACES - position)


_FIELD_BITS = tuple((1 << i, spec) for i, spec in enumerate(TEXT_FIELDS))


def text_points(mask: int) -> float:
    """Points for the fields whose bits are set in ``mask`` (in TEXT_FIELDS order)."""
    return sum(points for bit, (_, _, points, _) in _FIELD_BITS if mask & bit)


def freshness(occurred_at: str, now: datetime) -> float:
    """How much one interaction counts: 1 today, halving every year (never more than 1)."""
    age_days = (now - parse_utc(occurred_at)).total_seconds() / 86400
    return float(0.5 ** (max(0.0, age_days) / FRESHNESS_HALF_LIFE_DAYS))


def interaction_points(total_freshness: float) -> float:
    return INTERACTION_POINTS * math.log2(1 + total_freshness)


def closeness_factor(closeness: Closeness) -> float:
    return CLOSENESS_FACTORS[closeness]


def recency_factor(last_interaction_at: str | None, now: datetime) -> float:
    """1.2 for someone seen today, 1.0 six months ago, towards 0.8; 0.8 if never."""
    if not last_interaction_at:
        return RECENCY_FLOOR
    days = max(0.0, (now - parse_utc(last_interaction_at)).total_seconds() / 86400)
    return float(RECENCY_FLOOR + RECENCY_SPAN * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS))


def score(
    evidence: float, closeness: Closeness, last_interaction_at: str | None, now: datetime
) -> float:
    return evidence * closeness_factor(closeness) * recency_factor(last_interaction_at, now)


# --- what is searched -------------------------------------------------------------------
@dataclass(frozen=True)
class TopicSearch:
    """What a typed topic searches for: the topic it names (if any), the phrases (its
    name and aliases, or the text as typed) and the topics that hold them."""

    text: str
    topic: TopicRef | None
    phrases: tuple[str, ...]
    related: tuple[TopicRef, ...]
    expression: str | None  # the full-text MATCH of the phrases, any column

    def matches(self, column_filter: str) -> str:
        """The MATCH expression restricted to some columns ("{notes}")."""
        assert self.expression is not None
        return f"{column_filter} : ({self.expression})"

    @property
    def label(self) -> str:
        return self.topic.name if self.topic else clean_line(self.text)


def phrase_expression(phrases: Sequence[str]) -> str | None:
    """``"pricing"* OR "price list"*``: each phrase a run of words, the last a prefix."""
    terms = []
    for phrase in phrases:
        words = search.query_words(phrase)
        if words:
            terms.append('"' + " ".join(words).replace('"', '""') + '"*')
    return " OR ".join(dict.fromkeys(terms)) or None


def topic_search(db: pw.SqliteDatabase, text: str) -> TopicSearch:
    topic = resolve_topic(db, text)
    phrases = topic.names if topic else (clean_line(text),)
    related = related_topics(db, phrases, exclude=topic.id if topic else None)
    return TopicSearch(text, topic, phrases, tuple(related), phrase_expression(phrases))


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


# --- the ranking ------------------------------------------------------------------------
# Step 1 gives each piece of evidence as a row (person, points, code, interaction id) and
# sums them per person. ``code`` says which evidence it was, for the reasons: bits 0-3 the
# fields that mention it (each field's query returns a person once, so the sum is their
# OR), bits 8-15 the listed position + 1 (a person lists a topic once), bit 16 a related
# topic (one row per person).
_LISTED_SHIFT = 8
_RELATED_BIT = 1 << 16
_MAX_POSITION = 254


def decode(code: int) -> tuple[int | None, bool, int]:
    """(listed position or None, lists a related topic, field mask)."""
    listed = (code >> _LISTED_SHIFT) & 0xFF
    return (listed - 1 if listed else None, bool(code & _RELATED_BIT), code & 0xF)


@dataclass
class _Candidate:
    contact_id: int
    position: int | None
    related: bool
    mask: int
    interactions: int
    interaction_ids: str
    name: str
    sort_name: str
    organization: str
    job_title: str
    closeness: Closeness
    archived: bool
    last_interaction_at: str | None
    recency: float
    freshness: float = 0.0
    latest: tuple[str, int] | None = None  # (occurred_at, id) of the newest matching one
    score: float = 0.0

    @property
    def static_points(self) -> float:
        listed = 0.0 if self.position is None else listed_points(self.position)
        return listed + (RELATED_POINTS if self.related else 0.0) + text_points(self.mask)

    @property
    def factor(self) -> float:
        return closeness_factor(self.closeness)

    def rank_key(self) -> tuple[float, str, int]:
        return (-self.score, self.sort_name, self.contact_id)


def _evidence_sql(found: TopicSearch) -> tuple[str, dict[str, object]]:
    """The statement of step 1 and its parameters."""
    params: dict[str, object] = {}
    sources: list[str] = []
    if found.topic is not None:
        params["topic"] = found.topic.id
        sources.append(
            f"SELECT contact_id, {EXPERTISE_POINTS!r} + {POSITION_BONUS!r}"
            f" * max(0, {BONUS_PLACES} - position),"
            f" (min(position, {_MAX_POSITION}) + 1) << {_LISTED_SHIFT}, NULL"
            " FROM contact_topic WHERE topic_id = :topic"
        )
    if found.related:
        ids = ",".join(str(int(ref.id)) for ref in found.related)
        sources.append(
            f"SELECT contact_id, {RELATED_POINTS!r}, {_RELATED_BIT}, NULL FROM contact_topic"
            f" WHERE topic_id IN ({ids}) GROUP BY contact_id"
        )
    for bit, (_, column, points, _) in _FIELD_BITS:
        params[column] = found.matches("{" + column + "}")
        sources.append(
            f"SELECT rowid, {points!r}, {bit}, NULL FROM contact_fts"
            f" WHERE contact_fts MATCH :{column}"
        )
    params["interactions"] = found.matches(INTERACTION_COLUMNS)
    sources.append(
        "SELECT p.contact_id, 0.0, 0, f.rowid FROM interaction_fts f"
        " JOIN interaction_participant p ON p.interaction_id = f.rowid"
        " WHERE interaction_fts MATCH :interactions"
        " AND f.rowid NOT IN (SELECT id FROM interaction WHERE trashed_at IS NOT NULL)"
    )
    sql = (
        "WITH ev (cid, points, code, iid) AS (" + " UNION ALL ".join(sources) + ")"
        f" SELECT cid, code, n, ids, points + {INTERACTION_POINTS!r} * log2(1 + n) AS bound"
        " FROM (SELECT cid, sum(points) AS points, sum(code) AS code, count(iid) AS n,"
        " group_concat(iid) AS ids FROM ev GROUP BY cid) ORDER BY bound DESC"
    )
    return sql, params


def _people_sql(include_archived: bool, marks: str, levels: Sequence[int]) -> str:
    """The people of a chunk who are outside the trash (and not archived, unless asked)
    and close enough (``levels``) to reach the page."""
    archived = "" if include_archived else " AND archived = 0"
    close = ""
    if len(levels) < len(CLOSENESS_FACTORS):
        # "+closeness": by id (the chunk's few rows), not through contact_by_closeness.
        close = f" AND +closeness IN ({','.join(str(int(level)) for level in levels)})"
    return (
        "SELECT id, full_name, sort_name, organization, job_title, closeness, archived,"
        f" last_interaction_at FROM contact WHERE id IN ({marks}) AND trashed_at IS NULL"
        f"{archived}{close}"
    )


def _ensure_math(conn: sqlite3.Connection) -> None:
    """SQLite builds without its math functions lack log2: give it Python's."""
    try:
        conn.execute("SELECT log2(2)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("log2", 1, math.log2, deterministic=True)


class _Ranking:
    """Step 2: the exact top ``want`` from the stream of step 1, which comes ordered by
    evidence with every interaction counted as new: times the largest multiplier, a
    bound nobody later in the stream can beat."""

    def __init__(
        self, conn: sqlite3.Connection, want: int, include_archived: bool, now: datetime
    ) -> None:
        self._conn = conn
        self._want = want
        self._include_archived = include_archived
        self._now = now
        self.scored: list[_Candidate] = []
        self._best: list[float] = []  # the best ``want`` scores so far, ascending
        self.more = False

    @property
    def threshold(self) -> float:
        """The score to beat (or tie) to enter the page; -inf while it is not full."""
        return self._best[0] if len(self._best) >= self._want else -math.inf

    def run(self, cursor: sqlite3.Cursor) -> None:
        while rows := cursor.fetchmany(_CHUNK):
            last = len(rows)
            threshold = self.threshold - _EPSILON
            for index, row in enumerate(rows):
                if row[4] * MAX_FACTOR < threshold:
                    last = index
                    break
            self._evaluate(rows[:last])
            if last < len(rows) or rows[-1][4] * MAX_FACTOR < self.threshold - _EPSILON:
                self.more = True
                return

    def _evaluate(self, rows: list[tuple[Any, ...]]) -> None:
        """Score a chunk: each person's multiplier first (one query), which tightens the
        bound; the dates of their matching interactions only for those still in reach."""
        if not rows:
            return
        evidence = {row[0]: row for row in rows}
        exact: list[_Candidate] = []
        best_recency = RECENCY_FLOOR + RECENCY_SPAN
        # Only the closeness levels that can still reach the page with the chunk's best
        # bound (the first row): SQLite leaves out the others (most, when many tie).
        reach = rows[0][4] * best_recency
        levels = [
            level
            for level, factor in _FACTOR_OF_LEVEL.items()
            if reach * factor >= self.threshold - _EPSILON
        ]
        if len(levels) < len(_FACTOR_OF_LEVEL):
            self.more = True
        if not levels:
            return
        for batch, marks in id_batches(list(evidence)):
            sql = _people_sql(self._include_archived, marks, levels)
            for cid, name, sort_name, org, title, level, archived, last in self._conn.execute(
                sql, batch
            ):
                bound = evidence[cid][4] * _FACTOR_OF_LEVEL[level]
                if bound * best_recency < self.threshold - _EPSILON:
                    self.more = True
                    continue
                recency = recency_factor(last, self._now)
                if bound * recency < self.threshold - _EPSILON:
                    self.more = True
                    continue
                _, code, n, ids, _ = evidence[cid]
                position, related, mask = decode(code)
                exact.append(
                    _Candidate(
                        cid, position, related, mask, n, ids or "", name, sort_name, org,
                        title, Closeness(level), bool(archived), last, recency,
                    )
                )  # fmt: skip
        self._read_interactions([c for c in exact if c.interactions])
        for candidate in sorted(exact, key=lambda c: c.contact_id):
            evidence_points = candidate.static_points + interaction_points(candidate.freshness)
            candidate.score = evidence_points * candidate.factor * candidate.recency
            if candidate.score < self.threshold:
                self.more = True
                continue
            self.scored.append(candidate)
            bisect.insort(self._best, candidate.score)
            if len(self._best) > self._want:
                del self._best[0]
                self.more = True

    def _read_interactions(self, chunk: list[_Candidate]) -> None:
        """Exact freshness: the dates of each person's matching interactions."""
        owners: dict[int, list[_Candidate]] = {}
        for c in chunk:
            for iid in c.interaction_ids.split(","):
                owners.setdefault(int(iid), []).append(c)
        for batch, marks in id_batches(sorted(owners)):
            for iid, occurred_at in self._conn.execute(
                f"SELECT id, occurred_at FROM interaction WHERE id IN ({marks})", batch
            ):
                weight = freshness(occurred_at, self._now)
                for c in owners[iid]:
                    c.freshness += weight
                    if c.latest is None or (occurred_at, iid) > c.latest:
                        c.latest = (occurred_at, iid)


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
    _ensure_math(conn)
    want = offset + limit
    sql, params = _evidence_sql(found)
    ranking = _Ranking(conn, want, include_archived, now)
    with db.atomic():  # one consistent read: the stream and the reads it leads to
        cursor = conn.execute(sql, params)
        try:
            ranking.run(cursor)
        finally:
            cursor.close()
        ranked = sorted(ranking.scored, key=_Candidate.rank_key)
        page = ranked[offset:want]
        experts = _describe(conn, found, page)
    more = ranking.more or len(ranked) > want
    return WhoResult(found, experts, offset, more)


# --- the reasons --------------------------------------------------------------------------
def _describe(conn: sqlite3.Connection, found: TopicSearch, page: list[_Candidate]) -> list[Expert]:
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
        for bit, (kind, column, points, label) in _FIELD_BITS:
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


def _interaction_reason(c: _Candidate, row: tuple[str, str, str] | None) -> Reason:
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


# --- snippets -------------------------------------------------------------------------------
SNIPPET_WORDS_BEFORE = 4
SNIPPET_WORDS_AFTER = 6
SHORT_TEXT = 60  # a job title or a team is shown whole


@dataclass
class _Word:
    start: int
    end: int
    folded: str = field(default="")


def _words_of(text: str) -> list[_Word]:
    words: list[_Word] = []
    start: int | None = None
    for i, ch in enumerate(text):
        token = unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "Co"
        if token and start is None:
            start = i
        elif not token and start is not None:
            words.append(_Word(start, i))
            start = None
    if start is not None:
        words.append(_Word(start, len(text)))
    for word in words:
        word.folded = search.fold(text[word.start : word.end])
    return words


def snippet(text: str, phrases: Sequence[Sequence[str]]) -> str:
    """The words around the first match of a phrase in ``text``: "…every pricing
    decision since 2015." Short texts are given whole; one line, no line breaks."""
    flat = " ".join(text.split())
    if len(flat) <= SHORT_TEXT:
        return flat
    words = _words_of(flat)
    folded = [w.folded for w in words]
    hit: tuple[int, int] | None = None
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(folded) - n + 1):
            if folded[i : i + n - 1] == list(phrase[:-1]) and folded[i + n - 1].startswith(
                phrase[-1]
            ):
                if hit is None or i < hit[0]:
                    hit = (i, n)
                break
    first, n = hit if hit else (0, 1)
    lo = max(0, first - SNIPPET_WORDS_BEFORE)
    hi = min(len(words), first + n + SNIPPET_WORDS_AFTER)
    start = 0 if lo == 0 else words[lo].start
    end = len(flat) if hi == len(words) else words[hi - 1].end
    shown = flat[start:end].strip()
    if end == len(flat) or flat[end:].strip() in (".", "!", "?"):
        shown = flat[start:].strip()
    else:
        shown += "…"
    return ("…" if start > 0 else "") + shown
