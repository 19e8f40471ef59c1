"""How can I reach someone? Chains of connections from the user to a person or an
organization, and recording the introduction when it happens.

The network, as the search sees it:

- The user is an implicit node, "me". The user knows a person directly when that person
  is outside the trash and either had an interaction with the user
  (``contact.last_interaction_at`` is set) or is inner circle, ally or acquaintance
  (closeness 0-2; 3, "other", is someone recorded but not really known). The step
  me → person costs by closeness: inner circle 1.00, ally 1.25, acquaintance 1.50, an
  "other" the user has met 1.75.
- Every connection (any kind, stored once) links its two people both ways. A link costs
  by its kind: works with, reports to, mentor of and friend of are strong (1.00), "introduced"
  is medium (1.20), a custom link is weaker (1.35); plus a little by how close the user is to
  the person who would pass the request on (0.05 per closeness step). Archived people cost
  0.25 more wherever they are (they may be on a chain, marked). People in the trash are
  never on a chain.
- Every hop costs at least 1, so a shorter chain wins, and strength decides between chains
  of equal or near-equal length.

The search runs backwards from the target (one person, or everyone at an organization,
who are all settled at once as the first band): Dijkstra's algorithm, settling a whole
band of distances at a time. Every link costs at least ``MIN_HOP``, so everyone closer
than the nearest unsettled person plus ``MIN_HOP`` is final together; their neighbours
are then fetched in batches, a few hundred people per statement, through the connection
indexes (``UNIQUE(from_id, ...)`` one way, ``connection_by_to`` the other), each
neighbour's closeness, archive flag and whether the user knows them read by rowid in the
same statement, and the link's cost worked out by SQLite. Costs are whole hundredths, so
equal chains are exactly equal; ties go by name, then id (and between equal ways to one
person, by the lower id), so the same data always gives the same chains.

Each settled person the user knows gives one chain (the cheapest from them), so the
chains start with different people and the user has alternatives. The search stops as
soon as the ``limit`` best are certain: any chain not yet found would cost at least the
band now settled plus ``MIN_HOP`` plus the cheapest me → person step. It also stops after
expanding ``max_expanded`` people (about 60 µs each on 100,000 people and 500,000
connections: the bound keeps the worst case near a tenth of a second); it then returns the
best chains found so far and says they may not be the best (``ReachResult.complete``).
The whole graph is never loaded. Phrases are ``connections.describe``'s, read from the
later person's side and addressed to the user: "introduced you to".

Recording "A introduced me to B" writes, in one transaction, a connection A → B of kind
"introduced" (when there is none yet) and an interaction of kind "Introduction" with A and
B, so it shows in both people's timelines and in the Timeline. Undo removes the
interaction, and the connection only when this recording added it.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import peewee as pw

from ally_desktop.core import connections
from ally_desktop.core.records import Closeness
from ally_desktop.core.text import clean_line, clean_text, utc_now
from ally_desktop.core.timeline import (
    InteractionData,
    InteractionNotFoundError,
    create_interaction,
    purge_interactions,
)
from ally_desktop.core.validation import FieldError, ValidationError
from ally_desktop.store.db import sqlite_connection, writing

# --- costs, in hundredths ---------------------------------------------------------------
KNOWN_COST = {Closeness.INNER_CIRCLE: 100, Closeness.ALLY: 125, Closeness.ACQUAINTANCE: 150}
MET_COST = 175  # closeness "other", but they had an interaction with the user
LINK_COST = {
    "works_with": 100,
    "reports_to": 100,
    "mentor_of": 100,
    "friend_of": 100,
    "introduced": 120,
}
CUSTOM_LINK_COST = 135  # "custom", and any kind Ally does not know
RELAY_COST_PER_STEP = 5  # per closeness step of the person passing the request on
ARCHIVED_COST = 25
MIN_HOP = min(LINK_COST.values())  # the cheapest link: inner circle, not archived, strong
MIN_KNOWN = min(KNOWN_COST.values())
DEFAULT_LIMIT = 5
MAX_EXPANDED = 1_000  # people whose neighbours are fetched before the search gives up
_BATCH = 512  # people per neighbour statement (each id is bound twice)

# What it costs the user to reach a person directly: NULL when they do not know them.
_CLOSE = " ".join(f"WHEN {int(closeness)} THEN {cost}" for closeness, cost in KNOWN_COST.items())
_KNOWN_SQL = (
    f"(CASE c.closeness {_CLOSE} ELSE CASE WHEN c.last_interaction_at IS NOT NULL"
    f" THEN {MET_COST} END END + {ARCHIVED_COST} * c.archived)"
)
# What a link costs when ``c`` is the person who would pass the request on.
_WHENS = " ".join(f"WHEN '{kind}' THEN {cost}" for kind, cost in LINK_COST.items())
_LINK_SQL = (
    f"(CASE x.kind {_WHENS} ELSE {CUSTOM_LINK_COST} END"
    f" + {RELAY_COST_PER_STEP} * c.closeness + {ARCHIVED_COST} * c.archived)"
)
# Neighbours of a batch of people, both ways: (the person, the neighbour, the link's cost,
# the connection's id, what reaching the neighbour directly costs the user or NULL).
NEIGHBOURS_SQL = (
    f"SELECT x.from_id, x.to_id, {_LINK_SQL}, x.id, {_KNOWN_SQL}"
    " FROM connection x JOIN contact c ON c.id = x.to_id"
    " WHERE x.from_id IN ({marks}) AND c.trashed_at IS NULL"
    " UNION ALL"
    f" SELECT x.to_id, x.from_id, {_LINK_SQL}, x.id, {_KNOWN_SQL}"
    " FROM connection x JOIN contact c ON c.id = x.from_id"
    " WHERE x.to_id IN ({marks}) AND c.trashed_at IS NULL"
)
PERSON_SQL = f"SELECT c.id, {_KNOWN_SQL}, c.trashed_at FROM contact c WHERE c.id = ?"
# The members' ids from the organization index first, then their rows in id order: a
# fifth faster for thousands of people than reading the rows in the index's name order.
ORGANIZATION_SQL = (
    f"SELECT c.id, {_KNOWN_SQL}, c.organization FROM contact c WHERE c.id IN"
    " (SELECT id FROM contact WHERE organization = ? COLLATE NOCASE AND trashed_at IS NULL)"
)


# --- what a search returns ---------------------------------------------------------------
@dataclass(frozen=True)
class ChainPerson:
    id: int
    name: str
    short_name: str  # the given name, or the name's first word: "reports to Bo"
    organization: str
    closeness: Closeness
    archived: bool
    known: bool  # the user knows them directly

    def relation(self) -> str:
        """How the user knows them, in a word or two: "inner circle", "met before"."""
        if self.closeness != Closeness.OTHER:
            return self.closeness.label.lower()
        return "met before" if self.known else "not known"


@dataclass(frozen=True)
class ChainLink:
    """The connection between two neighbours of a chain, read from the later one's side
    (``phrase``: "Carla reports to Bo") and from the earlier one's (``forward``: "Bo
    manages Carla"), addressed to the user ("introduced you to")."""

    kind: str
    label: str
    phrase: str
    forward: str


