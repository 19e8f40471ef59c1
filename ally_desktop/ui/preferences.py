"""Preferences: staying in the tray, starting at login, the weekly summary, where backups
go and how many, and how long the trash keeps what was deleted."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import peewee as pw
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ally_desktop import autostart
from ally_desktop.core import trash_expiry, weekly_summary
from ally_desktop.core.relative_time import WEEKDAY_NAMES
from ally_desktop.paths import DataPaths
from ally_desktop.store.backups import (
    KEEP_PRE_IMPORT,
    KEEP_PRE_RESTORE,
    BackupSettings,
    load_backup_settings,
    save_backup_settings,
)
from ally_desktop.store.errors import StoreError, user_facing_errors
from ally_desktop.ui.look import Tone, set_tone
from ally_desktop.ui.settings import UiSettings

log = logging.getLogger(__name__)


class BackupPreferences(QGroupBox):
    """Where backups go and how many of each are kept (``backups.json`` in the data
    directory, so the settings survive a damaged database)."""

    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self._root = root
        self.loaded = load_backup_settings(root)
        self._folder = self.loaded.folder
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setMinimumWidth(320)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_folder)
        self.default_button = QPushButton("Default")
        self.default_button.setAutoDefault(False)
        self.default_button.setToolTip(
            f"The backups folder in the data folder: {DataPaths(root).backups}"
        )
        self.default_button.clicked.connect(lambda: self.set_folder(None))
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(self.choose_button)
        where.addWidget(self.default_button)

        self.daily = self._count(self.loaded.daily, 365, "days")
        self.weekly = self._count(self.loaded.weekly, 260, "weeks")
        self.monthly = self._count(self.loaded.monthly, 240, "months")
        keep = QHBoxLayout()
        for box, label in (
            (self.daily, "daily"),
            (self.weekly, "weekly"),
            (self.monthly, "monthly"),
        ):
            keep.addWidget(box)
            keep.addWidget(QLabel(label))
            keep.addSpacing(12)
        keep.addStretch(1)
        note = QLabel(
            "Ally backs up each day it starts, and before every update and import. Also "
            f"kept: every backup made before an update, the last {KEEP_PRE_IMPORT} made "
            f"before an import and the last {KEEP_PRE_RESTORE} before a restore. Backups "
            "already made stay where they are."
        )
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Folder:", where)
        form.addRow("Keep:", keep)
        form.addRow(note)
        self.set_folder(self._folder)

    @staticmethod
    def _count(value: int, most: int, unit: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, most)
        box.setValue(value)
        box.setToolTip(f"The newest backup of each of this many {unit} is kept")
        return box

    def set_folder(self, folder: Path | None) -> None:
        self._folder = folder
        shown = folder if folder is not None else DataPaths(self._root).backups
        self.folder.setText(str(shown))
        self.folder.setToolTip(str(shown))
        self.default_button.setEnabled(folder is not None)

    def choose_folder(self) -> None:
        start = self._folder or self._root
        chosen = QFileDialog.getExistingDirectory(self, "Backups folder", str(start))
        if chosen:
            self.set_folder(Path(chosen))

    def settings(self) -> BackupSettings:
        return BackupSettings(
            folder=self._folder,
            daily=self.daily.value(),
            weekly=self.weekly.value(),
            monthly=self.monthly.value(),
        )

    def save(self) -> None:
        """Store the settings if they changed; OSError (the folder cannot be used)
        stores nothing."""
        wanted = self.settings()
        if wanted == self.loaded:
            return
        if wanted.folder is not None:
            wanted.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not os.access(wanted.folder, os.W_OK | os.X_OK):
                raise PermissionError(f"Ally may not write in {wanted.folder}.")
        save_backup_settings(self._root, wanted)
        self.loaded = wanted


class TrashPreferences(QGroupBox):
    """How many days deleted people and interactions wait in the trash. The number is
    kept in the database: it is a rule about the data, not about this window."""

    def __init__(self, db: pw.SqliteDatabase, parent: QWidget | None = None) -> None:
        super().__init__("Trash", parent)
        self._db = db
        self.loaded = trash_expiry.retention_days(db)
        self.days = QSpinBox()
        self.days.setObjectName("trashRetentionDays")
        self.days.setRange(trash_expiry.MIN_RETENTION_DAYS, trash_expiry.MAX_RETENTION_DAYS)
        self.days.setValue(self.loaded)
        self.days.setSuffix(" days")
        row = QHBoxLayout()
        row.addWidget(QLabel("Delete for good what has been in the trash for"))
        row.addWidget(self.days)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)

    def save(self) -> None:
        """Store the number if it changed; StoreError (a full disk ...) stores nothing."""
        if self.days.value() == self.loaded:
            return
        with user_facing_errors():
            trash_expiry.set_retention_days(self._db, self.days.value())
        self.loaded = self.days.value()


class SummaryPreferences(QGroupBox):
    """Whether, which day and at what hour the weekly summary comes. Kept in the database
    with the moment it was last sent (``core.weekly_summary``), so the two never disagree
    and the command line can read them."""

    def __init__(self, db: pw.SqliteDatabase, parent: QWidget | None = None) -> None:
        super().__init__("Weekly summary", parent)
        self._db = db
        self.loaded = weekly_summary.load_schedule(db)
        self.enabled = QCheckBox("Sum up the week ahead in one notification")
        self.enabled.setObjectName("weeklySummaryEnabled")
        self.enabled.setToolTip(
            "Who is due, who is drifting away, this week's birthdays and the new allies to"
            " follow up. Clicking it opens Today. Nothing is sent when there is nothing to say."
        )
        self.enabled.setChecked(self.loaded.enabled)
        self.day = QComboBox()
        self.day.setObjectName("weeklySummaryDay")
        for number, name in enumerate(WEEKDAY_NAMES):
            self.day.addItem(name, number)
        self.day.setCurrentIndex(self.loaded.weekday)
        self.hour = QComboBox()
        self.hour.setObjectName("weeklySummaryHour")
        for hour in range(24):
            self.hour.addItem(f"{hour:02d}:00", hour)
        self.hour.setCurrentIndex(self.loaded.hour)
        when = QHBoxLayout()
        when.addWidget(QLabel("Every"))
        when.addWidget(self.day)
        when.addWidget(QLabel("at"))
        when.addWidget(self.hour)
        when.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addLayout(when)
        self.enabled.toggled.connect(self._enable)
        self._enable(self.enabled.isChecked())

    def _enable(self, on: bool) -> None:
        self.day.setEnabled(on)
        self.hour.setEnabled(on)

    def schedule(self) -> weekly_summary.SummarySchedule:
        return weekly_summary.SummarySchedule(
            enabled=self.enabled.isChecked(),
            weekday=int(self.day.currentData()),
            hour=int(self.hour.currentData()),
        )

    def save(self) -> bool:
        """Store the schedule if it changed (True then); StoreError (a full disk ...)
        stores nothing."""
        wanted = self.schedule()
        if wanted == self.loaded:
            return False
        with user_facing_errors():
            weekly_summary.save_schedule(self._db, wanted)
        self.loaded = wanted
        return True


class PreferencesDialog(QDialog):
    # The weekly summary's day, hour or switch changed: its timer is re-armed at once
    # instead of at its next hourly look.
    summaryScheduleChanged = Signal()  # noqa: N815

    def __init__(
        self,
        settings: UiSettings,
        *,
        tray: bool,
        data_dir: Path | None = None,
        db: pw.SqliteDatabase | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._data_dir = data_dir
        self.setWindowTitle("Preferences")
        self.keep_in_tray = QCheckBox("Keep Ally running in the tray when its window is closed")
        self.keep_in_tray.setChecked(settings.flag("keep_in_tray", True))
        self.keep_in_tray.setEnabled(tray)
        if not tray:
            self.keep_in_tray.setToolTip("This desktop has no system tray.")
        self.start_at_login = QCheckBox("Start Ally when I log in (minimised to the tray)")
        self.start_at_login.setChecked(autostart.starts_at_login())
        # Backups belong to a data directory: without one (never in the app) there are none.
        self.backups = BackupPreferences(data_dir) if data_dir is not None else None
        self.trash = TrashPreferences(db) if db is not None else None
        self.summary = SummaryPreferences(db) if db is not None else None
        self.error = QLabel()
        set_tone(self.error, Tone.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keep_in_tray)
        layout.addWidget(self.start_at_login)
        if self.summary is not None:
            layout.addWidget(self.summary)
        if self.backups is not None:
            layout.addWidget(self.backups)
        if self.trash is not None:
            layout.addWidget(self.trash)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.backups is not None:
            try:
                self.backups.save()
            except OSError as exc:
                log.warning("backup settings: %s", exc)
                self.error.setText(f"Could not use that backups folder: {exc}")
                self.error.show()
                return
        if self.trash is not None:
            try:
                self.trash.save()
            except StoreError as exc:
                self.error.setText(f"Could not change how long the trash keeps items: {exc}")
                self.error.show()
                return
        if self.summary is not None:
            try:
                if self.summary.save():
                    self.summaryScheduleChanged.emit()
            except StoreError as exc:
                self.error.setText(f"Could not change the weekly summary: {exc}")
                self.error.show()
                return
        self._settings.set_flag("keep_in_tray", self.keep_in_tray.isChecked())
        wanted = self.start_at_login.isChecked()
        if wanted != autostart.starts_at_login():
            try:
                autostart.set_start_at_login(wanted, autostart.launch_command(self._data_dir))
            except OSError as exc:
                log.warning("start at login: %s", exc)
                self.error.setText(f"Could not change starting at login: {exc}")
                self.error.show()
                return
        super().accept()
