"""Undoable changes to the topic vocabulary: merging synonyms, renaming a topic.

The change is made through ``core.topics`` first (which returns the exact rows it
replaced), then recorded on the window's undo stack. Both change what people list, so
they are announced as contact changes: the list, the profile and "Who can help?" follow.
"""

from __future__ import annotations

from collections.abc import Sequence

import peewee as pw
from PySide6.QtGui import QUndoStack

from ally_desktop.core import topics
from ally_desktop.core.topics import TopicConflictError, TopicMerge, TopicRename
from ally_desktop.store.errors import user_facing_errors
from ally_desktop.ui.busy import busy_cursor
from ally_desktop.ui.contacts.commands import ChangeSet, ContactChanges
from ally_desktop.ui.undo import RecordedCommand


class TopicChangeLostError(LookupError):
    """The vocabulary moved on (a merged word was typed again): this step cannot be
    replayed; the undo history drops it and says why."""


class _TopicCommand(RecordedCommand):
    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, text: str) -> None:
        super().__init__(db, changes.failed.emit, text)
        self._changes = changes

    def _announce(self, change: ChangeSet) -> None:
        self._changes.announce(change)


class MergeTopics(_TopicCommand):
    """Merged topics into one; undo puts every row back (see ``core.topics.undo_merge``)."""

    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, merge: TopicMerge) -> None:
        super().__init__(db, changes, merge.describe())
        self.merge = merge

    def _redo(self) -> ChangeSet:
        try:
            with busy_cursor():  # a topic thousands of people list: most of a second
                self.merge = topics.merge_topics(
                    self._db, self.merge.merged_ids, self.merge.kept_id
                )
        except TopicConflictError as exc:
            raise TopicChangeLostError(str(exc)) from exc
        return ChangeSet(self.merge.people, membership=True)

    def _undo(self) -> ChangeSet:
        try:
            with busy_cursor():
                people = topics.undo_merge(self._db, self.merge)
        except TopicConflictError as exc:
            raise TopicChangeLostError(str(exc)) from exc
        return ChangeSet(people, membership=True)


class RenameTopic(_TopicCommand):
    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, rename: TopicRename) -> None:
        super().__init__(db, changes, rename.describe())
        self.rename = rename

    def _redo(self) -> ChangeSet:
        try:
            self.rename = topics.rename_topic(self._db, self.rename.topic_id, self.rename.new_name)
        except TopicConflictError as exc:
            raise TopicChangeLostError(str(exc)) from exc
        return ChangeSet(self.rename.people, membership=True)

    def _undo(self) -> ChangeSet:
        try:
            people = topics.undo_rename(self._db, self.rename)
        except TopicConflictError as exc:
            raise TopicChangeLostError(str(exc)) from exc
        return ChangeSet(people, membership=True)


class TopicEditing:
    """Makes vocabulary changes and records them for undo (raises StoreError, or
    TopicConflictError / TopicNotFoundError with a message for the user; nothing changed)."""

    def __init__(self, db: pw.SqliteDatabase, stack: QUndoStack, changes: ContactChanges) -> None:
        self.db = db
        self.stack = stack
        self.changes = changes

    def merge(self, topic_ids: Sequence[int], keep_id: int) -> TopicMerge:
        with user_facing_errors():
            merge = topics.merge_topics(self.db, topic_ids, keep_id)
        MergeTopics(self.db, self.changes, merge).push_onto(self.stack)
        self.changes.announce(ChangeSet(merge.people, membership=True))
        return merge

    def rename(self, topic_id: int, name: str) -> TopicRename | None:
        """None when the name is the same as it was."""
        current = topics.topic_by_id(self.db, topic_id)
        if current is not None and current.name == topics.clean_topic_name(name):
            return None
        with user_facing_errors():
            rename = topics.rename_topic(self.db, topic_id, name)
        RenameTopic(self.db, self.changes, rename).push_onto(self.stack)
        self.changes.announce(ChangeSet(rename.people, membership=True))
        return rename
