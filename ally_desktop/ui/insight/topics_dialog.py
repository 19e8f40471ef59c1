"""The topics dialog: merge topics that mean the same thing, rename one.

Tick the synonyms ("price", "pricing", "Pricing strategy"), choose the name to keep,
Merge: everyone who listed any of them lists the kept one, and the other names still
lead to it (typing "price" finds the pricing people). Each merge or rename is one step
on the window's undo stack.
"""

from __future__ import annotations

from typing import Any

import peewee as pw
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.topics import (
    TopicConflictError,
    TopicNotFoundError,
    TopicUsage,
    list_topics,
)
from ally_desktop.store.errors import StoreError
from ally_desktop.ui.busy import busy_cursor
from ally_desktop.ui.insight.topic_commands import TopicEditing

ModelIndex = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def usage_text(usage: TopicUsage) -> str:
    """ "pricing — 12 people · also “price”"."""
    people = "1 person" if usage.people == 1 else f"{usage.people:,} people"
    text = f"{usage.name} — {people}"
    if usage.aliases:
        text += " · also " + ", ".join(f"“{alias}”" for alias in usage.aliases)
    return text


class TopicListModel(QAbstractListModel):
    """Topics with a check box each; what is ticked stays ticked through filtering."""

    checkedChanged = Signal()  # noqa: N815

    def __init__(self, db: pw.SqliteDatabase) -> None:
        super().__init__()
        self._db = db
        self._usages: list[TopicUsage] = []
        self._checked: dict[int, TopicUsage] = {}
        self._filter = ""

    def set_filter(self, text: str) -> None:
        self._filter = text
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._usages = list_topics(self._db, self._filter)
        fresh = {u.id: u for u in list_topics(self._db)} if self._checked else {}
        self._checked = {tid: fresh[tid] for tid in self._checked if tid in fresh}
        self.endResetModel()
        self.checkedChanged.emit()

    def checked(self) -> list[TopicUsage]:
        """The ticked topics, most listed first."""
        return sorted(self._checked.values(), key=lambda u: (-u.people, u.name.casefold(), u.id))

    def set_checked(self, topic_ids: list[int]) -> None:
        by_id = {u.id: u for u in list_topics(self._db)}
        self._checked = {tid: by_id[tid] for tid in topic_ids if tid in by_id}
        if self._usages:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._usages) - 1), [Qt.ItemDataRole.CheckStateRole]
            )
        self.checkedChanged.emit()

    def usage(self, row: int) -> TopicUsage | None:
        return self._usages[row] if 0 <= row < len(self._usages) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._usages)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        usage = self.usage(index.row()) if index.isValid() else None
        if usage is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return usage_text(usage)
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = usage.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == ID_ROLE:
            return usage.id
        return None

    def setData(  # noqa: N802
        self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        usage = self.usage(index.row()) if index.isValid() else None
        if usage is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked[usage.id] = usage
        else:
            self._checked.pop(usage.id, None)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checkedChanged.emit()
        return True


class TopicsDialog(QDialog):
    """Merge synonyms and rename topics; changes go through ``TopicEditing`` (undoable)."""

    def __init__(
        self, db: pw.SqliteDatabase, editing: TopicEditing, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Topics")
        self.setObjectName("topicsDialog")
        self._editing = editing
        self.model = TopicListModel(db)

        intro = QLabel(
            "Tick topics that mean the same thing and merge them: everyone who listed any "
            "of them lists the one you keep, and the other names still find it."
        )
        intro.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setObjectName("topicFilter")
        self.filter.setPlaceholderText("Filter topics…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.model.set_filter)
        self.list = QListView()
        self.list.setObjectName("topicList")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.doubleClicked.connect(self._toggle)

        self.keep = QComboBox()
        self.keep.setObjectName("keepName")
        self.keep.setToolTip("The name everyone will see")
        self.merge_button = QPushButton("Merge")
        self.merge_button.setObjectName("mergeTopics")
        self.merge_button.clicked.connect(self.merge)
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self._ask_rename)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Keep the name:"))
        keep_row.addWidget(self.keep, 1)
        keep_row.addWidget(self.merge_button)
        keep_row.addWidget(self.rename_button)

        self.status = QLabel()
        self.status.setObjectName("topicsStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addLayout(keep_row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(520, 480)

        self.model.checkedChanged.connect(self._update_choices)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update_choices())
        self.model.reload()

    # --- choosing ---------------------------------------------------------------------
    def _toggle(self, index: QModelIndex) -> None:
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        checked = Qt.CheckState(state) == Qt.CheckState.Checked
        new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
        self.model.setData(index, new.value, Qt.ItemDataRole.CheckStateRole)

    def _update_choices(self) -> None:
        checked = self.model.checked()
        kept = self.keep.currentData()
        self.keep.blockSignals(True)
        self.keep.clear()
        for usage in checked:
            self.keep.addItem(usage.name, usage.id)
        index = self.keep.findData(kept)
        self.keep.setCurrentIndex(index if index >= 0 else 0)
        self.keep.blockSignals(False)
        self.keep.setEnabled(len(checked) >= 2)
        self.merge_button.setEnabled(len(checked) >= 2)
        self.rename_button.setEnabled(self._rename_target() is not None)

    def _rename_target(self) -> TopicUsage | None:
        checked = self.model.checked()
        if len(checked) == 1:
            return checked[0]
        if not checked:
            return self.model.usage(self.list.currentIndex().row())
        return None

    # --- changing -----------------------------------------------------------------------
    def merge(self) -> bool:
        """Merge the ticked topics into the one chosen; False (and the reason shown) when
        nothing changed."""
        checked = self.model.checked()
        keep_id = self.keep.currentData()
        if len(checked) < 2 or keep_id is None:
            return False
        try:
            with busy_cursor():
                merge = self._editing.merge([u.id for u in checked], int(keep_id))
        except (TopicConflictError, TopicNotFoundError, StoreError) as exc:
            self._say(str(exc))
            self.model.reload()
            return False
        self.model.set_checked([])
        self.model.reload()
        people = len(merge.people)
        self._say(
            f"{merge.describe()}: {people:,} {'person' if people == 1 else 'people'} updated. "
            "Edit ▸ Undo takes it back."
        )
        return True

    def rename(self, topic_id: int, name: str) -> bool:
        try:
            rename = self._editing.rename(topic_id, name)
        except (TopicConflictError, TopicNotFoundError, StoreError) as exc:
            self._say(str(exc))
            return False
        self.model.reload()
        if rename is not None:
            self._say(f"{rename.describe()}. Edit ▸ Undo takes it back.")
        return True

    def _ask_rename(self) -> None:
        target = self._rename_target()
        if target is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename topic", f"New name for “{target.name}”:", text=target.name
        )
        if ok:
            self.rename(target.id, name)

    def _say(self, text: str) -> None:
        self.status.setText(text)
