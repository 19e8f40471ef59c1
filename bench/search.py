"""Search-as-you-type: from a keystroke in the search box to the first page painted.

One process holds Ally's main window (offscreen) on a copy of the dataset and types
realistic queries a character at a time (QTest key events). For each keystroke the time runs
from the key press until the search was applied (the search box's 0 ms timer fired and
the model was reset) and the table has painted the first page, whose rows must then be
in the model's row cache. The paint is the table's own, from the event loop, as in the
running app (a forced repaint would add one more paint to every keystroke); should no
paint come, one is forced and counted.

The baseline is the same query run raw: the plain ``sqlite3`` module on the same file,
a fresh cursor, the SQL ``contact_ids`` runs (its WHERE clauses and parameters come
from ``contact_queries._where``), fetching every id. Each keystroke checks that both
return the same ids in the same order. Baseline and keystroke alternate which goes
first, so neither always finds the other's pages in SQLite's cache.

Run as ``python -m bench.search DATA_DIR ROUNDS`` it is that process and prints JSON.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from bench.common import Result, error_result, ms, percentile, run_child
from bench.dataset import Dataset, copy_data_dir

GOAL_RATIO = 2.0
QUERIES = ("alice", "pricing", "northwind", "mar", "o'brien", "zh", "kowal", "chloé")
SETTLE_TIMEOUT_S = 60


# --- the parent: run the worker, summarise ----------------------------------------------
def measure(dataset: Dataset, rounds: int, scratch: Path) -> list[Result]:
    data_dir = copy_data_dir(dataset, scratch / "search")
    try:
        report = run_child(["bench.search", str(data_dir), str(rounds)])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    samples = report["samples"]
    figure = f"Search-as-you-type p95 ({dataset.contacts:,} contacts, {len(samples)} keystrokes)"
    goal = f"<= {GOAL_RATIO:g}x at p95"
    if report["problems"]:
        return [error_result(figure, goal, "; ".join(report["problems"][:5]))]
    ally = [s["ally_ms"] for s in samples]
    raw = [s["raw_ms"] for s in samples]
    p50, p95 = percentile(ally, 50), percentile(ally, 95)
    b50, b95 = percentile(raw, 50), percentile(raw, 95)
    overhead = sorted(a - b for a, b in zip(ally, raw, strict=True))
    slowest = sorted(samples, key=lambda s: s["ally_ms"], reverse=True)[:6]
    notes = [
        f"Ally p50 {ms(p50)}, p95 {ms(p95)}, max {ms(max(ally))}; "
        f"raw sqlite3 p50 {ms(b50)}, p95 {ms(b95)}, max {ms(max(raw))}; "
        f"p50 ratio {p50 / b50:.2f}x",
        f"Ally minus raw per keystroke: median {ms(percentile(overhead, 50))}, "
        f"p95 {ms(percentile(overhead, 95))}",
        "slowest keystrokes (text: rows, Ally / raw): "
        + "; ".join(
            f"{s['text']!r}: {s['rows']:,}, {s['ally_ms']:.0f} / {s['raw_ms']:.0f} ms"
            for s in slowest
        ),
        f"clearing the search box (back to every contact): median "
        f"{ms(percentile(report['clear_ms'], 50))}",
        f"repaints forced because the view did not paint by itself: {report['forced_repaints']}",
    ]
    result = Result(
        figure,
        f"p95 {ms(p95)} (p50 {ms(p50)})",
        f"p95 {ms(b95)} (p50 {ms(b50)}) raw sqlite3",
        f"{p95 / b95:.2f}x",
        goal,
        p95 / b95 <= GOAL_RATIO,
        notes,
    )
    return [result, _references(report)]


def _references(report: dict) -> Result:
    """Whether typing leaves None, True and False with the references it found them with."""
    import platform

    figure = "References to None/True/False lost per search edit"
    if report["immortal"]:
        note = f"CPython {platform.python_version()}: None, True and False are immortal"
        return Result(figure, "0 (immortal)", "0 (balanced)", "-", "0 lost", True, [note])
    lost = report["refs_lost_per_edit"]
    at_start = report["refs_at_start"]
    leaking = {name: per_edit for name, per_edit in lost.items() if per_edit >= 0.1}
    edits_left = [at_start[name] / per_edit for name, per_edit in leaking.items()]
    counts = ", ".join(f"{name} {count:,}" for name, count in at_start.items())
    notes = [f"references when the window is open: {counts}"]
    if leaking:
        notes.append(
            f"CPython {platform.python_version()} keeps real reference counts on None, True "
            "and False (they are immortal only from 3.12): when one reaches zero the "
            "interpreter aborts with 'Fatal Python error: none_dealloc' or 'bool_dealloc'. "
            f"Without the headroom this benchmark adds, Ally would abort after about "
            f"{min(edits_left):,.0f} edits of the search box."
        )
    return Result(
        figure,
        ", ".join(f"{name} {round(value, 1) + 0.0:.1f}" for name, value in lost.items()),
        "0 (balanced)",
        f"abort after ~{min(edits_left):,.0f} edits" if leaking else "-",
        "0 lost",
        not leaking,
        notes,
    )


# --- the worker: the window, the typing ---------------------------------------------------
# Every list slot below holds one reference: headroom for None, True and False, whose
# reference counts some Qt bindings decrement without a matching increment (CPython
# before 3.12, where they are not immortal, aborts when one reaches zero). The worker
# measures that loss and reports it; the headroom lets the measurement finish.
BALLAST = 1_000_000
_SINGLETONS = {"None": None, "True": True, "False": False}
_ballast: list[list[object]] = []


def _singleton_refs() -> dict[str, int]:
    return {name: sys.getrefcount(value) for name, value in _SINGLETONS.items()}


def _immortal() -> bool:
    """True when None's reference count does not move (CPython 3.12 and later)."""
    before = sys.getrefcount(None)
    holder = [None]
    return sys.getrefcount(None) == before and holder[0] is None


