"""How can I reach…?: the shortest introduction chains over 100,000 people and 500,000
connections.

The parent copies the 100,000-contact dataset (``copy_data_dir``) and starts one measured
process on the copy. That process first grows the connections to exactly five per person
(500,000; deterministic: 85 % between people of one organization, as ``core.demo`` makes
them, the rest across; kinds weighted as the demo's) and adds a pair of strangers linked
only to each other (the unreachable target). Untimed, it then finds the sample of targets
from the whole graph loaded once into Python: for each person the user does not know, how
many links separate them from someone the user knows.

Three networks are measured, one after the other on the same file:

* as generated: the demo's user knows 95 % of the people (closeness, or an interaction),
  so chains are short and the search stops early;
* sparse: the user knows 1 % of the people (the rest made "other" with no interaction):
  chains of three, four, five links and a search that must walk further;
* nearly unknown: the user knows ten people in 100,000. Chains are five to seven links
  long and the search meets its bound (``MAX_EXPANDED`` people expanded): this is the
  worst case the bound keeps in check, and its answers say they may not be the best.

Targets, in each: people the user knows directly, people one, two, three… links away
from anyone known (up to ``PER_DISTANCE`` each), organizations (the biggest, a middling one
and a small one, and in the sparser networks the biggest where nobody is known), and the
unreachable stranger. Each target is timed ``repeats`` times with ``find_chains`` on Ally's
open connection (``limit`` 5), alternating with the baseline.

The baseline is a raw breadth-first search with the plain ``sqlite3`` module on its own
connection over the same tables: from the target(s), one statement per layer (neighbours
both ways, joined to ``contact`` to skip the trash and read whether the user knows
them), until a layer holds someone the user knows or nothing is left. That is the least
work any answer needs: one unweighted shortest chain, without the weights, the five
alternatives or the names. Both answers are checked against each other and every
chain's links against the table.

Run as ``python -m bench.introductions`` it measures the 100,000-contact dataset and prints
the table; ``python -m bench.introductions run DATA_DIR REPEATS CONNECTIONS`` is the
measured process.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import Result, error_result, ms, percentile, run_child, scratch_root
from bench.dataset import Dataset, copy_data_dir, ensure_dataset

CONTACTS = 100_000
CONNECTIONS_PER_CONTACT = 5  # 500,000 connections for 100,000 people
GOAL_MS = 100.0
REPEATS = 5
PER_DISTANCE = 4  # targets at each distance from the people the user knows
SPARSE_KEEP = 100  # sparse network: the user knows one person in this many
FEW_KEEP = 10_000  # nearly unknown network: one in this many (ten people)
SEED = 11
WITHIN_ORGANIZATION = 0.85


# --- the parent -----------------------------------------------------------------------------
def measure(dataset: Dataset, repeats: int, scratch: Path | None = None) -> list[Result]:
    goal = f"< {GOAL_MS:g} ms at p95"
    own = scratch is None
    root = Path(tempfile.mkdtemp(prefix="ally-bench-", dir=scratch_root(dataset.size_bytes)))
    if scratch is not None:
        root = scratch
    data_dir = copy_data_dir(dataset, root / "introductions")
    try:
        connections = CONNECTIONS_PER_CONTACT * dataset.contacts
        report = run_child(
            ["bench.introductions", "run", str(data_dir), str(repeats), str(connections)]
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if own:
            shutil.rmtree(root, ignore_errors=True)
    results = []
    for network in report["networks"]:
        figure = (
            f"Reach: shortest introduction chains, {network['name']} "
            f"({dataset.contacts:,} people, {report['connections']:,} connections)"
        )
        if network["problems"]:
            results.append(error_result(figure, goal, "; ".join(network["problems"][:5])))
            continue
        results.append(_result(figure, goal, network, report))
    return results


def _result(figure: str, goal: str, network: dict[str, Any], report: dict[str, Any]) -> Result:
    samples = network["samples"]
    ally = [s["ally_ms"] for s in samples]
    raw = [s["raw_ms"] for s in samples]
    p50, p95, b50, b95 = (percentile(v, q) for v in (ally, raw) for q in (50, 95))
    by_target: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sample in samples:
        by_target[sample["target"]].append(sample)
    lines = []
    for target, runs in by_target.items():
        first = runs[0]
        lines.append(
            f"{target}: Ally {ms(percentile([r['ally_ms'] for r in runs], 50))} "
            f"(expanded {first['expanded']:,}, {first['chains']} chains of "
            f"{'/'.join(str(n) for n in first['lengths']) or '-'} links"
            f"{', stopped at its limit' if not first['complete'] else ''}), raw BFS "
            f"{ms(percentile([r['raw_ms'] for r in runs], 50))} (depth "
            f"{first['depth'] if first['depth'] is not None else 'none'}, "
            f"{first['raw_visited']:,} visited)"
        )
    notes = [
        f"{network['known']:,} of {report['people']:,} people known to the user directly; "
        f"{len(by_target)} targets x {len(samples) // max(1, len(by_target))} calls, one warm "
        "process, each call alternating with the baseline",
        f"Ally p50 {ms(p50)}, p95 {ms(p95)}, max {ms(max(ally))}; raw BFS p50 {ms(b50)}, "
        f"p95 {ms(b95)}, max {ms(max(raw))}",
        "baseline: raw breadth-first search from the target with plain sqlite3, one "
        "statement per layer, until someone the user knows (one unweighted chain: the "
        "least any answer needs); Ally finds up to 5 weighted chains from different people",
        f"first call on a new connection (schema read, cold page cache of the "
        f"connection): {ms(network['fresh_ms'])} ({network['fresh_target']})",
        *lines,
    ]
    if report.get("setup"):
        notes.append(report["setup"])
    return Result(
        figure,
        f"p95 {ms(p95)} (p50 {ms(p50)}, max {ms(max(ally))})",
        f"p95 {ms(b95)} (p50 {ms(b50)}) raw BFS",
        f"{p95 / b95:.2f}x",
        goal,
        p95 < GOAL_MS,
        notes,
    )


# --- the measured process: growing the network ----------------------------------------------
def _grow(conn: sqlite3.Connection, target: int, rng: random.Random) -> int:
    """Add connections until there are ``target``: mostly within organizations, some
    across, kinds weighted as the demo's; returns how many were added."""
    from ally_desktop.core.demo import _CONNECTION_KINDS

    kinds = [k for k, _ in _CONNECTION_KINDS]
    weights = [w for _, w in _CONNECTION_KINDS]
    people: list[int] = []
    by_org: dict[str, list[int]] = defaultdict(list)
    for cid, org in conn.execute(
        "SELECT id, organization COLLATE NOCASE FROM contact WHERE trashed_at IS NULL ORDER BY id"
    ):
        people.append(cid)
        by_org[org.casefold()].append(cid)
    org_of = {cid: members for members in by_org.values() for cid in members}
    start = conn.execute("SELECT count(*) FROM connection").fetchone()[0]
    count = start
    stamp = "2026-01-01T00:00:00Z"
    while count < target:
        rows = []
        for _ in range(target - count):
            a = rng.choice(people)
            members = org_of[a]
            if rng.random() < WITHIN_ORGANIZATION and len(members) > 1:
                b = rng.choice(members)
            else:
                b = rng.choice(people)
            if a != b:
                rows.append((a, b, rng.choices(kinds, weights)[0], stamp))
        conn.executemany(
            "INSERT OR IGNORE INTO connection (from_id, to_id, kind, created_at)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )
        count = conn.execute("SELECT count(*) FROM connection").fetchone()[0]
    return count - start


def _strangers(conn: sqlite3.Connection) -> int:
    """Two people linked only to each other, neither known: the unreachable target."""
    from ally_desktop.core.text import sort_key

    ids = []
    for name in ("Unreachable Stranger", "Other Stranger"):
        cursor = conn.execute(
            "INSERT INTO contact (given_name, family_name, full_name, sort_name, closeness,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 3, '2026-01-01', '2026-01-01')",
            [*name.split(), name, sort_key(name)],
        )
        ids.append(int(cursor.lastrowid or 0))
    conn.execute(
        "INSERT INTO connection (from_id, to_id, kind, created_at) VALUES (?, ?, 'friend_of',"
        " '2026-01-01')",
        ids,
    )
    return ids[0]


def _graph(conn: sqlite3.Connection) -> tuple[dict[int, list[int]], set[int]]:
    """The whole graph, for choosing targets only (never timed)."""
    adjacency: dict[int, list[int]] = defaultdict(list)
    for a, b in conn.execute(
        "SELECT x.from_id, x.to_id FROM connection x JOIN contact f ON f.id = x.from_id"
        " JOIN contact t ON t.id = x.to_id WHERE f.trashed_at IS NULL AND t.trashed_at IS NULL"
    ):
        adjacency[a].append(b)
        adjacency[b].append(a)
    known = {
        cid
        for (cid,) in conn.execute(
            "SELECT id FROM contact WHERE trashed_at IS NULL"
            " AND (closeness <= 2 OR last_interaction_at IS NOT NULL)"
        )
    }
    return adjacency, known


def _distances(adjacency: dict[int, list[int]], known: set[int]) -> dict[int, int]:
    """Links from the nearest person the user knows, for everyone reachable."""
    distance = dict.fromkeys(known, 0)
    queue = deque(known)
    while queue:
        node = queue.popleft()
        for other in adjacency.get(node, ()):
            if other not in distance:
                distance[other] = distance[node] + 1
                queue.append(other)
    return distance


def _targets(
    conn: sqlite3.Connection, distance: dict[int, int], stranger: int, keep: int
) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(SEED + keep)
    targets: list[tuple[str, dict[str, Any]]] = []
    layers: dict[int, list[int]] = defaultdict(list)
    for node, links in sorted(distance.items()):
        layers[links].append(node)
    for links in sorted(layers):
        for node in rng.sample(layers[links], min(PER_DISTANCE, len(layers[links]))):
            label = "known directly" if links == 0 else f"{links} link{'s' * (links > 1)} away"
            targets.append((f"person {node}, {label}", {"person": node}))
    sizes = conn.execute(
        "SELECT organization, count(*), count(CASE WHEN closeness <= 2"
        " OR last_interaction_at IS NOT NULL THEN 1 END) FROM contact WHERE trashed_at IS NULL"
        " AND organization <> '' GROUP BY organization COLLATE NOCASE ORDER BY count(*) DESC"
    ).fetchall()
    picks = [sizes[0], sizes[len(sizes) // 2], sizes[-1]]
    if keep:
        nobody = [row for row in sizes if row[2] == 0]
        if nobody:
            picks.append(max(nobody, key=lambda row: row[1]))
    for org, people, known in picks:
        targets.append(
            (f"organization {org!r} ({people:,} people, {known:,} known)", {"organization": org})
        )
    targets.append(("the unreachable stranger", {"person": stranger}))
    return targets


def _make_sparse(db: Any, keep: int) -> None:
    """The user knows one person in ``keep``: the others become "other", never met."""
    from ally_desktop.store.db import sqlite_connection, writing

    with writing(db):
        sqlite_connection(db).execute(
            "UPDATE contact SET closeness = 3, last_interaction_at = NULL"
            f" WHERE id % {keep} <> 0 AND trashed_at IS NULL"
        )


# --- the measured process: the baseline -------------------------------------------------------
RAW_SQL = (
    "SELECT x.to_id, c.closeness <= 2 OR c.last_interaction_at IS NOT NULL"
    " FROM connection x JOIN contact c ON c.id = x.to_id"
    " WHERE x.from_id IN ({marks}) AND c.trashed_at IS NULL"
    " UNION ALL SELECT x.from_id, c.closeness <= 2 OR c.last_interaction_at IS NOT NULL"
    " FROM connection x JOIN contact c ON c.id = x.from_id"
    " WHERE x.to_id IN ({marks}) AND c.trashed_at IS NULL"
)
RAW_SOURCES_SQL = {
    "person": "SELECT id, closeness <= 2 OR last_interaction_at IS NOT NULL FROM contact"
    " WHERE id = ? AND trashed_at IS NULL",
    "organization": "SELECT id, closeness <= 2 OR last_interaction_at IS NOT NULL FROM contact"
    " WHERE organization = ? COLLATE NOCASE AND trashed_at IS NULL",
}


def raw_bfs(conn: sqlite3.Connection, kind: str, value: object) -> tuple[int | None, int]:
    """Links from the target(s) to the nearest person the user knows (None: nobody), and
    how many people were visited."""
    layer = []
    found = False
    for node, known in conn.execute(RAW_SOURCES_SQL[kind], [value]):
        layer.append(node)
        found = found or bool(known)
    seen = set(layer)
    depth = 0
    while layer and not found:
        depth += 1
        following = []
        for start in range(0, len(layer), 400):
            batch = layer[start : start + 400]
            sql = RAW_SQL.format(marks=",".join("?" * len(batch)))
            for node, known in conn.execute(sql, batch + batch):
                if node not in seen:
                    seen.add(node)
                    following.append(node)
                    found = found or bool(known)
        layer = following
    return (depth if found else None), len(seen)


# --- the measured process: timing ------------------------------------------------------------
def _check(conn: sqlite3.Connection, result: Any, depth: int | None) -> list[str]:
    """Ally's chains against the baseline and the connection table."""
    problems = []
    if result.complete and (depth is None) != (not result.chains):
        problems.append(
            f"{result.target_name}: Ally found {len(result.chains)} chains, the BFS depth {depth}"
        )
    if result.chains and depth is not None and len(result.chains[0].links) < depth:
        problems.append(f"{result.target_name}: a chain shorter than the shortest")
    firsts = [chain.first.id for chain in result.chains]
    if len(set(firsts)) != len(firsts):
        problems.append(f"{result.target_name}: two chains start with the same person")
    for chain in result.chains:
        if not chain.first.known:
            problems.append(f"{result.target_name}: a chain starts with someone not known")
        for a, b in itertools.pairwise(chain.people):
            linked = conn.execute(
                "SELECT 1 FROM connection WHERE (from_id = ? AND to_id = ?)"
                " OR (from_id = ? AND to_id = ?)",
                [a.id, b.id, b.id, a.id],
            ).fetchone()
            if linked is None:
                problems.append(f"{result.target_name}: {a.id} and {b.id} are not connected")
    return problems


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _measure_network(
    name: str,
    db: Any,
    database: Path,
    raw: sqlite3.Connection,
    targets: Sequence[tuple[str, dict[str, Any]]],
    repeats: int,
    known: int,
) -> dict[str, Any]:
    from ally_desktop.core.introductions import find_chains
    from ally_desktop.store.db import close_database, open_database

    # The first call on a new connection, for the farthest person target.
    persons = [t for t in targets if "person" in t[1]]  # the stranger last
    fresh_label, fresh_target = persons[-2] if len(persons) > 1 else persons[-1]
    fresh = open_database(database)
    fresh_ms, _ = _timed(lambda: find_chains(fresh, **fresh_target))
    close_database(fresh)

    samples = []
    problems: list[str] = []
    for label, target in targets:
        [(kind, value)] = target.items()
        find_chains(db, **target)  # warm-up, untimed
        raw_bfs(raw, kind, value)
        for index in range(repeats):
            if index % 2:
                raw_ms, (depth, visited) = _timed(
                    lambda kind=kind, value=value: raw_bfs(raw, kind, value)
                )
            ally_ms, result = _timed(lambda target=target: find_chains(db, **target))
            if not index % 2:
                raw_ms, (depth, visited) = _timed(
                    lambda kind=kind, value=value: raw_bfs(raw, kind, value)
                )
            samples.append(
                {
                    "target": label,
                    "ally_ms": ally_ms,
                    "raw_ms": raw_ms,
                    "expanded": result.expanded,
                    "complete": result.complete,
                    "chains": len(result.chains),
                    "lengths": [len(chain.links) for chain in result.chains],
                    "depth": depth,
                    "raw_visited": visited,
                }
            )
        problems += _check(raw, result, depth)
    return {
        "name": name,
        "known": known,
        "samples": samples,
        "fresh_ms": fresh_ms,
        "fresh_target": fresh_label,
        "problems": problems,
    }


def _run(data_dir: Path, repeats: int, target: int) -> dict[str, Any]:
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database, sqlite_connection, writing

    database = DataPaths(data_dir).database
    db = open_database(database)
    started = time.perf_counter()
    with writing(db):
        conn = sqlite_connection(db)
        added = _grow(conn, target - 1, random.Random(SEED))
        stranger = _strangers(conn)  # and their link: ``target`` in all
    connections = sqlite_connection(db).execute("SELECT count(*) FROM connection").fetchone()[0]
    people = (
        sqlite_connection(db)
        .execute("SELECT count(*) FROM contact WHERE trashed_at IS NULL")
        .fetchone()[0]
    )
    setup = (
        f"setup (untimed): {added:,} connections added to the dataset's in "
        f"{time.perf_counter() - started:.1f} s (no ANALYZE: Ally never runs it)"
    )
    raw = sqlite3.connect(database)
    networks = []
    for name, keep in (
        ("as generated", None),
        (f"sparse (1 in {SPARSE_KEEP:,} known)", SPARSE_KEEP),
        (f"nearly unknown (1 in {FEW_KEEP:,} known)", FEW_KEEP),
    ):
        if keep is not None:
            _make_sparse(db, keep)
        adjacency, known = _graph(raw)
        targets = _targets(raw, _distances(adjacency, known), stranger, keep or 0)
        del adjacency
        networks.append(_measure_network(name, db, database, raw, targets, repeats, len(known)))
    raw.close()
    close_database(db)
    return {"networks": networks, "connections": connections, "people": people, "setup": setup}


def main() -> int:
    from bench.report import print_notes, print_table

    dataset = ensure_dataset(CONTACTS)
    results = measure(dataset, REPEATS)
    print_notes(results)
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        report = _run(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        print(json.dumps(report), flush=True)
    else:
        raise SystemExit(main())