@dataclass(frozen=True)
class Chain:
    """From a person the user knows (first) to the target (last); ``links[i]`` joins
    ``people[i]`` and ``people[i + 1]``. One person: the user knows the target directly."""

    people: tuple[ChainPerson, ...]
    links: tuple[ChainLink, ...]
    cost_hundredths: int

    @property
    def cost(self) -> float:
        return self.cost_hundredths / 100

    @property
    def first(self) -> ChainPerson:
        return self.people[0]

    @property
    def target(self) -> ChainPerson:
        return self.people[-1]

    @property
    def direct(self) -> bool:
        return len(self.people) == 1

    def steps(self) -> list[tuple[ChainPerson, str]]:
        """Each person with what to say of them: how the user knows the first, how each
        next one relates to the one before ("reports to Bo"), archived people marked."""
        shown = []
        for index, person in enumerate(self.people):
            if index == 0:
                words = person.relation()
            else:
                words = f"{self.links[index - 1].phrase} {self.people[index - 1].short_name}"
            if person.archived:
                words += ", archived"
            shown.append((person, words))
        return shown

    def sentences(self) -> list[str]:
        """Each link as a sentence: "Ana Silva works with Bo Chen"."""
        return [
            f"{self.people[i].name} {link.forward} {self.people[i + 1].name}"
            for i, link in enumerate(self.links)
        ]


