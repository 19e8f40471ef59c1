"""Timeline: opening it, paging through every interaction, logging one.

Three figures on a dataset with interactions (``ally demo --interactions``), each
measured in fresh child processes (offscreen Qt) that build Ally's main window on a
copy of the dataset, as the search benchmark does, and wait until it is idle (the
Contacts view fully loaded):

* Opening the Timeline: from ``navigation.setCurrentRow(TIMELINE_VIEW)`` (the first time
  the user asks for it; Ally builds the page in idle time once the contact list is
  complete, so unless the user is quicker than that, what they wait for is the switch
  and the first paint) to the end of the first paint of the list's viewport, with its
  rows. The
  baseline, in the same process, is the same first page fetched raw with ``sqlite3`` on
  a new connection: the keys of the first page (``interaction_keys``' SQL, newest first)
  and the row columns (``_ROW_SQL``) of the rows the first paint builds. One sample of
  each per process (both first-time), alternating which goes first; median over the
  processes.
* Memory after paging to the end: the Timeline shown, then ``fetchMore`` until
  ``canFetchMore()`` is False, rows near the end read through ``data()`` after each
  page and the view scrolled to the bottom and painted a few times on the way (each
  such layout costs time in proportion to the rows loaded), then back to the top.
  Resident memory (psutil) against the bare PySide6 window of the memory benchmark.
  The time the paging took is reported beside the same keyset paging done raw.
* Logging an interaction with the Timeline shown (and the Contacts view built):
  ``window.interactions.log(...)`` (stored, pushed on the undo stack, both views updated
  through their signals, synchronously), against ``create_interaction`` on the same
  connection. The goal leaves out the disk sync: it is measured with ``PRAGMA
  synchronous=OFF`` on Ally's connection; the same with ``synchronous=FULL`` (Ally's
  setting) is shown for information. This copy of the data lives on the disk
  (bench/data), not in RAM, so the FULL figure includes real syncs.

To show where the time goes, the open and log processes wrap the public functions of
Ally's query modules (``core.timeline``, ``core.contact_queries``, ``core.contacts``)
with a timer (about a microsecond a call) and report what each cost.

Run as ``python -m bench.timeline open DATA_DIR (raw-first | ally-first) [cold]``,
``python -m bench.timeline scroll DATA_DIR`` or ``python -m bench.timeline log DATA_DIR
LOGS`` it is the measured process and prints one JSON line.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import DATA, Result, error_result, median, ms, percentile, run_child
from bench.dataset import Dataset, copy_data_dir

if TYPE_CHECKING:  # Qt and Ally are imported by the measured processes only
    import peewee as pw
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from ally_desktop.ui.main_window import MainWindow
    from ally_desktop.ui.timeline.view import TimelineList

OPEN_GOAL_RATIO = 2.0
MEMORY_GOAL_EXTRA_MB = 60.0
LOG_GOAL_MS = 16.0
INTERACTIONS_PER_CONTACT = 10  # 100,000 contacts: 1,000,000 interactions
TOUCH_ROWS = 10  # rows read through data() at the end of the list after each page
PAINTS = 8  # scrolls to the bottom (each painted) spread over the paging
SETTLE_S = 0.5  # the window's own deferred timers (300 ms) have fired by then
BETWEEN_LOGS_S = 0.05
TIMEOUT_S = 120
_TRACED = (
    "ally_desktop.core.timeline",
    "ally_desktop.core.contact_queries",
    "ally_desktop.core.contacts",
)


# --- the parent -----------------------------------------------------------------------------
def measure_open(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    figure = f"Open the Timeline to first paint ({dataset.label})"
    goal = f"<= {OPEN_GOAL_RATIO:g}x"
    data_dir = copy_data_dir(dataset, scratch / "timeline-open")
    try:
        run_child(["bench.timeline", "open", str(data_dir), "raw-first"])  # warm-up
        runs = [
            run_child(
                ["bench.timeline", "open", str(data_dir), "ally-first" if i % 2 else "raw-first"]
            )
            for i in range(repeats)
        ]
        # A user quicker than Ally's idle-time preparation: the page is built at the switch.
        cold_runs = [
            run_child(["bench.timeline", "open", str(data_dir), "raw-first", "cold"])
            for _ in range(max(1, repeats // 2))
        ]
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    problems = [p for run in runs for p in run["problems"]]
    if problems:
        return [error_result(figure, goal, "; ".join(problems[:5]))]
    ally = median([run["painted_ms"] for run in runs])
    raw = median([run["raw_ms"] for run in runs])
    last = runs[-1]
    notes = [
        "runs, Ally (ms): " + ", ".join(f"{run['painted_ms']:.1f}" for run in runs),
        "runs, raw sqlite3 (ms): " + ", ".join(f"{run['raw_ms']:.2f}" for run in runs),
        f"medians: setCurrentRow(TIMELINE_VIEW) returned (the page was built in idle time before) "
        f"after {ms(median([r['built_ms'] for r in runs]))}; the viewport's first "
        f"paint began at {ms(median([r['paint_start_ms'] for r in runs]))} and ended at "
        f"{ms(ally)}; raw: keys {ms(median([r['raw_keys_ms'] for r in runs]))}, rows "
        f"{ms(median([r['raw_rows_ms'] for r in runs]))}",
        f"the first page: {last['first_page']} keys, {last['row_ids']} rows fetched for the "
        f"first paint ({last['rows_built']} built by Ally), {last['rows_visible']} rows on "
        "screen",
        "Ally's queries while opening (median ms, calls): "
        + _calls_text([run["calls"] for run in runs]),
        "after the paint, from the Timeline's 0 ms count timer (not in the figure): "
        + _calls_text([run["calls_after"] for run in runs]),
    ]
    cold = median([run["painted_ms"] for run in cold_runs])
    cold_raw = median([run["raw_ms"] for run in cold_runs])
    return [
        Result(
            figure,
            ms(ally),
            f"{ms(raw)} (raw sqlite3, same first page)",
            f"{ally / raw:.2f}x",
            goal,
            ally / raw <= OPEN_GOAL_RATIO,
            notes,
        ),
        Result(
            f"Open the Timeline before Ally prepared it ({dataset.label})",
            ms(cold),
            f"{ms(cold_raw)} (raw sqlite3, same first page)",
            f"{cold / cold_raw:.2f}x",
            "-",
            None,
            [
                "Ally builds the Timeline and draws it once off screen in idle time after "
                "the contact list is complete; these runs switch before that (the page is "
                "built, its first page fetched and its fonts made at the switch)",
                "runs, Ally (ms): " + ", ".join(f"{r['painted_ms']:.1f}" for r in cold_runs),
            ],
        ),
    ]


def measure_memory(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    data_dir = copy_data_dir(dataset, scratch / "timeline-memory")
    ally: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    try:
        for _ in range(repeats):
            ally.append(run_child(["bench.timeline", "scroll", str(data_dir)]))
            bare.append(run_child(["bench.memory", "bare"]))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    figure = f"Memory, Timeline paged to the end ({dataset.label})"
    goal = f"<= +{MEMORY_GOAL_EXTRA_MB:.0f} MB"
    problems = [p for run in ally for p in run["problems"]]
    if problems:
        return [error_result(figure, goal, "; ".join(problems[:5]))]
    rss = median([run["rss_mb"] for run in ally])
    rss_base = median([run["rss_mb"] for run in bare])
    extra = rss - rss_base
    last = ally[-1]
    paged = median([run["paged_s"] for run in ally])
    raw_paged = median([run["raw_paged_s"] for run in ally])
    pages = [value for run in ally for value in run["page_ms"]]
    notes = [
        "runs, Ally RSS (MB): " + ", ".join(f"{run['rss_mb']:.1f}" for run in ally),
        "runs, bare RSS (MB): " + ", ".join(f"{run['rss_mb']:.1f}" for run in bare),
        f"Ally (median MB): window open {median([r['window_mb'] for r in ally]):.1f}, "
        f"Timeline shown {median([r['shown_mb'] for r in ally]):.1f}, paged to the end "
        f"{median([r['end_mb'] for r in ally]):.1f}, back at the top {rss:.1f}, peak "
        f"{median([r['peak_mb'] for r in ally]):.1f}",
        f"the list: {last['rows']:,} rows ({last['interactions']:,} interactions, "
        f"{last['rows'] - last['interactions']:,} day headings), {last['cached_rows']:,} "
        f"rows cached; {last['pages']:,} pages fetched by the benchmark, "
        f"{last['view_pages']:,} more by the view as it scrolled",
    ]
    return [
        Result(
            figure,
            f"{rss:.1f} MB",
            f"{rss_base:.1f} MB (bare PySide6 window)",
            f"{extra:+.1f} MB",
            goal,
            extra <= MEMORY_GOAL_EXTRA_MB,
            notes,
        ),
        Result(
            f"Timeline paged to the end ({last['interactions']:,} interactions)",
            f"{paged:.1f} s",
            f"{raw_paged:.1f} s (raw sqlite3 keyset pages)",
            f"{paged / raw_paged:.1f}x",
            "-",
            None,
            [
                f"fetchMore ({last['page_size']} interactions a page): median "
                f"{ms(percentile(pages, 50))}, p95 {ms(percentile(pages, 95))}, max "
                f"{ms(max(pages))}; first 20 pages median {ms(median(last['page_ms'][:20]))}, "
                f"last 20 {ms(median(last['page_ms'][-20:]))}; all the benchmark's fetchMore "
                f"calls {sum(last['page_ms']) / 1000:.1f} s",
                f"the rest of the paging (median s): reading {TOUCH_ROWS} rows at the end after "
                f"each page {median([r['data_s'] for r in ally]):.1f}; {last['paints']} scrolls "
                f"to the bottom, painted, {median([r['paint_s'] for r in ally]):.1f} (the list "
                "lays out every loaded row again)",
                f"at the end, one scroll to the bottom, painted, with all {last['rows']:,} rows: "
                f"{ms(1000 * median([r['bottom_s'] for r in ally]))}; back to the top "
                f"{ms(1000 * median([r['top_s'] for r in ally]))}",
                "runs (s): " + ", ".join(f"{run['paged_s']:.1f}" for run in ally),
            ],
        ),
    ]


def measure_log(dataset: Dataset, logs: int) -> list[Result]:
    # On the disk, not in RAM: the synchronous=FULL figure must include real syncs.
    data_dir = Path(tempfile.mkdtemp(prefix="scratch-timeline-log-", dir=DATA))
    try:
        shutil.rmtree(data_dir)
        copy_data_dir(dataset, data_dir)
        os.sync()  # the copy's pages reach the disk now, not during a measured sync
        report = run_child(["bench.timeline", "log", str(data_dir), str(logs)])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    figure = f"Log an interaction, both views updated ({dataset.label})"
    goal = f"< {LOG_GOAL_MS:g} ms (sync off)"
    if report["problems"]:
        return [error_result(figure, goal, "; ".join(report["problems"][:5]))]
    results = []
    for sync in ("OFF", "FULL"):
        phase = report["phases"][sync]
        log_ms, raw_ms = phase["log_ms"], phase["raw_ms"]
        ally, raw = median(log_ms), median(raw_ms)
        notes = [
            f"runs, log (ms): {', '.join(f'{v:.1f}' for v in log_ms)}",
            f"runs, create_interaction (ms): {', '.join(f'{v:.1f}' for v in raw_ms)}",
            f"log p95 {ms(percentile(log_ms, 95))}, max {ms(max(log_ms))}; then, until the "
            f"Timeline had repainted (event loop, not in the figure): median "
            f"{ms(median(phase['repaint_ms']))}",
            "inside log (median ms per log, calls): " + _calls_text(phase["calls"]),
        ]
        baseline = f"{ms(raw)} (create_interaction, sync {sync.lower()})"
        ratio = f"{ally / raw:.2f}x"
        if sync == "OFF":
            notes.insert(
                0,
                "PRAGMA synchronous=OFF on Ally's connection for this figure: it leaves out "
                "the disk sync of each commit (the goal's terms); Ally runs with FULL",
            )
            result = Result(figure, ms(ally), baseline, ratio, goal, ally < LOG_GOAL_MS, notes)
        else:
            figure_full = f"Log an interaction, synchronous=FULL ({dataset.label})"
            result = Result(figure_full, ms(ally), baseline, ratio, "-", None, notes)
        results.append(result)
    results[-1].notes.append(
        f"on {report['filesystem']}; {report['interactions']:,} interactions at the end"
    )
    return results


def _calls_text(samples: list[dict[str, list[float]]]) -> str:
    """The traced calls, heaviest first: "name 12.3 (2)", medians over the samples."""
    names = {name for sample in samples for name in sample}
    rows = []
    for name in names:
        totals = [sample.get(name, [0, 0.0])[1] for sample in samples]
        counts = [sample.get(name, [0, 0.0])[0] for sample in samples]
        rows.append((median(totals), median(counts), name))
    rows.sort(reverse=True)
    shown = [f"{name} {total:.1f} ({count:g})" for total, count, name in rows[:8] if total >= 0.05]
    return ", ".join(shown) or "none"


# --- the measured process: shared --------------------------------------------------------
def _window(data_dir: Path) -> tuple[QApplication, pw.SqliteDatabase, MainWindow, Path]:
    """The QApplication, the database and Ally's main window, shown and idle."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import open_database
    from ally_desktop.ui.main_window import MainWindow
    from ally_desktop.ui.settings import UiSettings

    app = QApplication(sys.argv[:1])
    paths = DataPaths(data_dir)
    db = open_database(paths.database)
    window = MainWindow(db, UiSettings(paths.settings))
    window.show()
    QTest.qWaitForWindowExposed(window)
    _settle(app, window)
    return app, db, window, paths.database


