"""Undoable interaction changes: log, edit, move to the trash, restore.

Like contact changes, each is made through core first (a failure is reported and nothing
is pushed), then recorded on the window's one QUndoStack, so Ctrl+Z undoes contact and
interaction changes in the order they were made. Every change is announced with the
interactions and the people it touched, so the timeline, the contact list (last
interaction) and the open profile refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import peewee as pw
from PySide6.QtGui import QUndoStack

from ally_desktop.core import timeline
from ally_desktop.core.timeline import InteractionData, kind_label
from ally_desktop.store.errors import user_facing_errors
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.undo import RecordedCommand


@dataclass(frozen=True)
class InteractionChange:
    """Interactions changed; ``people`` took part before or after (their last interaction
    may have moved); ``focus`` is the interaction to select afterwards."""

    interactions: tuple[int, ...]
    people: tuple[int, ...]
    focus: int | None = None


def _label(data: InteractionData) -> str:
    return data.title or kind_label(data.kind).lower()


class _InteractionCommand(RecordedCommand):
    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, text: str) -> None:
        super().__init__(db, changes.failed.emit, text)
        self._changes = changes

    def _announce(self, change: InteractionChange) -> None:
        self._changes.interactionsChanged.emit(change)


class LogInteraction(_InteractionCommand):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        interaction_id: int,
        data: InteractionData,
    ) -> None:
        super().__init__(db, changes, f"Log {_label(data)}")
        self._id = interaction_id
        self._data = data

    def _redo(self) -> InteractionChange:
        timeline.create_interaction(self._db, self._data, interaction_id=self._id)
        return InteractionChange((self._id,), tuple(self._data.participants), self._id)

    def _undo(self) -> InteractionChange:
        self._data = timeline.load_interaction(self._db, self._id).data
        timeline.purge_interactions(self._db, [self._id])
        return InteractionChange((self._id,), tuple(self._data.participants))


class EditInteraction(_InteractionCommand):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        interaction_id: int,
        before: InteractionData,
        after: InteractionData,
    ) -> None:
        super().__init__(db, changes, f"Edit {_label(after)}")
        self._id = interaction_id
        self._before = before
        self._after = after

    def _apply(self, data: InteractionData) -> InteractionChange:
        timeline.update_interaction(self._db, self._id, data)
        people = tuple(dict.fromkeys([*self._before.participants, *self._after.participants]))
        return InteractionChange((self._id,), people, self._id)

    def _redo(self) -> InteractionChange:
        return self._apply(self._after)

    def _undo(self) -> InteractionChange:
        return self._apply(self._before)


class TrashInteractions(_InteractionCommand):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        ids: Sequence[int],
        people: Sequence[int],
        to_trash: bool,
        label: str,
    ) -> None:
        super().__init__(db, changes, f"{'Delete' if to_trash else 'Restore'} {label}")
        self._ids = tuple(ids)
        self._people = tuple(people)
        self._to_trash = to_trash

    def _set(self, trashed: bool) -> InteractionChange:
        timeline.set_interactions_trashed(self._db, self._ids, trashed)
        focus = None if trashed or len(self._ids) != 1 else self._ids[0]
        return InteractionChange(self._ids, self._people, focus)

    def _redo(self) -> InteractionChange:
        return self._set(self._to_trash)

    def _undo(self) -> InteractionChange:
        return self._set(not self._to_trash)


class InteractionEditing:
    """The UI's single way to change interactions, recorded for undo."""

    def __init__(self, db: pw.SqliteDatabase, stack: QUndoStack, changes: ContactChanges) -> None:
        self.db = db
        self.stack = stack
        self.changes = changes

    def log(self, data: InteractionData) -> int:
        """Store a new interaction (raises ValidationError or StoreError, nothing stored)."""
        with user_facing_errors():
            interaction_id = timeline.create_interaction(self.db, data)
            stored = timeline.load_interaction(self.db, interaction_id).data
        LogInteraction(self.db, self.changes, interaction_id, stored).push_onto(self.stack)
        self.changes.interactionsChanged.emit(
            InteractionChange((interaction_id,), tuple(stored.participants), interaction_id)
        )
        return interaction_id

    def edit(self, interaction_id: int, data: InteractionData) -> None:
        """Replace an interaction (raises ValidationError, StoreError or
        InteractionNotFoundError; nothing changed)."""
        with user_facing_errors():
            before = timeline.load_interaction(self.db, interaction_id).data
            timeline.update_interaction(self.db, interaction_id, data)
            after = timeline.load_interaction(self.db, interaction_id).data
        if after == before:
            return
        EditInteraction(self.db, self.changes, interaction_id, before, after).push_onto(self.stack)
        people = tuple(dict.fromkeys([*before.participants, *after.participants]))
        self.changes.interactionsChanged.emit(
            InteractionChange((interaction_id,), people, interaction_id)
        )

    def set_trashed(self, ids: Sequence[int], to_trash: bool, label: str) -> int:
        """Move interactions to the trash or back (raises StoreError, nothing changed)."""
        with user_facing_errors():
            people = timeline.participants_of(self.db, ids)
            changed = timeline.set_interactions_trashed(self.db, ids, to_trash)
        if changed:
            command = TrashInteractions(self.db, self.changes, ids, people, to_trash, label)
            command.push_onto(self.stack)
            focus = None if to_trash or len(ids) != 1 else ids[0]
            self.changes.interactionsChanged.emit(InteractionChange(tuple(ids), people, focus))
        return changed

    def purge(self, ids: Sequence[int]) -> int:
        """Delete for good (not undoable: the caller asked the user first)."""
        with user_facing_errors():
            people = timeline.participants_of(self.db, ids)
            removed = timeline.purge_interactions(self.db, ids)
        # Earlier commands may refer to these interactions; the user was told this is final.
        self.stack.clear()
        self.changes.interactionsChanged.emit(InteractionChange(tuple(ids), people))
        return removed
