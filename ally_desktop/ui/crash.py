"""Unexpected errors: logged with their traceback and shown in a dialog, never silent."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("ally.crash")
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


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
        log.error("Unexpected error:\n%s", details)
        if showing or QApplication.instance() is None:
            return
        showing = True
        try:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Ally hit an unexpected problem",
                "Something went wrong that Ally did not expect. Your saved data is "
                "safe; what you were doing may not have been saved.\n\n"
                f"The details are in the log file:\n{log_file}",
            )
            box.setDetailedText(details)
            box.exec()
        finally:
            showing = False

    sys.excepthook = hook
    return previous
