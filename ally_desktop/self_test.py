"""``ally --self-test``: does this installation of Ally work? One line, exit 0 or 1.

A frozen build (PyInstaller) or an installer can leave out a module, a Qt plugin or a
library that the tests of the source tree never miss. The self-test therefore goes
through the paths a person's first start goes through, in the installed program itself:

1. **window** — ``app.run`` on a fresh temporary data directory, as ``ally`` starts (the
   single-instance server, the health look, ``open_database`` and its migrations, the
   main window), offscreen unless ``QT_QPA_PLATFORM`` says otherwise; the first paint
   is recorded, then the window quits for real;
2. **pictures** — the image plugins a photo needs (JPEG, GIF, WebP in; JPEG out) and a
   photo made the way the contact editor makes it;
3. **store** — the file the window created reopened, at the latest schema version; a
   contact created, read back, and found by search (accents folded, prefixes matched:
   FTS5 and ``unicodedata`` in the bundle); a full integrity check.

It never touches the user's own data directory (``--data-dir`` and ``ALLY_DATA_DIR``
are ignored): everything happens in a temporary folder, removed at the end. A watchdog
ends a hung test with exit 1 (a modal dialog offscreen would otherwise wait forever).

The first paint is timed from the moment in ``ALLY_BENCH_SPAWNED_AT`` (epoch seconds,
set by a benchmark just before it spawns the process, as ``bench.startup_probe`` reads
it) or else from the start of the self-test: ``bench/package.py`` compares the frozen
program's start with the virtualenv's this way.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from ally_desktop import APP_NAME, __version__

SPAWN_ENV = "ALLY_BENCH_SPAWNED_AT"
TIMEOUT_S = 60.0
# Formats the contact editor's photo dialog offers, beyond those built into QtGui.
PHOTO_READ_FORMATS = (b"jpeg", b"gif", b"webp", b"png", b"bmp")
SEARCH_PROBES = ("soren", "self-te", "pric")  # accent folded, word prefix, topic prefix


class SelfTestError(Exception):
    """A check failed; the message says which and why, in one line."""


def run_self_test() -> int:
    """Run every check; print one line and return 0, or the reason on stderr and 1."""
    began = time.time()
    reference = _spawned_at(began)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    watchdog = threading.Timer(TIMEOUT_S, _give_up)
    watchdog.daemon = True
    watchdog.start()
    handlers = list(logging.getLogger().handlers)
    root: Path | None = None
    try:
        root = Path(tempfile.mkdtemp(prefix="ally-self-test-"))
        data_dir = root / "data"
        paint_ms = (_window(data_dir) - reference) * 1000
        photo = _pictures(root)
        version = _store(data_dir, photo)
    except SelfTestError as exc:
        print(f"ally self-test: FAILED: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"ally self-test: FAILED: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1
    finally:
        watchdog.cancel()
        _close_log_files(keep=handlers)
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
    since = "start" if reference != began else "the self-test began"
    # PyInstaller sets sys.frozen; Nuitka gives compiled modules a __compiled__ global.
    kind = "frozen" if getattr(sys, "frozen", False) or "__compiled__" in globals() else "Python"
    print(
        f"ally self-test: ok: {APP_NAME} {__version__} ({kind}, "
        f"{os.environ['QT_QPA_PLATFORM']}): window painted {paint_ms:.0f} ms after {since}; "
        f"schema {version}; a contact stored, read back and found by search; "
        f"{time.time() - began:.1f} s"
    )
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _spawned_at(fallback: float) -> float:
    value = os.environ.get(SPAWN_ENV, "")
    try:
        return float(value)
    except ValueError:
        return fallback


def _give_up() -> None:
    """The watchdog: a test that hangs has failed (and must not keep a CI job waiting)."""
    print(
        f"ally self-test: FAILED: no result after {TIMEOUT_S:.0f} s (a window or dialog hung)",
        file=sys.stderr,
        flush=True,
    )
    os._exit(1)


def _close_log_files(keep: list[logging.Handler]) -> None:
    """Close the log file ``app.run`` opened, so the temporary folder can go (Windows)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler not in keep:
            root.removeHandler(handler)
            handler.close()


def _last_error(data_dir: Path) -> str:
    """The last error the window logged, to say why it did not start."""
    log_file = data_dir / "logs" / "ally.log"
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log was written"
    errors = [line for line in lines if " ERROR " in line or " CRITICAL " in line]
    return (errors or lines or ["the log is empty"])[-1]


