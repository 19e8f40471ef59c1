"""A timeline list: the lazy model, its delegate, and the keys a list of interactions needs.

Used twice: as the Timeline view's main list, and in a person's profile for their history.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView, QWidget

from ally_desktop.core.timeline import TimelineQuery
from ally_desktop.ui.selection import select_rows, selected_row_runs
from ally_desktop.ui.timeline.delegate import TimelineDelegate
from ally_desktop.ui.timeline.model import TimelineModel
from ally_desktop.ui.widgets.row_list import set_up_row_list


class TimelineList(QTableView):
    """Interactions newest first, fetched as the user scrolls (a row list, see
    ui/widgets/row_list.py)."""

    editRequested = Signal(int)  # noqa: N815 (an interaction id)
    deleteRequested = Signal()  # noqa: N815
    selectedChanged = Signal()  # noqa: N815

    def __init__(
        self,
        db: pw.SqliteDatabase,
        query: TimelineQuery | None = None,
        parent: QWidget | None = None,
        *,
        first_page: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.timeline = (
            TimelineModel(db, query)
            if first_page is None
            else TimelineModel(db, query, first_page=first_page)
        )
        self.setModel(self.timeline)
        self.delegate = TimelineDelegate(self)
        self.setItemDelegate(self.delegate)
        set_up_row_list(
            self,
            self.delegate.row_height(self.font()),
            QAbstractItemView.SelectionMode.ExtendedSelection,
        )
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(self._double_clicked)
        self.selectionModel().selectionChanged.connect(self.selectedChanged)
        self._kept: list[int] = []
        self.timeline.modelAboutToBeReset.connect(self._keep_selection)
        self.timeline.modelReset.connect(self._restore_selection)
        self.extra_actions: Callable[[QMenu, list[int]], None] | None = None

    # --- selection ---------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        ids = []
        for first, last in selected_row_runs(self.selectionModel()):
            for row in range(first, last + 1):
                interaction_id = self.timeline.interaction_id(row)
                if interaction_id is not None:
                    ids.append(interaction_id)
        return ids

    def select_ids(self, ids: list[int], *, scroll: bool = True) -> None:
        rows = [r for r in (self.timeline.load_through(i) for i in ids) if r is not None]
        selection = self.selectionModel()
        select_rows(selection, rows)
        if rows:
            current = self.timeline.index(min(rows))
            selection.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.scrollTo(current, QAbstractItemView.ScrollHint.EnsureVisible)

    def _keep_selection(self) -> None:
        self._kept = self.selected_ids()

    def _restore_selection(self) -> None:
        self.selectionModel().blockSignals(True)
        rows = [r for r in (self.timeline.row_of(i) for i in self._kept) if r is not None]
        select_rows(self.selectionModel(), rows)
        if rows:
            self.selectionModel().setCurrentIndex(
                self.timeline.index(min(rows)), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.selectionModel().blockSignals(False)
        self.selectedChanged.emit()

    # --- keys and mouse ----------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            ids = self.selected_ids()
            if len(ids) == 1:
                self.editRequested.emit(ids[0])
                return
        if event.key() == Qt.Key.Key_Delete and self.selected_ids():
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)

    def _double_clicked(self, index: QModelIndex) -> None:
        interaction_id = self.timeline.interaction_id(index.row()) if index.isValid() else None
        if interaction_id is not None:
            self.editRequested.emit(interaction_id)

    def _context_menu(self, position: QPoint) -> None:
        ids = self.selected_ids()
        menu = QMenu(self)
        edit = menu.addAction("Edit…")
        edit.setEnabled(len(ids) == 1)
        edit.triggered.connect(lambda: self.editRequested.emit(ids[0]))
        delete = menu.addAction("Move to trash")
        delete.setEnabled(bool(ids))
        delete.triggered.connect(self.deleteRequested)
        if self.extra_actions is not None:
            self.extra_actions(menu, ids)
        menu.exec(self.viewport().mapToGlobal(position))
