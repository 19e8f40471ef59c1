"""Undoable contact changes: create, edit, move to trash, restore from trash.

Each is a RecordedCommand (ui/undo.py); every command reports what changed through
``ContactChanges`` so the views refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import peewee as pw
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ally_desktop.core import contacts
from ally_desktop.core.records import ContactData
from ally_desktop.store.errors import user_facing_errors
from ally_desktop.ui.undo import RecordedCommand


@dataclass(frozen=True)
class ChangeSet:
    """What a change touched: these contacts; ``membership``: rows may have come or gone."""

    ids: tuple[int, ...]
    membership: bool
    focus: tuple[int, ...] = ()  # the people to select afterwards


class ContactChanges(QObject):
    """The one place that announces changes to contacts, interactions and reminders,
    whoever made them."""

    changed = Signal(object)  # ChangeSet
    interactionsChanged = Signal(object)  # noqa: N815 (an InteractionChange)
    remindersChanged = Signal(object)  # noqa: N815 (a ReminderChange)
    failed = Signal(str)  # a message for the user when an undo or redo could not be saved

    def announce(self, change: ChangeSet) -> None:
        self.changed.emit(change)


class _ContactCommand(RecordedCommand):
    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, text: str) -> None:
        super().__init__(db, changes.failed.emit, text)
        self._changes = changes

    def _announce(self, change: ChangeSet) -> None:
        self._changes.announce(change)


class CreateContact(_ContactCommand):
    def __init__(
        self, db: pw.SqliteDatabase, changes: ContactChanges, contact_id: int, data: ContactData
    ) -> None:
        super().__init__(db, changes, f"Add {data.shown_name()}")
        self._id = contact_id
        self._data = data

    _trashed = False

    def _redo(self) -> ChangeSet:
        if self._trashed:
            contacts.set_trashed(self._db, [self._id], False)
            self._trashed = False
        else:
            contacts.create_contact(self._db, self._data, contact_id=self._id)
        return ChangeSet((self._id,), membership=True, focus=(self._id,))

    def _undo(self) -> ChangeSet:
        if contacts.has_interactions(self._db, self._id):
            # Logged since (perhaps from the command line): deleting for good would take
            # those interactions with them, so the person goes to the trash instead.
            contacts.set_trashed(self._db, [self._id], True)
            self._trashed = True
        else:
            self._data = contacts.load_contact(self._db, self._id).data  # keep later links
            contacts.purge_contacts(self._db, [self._id])
        return ChangeSet((self._id,), membership=True)


class EditContact(_ContactCommand):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        contact_id: int,
        before: ContactData,
        after: ContactData,
    ) -> None:
        super().__init__(db, changes, f"Edit {after.shown_name()}")
        self._id = contact_id
        self._before = before
        self._after = after

    def _apply(self, data: ContactData) -> ChangeSet:
        contacts.update_contact(self._db, self._id, data)
        others = tuple(
            link.other_id for link in (*self._before.connections, *self._after.connections)
        )
        return ChangeSet((self._id, *others), membership=True, focus=(self._id,))

    def _redo(self) -> ChangeSet:
        return self._apply(self._after)

    def _undo(self) -> ChangeSet:
        return self._apply(self._before)


class TrashContacts(_ContactCommand):
    """Move to the trash (``to_trash``) or restore from it; the undo is the other way."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        ids: Sequence[int],
        to_trash: bool,
        names: str,
    ) -> None:
        verb = "Delete" if to_trash else "Restore"
        super().__init__(db, changes, f"{verb} {names}")
        self._ids = tuple(ids)
        self._to_trash = to_trash

    def _set(self, trashed: bool) -> ChangeSet:
        contacts.set_trashed(self._db, self._ids, trashed)
        return ChangeSet(self._ids, membership=True, focus=() if trashed else self._ids)

    def _redo(self) -> ChangeSet:
        return self._set(self._to_trash)

    def _undo(self) -> ChangeSet:
        return self._set(not self._to_trash)


class ContactEditing:
    """Makes contact changes and records them for undo; the UI's single way to change contacts."""

    def __init__(self, db: pw.SqliteDatabase, stack: QUndoStack, changes: ContactChanges) -> None:
        self.db = db
        self.stack = stack
        self.changes = changes

    def create(self, data: ContactData) -> int:
        """Store a new contact (raises ValidationError or StoreError, nothing stored)."""
        with user_facing_errors():
            return self._create(data)

    def _create(self, data: ContactData) -> int:
        contact_id = contacts.create_contact(self.db, data)
        stored = contacts.load_contact(self.db, contact_id).data
        CreateContact(self.db, self.changes, contact_id, stored).push_onto(self.stack)
        self.changes.announce(ChangeSet((contact_id,), membership=True, focus=(contact_id,)))
        return contact_id

    def edit(self, contact_id: int, data: ContactData) -> None:
        """Replace a contact's data (raises ValidationError or StoreError, nothing changed)."""
        with user_facing_errors():
            self._edit(contact_id, data)

    def _edit(self, contact_id: int, data: ContactData) -> None:
        before = contacts.load_contact(self.db, contact_id).data
        contacts.update_contact(self.db, contact_id, data)
        after = contacts.load_contact(self.db, contact_id).data
        if after == before:
            return
        command = EditContact(self.db, self.changes, contact_id, before, after)
        command.push_onto(self.stack)
        others = tuple(link.other_id for link in (*before.connections, *after.connections))
        self.changes.announce(
            ChangeSet((contact_id, *others), membership=True, focus=(contact_id,))
        )

    def set_trashed(self, ids: Sequence[int], to_trash: bool, names: str) -> int:
        """Move to the trash or restore from it (raises StoreError, nothing changed)."""
        with user_facing_errors():
            changed = contacts.set_trashed(self.db, ids, to_trash)
        if changed:
            TrashContacts(self.db, self.changes, ids, to_trash, names).push_onto(self.stack)
            focus = () if to_trash else tuple(ids)
            self.changes.announce(ChangeSet(tuple(ids), membership=True, focus=focus))
        return changed

    def purge(self, ids: Sequence[int]) -> int:
        """Delete for good (not undoable: the caller asked the user first)."""
        with user_facing_errors():
            removed = contacts.purge_contacts(self.db, ids)
        # Earlier commands may name the purged people; the user was told this is final.
        self.stack.clear()
        self.changes.announce(ChangeSet(tuple(ids), membership=True))
        return removed
