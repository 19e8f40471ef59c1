"""Recording "A introduced me to B" as one undoable change.

Like every change, it is made through core first (a failure is reported and nothing is
pushed), then recorded on the window's one QUndoStack, so Ctrl+Z takes back the
introduction with the other changes in the order they were made. Undo removes the
interaction and, only when the recording added it, the connection A → B; redo puts back
exactly that. Both people are announced: their timelines (an interaction) and their
profiles (a connection) refresh.
"""

from __future__ import annotations

import peewee as pw
from PySide6.QtGui import QUndoStack

from ally_desktop.core.introductions import (
    IntroductionData,
    RecordedIntroduction,
    record_introduction,
    record_introduction_again,
    remove_introduction,
)
from ally_desktop.store.errors import user_facing_errors
from ally_desktop.ui.contacts.commands import ChangeSet, ContactChanges
from ally_desktop.ui.timeline.commands import InteractionChange
from ally_desktop.ui.undo import RecordedCommand

_Change = tuple[InteractionChange, ChangeSet]


def _change(recorded: RecordedIntroduction, *, recorded_now: bool) -> _Change:
    people = (recorded.introducer, recorded.introduced)
    focus = recorded.interaction_id if recorded_now else None
    return (
        InteractionChange((recorded.interaction_id,), people, focus),
        ChangeSet(people, membership=False),
    )


def _announce(changes: ContactChanges, change: _Change) -> None:
    interactions, contacts = change
    changes.interactionsChanged.emit(interactions)
    changes.announce(contacts)


class RecordIntroduction(RecordedCommand):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        data: IntroductionData,
        recorded: RecordedIntroduction,
    ) -> None:
        super().__init__(db, changes.failed.emit, f"Record “{recorded.title}”")
        self._changes = changes
        self._data = data
        self._recorded = recorded

    def _redo(self) -> _Change:
        record_introduction_again(self._db, self._data, self._recorded)
        return _change(self._recorded, recorded_now=True)

    def _undo(self) -> _Change:
        remove_introduction(self._db, self._recorded)
        return _change(self._recorded, recorded_now=False)

    def _announce(self, change: _Change) -> None:
        _announce(self._changes, change)


class IntroductionEditing:
    """The UI's way to record an introduction, with undo."""

    def __init__(self, db: pw.SqliteDatabase, stack: QUndoStack, changes: ContactChanges) -> None:
        self.db = db
        self.stack = stack
        self.changes = changes

    def record(self, data: IntroductionData) -> RecordedIntroduction:
        """Store it (raises ValidationError or StoreError, nothing stored)."""
        with user_facing_errors():
            recorded = record_introduction(self.db, data)
        RecordIntroduction(self.db, self.changes, data, recorded).push_onto(self.stack)
        _announce(self.changes, _change(recorded, recorded_now=True))
        return recorded
