"""Starting the window, in named stages, each one logged:

1. directories — the data directory (0700) and its log folder;
2. logging     — a rotating log file in the data directory;
3. application — the QApplication, its name and icon, light or dark as the system is;
4. crash hook  — uncaught exceptions are logged and shown, never silent;
5. instance    — one Ally per data directory: a second launch raises the first and exits 0;
6. database    — look at the file first (``store.health.diagnose``: header, tables,
                 schema version, and ``quick_check`` when the file is small); a damaged
                 or foreign file gets the choices of ``ui.damaged_dialog`` (restore the
                 latest good backup, recover what can be read, or quit), a file of a
                 newer Ally is refused untouched; then open, migrate;
7. window      — the main window, its layout as it was left, shown (or, started at
                 login with a tray to live in, kept hidden);
8. notifications — after the first frame (``MainWindow.ready``): the tray and the
                 reminder scheduler, then housekeeping and a big file's full check;
                 a moment later the start-up's objects are set aside from the cycle
                 collector (``ui.heap``). None of it shows in the first frame, so none
                 of it delays it.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ally_desktop import APP_NAME, __version__
from ally_desktop.paths import DataPaths, ensure_data_dir

if TYPE_CHECKING:
    import peewee as pw

log = logging.getLogger("ally")
T = TypeVar("T")


@contextmanager
def stage(name: str) -> Iterator[None]:
    started = time.perf_counter()
    log.info("stage %s: start", name)
    yield
    log.info("stage %s: done in %.0f ms", name, (time.perf_counter() - started) * 1000)


LOG_MAX_BYTES = 1_000_000
# A big file's full check waits a minute after the first paint: it reads the whole file
# (seconds on a cold disk) and the first minute belongs to what the user came to do.
BACKGROUND_CHECK_DELAY_MS = 60_000
LOG_BACKUPS = 3


def rotate_log(log_file: Path) -> None:
    """Keep the log small: at start-up, a log over 1 MB becomes ally.log.1 (… up to .3).

    Rotating once per start is enough for a desktop program and spares importing
    logging.handlers (sockets, pickling, queues) on the way to the first window.
    """
    if not log_file.exists() or log_file.stat().st_size < LOG_MAX_BYTES:
        return
    for number in range(LOG_BACKUPS - 1, 0, -1):
        older = log_file.with_name(f"{log_file.name}.{number}")
        if older.exists():
            older.replace(log_file.with_name(f"{log_file.name}.{number + 1}"))
    log_file.replace(log_file.with_name(f"{log_file.name}.1"))


def setup_logging(paths: DataPaths) -> None:
    rotate_log(paths.log_file)
    handler = logging.FileHandler(paths.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def run(
    data_dir: Path,
    on_window: Callable[[object], None] | None = None,
    *,
    minimized: bool = False,
) -> int:
    """Start the GUI on ``data_dir``; returns the exit code when Ally quits. ``minimized``:
    started at login, Ally opens in the tray without showing its window."""
    # The log file lives in the data directory: these two stages are logged once it exists.
    started = time.perf_counter()
    paths = ensure_data_dir(data_dir)
    directories_done = time.perf_counter()
    setup_logging(paths)
    from ally_desktop.crash_file import enable_crash_file

    enable_crash_file(paths)  # a segfault or an abort leaves its stacks for the next start
    logging_done = time.perf_counter()
    log.info("%s %s starting on %s", APP_NAME, __version__, paths.root)
    log.info("stage directories: done in %.0f ms", (directories_done - started) * 1000)
    log.info("stage logging: done in %.0f ms", (logging_done - directories_done) * 1000)

    with stage("application"):
        from PySide6.QtWidgets import QApplication

        from ally_desktop.ui.pyside_hook import lighten_import_hook

        lighten_import_hook()  # before the rest of Ally is imported
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName(APP_NAME)
        app.setApplicationVersion(__version__)
        app.setOrganizationName(APP_NAME)
        app.setDesktopFileName("ally")
        from ally_desktop.ui.icons import app_icon
        from ally_desktop.ui.look import install_appearance

        app.setWindowIcon(app_icon())  # every window and dialog, and the taskbar
        # Light or dark as the system says (or ALLY_COLOR_SCHEME), and on when it changes.
        install_appearance(app)
        stop_on_signals(app)  # from here on, SIGTERM closes Ally cleanly

    with stage("crash hook"):
        from ally_desktop.ui.crash import install_exception_hook

        install_exception_hook(paths.log_file)

    with stage("instance"):
        from ally_desktop.ui.single_instance import InstanceServer, ask_running_instance

        if ask_running_instance(paths.root):
            log.info("another Ally runs on %s: asked it to come forward", paths.root)
            print(f"{APP_NAME} is already running on {paths.root}; brought it to the front.")
            return 0
        server = InstanceServer(paths.root)
        mark_running_for_installer()

    with stage("database"):
        from ally_desktop.store.db import close_database

        opened = open_data_file(paths)
        if opened is None:
            server.close()
            return 1
        db, check_later = opened

    with stage("window"):
        from ally_desktop.ui.main_window import MainWindow
        from ally_desktop.ui.settings import UiSettings

        window = MainWindow(db, UiSettings(paths.settings), open_home=True)
        server.activationRequested.connect(lambda: _bring_forward(window))
        # Started at login: straight to the tray (where there is one).
        if minimized and _tray_available():
            window.start_hidden()
        else:
            window.show()
        window.ready.connect(lambda: _after_first_frame(window, db, paths, check_later))
        if on_window is not None:
            on_window(window)

    try:
        code = app.exec()
    finally:
        server.close()
        close_database(db)
        log.info("%s closed", APP_NAME)
    return int(code)


def open_data_file(paths: DataPaths) -> tuple[pw.SqliteDatabase, bool] | None:
    """The database stage: look, resolve what is wrong, open. Returns the database and
    whether it still needs its ``quick_check`` (a file too big to check at every start),
    or None when Ally must quit (after telling why).

    Newer schema: refused with a message, the file untouched (not opened read-only:
    this Ally cannot know what a newer schema means). Damaged or not Ally's: the
    choices of the damaged dialog. What the quick look missed and ``open_database``
    finds goes to the same dialog.
    """
    from PySide6.QtWidgets import QMessageBox

    from ally_desktop.store.db import open_database
    from ally_desktop.store.errors import StoreError
    from ally_desktop.store.health import (
        HealthKind,
        clear_check_mark,
        diagnose,
        health_from_error,
    )

    def refuse(text: str) -> None:
        log.error("cannot open the database: %s", text)
        QMessageBox.critical(None, APP_NAME, f"Ally cannot open its data file.\n\n{text}")

    try:
        health = diagnose(paths.database)
    except StoreError as exc:
        refuse(str(exc))
        return None
    if health.kind is HealthKind.OK:
        how = "quick_check passed" if health.checked else "quick_check after the first paint"
        log.info("data file: ok, %s bytes (%s)", f"{health.size:,}", how)
    else:
        log.info("data file: %s", health.kind)
    for _attempt in range(3):
        if health.kind is HealthKind.NEWER:
            refuse(f"{health.headline}.\n\n{health.reason}")
            return None
        if not health.opens_as_is or health.kind is HealthKind.EMPTY:
            from ally_desktop.ui.damaged_dialog import resolve_damage

            log.warning("data file: %s (%s)", health.message, health.detail)
            if not resolve_damage(paths, health):
                log.info("quitting: the data file was left as it is")
                return None
        try:
            database = open_database(paths.database)
        except StoreError as exc:
            found = health_from_error(paths.database, exc)
            if found is None:
                refuse(str(exc))
                return None
            health = found
            continue
        if health.checked and health.kind is HealthKind.OK:
            clear_check_mark(paths.database)
        return database, health.kind is HealthKind.OK and not health.checked
    refuse(f"{health.headline}. {health.reason}")
    return None


def _tray_available() -> bool:
    """``ui.tray.tray_available``, imported only when asked (a start at login)."""
    from ally_desktop.ui.tray import tray_available

    return tray_available()


def _after_first_frame(
    window: object, db: pw.SqliteDatabase, paths: DataPaths, check_later: bool
) -> None:
    """The last stage, once the window has painted: the tray and the reminders (what fell
    due while Ally was closed is looked up now: a long backlog must not hold back the
    first frame), then the crash report, trash expiry and the daily backup, a big file's
    full check, and, a moment later, the start-up's objects set aside from the cycle
    collector (``ui.heap``)."""
    from ally_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    with stage("notifications"):
        from ally_desktop.ui.notifications import Notifications

        Notifications(db, window).start()  # the window owns it
    from ally_desktop.ui.housekeeping import start_housekeeping

    start_housekeeping(window, db, paths)
    if check_later:
        _check_in_background(paths, window)
    from PySide6.QtCore import QTimer

    from ally_desktop.ui.heap import SETTLE_DELAY_MS, freeze_long_lived

    QTimer.singleShot(SETTLE_DELAY_MS, window, freeze_long_lived)


def _check_in_background(paths: DataPaths, window: object) -> None:
    """``quick_check`` of a big file a minute after the first frame; damage found is
    reported and makes the next start check up front."""
    from PySide6.QtCore import QTimer

    from ally_desktop.ui.damaged_dialog import BackgroundCheck, warn_damaged_while_open
    from ally_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    check = BackgroundCheck(paths.database, window)
    check.damaged.connect(lambda health: warn_damaged_while_open(window, health, window.quit))
    QTimer.singleShot(BACKGROUND_CHECK_DELAY_MS, window, check.start)


_RUNNING_MUTEX: object = None


def mark_running_for_installer() -> None:
    """On Windows, a named mutex held while Ally runs: the installer and the uninstaller
    (``AppMutex`` in packaging/windows/ally.iss) ask the user to close Ally first."""
    global _RUNNING_MUTEX
    if sys.platform == "win32":
        import ctypes

        _RUNNING_MUTEX = ctypes.windll.kernel32.CreateMutexW(None, False, "AllyDesktopRunning")


def stop_on_signals(app: object) -> None:
    """SIGTERM and SIGINT close the window cleanly (layout saved, database closed).

    Python runs signal handlers only between bytecodes, and Qt's event loop is C++: a
    short timer gives the interpreter a chance to notice a signal.
    """
    import signal

    from PySide6.QtCore import QCoreApplication, QTimer

    assert isinstance(app, QCoreApplication)

    def quit_app(signum: int, _frame: object) -> None:
        log.info("signal %d: closing", signum)
        for widget in getattr(app, "topLevelWidgets", list)():
            # The main window quits for real (closing it would only hide it in the tray).
            getattr(widget, "quit", widget.close)()
        app.quit()

    signal.signal(signal.SIGTERM, quit_app)
    signal.signal(signal.SIGINT, quit_app)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _bring_forward(window: object) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMainWindow

    assert isinstance(window, QMainWindow)
    window.setWindowState(
        (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
    )
    window.show()
    window.raise_()
    window.activateWindow()
