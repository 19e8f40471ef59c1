"""The Interactions side of the trash: restore (undoable) or delete for good (asked first)."""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ally_desktop.core.timeline import TimelineQuery, count_interactions, interaction_ids
from ally_desktop.core.trash_expiry import retention_days
from ally_desktop.ui.timeline.commands import InteractionEditing
from ally_desktop.ui.timeline.view import TimelineList
from ally_desktop.ui.trash_expiry import retention_text


def _label(count: int) -> str:
    return "1 interaction" if count == 1 else f"{count:,} interactions"


class InteractionTrash(QWidget):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        editing: InteractionEditing,
        confirm: Callable[[str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._editing = editing
        self._confirm = confirm
        self.list = TimelineList(db, TimelineQuery(trashed=True))
        self.list.setObjectName("trashedInteractions")
        self.list.deleteRequested.connect(self.delete_selected)
        self.summary = QLabel()
        self.restore_button = QPushButton("&Restore")
        self.delete_button = QPushButton("&Delete for good…")
        self.empty_button = QPushButton("&Empty trash…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.empty_button.clicked.connect(self.empty)
        actions = QHBoxLayout()
        actions.addWidget(self.restore_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.empty_button)
        self.retention = QLabel(
            "Interactions you deleted, and those whose people are all in the trash, stay"
            f" here until you restore or empty them. {retention_text(retention_days(db))}"
            " Those that went with their people go when they do."
        )
        self.retention.setObjectName("trashRetention")
        self.retention.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.retention)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        layout.addLayout(actions)
        self.list.selectedChanged.connect(self._update_buttons)
        editing.changes.interactionsChanged.connect(self._on_changed)
        editing.changes.changed.connect(self._on_changed)
        self._update_buttons()

    def _on_changed(self, _change: object) -> None:
        self.list.timeline.reload(keep_loaded=True)
        self._update_buttons()

    def count(self) -> int:
        return count_interactions(self._db, TimelineQuery(trashed=True))

    def _update_buttons(self) -> None:
        count = self.count()
        selected = bool(self.list.selected_ids())
        self.summary.setText(f"{_label(count)} in the trash." if count else "No interaction here.")
        self.restore_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.empty_button.setEnabled(count > 0)

    def restore_selected(self) -> None:
        ids = self.list.selected_ids()
        if ids:
            self._editing.set_trashed(ids, False, _label(len(ids)))

    def delete_selected(self) -> None:
        ids = self.list.selected_ids()
        if ids and self._confirm(f"Delete {_label(len(ids))} for good? This cannot be undone."):
            self._editing.purge(ids)

    def empty(self) -> None:
        ids = list(interaction_ids(self._db, TimelineQuery(trashed=True)))
        if ids and self._confirm(
            f"Delete all {_label(len(ids))} in the trash for good? This cannot be undone."
        ):
            self._editing.purge(ids)
