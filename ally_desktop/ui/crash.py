"""Unexpected errors: logged with their traceback and shown in a dialog, never silent.

A failure the store recognises (a full disk, a read-only folder, a locked file, a drive
that went away) is not a bug: should one reach this hook because a path did not catch it,
it is shown in plain words, without a traceback. Everything else is a bug: the dialog
names the log file that holds the details and opens its folder on request, so a report
can be attached without hunting for it.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from ally_desktop import APP_NAME
from ally_desktop.store.errors import classify

log = logging.getLogger("ally.crash")
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
OPEN_LOG_FOLDER = "Open log folder"


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the platform's file manager; False when none could be asked."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


def crash_message(log_file: Path) -> str:
    return (
        "Something went wrong that Ally did not expect. Your saved data is safe; what you"
        " were doing may not have been saved.\n\n"
        f"The details are in the log file:\n{log_file}\n\n"
        f"“{OPEN_LOG_FOLDER}” shows it, to attach to a bug report."
    )


def show_crash_dialog(log_file: Path, details: str) -> None:
    """The dialog for a bug: what happened, where the log is, and a way to open its folder."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Ally hit an unexpected problem", "")
    box.setObjectName("crashDialog")
    box.setText(crash_message(log_file))
    box.setDetailedText(details)
    open_button = box.addButton(OPEN_LOG_FOLDER, QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setEscapeButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is open_button:
        open_folder(log_file.parent)


def show_store_failure(message: str) -> None:
    """A store failure no path caught: told in words, as the dialogs would."""
    QMessageBox.warning(QApplication.activeWindow(), APP_NAME, message)


def install_exception_hook(log_file: Path) -> ExceptHook:
    """Log uncaught exceptions and show them; returns the hook it replaced."""
    previous = sys.excepthook
    showing = False

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        failure = classify(value) if isinstance(value, Exception) else None
        if failure is not None:
            log.warning("A change was not saved (%s):\n%s", failure, details)
        else:
            log.error("Unexpected error:\n%s", details)
        if showing or QApplication.instance() is None:
            return
        showing = True
        try:
            if failure is not None:
                from ally_desktop.ui.write_failures import explain

                show_store_failure(f"The change was not saved. {explain(failure, 'do it again')}")
            else:
                show_crash_dialog(log_file, details)
        finally:
            showing = False

    sys.excepthook = hook
    return previous
