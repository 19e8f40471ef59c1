"""Who can help: the first ranked page for a topic, against the raw full-text queries.

On a copy of the Timeline's dataset (100,000 demo people, 1,000,000 interactions), one
child process opens the database as Ally does and, for each topic, times
``who_can_help(db, topic)``: the topic resolved through the vocabulary, every person
with evidence ranked, and the first page of 50 built with its reasons (the names of
related topics, the words around each match, the most recent matching interaction).

The baseline is what the brief calls the raw full-text query for the topic: the plain
``sqlite3`` module on the same file (its own warm connection), the same MATCH expression
(the topic's name and every word merged into it), on both tables (contact_fts and
interaction_fts, all columns), fetching every matching rowid. Ally and the baseline
alternate which goes first in each round; the figures are medians.

The topics: "pricing", the common one (a topic, a team, a job title, words in many
people's notes and ambitions, and the title of one meeting in sixteen: "Pricing
review"), and "procurement", a rarer one (a topic, a team and a job title, in no
interaction). "Kubernetes", listed by one person in fifteen and written nowhere else,
is shown for information.

Run alone as ``python -m bench.who [REPEATS]`` (the 100,000-person dataset is made if
missing); run as ``python -m bench.who measure DATA_DIR REPEATS`` it is the measured
process and prints one JSON line.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bench.common import Result, error_result, median, ms, run_child, scratch_root
from bench.dataset import Dataset, copy_data_dir, ensure_dataset

if TYPE_CHECKING:
    import peewee as pw

    from ally_desktop.core.expertise import WhoResult

T = TypeVar("T")

GOAL_RATIO = 3.0
CONTACTS = 100_000
INTERACTIONS = 1_000_000
REPEATS = 7
# (topic, what it stands for, whether the goal applies)
TOPICS: tuple[tuple[str, str, bool], ...] = (
    ("pricing", "common", True),
    ("procurement", "rarer", True),
    ("Kubernetes", "listed only", False),
)


# --- the parent ---------------------------------------------------------------------------
def measure(dataset: Dataset, repeats: int, scratch: Path | None = None) -> list[Result]:
    root = scratch or scratch_root(dataset.size_bytes)
    data_dir = copy_data_dir(dataset, Path(root) / f"who-{time.monotonic_ns()}")
    try:
        report = run_child(["bench.who", "measure", str(data_dir), str(repeats)])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    results = []
    for topic, kind, with_goal in TOPICS:
        figure = f"Who can help: first page of 50 for “{topic}” ({kind}) ({dataset.label})"
        goal = f"<= {GOAL_RATIO:g}x" if with_goal else "-"
        sample = report["topics"][topic]
        if sample["problems"]:
            results.append(error_result(figure, goal, "; ".join(sample["problems"][:5])))
            continue
        ally, raw = median(sample["ally_ms"]), median(sample["raw_ms"])
        ratio = ally / raw
        parts = dict(sample["parts_ms"])
        usual = parts.pop("usual way", [])
        notes = [
            "runs, Ally (ms): " + ", ".join(f"{v:.1f}" for v in sample["ally_ms"]),
            "runs, raw sqlite3 (ms): " + ", ".join(f"{v:.1f}" for v in sample["raw_ms"]),
            f"raw rows: {sample['contact_rows']:,} contacts and {sample['interaction_rows']:,} "
            f"interactions match {sample['expression']}; Ally ranked {sample['shown']} people "
            f"(more: {sample['more']})",
            "inside Ally (median ms): "
            + ", ".join(f"{name} {median(values):.1f}" for name, values in parts.items())
            + f"; the usual way managed without the full statement in {sum(usual):.0f} of"
            f" {len(usual)} runs",
            f"first place: {sample['first']}",
        ]
        results.append(
            Result(
                figure,
                ms(ally),
                f"{ms(raw)} (raw FTS rowids, both tables)",
                f"{ratio:.2f}x",
                goal,
                ratio <= GOAL_RATIO if with_goal else None,
                notes,
            )
        )
    return results


# --- the measured process ---------------------------------------------------------------------
def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = work()
    return (time.perf_counter() - started) * 1000, value


def _parts(db: pw.SqliteDatabase, topic: str) -> dict[str, float]:
    """Where the time goes: the steps ``who_can_help`` takes, measured one by one (the
    ranking includes the two reads before it; "usual way" is 1 when it managed without the
    full statement)."""
    from datetime import UTC, datetime

    from ally_desktop.core import expertise, expertise_ranking
    from ally_desktop.store.db import sqlite_connection

    conn = sqlite_connection(db)
    parts: dict[str, float] = {}
    took, found = _timed(lambda: expertise.topic_search(db, topic))
    parts["topic"] = took
    with db.atomic():
        took, _ = _timed(lambda: expertise_ranking._own_evidence(conn, found))
        parts["own records"] = took
        took, _ = _timed(lambda: expertise_ranking._matching_interactions(conn, found))
        parts["matching interactions"] = took
        now = datetime.now(UTC)
        took, ranked = _timed(
            lambda: expertise_ranking.rank(conn, found, expertise.PAGE, False, now)
        )
        parts["ranking"] = took
        parts["usual way"] = float(ranked[1])
    return parts


def _measure(data_dir: Path, repeats: int) -> dict[str, Any]:
    from ally_desktop.core.expertise import topic_search, who_can_help
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database

    path = DataPaths(data_dir).database
    db = open_database(path)
    raw = sqlite3.connect(path)
    topics: dict[str, dict[str, Any]] = {}
    for topic, _kind, _goal in TOPICS:
        expression = topic_search(db, topic).expression
        problems: list[str] = []

        def ally(topic: str = topic) -> WhoResult:
            return who_can_help(db, topic)

        def baseline(expression: str | None = expression) -> tuple[int, int]:
            contacts = raw.cursor().execute(
                "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?", [expression]
            )
            found_contacts = contacts.fetchall()
            interactions = raw.cursor().execute(
                "SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH ?", [expression]
            )
            return len(found_contacts), len(interactions.fetchall())

        ally()  # warm: the pages either reads, and Python's first calls
        baseline()
        ally_ms: list[float] = []
        raw_ms: list[float] = []
        result: WhoResult | None = None
        counts = (0, 0)
        for index in range(repeats):
            if index % 2:
                took, result = _timed(ally)
                ally_ms.append(took)
                took, counts = _timed(baseline)
                raw_ms.append(took)
            else:
                took, counts = _timed(baseline)
                raw_ms.append(took)
                took, result = _timed(ally)
                ally_ms.append(took)
        parts: dict[str, list[float]] = {}
        for _ in range(max(3, repeats // 2)):
            for name, value in _parts(db, topic).items():
                parts.setdefault(name, []).append(value)
        assert result is not None
        experts = result.experts
        scores = [e.score for e in experts]
        if scores != sorted(scores, reverse=True):
            problems.append(f"{topic}: the page is not in score order")
        if len(experts) != 50:
            problems.append(f"{topic}: {len(experts)} people on the first page, not 50")
        first = experts[0] if experts else None
        topics[topic] = {
            "ally_ms": ally_ms,
            "raw_ms": raw_ms,
            "parts_ms": parts,
            "contact_rows": counts[0],
            "interaction_rows": counts[1],
            "expression": expression,
            "shown": len(experts),
            "more": result.more,
            "first": (
                f"{first.name}, {first.score:.1f}: " + "; ".join(r.text for r in first.reasons)
                if first
                else "nobody"
            ),
            "problems": problems,
        }
    raw.close()
    close_database(db)
    return {"topics": topics}


def main(argv: list[str]) -> int:
    from bench.report import print_notes, print_table

    repeats = int(argv[0]) if argv else REPEATS
    dataset = ensure_dataset(CONTACTS, interactions=INTERACTIONS)
    results = measure(dataset, repeats)
    print_notes(results)
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(_measure(Path(sys.argv[2]), int(sys.argv[3]))), flush=True)
    else:
        raise SystemExit(main(sys.argv[1:]))
