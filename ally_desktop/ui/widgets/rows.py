"""A list of small editable rows with add and remove buttons (emails, dates, connections)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

T = TypeVar("T")


class RowEditor(QWidget, Generic[T]):
    """One row: builds its widgets, reads its value (None when blank)."""

    def value(self) -> T | None:
        raise NotImplementedError


class RepeatingRows(QWidget, Generic[T]):
    """Rows made by ``factory``; a trailing "Add" button, a remove button per row."""

    def __init__(
        self,
        factory: Callable[[T | None], RowEditor[T]],
        add_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory = factory
        self._rows: list[RowEditor[T]] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._add = QPushButton(add_text)
        self._add.clicked.connect(lambda: self.add_row(None).setFocus())
        footer = QHBoxLayout()
        footer.addWidget(self._add)
        footer.addStretch(1)
        self._layout.addLayout(footer)

    def add_row(self, value: T | None) -> RowEditor[T]:
        editor = self._factory(value)
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(editor, 1)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove")
        remove.setAutoRaise(True)
        remove.clicked.connect(lambda: self._remove(holder, editor))
        line.addWidget(remove)
        self._layout.insertWidget(self._layout.count() - 1, holder)
        self._rows.append(editor)
        return editor

    def _remove(self, holder: QWidget, editor: RowEditor[T]) -> None:
        self._rows.remove(editor)
        holder.deleteLater()

    def set_values(self, values: list[T]) -> None:
        for value in values:
            self.add_row(value)

    def values(self) -> list[T]:
        return [v for v in (row.value() for row in self._rows) if v is not None]

    def editors(self) -> list[RowEditor[T]]:
        return list(self._rows)
