"""Finding the page of "who can help?" fast: the exact top of the formula
(``core.expertise_formula``) without scoring everyone.

How it stays fast (100,000 people, 1,000,000 interactions)
    Every person is read only as far as an upper bound of their score can still reach the
    page's last place, the bounds tightening with each read; a bound that fails drops the
    person for good, as no later read can raise it. So the result is the exact ranking of
    the formula (tests compare it with a plain computation of every score).

    1. Own records: the topic's listing, related listings and one full-text query per
       field give ids (as one JSON array each), turned into a code per person. People are
       grouped by code and by closeness (the ids of the inner circle, and of the allies
       when interactions count, straight from the closeness index): a group's points with
       the best listed place, times its largest multiplier, bound what its people score
       but for interactions. The matching interactions outside the trash are read as a map
       of one byte per id, which SQL then uses to keep only a person's matching
       participations.
    2. The groups whose own records alone can reach the page, best first, a few groups at
       a time: for each batch of people their matching interactions (participations
       through the index by person, filtered by the map), whose number bounds their
       interaction points; then, for those still in reach, their row (closeness, recency,
       place in the listing), with which none of their interactions can be fresher than
       their last; then, for those still in reach, the dates of their matching
       interactions and the exact score.
    3. The groups that need interactions to make up the difference: skipped whole when
       even the largest count of interactions anyone has (``contact_stats``, kept by
       triggers) would not do; otherwise one statement keeps the people whose own count is
       enough and reads their matching participations, keeping those with enough of them
       (most are dropped there, in SQL), who are then read as in 2; in batches that grow
       as the page's last place rises.
    4. People whose only evidence is interactions: none can enter unless the largest count
       can; then those with enough interactions are looked up by their count. When they
       are too many, or the page is not full (everyone who has any then counts), one
       statement turns all the evidence into rows summed per person, and people are read
       in the order of a bound that needs no further reads, as before.
    5. Only the page's people get their reasons built (``core.expertise``: names of
       related topics, the words around the match, the most recent matching interaction).
"""

from __future__ import annotations

import bisect
import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ally_desktop.core.expertise_formula import (
    BONUS_PLACES,
    CLOSENESS_FACTORS,
    EXPERTISE_POINTS,
    FACTOR_OF_LEVEL,
    FIELD_BITS,
    INTERACTION_COLUMNS,
    INTERACTION_POINTS,
    MAX_FACTOR,
    POSITION_BONUS,
    RECENCY_FLOOR,
    RECENCY_SPAN,
    RELATED_POINTS,
    TopicSearch,
    closeness_factor,
    days_since,
    freshness,
    freshness_after,
    interaction_points,
    listed_points,
    recency_after,
    text_points,
)
from ally_desktop.core.records import Closeness
from ally_desktop.store.db import id_batches

# --- the ranking ------------------------------------------------------------------------
_CHUNK = 256  # rows of the fallback's stream taken at a time
_EPSILON = 1e-9  # a bound computed in SQL may differ from Python's in the last bit
# What a person's own records say, as the bits of a code: bits 0-3 the fields that mention
# the phrase (in TEXT_FIELDS order), then whether they list the topic, and a related one.
# Every source names a person once (a field's query, the listing; related listings are
# grouped), so the sum of the bits is their OR.
_LISTED_BIT = 1 << 4
_RELATED_BIT = 1 << 5
_FIELD_MASK = 0xF
_CODES = _RELATED_BIT << 1
_BEST_RECENCY = RECENCY_FLOOR + RECENCY_SPAN
# The groups that need interactions are taken about this many people at a time, then twice
# as many, and so on: the first batches raise the page's last place, so that the later
# ones, larger and weaker, need more interactions and fewer of their people are read.
_OFFERED_FIRST = 256
# The groups whose own records alone reach the page are read together until they hold this
# many people: most are a handful, and three statements for each would cost more than the
# few people a rising last place would have spared.
_BATCH_LEAST = 64
# Groups of people who need interactions are checked against the index of counts, rather
# than person by person, from this many people on.
_BY_COUNT_LEAST = 256
# People whose only evidence is interactions are looked up one by one while at most this
# many have enough interactions to enter the page; past it, the full statement costs less.
_HEAVY_LIMIT = 2000
# The longest map of matching interactions (one byte per id), however few match.
_MAP_BYTES = 1 << 22

