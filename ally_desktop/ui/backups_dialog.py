"""Restore from backup…: the backups listed with their date, kind, size and people;
restore one, back up now, or open the folder.

Restoring itself is the window's business (it must let go of the database and take it
back), so the dialog is handed a ``restore(path)`` callable and only asks, calls and
reports. A restore blocks the window (with a wait cursor) on purpose: while the database
is closed, nothing may paint from it. "Back up now" runs on a worker thread instead:
a verified backup of 100,000 people (250 MB) takes about three seconds.

Backups are listed from their file names; the number of people is read from each file,
read-only, which takes milliseconds for a few dozen backups.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.paths import DataPaths
from ally_desktop.store.backups import (
    KIND_LABELS,
    BackupInfo,
    list_backups,
    load_backup_settings,
    make_backup,
    read_details,
)
from ally_desktop.store.errors import StoreError
from ally_desktop.ui.busy import busy_cursor
from ally_desktop.ui.look import Tone, set_tone

log = logging.getLogger(__name__)

Restore = Callable[[Path], BackupInfo]
_HOW_RESTORE_WORKS = (
    "Restoring replaces all your data with the backup’s. Your data as it is now is "
    "backed up first, so a restore can itself be undone."
)
_NO_BACKUPS_YET = (
    "There are no backups yet. Ally makes one each day it starts, and before every update "
    "and import; “Back up now” makes one at once."
)
COLUMNS = ("Taken", "Kind", "Size", "People")


def local_time(info: BackupInfo) -> str:
    """When the backup was taken, in the computer's time zone: "Thu 26 Nov 2026, 05:15"."""
    return f"{info.taken_at.astimezone():%a %d %b %Y, %H:%M}"


class _Reporter(QObject):
    done = Signal(object, object)  # BackupInfo | None, the exception | None


class _BackUpNow(QRunnable):
    """A manual backup on Qt's thread pool (plain sqlite3 connections of its own)."""

    def __init__(self, root: Path, reporter: _Reporter) -> None:
        super().__init__()
        self._root = root
        self._reporter = reporter

    def run(self) -> None:
        info: BackupInfo | None = None
        error: Exception | None = None
        try:
            info = make_backup(DataPaths(self._root).database, self._root, "manual")
        except Exception as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the dialog is gone
            self._reporter.done.emit(info, error)


class BackupsDialog(QDialog):
    """The backups of one data directory; ``restored(BackupInfo)`` once one is in place."""

    restored = Signal(object)  # BackupInfo of the backup now in use

    def __init__(self, root: Path, restore: Restore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._root = root
        self._restore = restore
        self._backing_up = False
        self._reporter = _Reporter(self)
        self._reporter.done.connect(self._backed_up)
        self.backups: list[BackupInfo] = []
        self.setWindowTitle("Restore from backup")
        self.resize(760, 460)

        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("&Open folder")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_folder)
        top = QHBoxLayout()
        top.addWidget(self.where, 1)
        top.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("backupsTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        # Room around each cell's text; the kind takes what is left (dates and sizes are
        # of a known width, "Before an update" is the longest word to fit).
        self.table.setStyleSheet("QTableWidget#backupsTable::item { padding: 0 10px; }")
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        set_tone(self.error, Tone.ERROR)
        self.error.hide()

        self.backup_button = QPushButton("&Back up now")
        self.backup_button.setAutoDefault(False)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reload()

    # --- the list ---------------------------------------------------------------------
    def folder(self) -> Path:
        return load_backup_settings(self._root).folder_in(self._root)

    def reload(self, select: Path | None = None) -> None:
        """List the backups again (newest first), selecting ``select`` or the newest."""
        self.where.setText(f"Backups are kept in {self.folder()}")
        self.backups = [read_details(info) for info in list_backups(self._root)]
        self.table.setRowCount(len(self.backups))
        locale = QLocale()
        for row, info in enumerate(self.backups):
            people = "?" if info.contacts is None else locale.toString(info.contacts)
            cells = (
                local_time(info),
                KIND_LABELS[info.kind],
                locale.formattedDataSize(info.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat),
                people if info.ok is not False else "Damaged",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if info.ok is False:
                    item.setForeground(QGuiApplication.palette().placeholderText())
                    item.setToolTip(info.problem)
                else:
                    item.setToolTip(info.name)
                self.table.setItem(row, column, item)
        if self.backups:
            chosen = next((r for r, b in enumerate(self.backups) if b.path == select), 0)
            self.table.selectRow(chosen)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def busy(self) -> bool:
        """A backup is being made ("Back up now")."""
        return self._backing_up

    def _update_buttons(self) -> None:
        chosen = self.selected()
        usable = chosen is not None and chosen.ok is not False
        self.restore_button.setEnabled(usable and not self._backing_up)
        self.backup_button.setEnabled(not self._backing_up)
        self.backup_button.setText("Backing up…" if self._backing_up else "&Back up now")
        self.note.setText(_HOW_RESTORE_WORKS if self.backups else _NO_BACKUPS_YET)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- actions -------------------------------------------------------------------------
    def open_folder(self) -> None:
        folder = self.folder()
        if not folder.is_dir():
            self.show_error(f"The folder {folder} does not exist yet: back up once to make it.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def back_up_now(self) -> None:
        """Make a manual backup off the GUI thread; the list shows it when it is done."""
        if self._backing_up:
            return
        self.show_error("")
        self._backing_up = True
        self._update_buttons()
        QThreadPool.globalInstance().start(_BackUpNow(self._root, self._reporter))

    def _backed_up(self, info: BackupInfo | None, error: Exception | None) -> None:
        self._backing_up = False
        if isinstance(error, StoreError):
            self.show_error(str(error))
        elif error is not None:
            sys.excepthook(type(error), error, error.__traceback__)  # a bug: the crash report
        self.reload(select=info.path if info is not None else None)

    def restore_selected(self) -> BackupInfo | None:
        chosen = self.selected()
        if chosen is None or chosen.ok is False or self._backing_up:
            return None
        people = "" if chosen.contacts is None else f" ({chosen.contacts:,} people)"
        answer = QMessageBox.question(
            self,
            "Restore from backup",
            f"Replace all your data with the backup of {local_time(chosen)}{people}?\n\n"
            "Your data as it is now is backed up first: restoring that backup undoes this. "
            "Undo and Redo start afresh.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        self.show_error("")
        try:
            with busy_cursor():
                info = self._restore(chosen.path)
        except (StoreError, OSError) as exc:
            log.warning("restore of %s: %s", chosen.path, exc)
            self.show_error(str(exc))
            self.reload(select=chosen.path)
            return None
        self.restored.emit(info)
        self.accept()
        return info
