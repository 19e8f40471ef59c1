"""Preferences: staying in the tray, starting at login."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ally_desktop import autostart
from ally_desktop.ui.settings import UiSettings

log = logging.getLogger(__name__)


class PreferencesDialog(QDialog):
    def __init__(
        self,
        settings: UiSettings,
        *,
        tray: bool,
        data_dir: Path | None = None,
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
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
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
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
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
