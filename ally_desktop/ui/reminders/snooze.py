"""Snooze until a chosen moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class SnoozeDialog(QDialog):
    chosen = Signal(object)  # an aware datetime

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        later = datetime.now().astimezone() + timedelta(hours=3)
        self.when = QDateTimeEdit(
            QDateTime(later.year, later.month, later.day, later.hour, later.minute, 0)
        )
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setMinimumDateTime(QDateTime.currentDateTime())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Remind me again on"))
        layout.addWidget(self.when)
        layout.addWidget(buttons)

    def accept(self) -> None:
        moment = self.when.dateTime().toPython()
        assert isinstance(moment, datetime)
        self.chosen.emit(moment.astimezone().astimezone(UTC))
        super().accept()
