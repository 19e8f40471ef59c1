"""Who the network map shows, how they are linked and grouped, and where it last put them.

A map of 100,000 people is a grey blur, so the map shows a chosen part of the network:
at most ``MAX_PEOPLE`` allies outside the trash and the archive, the closest first
(closeness), then people with connections, then those seen most recently. The user
narrows it to one organization or team, or to the closer circles, to see any part of a
big network; ``NetworkData.total`` says how many matched, so the page can tell "the 2,000
closest of 97,000".

Everything here is plain data for the page (and the layout, which knows only numbers).
Reading is a handful of indexed queries (about 30 ms for 2,000 people among 100,000);
the positions the layout found are written back in one transaction (``save_positions``)
and read with the people, so the map opens where the user left it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import peewee as pw

from ally_desktop.core.connections import describe
from ally_desktop.core.layout import Graph
from ally_desktop.core.records import Closeness
from ally_desktop.core.text import vocabulary_key
from ally_desktop.store.db import id_batches, sqlite_connection, writing
from ally_desktop.store.schedule import parse_instant

MAX_PEOPLE = 2000
MAX_GROUPS = 120  # more groups than this: the smallest share one "Other …" group
OTHERS_KEY = "\x00others"  # the key of the group the smallest groups share
MAX_CHOICES = 300  # organizations (or teams) offered in the filter, most people first
# How big a person is drawn, by closeness (scene units): the inner circle stands out.
RADII: dict[Closeness, float] = {
    Closeness.INNER_CIRCLE: 10.0,
    Closeness.ALLY: 7.5,
    Closeness.ACQUAINTANCE: 5.5,
    Closeness.OTHER: 4.5,
}


class GroupBy(Enum):
    ORGANIZATION = "organization"
    TEAM = "team"

    @property
    def nobody(self) -> str:
        """The name of the group of people without one."""
        return "No organization" if self is GroupBy.ORGANIZATION else "No team"

    @property
    def others(self) -> str:
        return "Other organizations" if self is GroupBy.ORGANIZATION else "Other teams"


class Due(Enum):
    """How keeping in touch stands: the colour of a person on the map."""

    ON_TIME = "on time"
    SOON = "due soon"
    OVERDUE = "overdue"
    NO_CADENCE = "no cadence"


@dataclass(frozen=True)
class NetworkFilter:
    """Which part of the network to show: one organization or team, and how close."""

    organization: str | None = None
    team: str | None = None
    closest: Closeness | None = None  # only people this close or closer

    @property
    def narrowed(self) -> bool:
        return bool(self.organization or self.team or self.closest is not None)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    organization: str
    team: str
    job_title: str
    closeness: Closeness
    cadence_days: int | None
    last_interaction_at: datetime | None
    due_at: datetime | None  # when keeping in touch falls due (None: no cadence)
    due: Due


@dataclass(frozen=True, slots=True)
class Link:
    """One stored connection, read from ``source``'s side (see core.connections)."""

    source: int
    target: int
    kind: str
    label: str


@dataclass(frozen=True)
class NetworkData:
    """The people shown (closest first), the links among them, and their cached places."""

    people: list[Person]
    links: list[Link]
    total: int  # how many people match the filter, shown or not
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    filter: NetworkFilter = field(default_factory=NetworkFilter)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.people)


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    members: tuple[int, ...]  # indices into NetworkData.people


