"""Hard crashes are recorded by faulthandler and offered once at the next start; Python
exceptions still reach the crash dialog, which names the log and opens its folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QWidget

from ally_desktop import crash_file
from ally_desktop.paths import DataPaths, ensure_data_dir
from ally_desktop.store.errors import DiskFullError
from ally_desktop.ui import crash
from ally_desktop.ui.crash_report import (
    CrashNotice,
    CrashReportDialog,
    offer_crash_report,
    pending_crash_report,
)
from ally_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

# The child does what app.py does right after logging (enable the crash file), maybe
# runs a while, then dies the way a segfault in Qt or an abort in a library would.
CHILD = textwrap.dedent(
    """
    import faulthandler, os, sys
    from pathlib import Path
    from ally_desktop.paths import ensure_data_dir
    from ally_desktop.crash_file import enable_crash_file

    enable_crash_file(ensure_data_dir(Path(sys.argv[1])))
    how = sys.argv[2]
    if how == "segfault":
        faulthandler._sigsegv()
    elif how == "abort":
        os.abort()
    """
)


def _no_core_dump() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_child(data_dir: Path, how: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONFAULTHANDLER", None)
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), how],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_no_core_dump if sys.platform != "win32" else None,
        check=False,
    )


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return ensure_data_dir(tmp_path / "data")


def _seen_reports(paths: DataPaths) -> list[Path]:
    return sorted(p for p in paths.logs.glob("crash-*.log") if p.name != "crash-pending.log")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("how", "signum", "says"),
    [("segfault", signal.SIGSEGV, "Segmentation fault"), ("abort", signal.SIGABRT, "Aborted")],
)
def test_a_hard_crash_is_found_once_at_the_next_start(
    paths: DataPaths, how: str, signum: int, says: str
) -> None:
    crashed = run_child(paths.root, how)
    assert crashed.returncode == -signum, crashed.stderr
    assert (paths.logs / "crash.log").stat().st_size > 0

    report = pending_crash_report(paths)

    assert report is not None
    assert f"Fatal Python error: {says}" in report
    assert "most recent call first" in report
    [kept] = _seen_reports(paths)
    assert kept.read_text(encoding="utf-8") == report
    assert not (paths.logs / "crash.log").exists() or not (paths.logs / "crash.log").read_text()
    assert pending_crash_report(paths) is None, "offered only once"
    assert _seen_reports(paths) == [kept]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_next_start_sets_the_crash_aside_before_writing_its_own(paths: DataPaths) -> None:
    assert run_child(paths.root, "segfault").returncode == -signal.SIGSEGV
    fine = run_child(paths.root, "nothing")  # the next run: it enables its own file, exits
    assert fine.returncode == 0, fine.stderr
    assert (paths.logs / "crash.log").read_bytes() == b"", "this run's file starts empty"
    assert (paths.logs / "crash-pending.log").stat().st_size > 0

    report = pending_crash_report(paths)
    assert report is not None
    assert "Segmentation fault" in report
    assert not (paths.logs / "crash-pending.log").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_two_crashes_before_anyone_looked_are_offered_together(paths: DataPaths) -> None:
    run_child(paths.root, "segfault")
    run_child(paths.root, "abort")  # enabled (setting the segfault aside), then aborted
    run_child(paths.root, "nothing")  # sets the abort aside too
    report = pending_crash_report(paths)
    assert report is not None
    assert "Segmentation fault" in report
    assert "Aborted" in report


def test_no_crash_no_report(paths: DataPaths) -> None:
    assert pending_crash_report(paths) is None
    (paths.logs / "crash.log").write_bytes(b"")
    assert pending_crash_report(paths) is None
    assert _seen_reports(paths) == []


def test_the_file_this_run_writes_to_is_not_an_old_crash(
    paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled: list[object] = []
    monkeypatch.setattr(crash_file.faulthandler, "enable", lambda f, **_: enabled.append(f))
    monkeypatch.setattr(crash_file, "_held", None)
    monkeypatch.setattr(crash_file, "_held_path", None)
    crash_file.enable_crash_file(paths)
    assert enabled
    live = paths.logs / "crash.log"
    assert live.exists()
    assert oct(live.stat().st_mode & 0o777) == oct(0o600)
    # Written by this very process (which has not crashed): not offered.
    os.write(enabled[0].fileno(), b"Fatal Python error: written now\n")  # type: ignore[attr-defined]
    assert pending_crash_report(paths) is None
    crash_file._held.close()  # type: ignore[union-attr]


def test_a_long_report_is_shown_by_its_end(paths: DataPaths) -> None:
    (paths.logs / "crash.log").write_text("old\n" + "x" * 300_000 + "\nthe end\n")
    report = pending_crash_report(paths)
    assert report is not None
    assert report.startswith("…")
    assert report.endswith("the end\n")
    assert len(report) <= crash_file.MAX_SHOWN + 2


# --- the notice -----------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_notice_offers_the_report_after_a_crash(
    qtbot: Any, window: MainWindow, paths: DataPaths, opened: list[QUrl]
) -> None:
    assert run_child(paths.root, "segfault").returncode == -signal.SIGSEGV

    notice = offer_crash_report(window, paths)

    assert isinstance(notice, CrashNotice)
    qtbot.waitUntil(notice.isVisible, timeout=3000)
    assert not notice.isModal(), "the window stays usable"
    assert {w.text() for w in notice.findChildren(QPushButton)} == {"Show the report", "Dismiss"}
    assert "Ally closed unexpectedly last time." in _label_texts(notice)

    qtbot.mouseClick(notice.show_button, _left())
    report = _open_report(qtbot, window)
    assert "Fatal Python error: Segmentation fault" in report.text.toPlainText()
    assert report.text.isReadOnly()
    assert str(paths.logs) in _label_texts(report)

    qtbot.mouseClick(report.open_button, _left())
    assert opened == [QUrl.fromLocalFile(str(paths.logs))]
    report.close()

    assert offer_crash_report(window, paths) is None, "not offered twice"


def test_dismiss_closes_the_notice(qtbot: Any, window: MainWindow, paths: DataPaths) -> None:
    (paths.logs / "crash.log").write_text("Fatal Python error: Segmentation fault\n")
    notice = offer_crash_report(window, paths)
    assert notice is not None
    qtbot.waitUntil(notice.isVisible, timeout=3000)
    with qtbot.waitSignal(notice.destroyed, timeout=3000):
        qtbot.mouseClick(notice.dismiss_button, _left())
    assert window.findChildren(CrashReportDialog) == []
    assert pending_crash_report(paths) is None


def test_no_notice_without_a_crash(window: MainWindow, paths: DataPaths) -> None:
    assert offer_crash_report(window, paths) is None
    assert window.findChildren(CrashNotice) == []


def _left() -> Qt.MouseButton:
    return Qt.MouseButton.LeftButton


def _label_texts(widget: QWidget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def _open_report(qtbot: Any, window: MainWindow) -> CrashReportDialog:
    found: list[CrashReportDialog] = []

    def shown() -> bool:
        found[:] = [d for d in window.findChildren(CrashReportDialog) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=3000)
    return found[0]


# --- the crash dialog for Python exceptions ---------------------------------------------


def _raise_and_hook(exc: BaseException) -> None:
    """What Python does with an exception nobody caught: hand it to sys.excepthook."""
    try:
        raise exc
    except BaseException as caught:
        sys.excepthook(type(caught), caught, caught.__traceback__)


def test_the_crash_dialog_names_the_log_and_opens_its_folder(
    qtbot: Any, tmp_path: Path, opened: list[QUrl], monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = tmp_path / "logs" / "ally.log"
    previous = sys.excepthook
    seen: list[str] = []

    def press_open_folder() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        [button] = [b for b in box.buttons() if b.text() == "Open log folder"]
        button.click()

    try:
        crash.install_exception_hook(log_file)
        QTimer.singleShot(50, press_open_folder)
        _raise_and_hook(ZeroDivisionError("a bug"))
    finally:
        sys.excepthook = previous
    assert seen, "the dialog was shown"
    assert str(log_file) in seen[0]
    assert "Open log folder" in seen[0]
    assert opened == [QUrl.fromLocalFile(str(log_file.parent))]


def test_a_store_error_reaching_the_hook_is_told_in_words(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *_a: told.append(text))
    )
    monkeypatch.setattr(
        crash, "show_crash_dialog", lambda *_a: pytest.fail("not a bug: no crash dialog")
    )
    previous = sys.excepthook
    try:
        crash.install_exception_hook(tmp_path / "ally.log")
        _raise_and_hook(DiskFullError("The disk is full: the change was not saved."))
    finally:
        sys.excepthook = previous
    assert told == [
        "The change was not saved. The disk is full. Free some space on it, then do it again."
    ]