@dataclass(frozen=True)
class ReachResult:
    """The best chains (best first) to ``target_name``; ``targets`` people were aimed at
    (one, or everyone at the organization); ``complete`` is False when the search stopped
    at its limit, so better chains may exist."""

    target_name: str
    organization: bool
    targets: int
    chains: tuple[Chain, ...]
    expanded: int
    complete: bool = True
    trashed: bool = False

    def message(self) -> str:
        """What to tell the user besides the chains: why there are none, or that these
        may not be all; "" when the chains speak for themselves."""
        who = f"anyone at {self.target_name}" if self.organization else self.target_name
        if self.trashed:
            return f"{self.target_name} is in the trash: restore them to look for a way in."
        if self.organization and not self.targets:
            return f"Nobody at “{self.target_name}” is in Ally."
        if not self.chains and self.complete:
            return (
                f"No chain of connections leads from anyone you know to {who}. Record "
                "how people are connected on their profiles, or an introduction when it "
                "happens."
            )
        if not self.chains:
            return (
                f"No chain to {who} was found among the {self.expanded:,} people nearest "
                "to them; any chain would be very long."
            )
        if not self.complete:
            return f"The search stopped after {self.expanded:,} people: shorter chains may exist."
        return ""


def chain_text(chain: Chain) -> str:
    """One line: "You → Ana Silva (inner circle) → Bo Chen (works with Ana) → Carla Diaz
    (reports to Bo)"."""
    return " → ".join(["You", *(f"{person.name} ({words})" for person, words in chain.steps())])


# --- the search ---------------------------------------------------------------------------
@dataclass
class _Search:
    settled: dict[int, int]  # person → cost of the cheapest chain from them to a target
    tentative: dict[int, int]
    via: dict[int, tuple[int, int]]  # person → (the next person toward a target, connection id)
    known: dict[int, int | None]  # person → what reaching them directly costs, None: unknown
    expanded: int = 0
    complete: bool = True


def find_chains(
    db: pw.SqliteDatabase,
    *,
    person: int | None = None,
    organization: str | None = None,
    limit: int = DEFAULT_LIMIT,
    max_expanded: int = MAX_EXPANDED,
) -> ReachResult:
    """The ``limit`` best chains from people the user knows to ``person`` (an id) or to
    anyone at ``organization`` (case aside), each starting with a different person.

    Raises LookupError when the person does not exist; a person in the trash gives no
    chains (``ReachResult.trashed``), an organization nobody is at gives ``targets`` 0.
    """
    if (person is None) == (organization is None):
        raise ValueError("Reach either a person or an organization.")
    conn = sqlite_connection(db)
    if person is not None:
        row = conn.execute(PERSON_SQL, [person]).fetchone()
        if row is None:
            raise LookupError(f"Contact {person} no longer exists.")
        name = _names(conn, [person])[person][0]
        if row[2] is not None:
            return ReachResult(name, False, 1, (), 0, trashed=True)
        sources = [(person, row[1])]
    else:
        name = clean_line(organization or "")
        rows = conn.execute(ORGANIZATION_SQL, [name]).fetchall()
        if not rows:
            return ReachResult(name, True, 0, (), 0)
        # As most people there spell it ("Globex" for "globex"), the first of ties.
        name = Counter(sorted(row[2] for row in rows)).most_common(1)[0][0]
        sources = [(cid, known) for cid, known, _ in rows]
    search = _run(conn, sources, max(1, limit), max_expanded)
    chosen = _best(conn, search, max(1, limit))
    chains = _chains(conn, search, chosen)
    return ReachResult(
        name, organization is not None, len(sources), chains, search.expanded, search.complete
    )


