"""The page for people in the file who are already in Ally: merge, skip or create, per
person or for all at once.

The choices live in a table model (a file can match thousands of people); each row's
action is a combo box from a delegate, open at once for lists of ordinary size and on
a click for very long ones, so the page opens quickly either way.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.transfer.importing import Duplicate, DuplicateAction, ImportPlan
from ally_desktop.ui.transfer.heading import page_title

ModelIndex = QModelIndex | QPersistentModelIndex
LINE, THEIR_NAME, MATCH, WHY, ACTION = range(5)
HEADERS = ("Row in file", "In the file", "Already in Ally", "Why", "Action")
OPEN_EDITORS_UP_TO = 500  # combo boxes shown at once; longer lists open one on a click
ACTIONS = tuple(DuplicateAction)


class DuplicatesModel(QAbstractTableModel):
    """One row per duplicate; the Action column is editable."""

    def __init__(self, plan: ImportPlan, default: DuplicateAction = DuplicateAction.MERGE) -> None:
        super().__init__()
        self._plan = plan
        self._rows: list[Duplicate] = list(plan.duplicates)
        self._actions: list[DuplicateAction] = [default] * len(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled
        if index.column() == ACTION:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        duplicate = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.EditRole and column == ACTION:
            return self._actions[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        incoming = self._plan.contacts[duplicate.index]
        if column == LINE:
            return f"{incoming.line:,}"
        if column == THEIR_NAME:
            data = incoming.data
            email = data.emails[0].value if data.emails else ""
            return data.shown_name() or data.organization or email
        if column == MATCH:
            return duplicate.existing_name
        if column == WHY:
            return duplicate.reason
        return self._actions[index.row()].label

    def setData(  # noqa: N802
        self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != ACTION:
            return False
        action = DuplicateAction(value)
        if self._actions[index.row()] is not action:
            self._actions[index.row()] = action
            self.dataChanged.emit(index, index)
        return True

    def action(self, row: int) -> DuplicateAction:
        return self._actions[row]

    def set_all(self, action: DuplicateAction) -> None:
        self._actions = [action] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, ACTION), self.index(len(self._rows) - 1, ACTION))

    def choices(self) -> dict[int, DuplicateAction]:
        """What to do with each duplicate, by its index in the plan (apply_import's form)."""
        return {d.index: a for d, a in zip(self._rows, self._actions, strict=True)}


class ActionDelegate(QStyledItemDelegate):
    """The Action column's combo box; a choice is stored as soon as it is made."""

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for action in ACTIONS:
            combo.addItem(action.label, action)
        combo.currentIndexChanged.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        wanted = index.data(Qt.ItemDataRole.EditRole)
        position = editor.findData(wanted)
        if position >= 0 and position != editor.currentIndex():
            editor.blockSignals(True)
            editor.setCurrentIndex(position)
            editor.blockSignals(False)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class DuplicatesPage(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: DuplicatesModel | None = None
        self.title = page_title()
        self.explanation = QLabel(
            "Merge adds what the file knows to the person in Ally; Skip leaves them as they"
            " are; Create new adds a second person."
        )
        self.explanation.setWordWrap(True)
        self.view = QTableView()
        self.view.setObjectName("importDuplicates")
        self.view.setItemDelegateForColumn(ACTION, ActionDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.set_all_buttons: dict[DuplicateAction, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Set all to:"))
        for action in ACTIONS:
            button = QPushButton(action.label)
            button.setObjectName(f"setAll-{action.value}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, a=action: self.set_all(a))
            self.set_all_buttons[action] = button
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

    def show_plan(self, plan: ImportPlan) -> None:
        count = len(plan.duplicates)
        self.title.setText(
            f"{count:,} {'person' if count == 1 else 'people'} in the file"
            f" {'is' if count == 1 else 'are'} already in Ally"
        )
        self.model = DuplicatesModel(plan)
        self.view.setModel(self.model)
        self.model.dataChanged.connect(lambda *_: self.changed.emit())
        combo_height = QComboBox().sizeHint().height()
        self.view.verticalHeader().setDefaultSectionSize(combo_height + 4)
        for column, width in ((LINE, 80), (THEIR_NAME, 170), (MATCH, 170), (WHY, 200)):
            self.view.setColumnWidth(column, width)
        self.view.setColumnWidth(ACTION, 130)
        self.view.horizontalHeader().setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        if count <= OPEN_EDITORS_UP_TO:
            for row in range(count):
                self.view.openPersistentEditor(self.model.index(row, ACTION))

    def set_all(self, action: DuplicateAction) -> None:
        if self.model is not None:
            self.model.set_all(action)

    def action_combo(self, row: int) -> QComboBox:
        """The combo box of a row's action (opened if it was not)."""
        assert self.model is not None
        index = self.model.index(row, ACTION)
        if not self.view.isPersistentEditorOpen(index):
            self.view.openPersistentEditor(index)
        combo = self.view.indexWidget(index)
        assert isinstance(combo, QComboBox)
        return combo

    def choices(self) -> dict[int, DuplicateAction]:
        return self.model.choices() if self.model is not None else {}

    def release(self) -> None:
        self.view.setModel(None)
        self.model = None