# --- how overdue -----------------------------------------------------------------------------
def soon_window(cadence_days: int) -> timedelta:
    """How long before the due day someone counts as "due soon": a quarter of the
    cadence, at least two days and at most a week."""
    return timedelta(days=max(2, min(7, cadence_days // 4)))


def due_state(due_at: datetime | None, cadence_days: int | None, now: datetime) -> Due:
    """On time, due soon, overdue, or no cadence (the keep-in-touch reminder's moment,
    which follows the last interaction and "done" marks, as the Reminders view does)."""
    if not cadence_days or due_at is None:
        return Due.NO_CADENCE
    if due_at <= now:
        return Due.OVERDUE
    if due_at - now <= soon_window(cadence_days):
        return Due.SOON
    return Due.ON_TIME


# --- reading --------------------------------------------------------------------------------
# Ids first (the ordering reads two small indexes per candidate), then the rows of the
# chosen ones: joining the reminder for every candidate would cost four times as much.
_IDS_SQL = """SELECT c.id FROM contact c WHERE {where}
ORDER BY c.closeness,
    (EXISTS (SELECT 1 FROM connection WHERE from_id = c.id)
        OR EXISTS (SELECT 1 FROM connection WHERE to_id = c.id)) DESC,
    c.last_interaction_at IS NULL, c.last_interaction_at DESC, c.id
LIMIT ?"""
_ROWS_SQL = """SELECT c.id, c.full_name, c.organization, c.team, c.job_title, c.closeness,
    c.cadence_days, c.last_interaction_at, r.due_at
FROM contact c
    LEFT JOIN reminder r ON r.contact_id = c.id AND r.kind = 'keep_in_touch'
WHERE c.id IN ({marks})"""


def _where(flt: NetworkFilter) -> tuple[str, list[object]]:
    clauses = ["c.trashed_at IS NULL", "c.archived = 0"]
    params: list[object] = []
    if flt.organization is not None:
        clauses.append("c.organization = ? COLLATE NOCASE")
        params.append(flt.organization)
    if flt.team is not None:
        clauses.append("c.team = ? COLLATE NOCASE")
        params.append(flt.team)
    if flt.closest is not None:
        clauses.append("c.closeness <= ?")
        params.append(int(flt.closest))
    return " AND ".join(clauses), params


def count_people(db: pw.SqliteDatabase, flt: NetworkFilter = NetworkFilter()) -> int:
    """How many people the filter matches (outside the trash and the archive)."""
    where, params = _where(flt)
    # Unfiltered, the planner picks an index without ``archived`` and reads every row
    # (150 ms at 100,000); the name index covers both columns (7 ms).
    table = "contact c" if flt.narrowed else "contact c INDEXED BY contact_by_sort_name"
    sql = f"SELECT count(*) FROM {table} WHERE {where}"
    return int(sqlite_connection(db).execute(sql, params).fetchone()[0])


def load_network(
    db: pw.SqliteDatabase,
    flt: NetworkFilter = NetworkFilter(),
    *,
    limit: int = MAX_PEOPLE,
    now: datetime | None = None,
) -> NetworkData:
    """The people the map shows for ``flt``, the links among them, their cached places."""
    now = now or datetime.now(UTC)
    conn = sqlite_connection(db)
    where, params = _where(flt)
    ids = [cid for (cid,) in conn.execute(_IDS_SQL.format(where=where), [*params, limit])]
    by_id: dict[int, Person] = {}
    for batch, marks in id_batches(ids):
        for row in conn.execute(_ROWS_SQL.format(marks=marks), batch):
            by_id[row[0]] = _person(row, now)
    people = [by_id[cid] for cid in ids if cid in by_id]
    total = len(people) if len(people) < limit else count_people(db, flt)
    return NetworkData(people, links_among(db, ids), total, load_positions(db, ids), flt)


def _person(row: tuple[Any, ...], now: datetime) -> Person:
    (pid, name, organization, team, title, closeness, cadence, last, due) = row
    cadence_days = int(cadence) if isinstance(cadence, int) else None
    due_at = parse_instant(due) if isinstance(due, str) and due else None
    return Person(
        id=int(pid),
        name=str(name),
        organization=str(organization),
        team=str(team),
        job_title=str(title),
        closeness=Closeness(closeness),
        cadence_days=cadence_days,
        last_interaction_at=parse_instant(last) if isinstance(last, str) and last else None,
        due_at=due_at,
        due=due_state(due_at, cadence_days, now),
    )


def links_among(db: pw.SqliteDatabase, ids: Sequence[int]) -> list[Link]:
    """The connections whose both ends are among ``ids``, in a stable order."""
    chosen = set(ids)
    conn = sqlite_connection(db)
    links: list[Link] = []
    for batch, marks in id_batches(sorted(chosen)):
        sql = (
            "SELECT from_id, to_id, kind, label FROM connection"
            f" WHERE from_id IN ({marks}) ORDER BY from_id, to_id, kind, label"
        )
        links.extend(Link(*row) for row in conn.execute(sql, batch) if row[1] in chosen)
    return links


def load_positions(db: pw.SqliteDatabase, ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """Where the map last placed these people (those it never placed are left out)."""
    conn = sqlite_connection(db)
    positions: dict[int, tuple[float, float]] = {}
    for batch, marks in id_batches(sorted(set(ids))):
        sql = f"SELECT contact_id, x, y FROM network_position WHERE contact_id IN ({marks})"
        for cid, x, y in conn.execute(sql, batch):
            positions[int(cid)] = (float(x), float(y))
    return positions


def save_positions(
    db: pw.SqliteDatabase,
    positions: Mapping[int, tuple[float, float]],
    *,
    replace_all: bool = False,
) -> int:
    """Remember where the map placed people, in one transaction; returns how many.

    ``replace_all`` forgets everyone else's place first (a fresh arrangement of the whole
    map: old places of people not shown would no longer fit it). Positions that are not
    finite numbers are skipped; people deleted meanwhile are skipped too.
    """
    rows = [
        (cid, float(x), float(y))
        for cid, (x, y) in sorted(positions.items())
        if math.isfinite(x) and math.isfinite(y)
    ]
    with writing(db):
        conn = sqlite_connection(db)
        if replace_all:
            conn.execute("DELETE FROM network_position")
        conn.executemany(
            "INSERT INTO network_position (contact_id, x, y)"
            " SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM contact WHERE id = ?1)"
            " ON CONFLICT (contact_id) DO UPDATE SET x = excluded.x, y = excluded.y",
            rows,
        )
    return len(rows)


def group_choices(
    db: pw.SqliteDatabase, by: GroupBy, limit: int = MAX_CHOICES
) -> list[tuple[str, int]]:
    """Organizations (or teams) to narrow the map to, with how many people each, most
    people first (then by name)."""
    column = by.value
    sql = (
        f"SELECT {column}, count(*) FROM contact WHERE trashed_at IS NULL AND archived = 0"
        f" AND {column} <> '' GROUP BY {column} COLLATE NOCASE"
        f" ORDER BY count(*) DESC, {column} COLLATE NOCASE LIMIT ?"
    )
    return [(str(name), int(count)) for name, count in sqlite_connection(db).execute(sql, [limit])]


# --- grouping -------------------------------------------------------------------------------
def group_people(
    people: Sequence[Person], by: GroupBy, max_groups: int = MAX_GROUPS
) -> tuple[list[Group], list[int]]:
    """The groups the map draws (biggest first) and each person's group number.

    People of one organization (or team) are grouped whatever the case or accents of
    its spelling; the spelling shown is the first met (the closest person's). Past
    ``max_groups``, the smallest groups share one "Other organizations" group; people
    without one form "No organization".
    """
    members: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for index, person in enumerate(people):
        raw = person.organization if by is GroupBy.ORGANIZATION else person.team
        key = vocabulary_key(raw)
        members.setdefault(key, []).append(index)
        names.setdefault(key, raw.strip() if key else by.nobody)
    ordered = sorted(members, key=lambda key: (-len(members[key]), vocabulary_key(names[key])))
    if len(ordered) > max_groups:
        kept = ordered[: max_groups - 1]
        rest = [index for key in ordered[max_groups - 1 :] for index in members[key]]
        groups = [Group(key, names[key], tuple(members[key])) for key in kept]
        groups.append(Group(OTHERS_KEY, by.others, tuple(sorted(rest))))
    else:
        groups = [Group(key, names[key], tuple(members[key])) for key in ordered]
    of_person = [0] * len(people)
    for number, group in enumerate(groups):
        for index in group.members:
            of_person[index] = number
    return groups, of_person


def layout_graph(
    data: NetworkData,
    group_of: Sequence[int],
    *,
    cached: bool = True,
    others: int = -1,
) -> tuple[Graph, list[int]]:
    """What the layout needs to place ``data``'s people (node i is ``data.people[i]``):
    their groups, sizes, closeness, the links as index pairs, and, when ``cached``,
    the places the map remembered; ``others``: the number of the "Other …" group, which
    goes at the edge. Returns the graph and the contact id of each node."""
    ids = [person.id for person in data.people]
    index = {cid: i for i, cid in enumerate(ids)}
    edges = [
        (index[link.source], index[link.target])
        for link in data.links
        if link.source in index and link.target in index
    ]
    start = {index[cid]: xy for cid, xy in data.positions.items() if cid in index} if cached else {}
    graph = Graph(
        groups=list(group_of),
        radii=[RADII[person.closeness] for person in data.people],
        ranks=[int(person.closeness) for person in data.people],
        edges=edges,
        start=start,
        last_group=others,
    )
    return graph, ids


# --- words ----------------------------------------------------------------------------------
def due_text(person: Person, now: datetime) -> str:
    """ "Overdue by 12 days (every 30 days)", "Due in 3 days", "No keep-in-touch cadence"."""
    if person.due is Due.NO_CADENCE or person.due_at is None or not person.cadence_days:
        return "No keep-in-touch cadence"
    every = f"every {person.cadence_days} days"
    days = (person.due_at.astimezone().date() - now.astimezone().date()).days
    if days < 0:
        late = -days
        return f"Overdue by {late} day{'s' if late != 1 else ''} ({every})"
    if days == 0:
        return f"Due today ({every})"
    if person.due is Due.SOON:
        return f"Due in {days} day{'s' if days != 1 else ''} ({every})"
    return f"On time: next in {days} days ({every})"


def relations(person_id: int, links: Iterable[Link], names: Mapping[int, str]) -> list[str]:
    """How ``person_id`` is linked to the others shown: "reports to Bo Chen"."""
    phrases = []
    for link in links:
        if link.source == person_id:
            phrases.append(f"{describe(link.kind, link.label, True)} {names[link.target]}")
        elif link.target == person_id:
            phrases.append(f"{describe(link.kind, link.label, False)} {names[link.source]}")
    return phrases