def _settle(app: QApplication, window: MainWindow, at_least_s: float = SETTLE_S) -> None:
    """Run the event loop until the window is idle (the Contacts view fully loaded)."""
    started = time.perf_counter()
    loaded = getattr(window.contacts, "startup_complete", lambda: True)
    while True:
        app.processEvents()
        elapsed = time.perf_counter() - started
        if elapsed > at_least_s and loaded():
            break
        if elapsed > TIMEOUT_S:
            raise TimeoutError("the window did not settle")
        time.sleep(0.005)
    app.processEvents()


def _trace_calls() -> dict[str, list[float]]:
    """Time every call of the public functions of the _TRACED modules.

    Each function is replaced wherever Ally's modules hold it by name (the lazily
    imported Timeline page is imported first). A call is recorded under its name,
    nested calls in their callers' time as well.
    """
    importlib.import_module("ally_desktop.ui.timeline.page")
    calls: dict[str, list[float]] = defaultdict(list)

    def timed(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                calls[name].append((time.perf_counter() - started) * 1000)

        return wrapper

    ally_modules = [m for n, m in list(sys.modules.items()) if n.startswith("ally_desktop")]
    for module_name in _TRACED:
        module = importlib.import_module(module_name)
        for name, fn in list(vars(module).items()):
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module_name:
                continue
            wrapper = timed(fn, name)
            for other in ally_modules:
                for attr, value in list(vars(other).items()):
                    if value is fn:
                        setattr(other, attr, wrapper)
    return calls


def _summary(calls: dict[str, list[float]]) -> dict[str, list[float]]:
    """{name: [calls, total ms]}, and empties ``calls`` for the next sample."""
    found = {name: [len(v), round(sum(v), 3)] for name, v in calls.items() if v}
    calls.clear()
    return found


def _first_page_sql() -> tuple[str, list[object]]:
    """``interaction_keys``' SQL for the first page of the whole timeline."""
    from ally_desktop.core.timeline import TIMELINE_ORDER, TimelineQuery, _where
    from ally_desktop.ui.timeline.model import FIRST_PAGE

    clauses, params = _where(TimelineQuery())
    sql = (
        f"SELECT i.id, i.occurred_at, i.local_date FROM interaction i"
        f" WHERE {' AND '.join(clauses)} ORDER BY {TIMELINE_ORDER}"
        f" LIMIT {FIRST_PAGE}"
    )
    return sql, params


def _raw_first_page(database: Path) -> dict[str, Any]:
    """The same first page, raw: its keys, then the columns of the rows a first paint
    builds (the model's first row batch: the first ROWS_PER_QUERY entries, headings
    included, of which the interactions are fetched)."""
    from ally_desktop.core.timeline import _ROW_SQL
    from ally_desktop.ui.timeline.model import ROWS_PER_QUERY

    sql, params = _first_page_sql()
    conn = sqlite3.connect(database)
    try:
        started = time.perf_counter()
        keys = conn.execute(sql, params).fetchall()
        keys_done = time.perf_counter()
        entries: list[int | None] = []
        last_day = None
        for interaction_id, _occurred, day in keys:
            if day != last_day:
                entries.append(None)
                last_day = day
            entries.append(interaction_id)
        ids = [e for e in entries[:ROWS_PER_QUERY] if e is not None]
        rows = conn.execute(_ROW_SQL.format(marks=",".join("?" * len(ids))), ids).fetchall()
        done = time.perf_counter()
    finally:
        conn.close()
    return {
        "keys": [k[0] for k in keys],
        "row_ids": ids,
        "rows": len(rows),
        "raw_ms": (done - started) * 1000,
        "raw_keys_ms": (keys_done - started) * 1000,
        "raw_rows_ms": (done - keys_done) * 1000,
    }


# --- the measured process: opening the Timeline -------------------------------------------
def _open(data_dir: Path, raw_first: bool, cold: bool = False) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject, QPoint

    from ally_desktop.store.db import close_database
    from ally_desktop.ui.main_window import MainWindow

    if cold:  # switch before the idle-time preparation has run
        MainWindow._warm_up = lambda self: None  # type: ignore[method-assign]
    app, db, window, database = _window(data_dir)
    calls = _trace_calls()
    raw = _raw_first_page(database) if raw_first else None
    marks: dict[str, float] = {}
    opening: dict[str, list[float]] = {}

    class FirstPaint(QObject):
        """On the viewport's first paint event: paint it here, to know when it ended."""

        def __init__(self, view: TimelineList) -> None:
            super().__init__()
            self.view = view

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and "paint_end" not in marks:
                marks["paint_start"] = time.perf_counter()
                self.view.viewportEvent(event)  # what the scroll area's own filter does
                marks["paint_end"] = time.perf_counter()
                opening.update(_summary(calls))
                return True
            return False

    started = time.perf_counter()
    from ally_desktop.ui.main_window import TIMELINE_VIEW

    window.navigation.setCurrentRow(TIMELINE_VIEW)
    built = time.perf_counter()
    page = window.timeline_page()
    view = page.list
    watcher = FirstPaint(view)
    view.viewport().installEventFilter(watcher)
    while "paint_end" not in marks:
        app.processEvents()
        if time.perf_counter() - started > TIMEOUT_S:
            raise TimeoutError("the Timeline did not paint")
    _settle(app, window)  # the count timer
    after = _summary(calls)
    view.viewport().removeEventFilter(watcher)
    if raw is None:
        raw = _raw_first_page(database)

    model = view.timeline
    problems = []
    shown = [model.interaction_id(r) for r in range(model.rowCount())]
    shown_ids = [i for i in shown if i is not None][: len(raw["keys"])]
    if shown_ids != raw["keys"]:
        problems.append("Ally's first page and the raw query's differ")
    built_rows = set(model._cache)
    if not set(raw["row_ids"]) <= built_rows:
        problems.append(
            f"the first paint did not build the rows the baseline fetches "
            f"({len(set(raw['row_ids']) - built_rows)} missing)"
        )
    last_visible = view.indexAt(QPoint(4, view.viewport().height() - 2)).row()
    close_database(db)
    return {
        "painted_ms": (marks["paint_end"] - started) * 1000,
        "paint_start_ms": (marks["paint_start"] - started) * 1000,
        "built_ms": (built - started) * 1000,
        "raw_ms": raw["raw_ms"],
        "raw_keys_ms": raw["raw_keys_ms"],
        "raw_rows_ms": raw["raw_rows_ms"],
        "first_page": len(raw["keys"]),
        "row_ids": len(raw["row_ids"]),
        "rows_built": len(built_rows),
        "rows_visible": last_visible + 1 if last_visible >= 0 else model.rowCount(),
        "calls": opening,
        "calls_after": after,
        "problems": problems,
    }


# --- the measured process: paging to the end ----------------------------------------------
def _raw_paging(database: Path, page_size: int) -> tuple[float, int]:
    """Every key of the timeline, a keyset page at a time, raw: seconds, count."""
    from ally_desktop.core.timeline import TIMELINE_ORDER, TimelineQuery, _where

    clauses, params = _where(TimelineQuery())
    where = " AND ".join(clauses)
    select = "SELECT i.id, i.occurred_at, i.local_date FROM interaction i WHERE "
    order = f" ORDER BY {TIMELINE_ORDER} LIMIT {page_size}"
    conn = sqlite3.connect(database)
    count = 0
    try:
        started = time.perf_counter()
        keys = conn.execute(select + where + order, params).fetchall()
        while keys:
            count += len(keys)
            if len(keys) < page_size:
                break
            last_id, occurred, day = keys[-1]
            keys = conn.execute(
                select + where + " AND (i.local_date, i.occurred_at, i.id) < (?, ?, ?)" + order,
                [*params, day, occurred, last_id],
            ).fetchall()
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    return elapsed, count


def _scroll(data_dir: Path) -> dict[str, Any]:
    from PySide6.QtCore import QModelIndex

    from ally_desktop.core.timeline import TimelineQuery, count_interactions
    from ally_desktop.store.db import close_database
    from ally_desktop.ui.timeline.model import PAGE
    from bench.memory import _peak_mb, _rss_mb

    app, db, window, database = _window(data_dir)
    window_mb = _rss_mb()
    from ally_desktop.ui.main_window import TIMELINE_VIEW

    window.navigation.setCurrentRow(TIMELINE_VIEW)
    _settle(app, window)
    view = window.timeline_page().list
    model = view.timeline
    viewport = view.viewport()
    viewport.repaint()
    shown_mb = _rss_mb()

    def paint() -> None:
        app.processEvents()
        viewport.repaint()

    root = QModelIndex()
    total = count_interactions(db, TimelineQuery())
    paint_every = max(1, total // PAGE // PAINTS)
    page_ms: list[float] = []
    by_view = {"pages": 0, "mine": False}  # pages the view fetched as it scrolled

    def on_loaded() -> None:
        if not by_view["mine"]:
            by_view["pages"] += 1

    model.loaded.connect(on_loaded)
    spent = {"data": 0.0, "paint": 0.0, "paints": 0}
    started = time.perf_counter()
    while model.canFetchMore(root):
        by_view["mine"] = True
        before = time.perf_counter()
        model.fetchMore(root)
        page_ms.append((time.perf_counter() - before) * 1000)
        by_view["mine"] = False
        rows = model.rowCount()
        before = time.perf_counter()
        for row in range(max(0, rows - TOUCH_ROWS), rows):
            model.data(model.index(row, 0))
        spent["data"] += time.perf_counter() - before
        if len(page_ms) % paint_every == 0:
            before = time.perf_counter()
            view.scrollToBottom()
            paint()
            spent["paint"] += time.perf_counter() - before
            spent["paints"] += 1
        if time.perf_counter() - started > 10 * TIMEOUT_S:
            raise TimeoutError("paging through the Timeline took too long")
    paged_s = time.perf_counter() - started
    before = time.perf_counter()
    view.scrollToBottom()
    paint()
    bottom_s = time.perf_counter() - before
    end_mb = _rss_mb()
    before = time.perf_counter()
    view.scrollToTop()
    paint()
    top_s = time.perf_counter() - before
    app.processEvents()
    rss_mb = _rss_mb()
    loaded = model.interaction_count_loaded()
    problems = []
    if loaded != total:
        problems.append(f"the Timeline holds {loaded:,} of {total:,} interactions")
    raw_paged_s, raw_count = _raw_paging(database, PAGE)
    if raw_count != total:
        problems.append(f"raw paging found {raw_count:,} of {total:,} interactions")
    report = {
        "rss_mb": rss_mb,
        "window_mb": window_mb,
        "shown_mb": shown_mb,
        "end_mb": end_mb,
        "peak_mb": _peak_mb(),
        "paged_s": paged_s,
        "raw_paged_s": raw_paged_s,
        "page_ms": page_ms,
        "page_size": PAGE,
        "pages": len(page_ms),
        "view_pages": by_view["pages"],
        "data_s": spent["data"],
        "paint_s": spent["paint"],
        "paints": spent["paints"],
        "bottom_s": bottom_s,
        "top_s": top_s,
        "rows": model.rowCount(),
        "interactions": loaded,
        "cached_rows": len(model._cache),
        "problems": problems,
    }
    close_database(db)
    return report


# --- the measured process: logging ----------------------------------------------------------
def _log(data_dir: Path, logs: int) -> dict[str, Any]:
    from datetime import datetime

    from PySide6.QtCore import QEvent, QObject

    from ally_desktop.core import timeline
    from ally_desktop.core.timeline import InteractionData
    from ally_desktop.store.db import close_database, sqlite_connection

    app, db, window, database = _window(data_dir)
    from ally_desktop.ui.main_window import TIMELINE_VIEW

    window.navigation.setCurrentRow(TIMELINE_VIEW)
    _settle(app, window)
    page = window.timeline_page()
    view = page.list
    conn = sqlite_connection(window.interactions.db)
    create = timeline.create_interaction  # before tracing: the baseline runs untimed code
    people = [
        cid
        for (cid,) in conn.execute(
            "SELECT id FROM contact WHERE trashed_at IS NULL ORDER BY id LIMIT 60"
        )
    ]
    calls = _trace_calls()
    painted = {"yes": False}

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted["yes"] = True
            return False

    watcher = Painted()
    view.viewport().installEventFilter(watcher)
    problems: list[str] = []
    counter = {"n": 0}

    def data() -> InteractionData:
        counter["n"] += 1
        n = counter["n"]
        return InteractionData(
            kind=("meeting", "call", "coffee")[n % 3],
            participants=[people[n % len(people)], people[(n * 7 + 1) % len(people)]],
            when=datetime.now().astimezone(),
            time_zone="UTC",
            title=f"Benchmark sync {n}",
            notes="Logged by the benchmark.",
            place="Online",
        )

    def log_once() -> tuple[float, float, dict[str, list[float]]]:
        """One log: its ms, the ms until the Timeline repainted, the calls inside it."""
        painted["yes"] = False
        _summary(calls)
        started = time.perf_counter()
        new_id = window.interactions.log(data())
        logged = time.perf_counter()
        inside = _summary(calls)
        while not painted["yes"]:
            app.processEvents()
            if time.perf_counter() - logged > TIMEOUT_S:
                raise TimeoutError("the Timeline did not repaint after a log")
        repainted = time.perf_counter()
        if page.selected_ids() != [new_id] or view.timeline.row_of(new_id) is None:
            problems.append(f"interaction {new_id} is not shown and selected after its log")
        return (logged - started) * 1000, (repainted - logged) * 1000, inside

    def raw_once() -> float:
        item = data()
        started = time.perf_counter()
        create(db, item)
        return (time.perf_counter() - started) * 1000

    phases = {}
    for sync in ("OFF", "FULL"):
        conn.execute(f"PRAGMA synchronous={sync}")
        log_once()  # warm-ups
        raw_once()
        _settle(app, window, BETWEEN_LOGS_S)
        log_ms: list[float] = []
        raw_ms: list[float] = []
        repaint_ms: list[float] = []
        per_log: list[dict[str, list[float]]] = []
        for index in range(logs):
            # Alternate which goes first, so neither always finds the other's pages cached.
            if index % 2:
                raw_ms.append(raw_once())
            took, repaint, inside = log_once()
            log_ms.append(took)
            repaint_ms.append(repaint)
            per_log.append(inside)
            if not index % 2:
                raw_ms.append(raw_once())
            _settle(app, window, BETWEEN_LOGS_S)  # the count timer, and any other
        phases[sync] = {
            "log_ms": log_ms,
            "raw_ms": raw_ms,
            "repaint_ms": repaint_ms,
            "calls": per_log,
        }
    view.viewport().removeEventFilter(watcher)
    interactions = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
    close_database(db)
    return {
        "phases": phases,
        "problems": problems[:5],
        "filesystem": _filesystem(database),
        "interactions": interactions,
    }


def _filesystem(path: Path) -> str:
    """The file system ``path`` is on, from /proc/mounts: "ext4 (/)"."""
    best = ("", "unknown")
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            _device, mount, kind = line.split()[:3]
            inside = str(path).startswith(mount.rstrip("/") + "/") or mount == "/"
            if inside and len(mount) >= len(best[0]):
                best = (mount, kind)
    except OSError:
        pass
    return f"{best[1]} ({best[0] or '?'})"


if __name__ == "__main__":
    mode, target = sys.argv[1], Path(sys.argv[2])
    if mode == "open":
        result = _open(target, sys.argv[3] == "raw-first", sys.argv[4:] == ["cold"])
    elif mode == "scroll":
        from bench.memory import _rss_mb

        _rss_mb()  # psutil imported before the measurement, as the bare window does
        result = _scroll(target)
    elif mode == "log":
        result = _log(target, int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result), flush=True)