# The points of a code but for the listing (a related listing and the fields).
_UNLISTED_POINTS = tuple(
    (RELATED_POINTS if code & _RELATED_BIT else 0.0) + text_points(code & _FIELD_MASK)
    for code in range(_CODES)
)


def static_points(code: int, position: int | None) -> float:
    """The points of a person's own records: their listing at ``position`` (None: they do
    not list the topic), a related listing, the fields."""
    listed = listed_points(position) if position is not None else 0.0
    return listed + _UNLISTED_POINTS[code]


# The most a code can give: its listing at the best place (the place is read only for the
# people who get that far).
_CODE_POINTS = tuple(
    static_points(code, 0 if code & _LISTED_BIT else None) for code in range(_CODES)
)


# Interaction points for the usual numbers of interactions, each counted as new.
_COUNT_POINTS = tuple(interaction_points(count) for count in range(256))


def _points_of(count: int) -> float:
    """``interaction_points(count)``: a bound read in a hot loop."""
    return _COUNT_POINTS[count] if count < len(_COUNT_POINTS) else interaction_points(count)


def freshness_needed(points: float) -> float:
    """The least sum of freshness whose interaction points reach ``points`` (the inverse of
    ``interaction_points``); as each interaction counts 1 at most, also the least number
    of interactions."""
    return float(2 ** (points / INTERACTION_POINTS) - 1)


@dataclass
class Candidate:
    contact_id: int
    code: int
    position: int | None  # their place in the topic's listing, if they list it
    name: str
    sort_name: str
    organization: str
    job_title: str
    closeness: Closeness
    archived: bool
    last_interaction_at: str | None
    recency: float
    static_points: float
    interaction_ids: list[int]  # the matching ones (outside the trash once dated)
    freshness: float = 0.0
    latest: tuple[str, int] | None = None  # (occurred_at, id) of the newest matching one
    score: float = 0.0

    @property
    def related(self) -> bool:
        return bool(self.code & _RELATED_BIT)

    @property
    def mask(self) -> int:
        return self.code & _FIELD_MASK

    @property
    def interactions(self) -> int:
        return len(self.interaction_ids)

    @property
    def factor(self) -> float:
        return closeness_factor(self.closeness)

    def rank_key(self) -> tuple[float, str, int]:
        return (-self.score, self.sort_name, self.contact_id)


