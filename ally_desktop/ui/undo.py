"""The shape of every undoable change in Ally.

A change is made through core first (a failure is reported and nothing is pushed), then
recorded on the window's QUndoStack as a command that knows how to undo and redo it.

A later undo or redo can fail too, for two kinds of reasons:

- the row is gone (deleted for good meanwhile, perhaps from the command line): the user
  is told, and the command, which can never succeed again, is dropped from the history;
- the environment refused the write (a full disk, a read-only folder, a file held by
  another program, a drive that went away): nothing changed, so the command stays where
  it was on the stack, the user is told in words and offered "Try again", which repeats
  the same undo or redo. Pressing Ctrl+Z later does the same.

QUndoStack moves its index whatever the command does, so each command tracks whether its
change is applied, and a failed one is put back in place once the stack has finished
(redoing or undoing a command to where it already is does nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import peewee as pw
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from ally_desktop.store.errors import StoreError, classify
from ally_desktop.ui.write_failures import explain, offer_retry


class RecordedCommand(QUndoCommand):
    """Subclasses give ``_redo`` and ``_undo`` (each returns what changed) and
    ``_announce`` (tells the views). Push with ``push_onto`` so a failed undo can be
    offered again."""

    def __init__(self, db: pw.SqliteDatabase, report: Callable[[str], object], text: str) -> None:
        super().__init__(text)
        self._db = db
        self._report = report
        self._applied = True  # the change was made before the push
        self._stack: QUndoStack | None = None
        self.prompt: QMessageBox | None = None  # the last "Try again" offer, if any

    def push_onto(self, stack: QUndoStack) -> None:
        """Record this (already made) change on ``stack``."""
        self._stack = stack
        stack.push(self)

    @property
    def applied(self) -> bool:
        """Whether the change is in the database now (False once undone)."""
        return self._applied

    def redo(self) -> None:
        if not self._applied:  # the first time, the change was made before the push
            self._run(self._redo, applied=True)

    def undo(self) -> None:
        if self._applied:
            self._run(self._undo, applied=False)

    def _run(self, action: Callable[[], Any], *, applied: bool) -> None:
        try:
            change = action()
        except LookupError as exc:  # the row is gone: this command can never succeed
            self._fail(str(exc))
            return
        except Exception as exc:
            error = classify(exc)
            if error is None:
                raise  # a bug: the crash hook shows it
            self._held_back(error)
            return
        self._applied = applied
        self._announce(change)

    def _fail(self, message: str) -> None:
        self._report(message)
        self.setObsolete(True)

    def _held_back(self, error: StoreError) -> None:
        """Nothing changed: keep the command and, once the stack is done, put it back
        where it was and offer the same step again."""
        if self._stack is None:  # pushed without push_onto: the old way, reported only
            self._fail(str(error))
            return
        QTimer.singleShot(0, partial(_put_back_and_offer, self._stack, self, error))

    def _redo(self) -> Any:
        raise NotImplementedError

    def _undo(self) -> Any:
        raise NotImplementedError

    def _announce(self, change: Any) -> None:
        raise NotImplementedError


def _position(stack: QUndoStack, command: RecordedCommand) -> int | None:
    for index in range(stack.count()):
        if stack.command(index) is command:
            return index
    return None


def _put_back_and_offer(stack: QUndoStack, command: RecordedCommand, error: StoreError) -> None:
    if not isValid(stack):
        return
    position = _position(stack, command)
    if position is None:  # cleared from the history meanwhile: nothing left to retry
        return
    undoing = command.applied  # an undo failed: the change is still applied
    target = position + 1 if undoing else position
    if stack.index() != target and stack.index() in (position, position + 1):
        stack.setIndex(target)  # runs this command's redo or undo: a no-op, it is there
    verb = "undo" if undoing else "redo"
    message = f"Could not {verb} “{command.text()}”. Nothing was changed. {explain(error)}"
    parent = stack.parent()
    window = QApplication.activeWindow() or (parent if isinstance(parent, QWidget) else None)
    command.prompt = offer_retry(window, message, partial(_retry, stack, command))


def _retry(stack: QUndoStack, command: RecordedCommand) -> None:
    """Repeat the step that failed, if the history still has the command next in line."""
    if not (isValid(stack) and isValid(command)):
        return
    position = _position(stack, command)
    if position is None:
        return
    if command.applied and stack.index() == position + 1:
        stack.undo()
    elif not command.applied and stack.index() == position:
        stack.redo()
