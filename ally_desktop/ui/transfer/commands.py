"""An import as one undoable step: Ctrl+Z takes the whole file back, Ctrl+Shift+Z brings
it back with the same ids.

The import itself runs on a worker thread (the dialog's job); once it is stored, the
command is pushed already done, like every RecordedCommand. Undo removes the people it
added and restores the people it merged into; redo applies the same plan with the same
choices, giving the added people the ids they had, so later commands that name them
(an edit, a log) still find them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import peewee as pw
from PySide6.QtGui import QUndoStack

from ally_desktop.core.transfer.importing import (
    DuplicateAction,
    ImportOutcome,
    ImportPlan,
    apply_import,
    undo_import,
)
from ally_desktop.ui.busy import busy_cursor
from ally_desktop.ui.contacts.commands import ChangeSet, ContactChanges
from ally_desktop.ui.undo import RecordedCommand


@dataclass
class DoneImport:
    """What the import dialog stored, and everything needed to do it again."""

    plan: ImportPlan
    outcome: ImportOutcome
    choices: Mapping[int, DuplicateAction] = field(default_factory=dict)
    default: DuplicateAction = DuplicateAction.MERGE

    def people(self) -> int:
        return len(self.outcome.created_ids) + len(self.outcome.merged)

    def touched(self) -> tuple[int, ...]:
        return (*self.outcome.created_ids, *(cid for cid, _ in self.outcome.merged))

    def text(self) -> str:
        """ "Import 195 people from contacts.csv": what the Edit menu's Undo names."""
        count = self.people()
        people = "person" if count == 1 else "people"
        return f"Import {count:,} {people} from {self.plan.source_name}"

    def message(self) -> str:
        """ "Imported: 190 added, 5 merged — Undo with Ctrl+Z" for the status bar."""
        left_out = self.outcome.unresolved_links
        links = f"; {left_out:,} connections to people not in the file left out" if left_out else ""
        return f"Imported: {self.outcome.summary()}{links} — Undo with Ctrl+Z"


class ImportCommand(RecordedCommand):
    def __init__(self, db: pw.SqliteDatabase, changes: ContactChanges, done: DoneImport) -> None:
        super().__init__(db, changes.failed.emit, done.text())
        self._changes = changes
        self.done = done

    # Seconds for tens of thousands of people, on the GUI thread: the cursor says so.
    def _redo(self) -> ChangeSet:
        done = self.done
        with busy_cursor():
            done.outcome = apply_import(
                self._db,
                done.plan,
                done.choices,
                done.default,
                reuse_ids=done.outcome.created_ids,
            )
        return ChangeSet(done.touched(), membership=True)

    def _undo(self) -> ChangeSet:
        with busy_cursor():
            undo_import(self._db, self.done.outcome)
        return ChangeSet(self.done.touched(), membership=True)

    def _announce(self, change: ChangeSet) -> None:
        self._changes.announce(change)


def record_import(
    db: pw.SqliteDatabase, stack: QUndoStack, changes: ContactChanges, done: DoneImport
) -> None:
    """Put a stored import on the undo stack and tell the views."""
    ImportCommand(db, changes, done).push_onto(stack)
    changes.announce(ChangeSet(done.touched(), membership=True))