def _run(
    conn: sqlite3.Connection,
    sources: Sequence[tuple[int, int | None]],
    limit: int,
    max_expanded: int,
) -> _Search:
    """Backward Dijkstra from the targets, a band of final distances at a time."""
    search = _Search({}, {}, {}, {})
    settled, tentative, via, known_cost = search.settled, search.tentative, search.via, search.known
    heap: list[tuple[int, int]] = []
    candidates: list[int] = []  # costs of the chains found, from settled people
    # The targets are the first band, settled at 0 (no heap: an organization has thousands).
    band: list[int] = []
    for node, known in sources:
        settled[node] = tentative[node] = 0
        known_cost[node] = known
        band.append(node)
        if known is not None:
            candidates.append(known)
    band_start = 0
    execute = conn.execute
    while band:
        if len(candidates) >= limit:
            worst_kept = heapq.nsmallest(limit, candidates)[-1]
            if worst_kept < band_start + MIN_HOP + MIN_KNOWN:
                return search  # no chain still to be found can beat the ones kept
        for start in range(0, len(band), _BATCH):
            room = max_expanded - search.expanded
            if room <= 0:
                search.complete = False
                return search
            batch = band[start : start + min(_BATCH, room)]
            search.expanded += len(batch)
            batch = _padded(batch)
            sql = NEIGHBOURS_SQL.format(marks=",".join("?" * len(batch)))
            for node, other, link, connection_id, known in execute(sql, batch + batch):
                if other in settled:
                    continue
                cost = settled[node] + link
                before = tentative.get(other)
                if before is None or cost < before or (cost == before and node < via[other][0]):
                    tentative[other] = cost
                    via[other] = (node, connection_id)
                    known_cost[other] = known
                    if before is None or cost < before:
                        heapq.heappush(heap, (cost, other))
        # The next band: everyone closer than the nearest left plus the cheapest link is
        # final, since any other way to them would pass through someone at least as far.
        band = []
        band_start = heap[0][0] if heap else 0
        while heap and heap[0][0] < band_start + MIN_HOP:
            cost, node = heapq.heappop(heap)
            if node in settled:
                continue  # an older, dearer entry for someone settled already
            settled[node] = cost
            band.append(node)
            known = known_cost[node]
            if known is not None:
                candidates.append(cost + known)
    return search


def _best(conn: sqlite3.Connection, search: _Search, limit: int) -> list[tuple[int, int]]:
    """The ``limit`` cheapest (cost, first person) pairs, ties by name then id. Stopped
    early, people reached but not settled count too: their chains are real, if perhaps
    not their shortest."""
    pool = search.settled if search.complete else search.tentative
    found = [
        (cost + known, node)
        for node, cost in pool.items()
        if (known := search.known.get(node)) is not None
    ]
    if not found:
        return []
    cut = heapq.nsmallest(limit, (cost for cost, _ in found))[-1]
    tied = [(cost, node) for cost, node in found if cost <= cut]
    keys = _sort_names(conn, [node for _, node in tied])
    tied.sort(key=lambda pair: (pair[0], keys.get(pair[1], ""), pair[1]))
    return tied[:limit]


