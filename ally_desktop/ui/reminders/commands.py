"""Undoable reminder changes: set, edit, delete, done, snooze, dismiss.

Done, snooze and dismiss change only a reminder's state (its pending occurrence, snooze,
counters); undo puts the whole state back as it was. All go on the window's one undo
stack, and are announced so the Reminders view, the profile and the tray refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtGui import QUndoStack

if TYPE_CHECKING:
    from ally_desktop.core.reminders import ReminderData, ReminderRecord, ReminderState
from ally_desktop.core.due import reminder_name
from ally_desktop.store.db import writing
from ally_desktop.store.errors import user_facing_errors
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.undo import RecordedCommand


def _core() -> ModuleType:
    """core.reminders, imported on first use: it loads dateutil, which the window's first
    paint does not need."""
    from ally_desktop.core import reminders

    return reminders


@dataclass(frozen=True)
class ReminderChange:
    """Reminders changed (about these people); ``focus``: the one to select afterwards."""

    ids: tuple[int, ...]
    people: tuple[int, ...] = ()
    focus: int | None = None


def _people(*records: ReminderRecord) -> tuple[int, ...]:
    return tuple(dict.fromkeys(r.contact_id for r in records if r.contact_id is not None))


def _label(record: ReminderRecord, name: str = "") -> str:
    what = record.title or reminder_name(record.kind, "", record.date_key).lower()
    return f"{what} ({name})" if name else what


class _ReminderCommand(RecordedCommand):
    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, text: str) -> None:
        super().__init__(db, changes.failed.emit, text)
        self._changes = changes

    def _announce(self, change: ReminderChange) -> None:
        self._changes.remindersChanged.emit(change)


class SetReminder(_ReminderCommand):
    def __init__(
        self, db: pw.SqliteDatabase, changes: ContactChanges, record: ReminderRecord
    ) -> None:
        super().__init__(db, changes, f"Set reminder {_label(record)}")
        self._record = record

    def _redo(self) -> ReminderChange:
        _core().restore_reminder(self._db, self._record)
        return ReminderChange((self._record.id,), _people(self._record), self._record.id)

    def _undo(self) -> ReminderChange:
        _core().delete_reminder(self._db, self._record.id)
        return ReminderChange((self._record.id,), _people(self._record))


class DeleteReminder(_ReminderCommand):
    def __init__(
        self, db: pw.SqliteDatabase, changes: ContactChanges, record: ReminderRecord
    ) -> None:
        super().__init__(db, changes, f"Delete reminder {_label(record)}")
        self._record = record

    def _redo(self) -> ReminderChange:
        _core().delete_reminder(self._db, self._record.id)
        return ReminderChange((self._record.id,), _people(self._record))

    def _undo(self) -> ReminderChange:
        _core().restore_reminder(self._db, self._record)
        return ReminderChange((self._record.id,), _people(self._record), self._record.id)


class EditReminder(_ReminderCommand):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        before: tuple[ReminderRecord, ReminderState],
        after: tuple[ReminderRecord, ReminderState],
    ) -> None:
        super().__init__(db, changes, f"Edit reminder {_label(after[0])}")
        self._before = before
        self._after = after

    def _apply(self, version: tuple[ReminderRecord, ReminderState]) -> ReminderChange:
        record, state = version
        with writing(self._db):
            _core().update_reminder(self._db, record.id, record.data())
            _core().set_reminder_state(self._db, record.id, state)
        return ReminderChange((record.id,), _people(self._before[0], self._after[0]), record.id)

    def _redo(self) -> ReminderChange:
        return self._apply(self._after)

    def _undo(self) -> ReminderChange:
        return self._apply(self._before)


class ChangeState(_ReminderCommand):
    """Done, snoozed or dismissed: the state before and after, either way."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        record: ReminderRecord,
        text: str,
        before: ReminderState,
        after: ReminderState,
    ) -> None:
        super().__init__(db, changes, text)
        self._record = record
        self._before = before
        self._after = after

    def _set(self, state: ReminderState) -> ReminderChange:
        _core().set_reminder_state(self._db, self._record.id, state)
        return ReminderChange((self._record.id,), _people(self._record), self._record.id)

    def _redo(self) -> ReminderChange:
        return self._set(self._after)

    def _undo(self) -> ReminderChange:
        return self._set(self._before)


class ReminderEditing:
    """The UI's single way to change reminders, recorded for undo."""

    def __init__(self, db: pw.SqliteDatabase, stack: QUndoStack, changes: ContactChanges) -> None:
        self.db = db
        self.stack = stack
        self.changes = changes

    def create(self, data: ReminderData) -> int:
        """Store a reminder (raises ValidationError or StoreError, nothing stored)."""
        with user_facing_errors():
            reminder_id: int = _core().create_reminder(self.db, data)
            record = _core().load_reminder(self.db, reminder_id)
        SetReminder(self.db, self.changes, record).push_onto(self.stack)
        self.changes.remindersChanged.emit(
            ReminderChange((reminder_id,), _people(record), reminder_id)
        )
        return reminder_id

    def edit(self, reminder_id: int, data: ReminderData) -> None:
        with user_facing_errors():
            before = self._version(reminder_id)
            _core().update_reminder(self.db, reminder_id, data)
            after = self._version(reminder_id)
        if after == before:
            return
        EditReminder(self.db, self.changes, before, after).push_onto(self.stack)
        self.changes.remindersChanged.emit(
            ReminderChange((reminder_id,), _people(before[0], after[0]), reminder_id)
        )

    def delete(self, reminder_id: int, name: str = "") -> None:
        with user_facing_errors():
            record = _core().delete_reminder(self.db, reminder_id)
        command = DeleteReminder(self.db, self.changes, record)
        command.setText(f"Delete reminder {_label(record, name)}")
        command.push_onto(self.stack)
        self.changes.remindersChanged.emit(ReminderChange((reminder_id,), _people(record)))

    def done(self, reminder_id: int, name: str = "") -> None:
        self._change(reminder_id, "Done", name, _core().complete)

    def dismiss(self, reminder_id: int, name: str = "") -> None:
        self._change(reminder_id, "Dismiss", name, _core().dismiss)

    def snooze(self, reminder_id: int, until: datetime, name: str = "") -> None:
        self._change(reminder_id, "Snooze", name, lambda db, rid: _core().snooze(db, rid, until))

    def _change(
        self,
        reminder_id: int,
        verb: str,
        name: str,
        action: Callable[[pw.SqliteDatabase, int], None],
    ) -> None:
        with user_facing_errors():
            record = _core().load_reminder(self.db, reminder_id)
            before = _core().reminder_state(self.db, reminder_id)
            action(self.db, reminder_id)
            after = _core().reminder_state(self.db, reminder_id)
        text = f"{verb}: {_label(record, name)}"
        ChangeState(self.db, self.changes, record, text, before, after).push_onto(self.stack)
        self.changes.remindersChanged.emit(
            ReminderChange((reminder_id,), _people(record), reminder_id)
        )

    def _version(self, reminder_id: int) -> tuple[ReminderRecord, ReminderState]:
        return (
            _core().load_reminder(self.db, reminder_id),
            _core().reminder_state(self.db, reminder_id),
        )
