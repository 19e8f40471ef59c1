"""Memory: resident set size with the main window open, Ally vs a bare PySide6 window.

Ally starts through ``ally_desktop.app.run`` on a copy of the dataset (it opens on
Today, then the user goes to Contacts); the baseline is a bare QMainWindow holding an
empty QTableView. Both are shown offscreen, painted,
scrolled to the end of their table in steps (each step painted, so Ally fetches a page
of rows at each) and back to the top, then measure their own RSS with psutil (and the
peak, from getrusage). Median over the runs.

Run as ``python -m bench.memory (ally DATA_DIR | bare)`` it is the measured process.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from bench.common import Result, median, run_child
from bench.dataset import Dataset, copy_data_dir

GOAL_EXTRA_MB = 40.0
MB = 2**20
SCROLL_STEPS = 50  # views painted on the way to the end, each a page the model fetches


# --- the parent ---------------------------------------------------------------------------
def measure(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    ally: list[dict] = []
    bare: list[dict] = []
    for index in range(repeats):
        data_dir = copy_data_dir(dataset, scratch / f"memory-{index}")
        try:
            ally.append(run_child(["bench.memory", "ally", str(data_dir)]))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        bare.append(run_child(["bench.memory", "bare"]))
    rss = median([run["rss_mb"] for run in ally])
    rss_base = median([run["rss_mb"] for run in bare])
    extra = rss - rss_base
    notes = [
        "runs, Ally RSS (MB): " + ", ".join(f"{run['rss_mb']:.1f}" for run in ally),
        "runs, bare RSS (MB): " + ", ".join(f"{run['rss_mb']:.1f}" for run in bare),
        f"before scrolling: Ally {median([r['shown_mb'] for r in ally]):.1f} MB, "
        f"bare {median([r['shown_mb'] for r in bare]):.1f} MB; peak: Ally "
        f"{median([r['peak_mb'] for r in ally]):.1f} MB, "
        f"bare {median([r['peak_mb'] for r in bare]):.1f} MB",
        f"Ally's table: {ally[-1]['rows']:,} rows, {ally[-1]['cached_rows']:,} rows cached",
    ]
    return [
        Result(
            f"Memory, window open and scrolled ({dataset.contacts:,} contacts)",
            f"{rss:.1f} MB",
            f"{rss_base:.1f} MB (bare PySide6 window)",
            f"{extra:+.1f} MB",
            f"<= +{GOAL_EXTRA_MB:.0f} MB",
            extra <= GOAL_EXTRA_MB,
            notes,
        )
    ]


# --- the measured process ------------------------------------------------------------------
def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / MB


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _exercise(window, table, model) -> dict:
    """Paint; scroll to the end in steps and back to the top, painting each view; measure."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    def paint() -> None:
        QApplication.processEvents()
        table.viewport().repaint()

    QTest.qWaitForWindowExposed(window)
    paint()
    shown = _rss_mb()
    bar = table.verticalScrollBar()
    for step in range(1, SCROLL_STEPS + 1):
        bar.setValue(bar.maximum() * step // SCROLL_STEPS)
        paint()
    table.scrollToBottom()
    paint()
    table.scrollToTop()
    paint()
    QApplication.processEvents()
    cached = getattr(model, "_cache", None)
    return {
        "rss_mb": _rss_mb(),
        "shown_mb": shown,
        "peak_mb": _peak_mb(),
        "rows": model.rowCount() if model is not None else 0,
        "cached_rows": len(cached) if cached is not None else 0,
    }


def _ally(data_dir: str) -> int:
    from ally_desktop.app import run

    def on_window(window) -> None:
        from PySide6.QtCore import QCoreApplication, QTimer

        def step() -> None:
            from ally_desktop.ui.main_window import CONTACTS_VIEW

            window.navigation.setCurrentRow(CONTACTS_VIEW)  # Ally opens on Today
            report = _exercise(window, window.contacts.table, window.contacts.model)
            print(json.dumps(report), flush=True)
            QCoreApplication.quit()

        QTimer.singleShot(0, step)

    return run(Path(data_dir), on_window=on_window)


def _bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    table = QTableView()
    window.setCentralWidget(table)
    window.resize(1200, 760)
    window.show()

    def step() -> None:
        print(json.dumps(_exercise(window, table, table.model())), flush=True)
        app.quit()

    QTimer.singleShot(0, step)
    return app.exec()


if __name__ == "__main__":
    _rss_mb()  # psutil is imported by both kinds before the measurement
    if sys.argv[1:2] == ["ally"]:
        sys.exit(_ally(sys.argv[2]))
    sys.exit(_bare())