def _dismiss_dialogs(seen: list[str]) -> None:
    """Close a modal dialog, remembering what it said: a fresh start asks nothing, and
    offscreen nobody could answer (a refusal to open the data file is one)."""
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    dialog = QApplication.activeModalWidget()
    if dialog is None:
        return
    said = dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle()
    seen.append(" ".join(said.split()) or type(dialog).__name__)
    if isinstance(dialog, QDialog):
        dialog.reject()
    else:
        dialog.close()


def _window(data_dir: Path) -> float:
    """Start the window as ``ally`` does; the epoch time of its first paint."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ally_desktop.app import run

    marks: dict[str, float] = {}
    app = QApplication.instance() or QApplication(sys.argv[:1])
    dialogs: list[str] = []
    watcher = QTimer(app)
    watcher.timeout.connect(lambda: _dismiss_dialogs(dialogs))
    watcher.start(100)

    def watch(window: object) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        from ally_desktop.ui.main_window import MainWindow

        assert isinstance(window, MainWindow)

        def finish() -> None:
            marks["visible"] = float(window.isVisible())
            window.quit()  # for real: closing alone would keep Ally in a tray

        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint and "paint" not in marks:
                    marks["paint"] = time.time()
                    QTimer.singleShot(0, finish)
                return False

        window.installEventFilter(FirstPaint(window))

    try:
        code = run(data_dir, on_window=watch)
    finally:
        watcher.stop()
    if dialogs:
        raise SelfTestError(f"a dialog interrupted the start: {dialogs[0]}")
    if code != 0:
        raise SelfTestError(f"the window exited with code {code}: {_last_error(data_dir)}")
    if "paint" not in marks:
        raise SelfTestError("the window closed without painting")
    if not marks.get("visible"):
        raise SelfTestError("the window painted but was not visible")
    return marks["paint"]


def _pictures(root: Path) -> bytes:
    """Check the image plugins a photo needs; a photo made as the contact editor makes it."""
    from PySide6.QtGui import QColor, QImage, QImageReader, QImageWriter

    from ally_desktop.ui.contacts.editor import photo_bytes

    readable = {bytes(fmt.data()) for fmt in QImageReader.supportedImageFormats()}
    missing = [fmt.decode() for fmt in PHOTO_READ_FORMATS if fmt not in readable]
    if missing:
        raise SelfTestError(f"Qt cannot read these picture formats: {', '.join(missing)}")
    writable = {bytes(fmt.data()) for fmt in QImageWriter.supportedImageFormats()}
    if b"jpeg" not in writable:
        raise SelfTestError("Qt cannot write JPEG (the imageformats plugin is missing)")
    source = root / "photo.png"
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a7ab0"))
    if not image.save(str(source)):
        raise SelfTestError("Qt could not save a PNG picture")
    photo = photo_bytes(str(source))
    if not photo.startswith(b"\xff\xd8"):
        raise SelfTestError("the photo was not converted to JPEG")
    return photo


def _store(data_dir: Path, photo: bytes) -> int:
    """Reopen what the window created; store, read back and search a contact; check."""
    from ally_desktop.core.contact_queries import ContactQuery, contact_ids
    from ally_desktop.core.contacts import create_contact, load_contact
    from ally_desktop.core.records import ContactData
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database, sqlite_connection
    from ally_desktop.store.integrity import check_database
    from ally_desktop.store.migrations import LATEST_VERSION, schema_version

    path = DataPaths(data_dir).database
    if not path.is_file():
        raise SelfTestError(f"the window did not create its data file {path}")
    database = open_database(path)
    try:
        version = schema_version(sqlite_connection(database))
        if version != LATEST_VERSION:
            raise SelfTestError(f"schema version {version}, expected {LATEST_VERSION}")
        data = ContactData(
            given_name="Søren",
            family_name="Self-Test",
            organization="Ally",
            topics=["pricing"],
            photo=photo,
        )
        new_id = create_contact(database, data)
        stored = load_contact(database, new_id).data
        if (stored.given_name, stored.family_name, stored.topics, stored.photo) != (
            data.given_name,
            data.family_name,
            data.topics,
            data.photo,
        ):
            raise SelfTestError("the contact read back differs from the one stored")
        for text in SEARCH_PROBES:
            found = list(contact_ids(database, ContactQuery(text=text)))
            if found != [new_id]:
                raise SelfTestError(f"searching {text!r} found {found}, expected [{new_id}]")
    finally:
        close_database(database)
    report = check_database(path)
    if not report.ok:
        raise SelfTestError("the integrity check failed: " + " ".join(report.problems))
    return version
