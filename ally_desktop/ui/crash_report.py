"""Offering the report of a hard crash at the next start (recorded by ``crash_file``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.crash_file import (
    CRASH_FILE,
    PENDING_FILE,
    crash_file,
    disable_crash_file,
    enable_crash_file,
    pending_crash_report,
)
from ally_desktop.paths import DataPaths
from ally_desktop.ui.crash import OPEN_LOG_FOLDER, open_folder

__all__ = [
    "CRASH_FILE",
    "PENDING_FILE",
    "CrashNotice",
    "CrashReportDialog",
    "crash_file",
    "disable_crash_file",
    "enable_crash_file",
    "offer_crash_report",
    "pending_crash_report",
]


class CrashReportDialog(QDialog):
    """The report itself, read-only, and the folder it is in."""

    def __init__(self, text: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashReport")
        self.setWindowTitle("Crash report")
        self.resize(720, 480)
        self._folder = folder
        intro = QLabel(
            "What Ally was doing when it closed unexpectedly. Attaching this to a bug report"
            f" helps find the cause. It is kept in {folder}."
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton(OPEN_LOG_FOLDER)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.open_folder)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def open_folder(self) -> None:
        open_folder(self._folder)


class CrashNotice(QDialog):
    """A small, non-modal note that the last run crashed: the user may look or move on."""

    def __init__(self, text: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashNotice")
        self.setWindowTitle("Ally")
        self.setModal(False)
        self._text = text
        self._folder = folder
        self.report: CrashReportDialog | None = None
        title = QLabel("Ally closed unexpectedly last time.")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        body = QLabel(
            "Your saved data is safe. A report of what happened was kept; it can help"
            " find the cause."
        )
        body.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.show_button = QPushButton("Show the report")
        self.dismiss_button = QPushButton("Dismiss")
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.dismiss_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.show_button.clicked.connect(self.show_report)
        self.dismiss_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(body)
        layout.addWidget(buttons)

    def show_report(self) -> None:
        parent = self.parentWidget()
        self.report = CrashReportDialog(self._text, self._folder, parent)
        self.report.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report.show()
        self.accept()


def offer_crash_report(window: QWidget, paths: DataPaths) -> CrashNotice | None:
    """If the last run crashed, say so beside ``window`` (non-modal) and offer the report.

    Start-up calls this once the window has painted; returns the notice, or None when
    there was no crash to tell about.
    """
    text = pending_crash_report(paths)
    if text is None:
        return None
    notice = CrashNotice(text, paths.logs, window)
    notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    notice.show()
    return notice