def _key(char: str):
    """The Qt key a keyboard sends with ``char`` (Latin-1 keys have their code point)."""
    from PySide6.QtCore import Qt

    upper = char.upper()
    try:
        return Qt.Key(ord(upper)) if len(upper) == 1 else Qt.Key.Key_unknown
    except ValueError:
        return Qt.Key.Key_unknown


def _worker(data_dir: Path, rounds: int) -> dict:
    from dataclasses import replace

    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ally_desktop.core import contact_queries
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database
    from ally_desktop.ui.main_window import MainWindow
    from ally_desktop.ui.settings import UiSettings

    app = QApplication(sys.argv[:1])
    paths = DataPaths(data_dir)
    db = open_database(paths.database)
    window = MainWindow(db, UiSettings(paths.settings))
    window.show()
    QTest.qWaitForWindowExposed(window)
    refs_at_start = {name: count - BALLAST for name, count in _singleton_refs().items()}
    page = window.contacts
    model = page.model
    viewport = page.table.viewport()
    raw = sqlite3.connect(paths.database)
    state = {"reset": False, "painted": False, "forced": 0, "harness_void_calls": 0}

    class PaintAfterReset(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
            if event.type() == QEvent.Type.Paint and state["reset"]:
                state["painted"] = True
            return False

    def on_reset() -> None:
        state["reset"] = True

    watcher = PaintAfterReset()
    viewport.installEventFilter(watcher)
    model.modelReset.connect(on_reset)

    def expect() -> None:
        state["reset"] = state["painted"] = False

    def settle(text: str) -> None:
        """Run the event loop until the search for ``text`` is applied and painted.

        The paint is the view's own, from the event loop, as in the running app; should
        none come, a repaint is forced (counted, and reported).
        """
        deadline = time.perf_counter() + SETTLE_TIMEOUT_S
        idle = 0
        while True:
            app.processEvents()
            state["harness_void_calls"] += 1
            if model.query.text == text:  # set_query has run (and reset the model)
                if state["painted"]:
                    return
                idle += 1
                if idle > 3:
                    state["forced"] += 1
                    state["harness_void_calls"] += 1
                    viewport.repaint()
                    return
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the search {text!r} was not applied")

    def raw_ids(query: contact_queries.ContactQuery) -> tuple[list[int], float]:
        clauses, params = contact_queries._where(query)
        direction = "DESC" if query.descending else "ASC"
        order = contact_queries._ORDER_BY[query.sort].format(dir=direction)
        sql = f"SELECT c.id FROM contact c WHERE {' AND '.join(clauses)} ORDER BY {order}"
        started = time.perf_counter()
        rows = raw.cursor().execute(sql, params).fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        return [cid for (cid,) in rows], elapsed

    def type_char(char: str) -> float:
        expect()
        state["harness_void_calls"] += 1
        started = time.perf_counter()
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, page.search, _key(char), char, Qt.KeyboardModifier.NoModifier
        )
        settle(page.search.text())
        return (time.perf_counter() - started) * 1000

    samples: list[dict] = []
    clear_ms: list[float] = []
    problems: list[str] = []
    page.search.setFocus()
    state["harness_void_calls"] = 0
    refs_before = _singleton_refs()
    for _ in range(rounds):
        for text in QUERIES:
            if page.search.text():
                expect()
                state["harness_void_calls"] += 1
                started = time.perf_counter()
                page.search.clear()
                settle("")
                clear_ms.append((time.perf_counter() - started) * 1000)
            for end in range(1, len(text) + 1):
                typed = text[:end]
                query = replace(page.current_query(), text=typed)  # what apply_query asks
                if len(samples) % 2 == 0:
                    ids, raw_ms = raw_ids(query)
                    ally_ms = type_char(typed[-1])
                else:
                    ally_ms = type_char(typed[-1])
                    ids, raw_ms = raw_ids(query)
                if page.search.text() != typed:
                    problems.append(f"typing gave {page.search.text()!r}, not {typed!r}")
                if model.rowCount() and model.contact_id(0) not in model._cache:
                    problems.append(f"{typed!r}: the first page was not fetched")
                if list(model.ids()) != ids:
                    problems.append(f"{typed!r}: Ally and raw sqlite3 returned different ids")
                samples.append({"text": typed, "rows": len(ids), "ally_ms": ally_ms})
                samples[-1]["raw_ms"] = raw_ms
    refs_after = _singleton_refs()
    edits = len(samples) + len(clear_ms)
    # The harness's own calls into Qt that return nothing (processEvents, key events,
    # clear) are not Ally's: they are taken out of None's count.
    harness = 0 if _immortal() else state["harness_void_calls"]
    lost = {
        name: refs_before[name] - refs_after[name] - (harness if name == "None" else 0)
        for name in refs_before
    }
    raw.close()
    close_database(db)
    return {
        "immortal": _immortal(),
        "refs_at_start": refs_at_start,
        "refs_lost_per_edit": {name: value / edits for name, value in lost.items()},
        "samples": samples,
        "clear_ms": clear_ms,
        "forced_repaints": state["forced"],
        "problems": problems,
    }


if __name__ == "__main__":
    _ballast.extend([value] * BALLAST for value in _SINGLETONS.values())
    print(json.dumps(_worker(Path(sys.argv[1]), int(sys.argv[2]))), flush=True)