def _chains(
    conn: sqlite3.Connection, search: _Search, chosen: Sequence[tuple[int, int]]
) -> tuple[Chain, ...]:
    paths: list[tuple[int, list[int], list[int]]] = []
    for cost, first in chosen:
        people, links = [first], []
        while people[-1] in search.via:
            nxt, connection_id = search.via[people[-1]]
            people.append(nxt)
            links.append(connection_id)
        paths.append((cost, people, links))
    everyone = sorted({p for _, people, _ in paths for p in people})
    details = _details(conn, everyone, search.known)
    edges = _edges(conn, sorted({c for _, _, links in paths for c in links}))
    chains = []
    for cost, people, links in paths:
        chain_links = []
        for index, connection_id in enumerate(links):
            from_id, kind, label = edges[connection_id]
            later, earlier = people[index + 1], people[index]
            chain_links.append(
                ChainLink(
                    kind,
                    label,
                    _to_you(connections.describe(kind, label, outgoing=from_id == later)),
                    _to_you(connections.describe(kind, label, outgoing=from_id == earlier)),
                )
            )
        chains.append(Chain(tuple(details[p] for p in people), tuple(chain_links), cost))
    return tuple(chains)


def _to_you(phrase: str) -> str:
    """A phrase written from the user's side ("introduced me to") as a chain addressed to
    the user reads it: "introduced you to"."""
    return _ME.sub("you", phrase)


_ME = re.compile(r"\bme\b")


def _padded(ids: list[int]) -> list[int]:
    """``ids`` padded to a power of two with the first one (an id twice changes nothing in
    IN): a dozen statement texts in all, each prepared once and cached by sqlite3."""
    return ids + ids[:1] * ((1 << (len(ids) - 1).bit_length()) - len(ids))


def _rows(conn: sqlite3.Connection, sql: str, ids: Sequence[int]) -> Iterable[tuple[Any, ...]]:
    for start in range(0, len(ids), _BATCH):
        batch = _padded(list(ids[start : start + _BATCH]))
        yield from conn.execute(sql.format(marks=",".join("?" * len(batch))), batch)