def _id_array(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> list[int]:
    """The ids a ``SELECT json_group_array(…)`` gathers: one JSON text reads several times
    faster than a row per id, and the evidence runs to tens of thousands of ids."""
    (text,) = conn.execute(sql, params).fetchone()
    return json.loads(text) if text else []


def _own_evidence(conn: sqlite3.Connection, found: TopicSearch) -> dict[int, int]:
    """Each person with evidence in their own records, and its code: the topic's listing,
    related listings, and one full-text query per field (the field decides the points)."""
    sources: list[tuple[int, list[int]]] = []
    if found.topic is not None:
        sql = "SELECT json_group_array(contact_id) FROM contact_topic WHERE topic_id = ?"
        sources.append((_LISTED_BIT, _id_array(conn, sql, [found.topic.id])))
    if found.related:
        topics = ",".join(str(int(ref.id)) for ref in found.related)
        sql = f"SELECT json_group_array(contact_id) FROM contact_topic WHERE topic_id IN ({topics})"
        sources.append((_RELATED_BIT, _id_array(conn, sql)))
    for bit, (_, column, _, _) in FIELD_BITS:
        sql = "SELECT json_group_array(rowid) FROM contact_fts WHERE contact_fts MATCH ?"
        sources.append((bit, _id_array(conn, sql, [found.matches("{" + column + "}")])))
    # The longest list goes in whole; the others are added to it one person at a time.
    sources.sort(key=lambda source: len(source[1]), reverse=True)
    codes: dict[int, int] = {}
    for bit, ids in sources:
        if not codes:
            codes = dict.fromkeys(ids, bit)
            continue
        get = codes.get
        for cid in ids:
            codes[cid] = get(cid, 0) | bit
    return codes


@dataclass(frozen=True)
class _Matching:
    """The interactions that mention the phrase, as one byte per id from
    the lowest to the highest (1: it matches). Given to SQL, it drops a person's other
    participations there, instead of every one being sent to Python. When the ids spread
    too far for that, they are folded modulo the map's length: the map then lets a few
    others through, which ``exact`` weeds out."""

    count: int
    low: int
    high: int
    map: bytes
    exact: frozenset[int] | None  # only when folded

    @classmethod
    def of(
        cls, ids: list[int], bounds: tuple[int, int] | None = None, longest: int = _MAP_BYTES
    ) -> _Matching:
        """The map of ``ids``; ``bounds``: their lowest and highest, when known."""
        if not ids:
            return cls(0, 0, -1, b"", None)
        low, high = bounds or (min(ids), max(ids))
        span = high - low + 1
        size = min(span, max(longest, 8 * len(ids)))
        marks = bytearray(size)
        if size == span:
            for iid in ids:
                marks[iid - low] = 1
        else:
            for iid in ids:
                marks[(iid - low) % size] = 1
        return cls(len(ids), low, high, bytes(marks), frozenset(ids) if size < span else None)

    def _on_map(self, column: str) -> str:
        """SQL that is true when ``column``, an interaction id, is on the map; its
        parameters are ``_map_params``."""
        return f"{column} BETWEEN ? AND ? AND substr(?, ({column} - ?) % ? + 1, 1) = x'01'"

    @property
    def _map_params(self) -> list[object]:
        return [self.low, self.high, self.map, self.low, len(self.map)]

    def _hits(self, ids: str) -> list[int]:
        """A JSON array of ids the map let through, less those that only share a byte."""
        hits: list[int] = json.loads(ids)
        return hits if self.exact is None else [iid for iid in hits if iid in self.exact]

    def read(self, conn: sqlite3.Connection, batch: list[int], marks: str) -> dict[int, list[int]]:
        """The matching interactions of each person of ``batch`` who has any: their
        participations, read through the index by person and kept by the map."""
        if not self.count:
            return {}
        found: dict[int, list[int]] = {}
        for cid, ids in conn.execute(
            "SELECT contact_id, json_group_array(interaction_id) FROM interaction_participant"
            f" WHERE contact_id IN ({marks}) AND {self._on_map('interaction_id')}"
            " GROUP BY contact_id",
            [*batch, *self._map_params],
        ):
            if hits := self._hits(ids):
                found[cid] = hits
        return found

    def read_counted(
        self, conn: sqlite3.Connection, wanted: Mapping[int, list[int]]
    ) -> dict[int, list[int]]:
        """The matching interactions of the people of ``wanted`` (by the least number each
        needs) who have at least that many interactions, and as many matching ones."""
        found: dict[int, list[int]] = {}
        for cid, least, ids in conn.execute(
            "SELECT s.contact_id, max(CAST(g.key AS INTEGER)), json_group_array(p.interaction_id)"
            " FROM json_each(?) AS g, json_each(g.value) AS j"
            " JOIN contact_stats s ON s.contact_id = j.value"
            " AND s.interactions >= CAST(g.key AS INTEGER)"
            " JOIN interaction_participant p ON p.contact_id = s.contact_id"
            f" AND {self._on_map('p.interaction_id')}"
            " GROUP BY s.contact_id HAVING count(*) >= max(CAST(g.key AS INTEGER))",
            [json.dumps({str(least): ids for least, ids in wanted.items()}), *self._map_params],
        ):
            hits = self._hits(ids)
            if len(hits) >= least:
                found[cid] = hits
        return found


def _matching_interactions(conn: sqlite3.Connection, found: TopicSearch) -> _Matching:
    """The interactions that mention the phrase, those in the trash included: they are left
    out where dates are read (until then, counts including them are still bounds)."""
    low, high, ids = conn.execute(
        "SELECT min(rowid), max(rowid), json_group_array(rowid) FROM interaction_fts"
        " WHERE interaction_fts MATCH ?",
        [found.matches(INTERACTION_COLUMNS)],
    ).fetchone()
    return _Matching.of(json.loads(ids), (low, high)) if low is not None else _Matching.of([])


class _Ranking:
    """The exact top ``want`` of the people offered to it, in any order. Each is read a step
    at a time, cheapest first (their matching interactions, their row, those interactions'
    dates), and dropped as soon as a bound of their score falls below the page's last
    place; ``more`` then says that someone ranks after the page."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        found: TopicSearch,
        want: int,
        include_archived: bool,
        now: datetime,
        matching: _Matching,
    ) -> None:
        self._conn = conn
        self._topic = found.topic
        self._want = want
        self._include_archived = include_archived
        self._now = now
        self.matching = matching
        self.scored: list[Candidate] = []
        self._best: list[float] = []  # the best ``want`` scores so far, ascending
        self.more = False

    @property
    def threshold(self) -> float:
        """The score to beat (or tie) to enter the page; -inf while it is not full."""
        return self._best[0] if len(self._best) >= self._want else -math.inf

    def reaches(self, bound: float) -> bool:
        """Whether someone whose score is at most ``bound`` can still enter the page."""
        return bound >= self.threshold - _EPSILON

    def consider(
        self,
        codes: Mapping[int, int],
        factor: float = MAX_FACTOR,
        known: Mapping[int, list[int]] | None = None,
    ) -> None:
        """Score the people of ``codes`` (each with the code of their own evidence, 0 for
        none; none with a multiplier above ``factor``), or drop them on the way.
        ``known``: their matching interactions when already read."""
        for batch, marks in id_batches(sorted(codes)):
            found = self.matching.read(self._conn, batch, marks) if known is None else known
            self._consider(batch, codes, factor, found)

    def _consider(
        self,
        batch: list[int],
        codes: Mapping[int, int],
        factor: float,
        known: Mapping[int, list[int]],
    ) -> None:
        # Their evidence with every matching interaction counted as new, times the most
        # their multiplier can be: whose row is worth reading.
        least = (self.threshold - _EPSILON) / factor
        tops = {
            cid: _CODE_POINTS[codes[cid]] + _points_of(len(known.get(cid, ()))) for cid in batch
        }
        live = [cid for cid, top in tops.items() if top >= least]
        if len(live) < len(batch):
            self.more = True
        if not live:
            return
        # Only the closeness levels that can still reach the page: SQLite leaves out the
        # others' rows.
        best = max(tops[cid] for cid in live)
        levels = [
            level
            for level, level_factor in FACTOR_OF_LEVEL.items()
            if self.reaches(best * level_factor * _BEST_RECENCY)
        ]
        if len(levels) < len(FACTOR_OF_LEVEL):
            self.more = True
        if not levels:
            return
        dated: list[Candidate] = []
        marks = ",".join("?" * len(live))
        for row in self._conn.execute(self._people_sql(marks, levels), live):
            cid, name, sort_name, org, title, level, archived, last, position = row
            code = codes[cid]
            if last:
                days = days_since(last, self._now)
                recency, newest = recency_after(days), freshness_after(days)
            else:
                recency, newest = RECENCY_FLOOR, 1.0
            if not code & _LISTED_BIT:
                position = None
            points = static_points(code, position)
            ids = known.get(cid, [])
            # None of their interactions is fresher than their last one.
            top = points + interaction_points(len(ids) * newest)
            if not self.reaches(top * FACTOR_OF_LEVEL[level] * recency):
                self.more = True
                continue
            candidate = Candidate(
                cid, code, position, name, sort_name, org, title, Closeness(level),
                bool(archived), last, recency, points, list(ids),
            )  # fmt: skip
            if ids:
                dated.append(candidate)
            else:
                self._keep(candidate)
        self._read_dates(dated)
        for candidate in dated:
            self._keep(candidate)

    def _people_sql(self, marks: str, levels: Sequence[int]) -> str:
        """The people of a batch who are outside the trash (and not archived, unless
        asked) and close enough (``levels``), with their place in the topic's listing."""
        archived = "" if self._include_archived else " AND c.archived = 0"
        close = ""
        if len(levels) < len(CLOSENESS_FACTORS):
            # "+closeness": by id (the batch's few rows), not through contact_by_closeness.
            close = f" AND +c.closeness IN ({','.join(str(int(level)) for level in levels)})"
        position, listing = "NULL", ""
        if self._topic is not None:
            position = "t.position"
            listing = (
                " LEFT JOIN contact_topic t ON t.contact_id = c.id"
                f" AND t.topic_id = {int(self._topic.id)}"
            )
        return (
            "SELECT c.id, c.full_name, c.sort_name, c.organization, c.job_title,"
            f" c.closeness, c.archived, c.last_interaction_at, {position} FROM contact c"
            f"{listing} WHERE c.id IN ({marks}) AND c.trashed_at IS NULL{archived}{close}"
        )

    def _read_dates(self, chunk: list[Candidate]) -> None:
        """Exact freshness: the dates of each person's matching interactions outside the
        trash (added up in the order of their ids, whoever reads them); the others are
        left out of their interactions."""
        owners: dict[int, list[Candidate]] = {}
        for c in chunk:
            for iid in c.interaction_ids:
                owners.setdefault(iid, []).append(c)
        dated: set[int] = set()
        for batch, marks in id_batches(sorted(owners)):
            for iid, occurred_at in self._conn.execute(
                f"SELECT id, occurred_at FROM interaction WHERE id IN ({marks})"
                " AND trashed_at IS NULL",
                batch,
            ):
                dated.add(iid)
                weight = freshness(occurred_at, self._now)
                for c in owners[iid]:
                    c.freshness += weight
                    if c.latest is None or (occurred_at, iid) > c.latest:
                        c.latest = (occurred_at, iid)
        if len(dated) < len(owners):
            for c in chunk:
                c.interaction_ids = [iid for iid in c.interaction_ids if iid in dated]

    def _keep(self, candidate: Candidate) -> None:
        """The exact score; onto the page if it reaches it."""
        if not candidate.code and not candidate.interaction_ids:
            return  # no evidence at all: not ranked
        evidence = candidate.static_points + interaction_points(candidate.freshness)
        candidate.score = evidence * candidate.factor * candidate.recency
        if candidate.score < self.threshold:
            self.more = True
            return
        self.scored.append(candidate)
        bisect.insort(self._best, candidate.score)
        if len(self._best) > self._want:
            del self._best[0]
            self.more = True


@dataclass
class _Group:
    """People with the same code in the same closeness group: the most they can score but
    for interactions is ``points`` × ``factor``."""

    code: int
    factor: float  # the largest multiplier in the group: its closeness × the best recency
    ids: list[int]

    @property
    def points(self) -> float:
        return _CODE_POINTS[self.code]


def _groups(
    conn: sqlite3.Connection, codes: dict[int, int], levels: Sequence[Closeness]
) -> list[_Group]:
    """The people of ``codes`` by code and closeness: each of ``levels``, then the others.
    Only ids are read (from the closeness index), so a person's multiplier is bounded
    before their row is."""
    sql = "SELECT json_group_array(id) FROM contact WHERE closeness = ? AND trashed_at IS NULL"
    level_of: dict[int, int] = {}
    for index, level in enumerate(levels):
        level_of.update(dict.fromkeys(_id_array(conn, sql, [int(level)]), index))
    others = max(f for level, f in CLOSENESS_FACTORS.items() if level not in levels)
    factors = [CLOSENESS_FACTORS[level] * _BEST_RECENCY for level in levels]
    factors.append(others * _BEST_RECENCY)
    by_key: defaultdict[int, list[int]] = defaultdict(list)
    get, rest, width = level_of.get, len(levels), len(factors)
    for cid, code in codes.items():
        by_key[code * width + get(cid, rest)].append(cid)
    return [_Group(key // width, factors[key % width], ids) for key, ids in by_key.items()]


def _rank_by_bounds(
    conn: sqlite3.Connection, found: TopicSearch, ranking: _Ranking, heavy: int = _HEAVY_LIMIT
) -> bool:
    """Steps 1 to 4, the usual way (see the module's docstring). False when people whose
    only evidence is interactions could enter the page and are too many (over ``heavy``)
    to look up one by one: the full statement is then needed."""
    codes = _own_evidence(conn, found)
    matched = ranking.matching.count
    most = 0
    if matched:
        (most,) = conn.execute(
            "SELECT coalesce(max(interactions), 0) FROM contact_stats"
        ).fetchone()
    # The most interaction points anyone has.
    cap = interaction_points(min(most, matched))
    # The inner circle is small and says most; the allies, a quarter of a typical book,
    # pay for their ids when interactions make the bounds loose.
    levels = [Closeness.INNER_CIRCLE, Closeness.ALLY] if cap else [Closeness.INNER_CIRCLE]
    groups = _groups(conn, codes, levels)
    # First the groups whose own records alone can reach the page, best first: they fill
    # it and raise its last place.
    groups.sort(key=lambda g: (g.points * g.factor, g.points), reverse=True)
    waiting: list[_Group] = []
    batch: dict[int, int] = {}
    factor = 0.0
    for index, group in enumerate(groups):
        if not ranking.reaches(group.points * group.factor):
            waiting = groups[index:]
            break
        batch.update(dict.fromkeys(group.ids, group.code))
        factor = max(factor, group.factor)
        if len(batch) >= _BATCH_LEAST:
            ranking.consider(batch, factor)
            batch, factor = {}, 0.0
    if batch:
        ranking.consider(batch, factor)
    # The others need interactions to make up the difference.
    if waiting and not cap:
        ranking.more = True  # none match
        waiting = []
    size = _OFFERED_FIRST
    while waiting:
        end, taken = 0, 0
        while end < len(waiting) and taken < size:
            taken += len(waiting[end].ids)
            end += 1
        _consider_counted(conn, ranking, waiting[:end], cap)
        waiting, size = waiting[end:], size * 2
    if not matched:
        return True
    # People whose only evidence is interactions.
    if not ranking.reaches(cap * MAX_FACTOR):
        ranking.more = True
        return True
    if ranking.threshold == -math.inf:
        return False  # the page is not full: everyone who has any counts
    least = freshness_needed((ranking.threshold - _EPSILON) / MAX_FACTOR)
    enough = _id_array(
        conn,
        "SELECT json_group_array(contact_id) FROM"
        " (SELECT contact_id FROM contact_stats WHERE interactions >= ? LIMIT ?)",
        [math.floor(least), heavy + 1],
    )
    if len(enough) > heavy:
        return False
    ranking.consider(dict.fromkeys((cid for cid in enough if cid not in codes), 0))
    return True


def _consider_counted(
    conn: sqlite3.Connection, ranking: _Ranking, groups: list[_Group], cap: float
) -> None:
    """Offer the people of ``groups`` who have enough matching interactions to make up what
    their own records lack. One statement keeps those whose count of interactions (any, as
    ``contact_stats`` has it) is enough, reads their matching participations, and keeps
    those with enough of them: most people are dropped there, without a row for Python.
    ``cap``: the most interaction points anyone has."""
    reachable = [g for g in groups if ranking.reaches((g.points + cap) * g.factor)]
    if len(reachable) < len(groups):
        ranking.more = True
    # The people of the groups, by the least number of interactions their group needs
    # (each counts for 1 at most, so it is also the least number of matching ones).
    wanted: defaultdict[int, list[int]] = defaultdict(list)
    for group in reachable:
        need = (ranking.threshold - _EPSILON) / group.factor - group.points
        wanted[math.floor(freshness_needed(need))].extend(group.ids)
    if not wanted:
        return
    offered_count = sum(len(ids) for ids in wanted.values())
    known = ranking.matching.read_counted(
        conn, {least: _with_enough(conn, least, ids) for least, ids in wanted.items()}
    )
    if len(known) < offered_count:
        ranking.more = True
    offered: defaultdict[float, dict[int, int]] = defaultdict(dict)  # by their factor
    for group in reachable:
        offered[group.factor].update(dict.fromkeys(known.keys() & group.ids, group.code))
    for factor in sorted(offered, reverse=True):
        ranking.consider(offered[factor], factor, known)


def _with_enough(conn: sqlite3.Connection, least: int, ids: list[int]) -> list[int]:
    """``ids`` (sorted) less some who have fewer than ``least`` interactions. When few
    people have that many, reading them from the index by count costs less than looking up
    each of ``ids``: they are read, up to as many as ``ids``, and ``ids`` kept to them."""
    if len(ids) < _BY_COUNT_LEAST or least < 1:
        return sorted(ids)
    enough = _id_array(
        conn,
        "SELECT json_group_array(contact_id) FROM"
        " (SELECT contact_id FROM contact_stats WHERE interactions >= ? LIMIT ?)",
        [least, len(ids)],
    )
    if len(enough) >= len(ids):
        return sorted(ids)  # as many as the group: no better
    return sorted(set(enough).intersection(ids))


def _evidence_sql(found: TopicSearch) -> tuple[str, dict[str, object]]:
    """The fallback's statement: every piece of evidence as a row (person, points, code,
    interaction id), summed per person, people ordered by an upper bound of their score
    that needs no further reads (their evidence with every interaction counted as new)."""
    params: dict[str, object] = {}
    sources: list[str] = []
    if found.topic is not None:
        params["topic"] = found.topic.id
        sources.append(
            f"SELECT contact_id, {EXPERTISE_POINTS!r} + {POSITION_BONUS!r}"
            f" * max(0, {BONUS_PLACES} - position), {_LISTED_BIT}, NULL"
            " FROM contact_topic WHERE topic_id = :topic"
        )
    if found.related:
        ids = ",".join(str(int(ref.id)) for ref in found.related)
        sources.append(
            f"SELECT contact_id, {RELATED_POINTS!r}, {_RELATED_BIT}, NULL FROM contact_topic"
            f" WHERE topic_id IN ({ids}) GROUP BY contact_id"
        )
    for bit, (_, column, points, _) in FIELD_BITS:
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
        f" SELECT cid, code, ids, points + {INTERACTION_POINTS!r} * log2(1 + n) AS bound"
        " FROM (SELECT cid, sum(points) AS points, sum(code) AS code, count(iid) AS n,"
        " group_concat(iid) AS ids FROM ev GROUP BY cid) ORDER BY bound DESC"
    )
    return sql, params


def _ensure_math(conn: sqlite3.Connection) -> None:
    """SQLite builds without its math functions lack log2: give it Python's."""
    try:
        conn.execute("SELECT log2(2)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("log2", 1, math.log2, deterministic=True)


def _rank_fully(conn: sqlite3.Connection, found: TopicSearch, ranking: _Ranking) -> None:
    """Step 2, the fallback: the stream of ``_evidence_sql``, a chunk at a time, until the
    next person's bound times the largest multiplier falls below the page."""
    _ensure_math(conn)
    sql, params = _evidence_sql(found)
    cursor = conn.execute(sql, params)
    try:
        while rows := cursor.fetchmany(_CHUNK):
            live = [row for row in rows if ranking.reaches(row[3] * MAX_FACTOR)]
            codes = {cid: code for cid, code, _, _ in live}
            known = {
                cid: [int(i) for i in ids.split(",")] if ids else [] for cid, _, ids, _ in live
            }
            if live:
                ranking.consider(codes, MAX_FACTOR, known)
            if len(live) < len(rows) or not ranking.reaches(rows[-1][3] * MAX_FACTOR):
                ranking.more = True
                return
    finally:
        cursor.close()


def rank(
    conn: sqlite3.Connection, found: TopicSearch, want: int, include_archived: bool, now: datetime
) -> tuple[_Ranking, bool]:
    """The exact top ``want`` (inside a transaction) and whether it took the fast way."""
    matching = _matching_interactions(conn, found)
    ranking = _Ranking(conn, found, want, include_archived, now, matching)
    if _rank_by_bounds(conn, found, ranking):
        return ranking, True
    ranking = _Ranking(conn, found, want, include_archived, now, matching)
    _rank_fully(conn, found, ranking)
    return ranking, False
