"""A fresh process that starts a window and reports when it first painted.

``python -m bench.startup_probe ally DATA_DIR`` starts Ally the way the ``ally``
command does (``ally_desktop.app.run``); ``python -m bench.startup_probe bare`` starts
a bare PySide6 main window with a table view. Both print one JSON line of times in ms
since the parent spawned the process (the epoch time it put in ALLY_BENCH_SPAWNED_AT),
then quit:

* ``ready``: this module runs (the interpreter has started);
* ``run``: the imports before the window are done (Ally: ``run`` is called);
* ``paint``: the main window receives its first paint event;
* ``frame``: that first frame is complete, children included (the table's rows).

Only the standard library is imported before Qt, so both kinds pay the same overhead.
"""

from __future__ import annotations

import json
import os
import sys
import time

SPAWN_ENV = "ALLY_BENCH_SPAWNED_AT"
TIMEOUT_MS = 60_000

_marks: dict[str, float] = {"ready": time.time()}
_keep: list[object] = []


def _report() -> None:
    spawned = float(os.environ[SPAWN_ENV])
    times = {name: round((value - spawned) * 1000, 2) for name, value in _marks.items()}
    print(json.dumps(times), flush=True)


def watch(window) -> None:
    """Record the first paint of ``window`` and the end of that frame, then quit."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
            if event.type() == QEvent.Type.Paint and "paint" not in _marks:
                _marks["paint"] = time.time()
                QTimer.singleShot(0, self.frame_done)
            return False

        def frame_done(self) -> None:
            _marks["frame"] = time.time()
            _report()
            QCoreApplication.quit()

    watcher = FirstPaint()
    _keep.append(watcher)
    window.installEventFilter(watcher)
    QTimer.singleShot(TIMEOUT_MS, lambda: QCoreApplication.exit(3))


def start_ally(data_dir: str) -> int:
    from pathlib import Path

    from ally_desktop.app import run

    _marks["run"] = time.time()
    return run(Path(data_dir), on_window=watch)


def start_bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    _marks["run"] = time.time()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare")
    window.setCentralWidget(QTableView())
    window.resize(1200, 760)
    window.show()
    watch(window)
    return app.exec()


def main(argv: list[str]) -> int:
    if argv[:1] == ["ally"] and len(argv) == 2:
        return start_ally(argv[1])
    if argv == ["bare"]:
        return start_bare()
    print("usage: python -m bench.startup_probe (ally DATA_DIR | bare)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
