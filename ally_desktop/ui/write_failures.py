"""When a write fails for a reason outside Ally: say what happened and what to do, in words.

The store turns SQLite's failures a person can act on into ``StoreError`` classes (a full
disk, a read-only folder, a file another program holds, a drive that went away). Every
save path shows the same explanation with a "Try again" action, and keeps what the user
typed or did in memory so the retry is the same save. Anything ``classify`` does not
recognise is a bug and goes to the crash dialog instead.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from ally_desktop import APP_NAME
from ally_desktop.store.db import BUSY_TIMEOUT_MS
from ally_desktop.store.errors import (
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyError,
    StorageUnavailableError,
    StoreError,
)

TRY_AGAIN = "Try again"


def explain(error: StoreError, then: str = "press Try again") -> str:
    """What went wrong and what the user can do about it, ending with ``then`` (the retry).

    The store's own message is kept for the rarer cases (a damaged file): it is already
    plain words, and a retry cannot hurt.
    """
    if isinstance(error, DiskFullError):
        return f"The disk is full. Free some space on it, then {then}."
    if isinstance(error, ReadOnlyError):
        return f"The data file or its folder is read-only. Make them writable again, then {then}."
    if isinstance(error, DatabaseLockedError):
        seconds = BUSY_TIMEOUT_MS // 1000
        return (
            f"Another program is holding the data file (Ally waited {seconds} seconds for it),"
            " such as a backup or sync tool, or another Ally on the same folder. Close it or"
            f" let it finish, then {then}."
        )
    if isinstance(error, StorageUnavailableError):
        return (
            "Ally cannot reach its data file: was the drive it is on removed or disconnected?"
            f" Reconnect it, then {then}."
        )
    text = str(error).strip()
    return f"{text} Once the problem is solved, {then}."


def not_saved(error: StoreError) -> str:
    """The message a form shows when its save failed; the form itself stays as typed."""
    return f"Not saved. {explain(error)} What you entered is still here."


class RetryButton(QPushButton):
    """The form's "Try again" button, shown only while a refused save can be retried.

    QDialogButtonBox shows every button it lays out (on each added button, on a style
    change); this one stays hidden unless offered.
    """

    def __init__(self, on_click: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(TRY_AGAIN, parent)
        self._offered = False
        self.setObjectName("tryAgain")
        self.setAutoDefault(False)
        self.setDefault(False)
        self.setToolTip("Save again, exactly as the form is now")
        self.clicked.connect(lambda: on_click())
        super().setVisible(False)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt's name)
        super().setVisible(visible and self._offered)

    def offer(self, offered: bool = True) -> None:
        """Show (or, with False, hide) the button."""
        self._offered = offered
        super().setVisible(offered)


def retry_button(on_click: Callable[[], object]) -> RetryButton:
    """A hidden "Try again" button that calls ``on_click`` (the form's save)."""
    return RetryButton(on_click)


def offer_retry(parent: QWidget | None, message: str, retry: Callable[[], object]) -> QMessageBox:
    """A warning with "Try again" and "Close", shown without blocking (``open``), for a
    change that has no form of its own to stay open (an undo, a delete).

    Returns the box so callers and tests can reach it; it deletes itself when closed.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, message, parent=parent)
    box.setObjectName("writeFailure")
    again = box.addButton(TRY_AGAIN, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(again)
    box.setEscapeButton(QMessageBox.StandardButton.Close)

    def finished() -> None:
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is again:
            retry()

    box.finished.connect(finished)
    box.open()
    return box
