"""Reminders: computing everything due, opening the Reminders view, the timer's next moment.

On the Timeline's dataset (the same cached ``ally demo --interactions`` database: two
thirds of the people keep a cadence, 45 % have a birthday, and the migrations' triggers
made a reminder for each), each figure measured in fresh child processes on a copy:

* Computing everything due (the goal): ``ReminderModel(db)``, what the Reminders view
  holds (the four sections' SQL range reads, their ids in display order, the counts),
  then ``data(ROW_ROLE)`` for the first screen of rows (which makes the model fetch its
  first page of rows with ``due_rows``). The database is open and Ally's modules
  imported first: this is the computation, not the loading of code. The baseline, in
  the same process, is the same list raw: a new ``sqlite3`` connection, the same SQL
  texts (``_SECTION_SQL``) with the same parameters (``Window.at`` of the same instant),
  ``fetchall``, then ``_ROW_SQL`` for the ids the model fetched. One sample of each per
  process, alternating which goes first; median over the processes.
* Opening the Reminders view (information): Ally's main window on the dataset, idle,
  then ``navigation.setCurrentRow(REMINDERS_VIEW)`` (the page is built at the first switch) to the
  end of the first paint of the list's viewport. The raw list is fetched after the paint
  in every process: fetched before, it would import ``core.due``, which Ally loads at
  the switch, and take that out of Ally's figure.
* The timer's next moment (the goal): ``next_alert(db, now)`` called again and again
  in one warm process, against its SQL run raw on a warm connection; then the tray's
  number (``due_count``), and what the scheduler (``to_announce``, after any change) and
  the tray menu (``due_items`` of today) read, against their SQL run raw.

The sections depend on the moment of the run: the dataset's reminders were made when it
was generated, and the older it is the more of them are overdue (its age is noted).

Run as ``python -m bench.reminders compute DATA_DIR (raw-first | ally-first)``,
``python -m bench.reminders open DATA_DIR`` or ``python -m bench.reminders timer DATA_DIR
CALLS`` it is the measured process and prints one JSON line.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import Result, error_result, median, ms, percentile, run_child
from bench.dataset import Dataset, copy_data_dir

if TYPE_CHECKING:  # Qt and Ally's UI are imported by the measured processes only
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QTableView

COMPUTE_GOAL_RATIO = 3.0
NEXT_ALERT_GOAL_MS = 5.0
SCREEN_ROWS = 20  # rows asked for, a first screen and more (Ally's default window shows 14)
COUNT_CALLS = 20  # due_count calls in the timer process
LIST_CALLS = 5  # due_items and to_announce calls (each reads everything due)
TIMEOUT_S = 120
SECTION_NAMES = ("OVERDUE", "TODAY", "UPCOMING", "SNOOZED")  # core.due.Section, in order


# --- the parent -----------------------------------------------------------------------------
def measure_compute(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    figure = f"Compute everything due: Reminders model and first rows ({dataset.label})"
    goal = f"<= {COMPUTE_GOAL_RATIO:g}x"
    data_dir = copy_data_dir(dataset, scratch / "reminders-compute")
    try:
        run_child(["bench.reminders", "compute", str(data_dir), "raw-first"])  # warm-up
        runs = [
            run_child(
                [
                    "bench.reminders",
                    "compute",
                    str(data_dir),
                    "ally-first" if i % 2 else "raw-first",
                ]
            )
            for i in range(repeats)
        ]
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    problems = [p for run in runs for p in run["problems"]]
    if problems:
        return [error_result(figure, goal, "; ".join(problems[:5]))]
    ally = median([run["ally_ms"] for run in runs])
    raw = median([run["raw_ms"] for run in runs])
    last = runs[-1]
    counts = last["counts"]
    sections = ", ".join(
        f"{name.title()} {median([r['section_ms'].get(name, 0.0) for r in runs]):.1f}"
        f" / {median([r['raw_section_ms'][name] for r in runs]):.1f}"
        for name in SECTION_NAMES
    )
    notes = [
        "why this figure: it is the computation the goal names, everything due (the four "
        "sections' ids in display order and their counts) and the rows of the first "
        "screen, on Ally's open connection with its code loaded, against the same SQL "
        "run raw; opening the view in the window (next figure, information) adds the "
        "page's widgets, the import of its modules and the paint, none of which "
        "the raw baseline has",
        "runs, Ally (ms): " + ", ".join(f"{run['ally_ms']:.1f}" for run in runs),
        "runs, raw sqlite3 (ms): " + ", ".join(f"{run['raw_ms']:.1f}" for run in runs),
        f"medians, Ally: ReminderModel(db) {ms(median([r['model_ms'] for r in runs]))} "
        f"(of which the four section_ids {ms(median([r['sections_ms'] for r in runs]))}), "
        f"first {SCREEN_ROWS} rows through data() "
        f"{ms(median([r['rows_ms'] for r in runs]))} (due_rows "
        f"{ms(median([r['due_rows_ms'] for r in runs]))}); raw: sections "
        f"{ms(median([r['raw_sections_ms'] for r in runs]))}, rows "
        f"{ms(median([r['raw_rows_ms'] for r in runs]))}",
        f"per section, Ally / raw (median ms): {sections}",
        f"the raw connection is new (as asked): its first query reads the schema, and it "
        f"has sqlite3's default page cache of 2 MB, as Ally's; the same raw queries "
        f"run again on it, warm: {ms(median([r['raw_again_ms'] for r in runs]))} "
        f"(Ally / warm raw {ally / median([r['raw_again_ms'] for r in runs]):.2f}x)",
        f"the list: {sum(counts.values()):,} reminders in the sections "
        f"({_counts_text(counts)}); the first screen made the model fetch "
        f"{last['row_ids']} rows (its first page)",
    ]
    return [
        Result(
            figure,
            ms(ally),
            f"{ms(raw)} (raw sqlite3, same SQL and rows)",
            f"{ally / raw:.2f}x",
            goal,
            ally / raw <= COMPUTE_GOAL_RATIO,
            notes,
        ),
        Result(
            f"Reminders in each section ({dataset.label})",
            _counts_text(counts),
            "-",
            "-",
            "-",
            None,
            _dataset_notes(dataset),
        ),
    ]


def measure_open(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    figure = f"Open the Reminders view to first paint ({dataset.label})"
    data_dir = copy_data_dir(dataset, scratch / "reminders-open")
    try:
        run_child(["bench.reminders", "open", str(data_dir)])  # warm-up
        runs = [run_child(["bench.reminders", "open", str(data_dir)]) for _ in range(repeats)]
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    problems = [p for run in runs for p in run["problems"]]
    if problems:
        return [error_result(figure, "-", "; ".join(problems[:5]))]
    ally = median([run["painted_ms"] for run in runs])
    raw = median([run["raw_ms"] for run in runs])
    last = runs[-1]
    notes = [
        "runs, Ally (ms): " + ", ".join(f"{run['painted_ms']:.1f}" for run in runs),
        "runs, raw sqlite3 (ms): " + ", ".join(f"{run['raw_ms']:.1f}" for run in runs),
        f"medians: setCurrentRow(REMINDERS_VIEW) returned (the page built, its model loaded) after "
        f"{ms(median([r['built_ms'] for r in runs]))}; the viewport's first paint began at "
        f"{ms(median([r['paint_start_ms'] for r in runs]))} and ended at {ms(ally)}",
        f"modules first imported at the switch: {last['imported']} "
        f"({', '.join(last['imported_ally']) or 'none of Ally'})",
        f"{last['rows_visible']} rows on screen; {last['rows_built']} rows built for the "
        "first paint",
    ]
    return [
        Result(
            figure,
            ms(ally),
            f"{ms(raw)} (raw sqlite3, same SQL and rows)",
            f"{ally / raw:.2f}x",
            "-",
            None,
            notes,
        )
    ]


def measure_timer(dataset: Dataset, calls: int, scratch: Path) -> list[Result]:
    figure = f"Next due moment for the timer: next_alert ({dataset.label})"
    goal = f"< {NEXT_ALERT_GOAL_MS:g} ms at p95"
    data_dir = copy_data_dir(dataset, scratch / "reminders-timer")
    try:
        report = run_child(["bench.reminders", "timer", str(data_dir), str(calls)])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if report["problems"]:
        return [error_result(figure, goal, "; ".join(report["problems"][:5]))]
    ally, raw = report["next_alert_ms"], report["raw_next_alert_ms"]
    p50, p95, b50, b95 = (percentile(v, q) for v in (ally, raw) for q in (50, 95))
    results = [
        Result(
            figure,
            f"p95 {_fine(p95)} (p50 {_fine(p50)})",
            f"p95 {_fine(b95)} (p50 {_fine(b50)}) raw SELECT min(alert_at)",
            f"{p95 / b95:.2f}x",
            goal,
            p95 < NEXT_ALERT_GOAL_MS,
            [
                f"{len(ally)} calls in one warm process, alternating with the raw query on "
                "a warm connection; the ratio is for information",
                f"Ally max {_fine(max(ally))}; raw max {_fine(max(raw))}; next moment "
                f"{report['next_alert']}",
            ],
        )
    ]
    for key, name, what in (
        ("due_count", "Tray's number: due_count", "count(*) with the same SQL"),
        (
            "to_announce",
            "Scheduler's check after a change: to_announce",
            "ids query and _DUE_SQL, fetchall",
        ),
        ("due_items", "ally due --days 0: due_items(upcoming_days=0)", "_DUE_SQL, fetchall"),
    ):
        values, base = report[f"{key}_ms"], report[f"raw_{key}_ms"]
        notes = [
            f"runs, Ally (ms): {', '.join(f'{v:.1f}' for v in values)}",
            f"runs, raw (ms): {', '.join(f'{v:.1f}' for v in base)}",
        ]
        notes += report["notes"].get(key, [])
        results.append(
            Result(
                f"{name} ({dataset.label})",
                ms(median(values)),
                f"{ms(median(base))} (raw {what})",
                f"{median(values) / median(base):.2f}x",
                "-",
                None,
                notes,
            )
        )
    return results


def _fine(value: float) -> str:
    """Milliseconds, in microseconds below one."""
    return f"{value * 1000:.0f} µs" if value < 1 else ms(value)


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{name.title()} {counts.get(name, 0):,}" for name in SECTION_NAMES)


def _dataset_notes(dataset: Dataset) -> list[str]:
    """Who has a cadence and a birthday, the reminders made for them, the data's age."""
    conn = sqlite3.connect(f"{dataset.database.as_uri()}?mode=ro", uri=True)
    try:
        people, cadence, both, birthday = conn.execute(
            "SELECT count(*), count(c.cadence_days), count(c.cadence_days) FILTER (WHERE"
            " EXISTS (SELECT 1 FROM important_date d WHERE d.contact_id = c.id"
            " AND d.kind = 'birthday')), (SELECT count(DISTINCT contact_id)"
            " FROM important_date WHERE kind = 'birthday') FROM contact c"
        ).fetchone()
        kinds = conn.execute(
            "SELECT kind, count(*) FROM reminder GROUP BY kind ORDER BY count(*) DESC"
        ).fetchall()
        made = conn.execute("SELECT min(created_at) FROM reminder").fetchone()[0]
    finally:
        conn.close()
    notes = [
        f"the dataset: {people:,} people, {cadence:,} ({cadence / people:.0%}) with a "
        f"keep-in-touch cadence, {birthday:,} ({birthday / people:.0%}) with a birthday, "
        f"{both:,} ({both / people:.0%}) with both",
        "reminders: " + ", ".join(f"{count:,} {kind}" for kind, count in kinds),
    ]
    if made:
        age = datetime.now(UTC) - datetime.fromisoformat(made.replace("Z", "+00:00"))
        notes.append(
            f"the reminders were made {age.days} days before this run ({made[:10]}); "
            "the sections are for the moment of the run"
        )
    return notes


