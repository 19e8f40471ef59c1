"""After the first paint: the crash report offered, the daily backup made, the trash
emptied of what expired; a backup that cannot be made is told, not hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee as pw

from ally_desktop.paths import DataPaths
from ally_desktop.store.backups import BackupSettings, list_backups, save_backup_settings
from ally_desktop.ui.crash_report import CrashNotice
from ally_desktop.ui.housekeeping import start_housekeeping
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.trash_expiry import TrashExpiry


def test_start_up_offers_the_crash_backs_up_and_expires_the_trash(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, db_path: Path
) -> None:
    paths = DataPaths(db_path.parent)
    paths.logs.mkdir(exist_ok=True)
    (paths.logs / "crash.log").write_text("Fatal Python error: Segmentation fault\n")
    start_housekeeping(window, db, paths, settle_ms=0)
    qtbot.waitUntil(lambda: len(list_backups(paths.root)) == 1, timeout=10_000)
    [backup] = list_backups(paths.root)
    assert backup.kind == "daily"
    notices = [n for n in window.findChildren(CrashNotice) if n.isVisible()]
    assert len(notices) == 1
    qtbot.waitUntil(lambda: window.findChild(TrashExpiry) is not None, timeout=5000)
    notices[0].close()


def test_the_backup_and_the_trash_wait_for_the_first_minute(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, db_path: Path
) -> None:
    paths = DataPaths(db_path.parent)
    start_housekeeping(window, db, paths, settle_ms=400)
    qtbot.wait(150)
    assert list_backups(paths.root) == []
    assert window.findChild(TrashExpiry) is None
    qtbot.waitUntil(lambda: len(list_backups(paths.root)) == 1, timeout=10_000)


def test_a_backup_that_cannot_be_made_is_told_in_the_window(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, db_path: Path, tmp_path: Path
) -> None:
    paths = DataPaths(db_path.parent)
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    save_backup_settings(paths.root, BackupSettings(folder=blocked / "backups"))
    shown: list[str] = []
    window.notice.show_notice = lambda title, body, *_: shown.append(f"{title}: {body}")  # type: ignore[method-assign]
    start_housekeeping(window, db, paths, settle_ms=0)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].startswith("The daily backup could not be made")
