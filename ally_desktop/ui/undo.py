"""The shape of every undoable change in Ally.

A change is made through core first (a failure is reported and nothing is pushed), then
recorded on the window's QUndoStack as a command that knows how to undo and redo it. A
later undo or redo can fail too (the disk is full, someone deleted the row meanwhile):
the user is told in words, the command is dropped from the history, and the views are
left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
from PySide6.QtGui import QUndoCommand

from ally_desktop.store.errors import StoreError, classify


class RecordedCommand(QUndoCommand):
    """Subclasses give ``_redo`` and ``_undo`` (each returns what changed) and
    ``_announce`` (tells the views)."""

    def __init__(self, db: pw.SqliteDatabase, report: Callable[[str], object], text: str) -> None:
        super().__init__(text)
        self._db = db
        self._report = report
        self._done_once = False

    def _run(self, action: Callable[[], Any]) -> None:
        try:
            change = action()
        except (StoreError, LookupError) as exc:  # LookupError: the row is gone
            self._fail(str(exc))
            return
        except Exception as exc:
            error = classify(exc)
            if error is None:
                raise
            self._fail(str(error))
            return
        self._announce(change)

    def _fail(self, message: str) -> None:
        self._report(message)
        self.setObsolete(True)

    def redo(self) -> None:
        if not self._done_once:  # the first time, the change was made before the push
            self._done_once = True
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _redo(self) -> Any:
        raise NotImplementedError

    def _undo(self) -> Any:
        raise NotImplementedError

    def _announce(self, change: Any) -> None:
        raise NotImplementedError