# --- the measured processes: shared ---------------------------------------------------------
def _raw_due(
    database: Path,
    now: datetime,
    sql: dict[str, Any],
    upcoming_days: int,
    page: int,
) -> dict[str, Any]:
    """The same list raw, on a new connection: each section's SQL, fetchall, then the row
    columns of the ids the model fetches for the first screen (computed as it does: a
    page from a quarter of a page above the first reminder row it is asked for)."""
    window = sql["window"](now, upcoming_days)
    params = {
        "now": window.now,
        "today_starts": window.today_starts,
        "today_ends": window.today_ends,
        "horizon": window.horizon,
    }
    conn = sqlite3.connect(database)
    try:
        fetched: dict[str, list[tuple[int]]] = {}
        section_ms: dict[str, float] = {}
        for name in SECTION_NAMES:
            started = time.perf_counter()
            fetched[name] = conn.execute(sql["sections"][name], params).fetchall()
            section_ms[name] = (time.perf_counter() - started) * 1000
        entries: list[int] = []  # as the model lays them out: -section number, then ids
        for number, name in enumerate(SECTION_NAMES, start=1):
            if fetched[name]:
                entries.append(-number)
                entries.extend(row[0] for row in fetched[name])
        ids: list[int] = []
        for row in range(min(SCREEN_ROWS, len(entries))):
            if entries[row] > 0 and entries[row] not in ids:
                start = max(0, row - page // 4)
                ids += [e for e in entries[start : start + page] if e > 0 and e not in ids]
        row_sql = sql["rows"].format(marks=",".join("?" * len(ids)))
        started = time.perf_counter()
        rows = conn.execute(row_sql, ids).fetchall()
        rows_ms = (time.perf_counter() - started) * 1000
        # Once more on the same connection, its schema read and its page cache warm.
        started = time.perf_counter()
        for name in SECTION_NAMES:
            conn.execute(sql["sections"][name], params).fetchall()
        conn.execute(row_sql, ids).fetchall()
        again_ms = (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    sections_ms = sum(section_ms.values())
    return {
        "entries": entries,
        "row_ids": ids,
        "rows": len(rows),
        "counts": {name: len(fetched[name]) for name in SECTION_NAMES},
        "raw_ms": sections_ms + rows_ms,
        "raw_sections_ms": sections_ms,
        "raw_section_ms": section_ms,
        "raw_rows_ms": rows_ms,
        "raw_again_ms": again_ms,
    }


def _due_sql() -> dict[str, Any]:
    from ally_desktop.core.due import _ROW_SQL, _SECTION_SQL, Section, Window

    if tuple(s.name for s in Section) != SECTION_NAMES:
        raise RuntimeError(f"core.due's sections changed: {[s.name for s in Section]}")
    return {
        "window": Window.at,
        "sections": {s.name: _SECTION_SQL[s] for s in Section},
        "rows": _ROW_SQL,
    }


def _check(model: Any, raw: dict[str, Any]) -> list[str]:
    """Ally's list (the model's entries) and the raw one must be the same."""
    problems = []
    if list(model._entries) != raw["entries"]:
        problems.append(
            f"Ally's sections and the raw queries' differ ({_counts_text(raw['counts'])} raw)"
        )
    built = set(model._cache)
    if built != set(raw["row_ids"]):
        problems.append(
            f"the model fetched {len(built)} rows for the first screen, the baseline "
            f"{len(raw['row_ids'])} ({len(built ^ set(raw['row_ids']))} differ)"
        )
    if raw["rows"] != len(raw["row_ids"]):
        problems.append(f"the raw row query found {raw['rows']} of {len(raw['row_ids'])} rows")
    return problems


# --- the measured process: computing everything due ------------------------------------
def _trace_model(module: Any) -> dict[str, float]:
    """Time the model module's section_ids (by section) and due_rows calls."""
    spent: dict[str, float] = defaultdict(float)
    section_ids, due_rows = module.section_ids, module.due_rows

    def traced_section_ids(db: Any, section: Any, window: Any) -> Any:
        started = time.perf_counter()
        try:
            return section_ids(db, section, window)
        finally:
            spent[section.name] += (time.perf_counter() - started) * 1000

    def traced_due_rows(db: Any, ids: Sequence[int]) -> Any:
        started = time.perf_counter()
        try:
            return due_rows(db, ids)
        finally:
            spent["due_rows"] += (time.perf_counter() - started) * 1000

    module.section_ids = traced_section_ids
    module.due_rows = traced_due_rows
    return spent


def _compute(data_dir: Path, raw_first: bool) -> dict[str, Any]:
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database
    from ally_desktop.ui.reminders import model as model_module
    from ally_desktop.ui.reminders.model import (
        PAGE,
        ROW_ROLE,
        UPCOMING_DAYS,
        ReminderModel,
    )

    database = DataPaths(data_dir).database
    db = open_database(database)
    sql = _due_sql()
    spent = _trace_model(model_module)
    now = datetime.now(UTC)  # one instant for both: the same list

    def raw_sample() -> dict[str, Any]:
        return _raw_due(database, now, sql, UPCOMING_DAYS, PAGE)

    raw = raw_sample() if raw_first else None
    started = time.perf_counter()
    model = ReminderModel(db, now=now)
    built = time.perf_counter()
    for row in range(min(SCREEN_ROWS, model.rowCount())):
        model.data(model.index(row), ROW_ROLE)
    done = time.perf_counter()
    if raw is None:
        raw = raw_sample()
    sections = {name: spent[name] for name in SECTION_NAMES}
    report = {
        "ally_ms": (done - started) * 1000,
        "model_ms": (built - started) * 1000,
        "rows_ms": (done - built) * 1000,
        "section_ms": sections,
        "sections_ms": sum(sections.values()),
        "due_rows_ms": spent["due_rows"],
        "raw_ms": raw["raw_ms"],
        "raw_sections_ms": raw["raw_sections_ms"],
        "raw_section_ms": raw["raw_section_ms"],
        "raw_rows_ms": raw["raw_rows_ms"],
        "raw_again_ms": raw["raw_again_ms"],
        "counts": {section.name: count for section, count in model.counts().items()},
        "row_ids": len(raw["row_ids"]),
        "problems": _check(model, raw),
    }
    close_database(db)
    return report


# --- the measured process: opening the Reminders view ----------------------------------
def _open(data_dir: Path) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject, QPoint

    from ally_desktop.store.db import close_database
    from bench.timeline import _window

    app, db, window, database = _window(data_dir)
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        """On the viewport's first paint event: paint it here, to know when it ended."""

        def __init__(self, view: QTableView) -> None:
            super().__init__()
            self.view = view

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and "paint_end" not in marks:
                marks["paint_start"] = time.perf_counter()
                self.view.viewportEvent(event)  # what the scroll area's own filter does
                marks["paint_end"] = time.perf_counter()
                return True
            return False

    # The moment the model reads its sections at: the Overdue order (how far past their
    # rhythm people are) moves with the clock, so the raw queries must use that moment,
    # not one taken before the switch.
    from ally_desktop.core import due

    moments: list[datetime] = []
    window_at = due.Window.at.__func__  # type: ignore[attr-defined]

    def recording_at(
        cls: type[due.Window], now: datetime | None = None, upcoming_days: int = due.UPCOMING_DAYS
    ) -> due.Window:
        moments.append(now or datetime.now(UTC))
        return window_at(cls, moments[-1], upcoming_days)  # type: ignore[no-any-return]

    due.Window.at = classmethod(recording_at)  # type: ignore[method-assign,assignment]
    modules = set(sys.modules)
    now = datetime.now(UTC)
    started = time.perf_counter()
    from ally_desktop.ui.main_window import REMINDERS_VIEW

    window.navigation.setCurrentRow(REMINDERS_VIEW)
    built = time.perf_counter()
    page = window.reminders_page()
    view = page.list
    watcher = FirstPaint(view)
    view.viewport().installEventFilter(watcher)
    while "paint_end" not in marks:
        app.processEvents()
        if time.perf_counter() - started > TIMEOUT_S:
            raise TimeoutError("the Reminders view did not paint")
    view.viewport().removeEventFilter(watcher)
    imported = sorted(set(sys.modules) - modules)

    from ally_desktop.ui.reminders.model import PAGE, UPCOMING_DAYS

    # After the paint (see the module's docstring), at the model's moment.
    raw = _raw_due(database, moments[0] if moments else now, _due_sql(), UPCOMING_DAYS, PAGE)
    model = page.model
    problems = _check(model, raw)
    if page.stack.currentWidget() is not view:
        problems.append("the Reminders view shows its empty state, not the list")
    last_visible = view.indexAt(QPoint(4, view.viewport().height() - 2)).row()
    close_database(db)
    return {
        "painted_ms": (marks["paint_end"] - started) * 1000,
        "paint_start_ms": (marks["paint_start"] - started) * 1000,
        "built_ms": (built - started) * 1000,
        "raw_ms": raw["raw_ms"],
        "imported": len(imported),
        "imported_ally": [name for name in imported if name.startswith("ally_desktop")],
        "rows_built": len(model._cache),
        "rows_visible": last_visible + 1 if last_visible >= 0 else model.rowCount(),
        "problems": problems,
    }


# --- the measured process: the timer's next moment, the tray, the scheduler ------------
def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _timer(data_dir: Path, calls: int) -> dict[str, Any]:
    from ally_desktop.core import due, reminders
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database
    from ally_desktop.store.schedule import format_instant

    database = DataPaths(data_dir).database
    db = open_database(database)
    raw = sqlite3.connect(database)
    next_sql = "SELECT min(alert_at) FROM reminder WHERE hidden = 0 AND alert_at > ?"
    count_sql = (
        f"SELECT count(*) FROM reminder r WHERE r.alert_at <= :now AND {due._NOT_SNOOZED}"
        f" AND {due._VISIBLE}"
    )
    problems: list[str] = []
    series: dict[str, list[float]] = defaultdict(list)

    def sample(
        name: str, ally: Callable[[datetime], Any], base: Callable[[datetime], Any], n: int
    ) -> tuple[Any, Any]:
        """``n`` calls of each (after one untimed warm-up), alternating which goes first."""
        ally(datetime.now(UTC))
        base(datetime.now(UTC))
        got: Any = None
        got_base: Any = None
        for index in range(n):
            now = datetime.now(UTC)
            if index % 2:
                took, got_base = _timed(partial(base, now))
                series[f"raw_{name}_ms"].append(took)
            took, got = _timed(partial(ally, now))
            series[f"{name}_ms"].append(took)
            if not index % 2:
                took, got_base = _timed(partial(base, now))
                series[f"raw_{name}_ms"].append(took)
        return got, got_base

    nxt, raw_next = sample(
        "next_alert",
        lambda now: reminders.next_alert(db, now),
        lambda now: raw.execute(next_sql, [format_instant(now)]).fetchone(),
        calls,
    )
    if (format_instant(nxt) if nxt else None) != raw_next[0]:
        problems.append(f"next_alert gave {nxt}, the raw query {raw_next[0]}")
    count, raw_count = sample(
        "due_count",
        lambda now: due.due_count(db, due.Window.at(now)),
        lambda now: raw.execute(count_sql, {"now": format_instant(now)}).fetchone(),
        COUNT_CALLS,
    )
    if count != raw_count[0]:
        problems.append(f"due_count gave {count}, the raw count {raw_count[0]}")
    # due_items(now, 0) reads up to the end of today: the same SQL, raw, for both.
    today_ends = due.Window.at(datetime.now(UTC), 0).today_ends
    due_sql = reminders._DUE_SQL.format(only="")
    items, raw_items = sample(
        "due_items",
        lambda now: reminders.due_items(db, now, 0),
        lambda now: raw.execute(due_sql, [today_ends]).fetchall(),
        LIST_CALLS,
    )
    if len(items) != len(raw_items):
        problems.append(f"due_items gave {len(items)} items, the raw query {len(raw_items)}")
    due_now = sum(item.alert_at <= datetime.now(UTC) for item in items)
    # The first check after the demo data was made: nothing announced yet.
    first_ms, announced = _timed(lambda: reminders.to_announce(db))
    # Announced, as at every change after that: the same work, nothing new to announce.
    reminders.mark_announced(db, [item.id for item in announced])

    announce_rows_sql = reminders._DUE_SQL.format(
        only="AND r.notified_at IS NULL AND r.id IN (SELECT id FROM reminder"
        " WHERE alert_at <= ? AND notified_at IS NULL AND hidden = 0 AND alert_at IS NOT NULL)"
    )

    def raw_announce(now: datetime) -> list[Any]:
        """The same read to_announce makes: the rows not yet announced, via the partial index."""
        return raw.execute(announce_rows_sql, ["9999", format_instant(now)]).fetchall()

    steady, _ = sample(
        "to_announce", lambda now: reminders.to_announce(db, now), raw_announce, LIST_CALLS
    )
    if steady:
        problems.append(f"to_announce found {len(steady)} to announce after all were")
    raw.close()
    close_database(db)
    return {
        **series,
        "next_alert": nxt.isoformat() if nxt else None,
        "notes": {
            "due_count": [f"{count:,} due now (overdue and today, not snoozed)"],
            "due_items": [
                f"{len(items):,} items built (every section up to the end of today; "
                f"{due_now:,} of them already due): what `ally due --days 0` prints. The tray"
                " menu does not build them: it reads the first few with due_now and the"
                " total with due_count (the row above)"
            ],
            "to_announce": [
                "with everything due already announced: the scheduler's check after any "
                "change to contacts, interactions or reminders (and at its timer); it "
                "reads only the reminders not yet announced, through a partial index "
                "(none here)",
                f"the first check on the demo data, {len(announced):,} never announced: "
                f"{ms(first_ms)}",
            ],
        },
        "problems": problems,
    }


if __name__ == "__main__":
    mode, target = sys.argv[1], Path(sys.argv[2])
    if mode == "compute":
        result = _compute(target, sys.argv[3] == "raw-first")
    elif mode == "open":
        result = _open(target)
    elif mode == "timer":
        result = _timer(target, int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result), flush=True)