def _sort_names(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    sql = "SELECT id, sort_name FROM contact WHERE id IN ({marks})"
    return {int(cid): str(key) for cid, key in _rows(conn, sql, ids)}


def _names(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    sql = "SELECT id, full_name, given_name FROM contact WHERE id IN ({marks})"
    return {int(cid): (str(name), str(given)) for cid, name, given in _rows(conn, sql, ids)}


def _details(
    conn: sqlite3.Connection, ids: Sequence[int], known: dict[int, int | None]
) -> dict[int, ChainPerson]:
    sql = (
        "SELECT id, full_name, given_name, organization, closeness, archived FROM contact"
        " WHERE id IN ({marks})"
    )
    people = {}
    for cid, name, given, org, closeness, archived in _rows(conn, sql, ids):
        short = given or (name.split() or [name])[0]
        people[cid] = ChainPerson(
            cid,
            name,
            short,
            str(org),
            Closeness(closeness),
            bool(archived),
            known.get(cid) is not None,
        )
    return people


def _edges(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[int, str, str]]:
    sql = "SELECT id, from_id, kind, label FROM connection WHERE id IN ({marks})"
    return {
        int(eid): (int(from_id), str(kind), str(label))
        for eid, from_id, kind, label in _rows(conn, sql, ids)
    }


# --- recording an introduction ----------------------------------------------------------
INTRODUCTION_KIND = "Introduction"  # an interaction kind of the user's own, shown as typed


@dataclass(frozen=True)
class IntroductionData:
    """ "``introducer`` introduced me to ``introduced``" on ``day``."""

    introducer: int
    introduced: int
    day: date
    note: str = ""
    time_zone: str = ""


@dataclass(frozen=True)
class RecordedIntroduction:
    """What recording stored: the interaction, and whether the connection was added
    (False: it was there already, and undo leaves it)."""

    interaction_id: int
    added_connection: bool
    introducer: int
    introduced: int
    title: str


class IntroductionGoneError(LookupError):
    """The people of an introduction are no longer there to record it again."""


def introduction_title(introducer_name: str, introduced_name: str) -> str:
    return f"{introducer_name} introduced me to {introduced_name}"


def _introduction_names(db: pw.SqliteDatabase, data: IntroductionData) -> tuple[str, str]:
    """Both names, or ValidationError saying what is wrong with the people chosen."""
    errors: list[FieldError] = []
    rows = {
        cid: (name, trashed)
        for cid, name, trashed in sqlite_connection(db).execute(
            "SELECT id, full_name, trashed_at FROM contact WHERE id IN (?, ?)",
            [data.introducer, data.introduced],
        )
    }
    for field, cid, role in (
        ("introducer", data.introducer, "who introduced you"),
        ("introduced", data.introduced, "whom you were introduced to"),
    ):
        if cid not in rows:
            errors.append(FieldError(field, f"Choose {role}."))
        elif rows[cid][1] is not None:
            errors.append(FieldError(field, f"{rows[cid][0]} is in the trash."))
    if data.introducer == data.introduced:
        errors.append(FieldError("introduced", "Choose two different people."))
    if len(clean_text(data.note)) > 100_000:
        errors.append(FieldError("note", "The note is too long."))
    if errors:
        raise ValidationError(errors)
    return rows[data.introducer][0], rows[data.introduced][0]


_CONNECTION_EXISTS_SQL = (
    "SELECT 1 FROM connection WHERE from_id = ? AND to_id = ? AND kind = 'introduced'"
)


def record_introduction(
    db: pw.SqliteDatabase, data: IntroductionData, *, again: RecordedIntroduction | None = None
) -> RecordedIntroduction:
    """Store "A introduced me to B" in one transaction: the connection A → B (unless
    there is one) and the interaction with both. ``again`` records an undone one anew,
    with the same interaction id, adding the connection only if it added it the first
    time (redo). Raises ValidationError (nothing stored)."""
    first_name, second_name = _introduction_names(db, data)
    title = introduction_title(first_name, second_name)
    interaction = InteractionData(
        kind=INTRODUCTION_KIND,
        participants=[data.introducer, data.introduced],
        day=data.day,
        time_zone=data.time_zone,
        title=title,
        notes=data.note,
    )
    with writing(db):
        conn = sqlite_connection(db)
        pair = [data.introducer, data.introduced]
        if again is None:
            added = conn.execute(_CONNECTION_EXISTS_SQL, pair).fetchone() is None
        else:
            added = again.added_connection
        if added:
            conn.execute(
                "INSERT OR IGNORE INTO connection (from_id, to_id, kind, label, created_at)"
                " VALUES (?, ?, 'introduced', '', ?)",
                [*pair, utc_now()],
            )
        interaction_id = create_interaction(
            db, interaction, interaction_id=again.interaction_id if again else None
        )
    return RecordedIntroduction(interaction_id, added, data.introducer, data.introduced, title)


def record_introduction_again(
    db: pw.SqliteDatabase, data: IntroductionData, recorded: RecordedIntroduction
) -> None:
    """Redo: as it was recorded, or IntroductionGoneError when it can no longer be."""
    try:
        record_introduction(db, data, again=recorded)
    except ValidationError as exc:
        raise IntroductionGoneError(f"“{recorded.title}” cannot be recorded again: {exc}") from None


def remove_introduction(db: pw.SqliteDatabase, recorded: RecordedIntroduction) -> None:
    """Undo: the interaction goes, and the connection if recording added it, together.
    Raises InteractionNotFoundError when the interaction was deleted for good meanwhile."""
    with writing(db):
        conn = sqlite_connection(db)
        exists = conn.execute(
            "SELECT 1 FROM interaction WHERE id = ?", [recorded.interaction_id]
        ).fetchone()
        if exists is None:
            raise InteractionNotFoundError(f"“{recorded.title}” was deleted for good meanwhile.")
        purge_interactions(db, [recorded.interaction_id])
        if recorded.added_connection:
            # By who and kind rather than id: editing a person writes their connections anew.
            conn.execute(
                "DELETE FROM connection WHERE from_id = ? AND to_id = ? AND kind = 'introduced'"
                " AND label = ''",
                [recorded.introducer, recorded.introduced],
            )
