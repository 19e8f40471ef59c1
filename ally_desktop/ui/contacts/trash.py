"""The trash: people deleted from the list, restorable until the trash is emptied or
until they expire (deleted for good after the retention period, 30 days by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import ContactQuery
from ally_desktop.core.trash_expiry import retention_days
from ally_desktop.ui.contacts.commands import ChangeSet, ContactEditing
from ally_desktop.ui.contacts.model import ContactTableModel
from ally_desktop.ui.selection import selected_rows
from ally_desktop.ui.trash_expiry import retention_text

if TYPE_CHECKING:
    from ally_desktop.ui.timeline.commands import InteractionEditing
    from ally_desktop.ui.timeline.trash import InteractionTrash


class TrashDialog(QDialog):
    """Restore (undoable) or delete for good (asked first) the people in the trash."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        editing: ContactEditing,
        interactions: InteractionEditing | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._editing = editing
        self.setWindowTitle("Trash")
        self.resize(760, 500)
        self.model = ContactTableModel(db, ContactQuery(trashed=True))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 160)
        self.summary = QLabel()
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setShortcut(QKeySequence("Ctrl+R"))
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
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        self.retention = QLabel(
            f"People you deleted stay here until you restore them or empty the trash."
            f" {retention_text(retention_days(db))}"
        )
        self.retention.setObjectName("trashRetention")
        self.retention.setWordWrap(True)
        people_layout.addWidget(self.retention)
        people_layout.addWidget(self.table, 1)
        people_layout.addWidget(self.summary)
        people_layout.addLayout(actions)
        self.tabs = QTabWidget()
        self.tabs.addTab(people, "&People")
        self.interactions: InteractionTrash | None = None
        if interactions is not None:
            from ally_desktop.ui.timeline.trash import InteractionTrash

            self.interactions = InteractionTrash(db, interactions, self._confirm)
            self.tabs.addTab(self.interactions, "&Interactions")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        editing.changes.changed.connect(self._on_changed)
        self._update_buttons()

    def _on_changed(self, _change: ChangeSet) -> None:
        self.model.reload()
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        return [self.model.contact_id(r) for r in selected_rows(self.table.selectionModel())]

    def _update_buttons(self) -> None:
        count = self.model.rowCount()
        selected = self.table.selectionModel().hasSelection()
        self.summary.setText(
            "The trash is empty."
            if not count
            else f"{count:,} {'person' if count == 1 else 'people'} in the trash."
        )
        self.restore_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.empty_button.setEnabled(count > 0)

    def _names(self, ids: list[int]) -> str:
        if len(ids) == 1:
            row = self.model.row_of(ids[0])
            if row is not None:
                return str(self.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole))
        return f"{len(ids):,} people"

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._editing.set_trashed(ids, False, self._names(ids))

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids and self._confirm(f"Delete {self._names(ids)} for good? This cannot be undone."):
            self._editing.purge(ids)

    def empty(self) -> None:
        count = self.model.rowCount()
        if count and self._confirm(
            f"Delete all {count:,} people in the trash for good? This cannot be undone."
        ):
            self._editing.purge(list(self.model.ids()))

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.warning(
            self,
            "Delete for good",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes
