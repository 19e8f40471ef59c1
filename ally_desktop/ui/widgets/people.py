"""A field for choosing people by typing: "ali", Enter, "bo", Enter.

Each chosen person becomes a chip (× removes it; Backspace in the empty field removes the
last). Suggestions come from the search index as the user types, so the field works the
same with ten people or 100,000. When nobody matches, the only suggestion is to add the
typed name as a new person, which the caller does (with undo).

The suggestion list floats over the form below the field instead of being a separate
popup window: keyboard focus never leaves the text field, so typing, arrows and Enter
behave the same on every platform and under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import find_by_name
from ally_desktop.core.text import clean_line, sort_key

SUGGESTIONS = 8
_NEW = -1  # the suggestion that adds a new person


@dataclass(frozen=True)
class ChosenPerson:
    id: int
    name: str


class _Chip(QFrame):
    removeRequested = Signal(int)  # noqa: N815

    def __init__(self, person: ChosenPerson, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person = person
        self.setObjectName("personChip")
        self.setStyleSheet(
            "QFrame#personChip { border: 1px solid palette(mid); border-radius: 10px;"
            " background: palette(alternate-base); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        layout.addWidget(QLabel(person.name))
        remove = QToolButton()
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(f"Remove {person.name}")
        remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        remove.clicked.connect(lambda: self.removeRequested.emit(person.id))
        layout.addWidget(remove)


class PeopleField(QWidget):
    """Chips of chosen people and a text field that finds more."""

    changed = Signal()

    def __init__(
        self,
        db: pw.SqliteDatabase,
        create_person: Callable[[str], int | None] | None = None,
        parent: QWidget | None = None,
        *,
        single: bool = False,
    ) -> None:
        """``single``: one person at most; choosing another replaces them."""
        super().__init__(parent)
        self._db = db
        self._create_person = create_person
        self._single = single
        self._people: list[ChosenPerson] = []
        self._chips = QHBoxLayout()
        self._chips.setContentsMargins(0, 0, 0, 0)
        self._chips.setSpacing(4)
        self._chip_row = QWidget()
        chip_layout = QHBoxLayout(self._chip_row)
        chip_layout.setContentsMargins(0, 0, 0, 0)
        chip_layout.addLayout(self._chips)
        chip_layout.addStretch(1)
        self._chip_row.hide()
        self.input = QLineEdit()
        self.input.setObjectName("peopleInput")
        self.input.setPlaceholderText("Type a name, then Enter; add as many people as were there")
        self.input.textEdited.connect(self._update_suggestions)
        self.input.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._chip_row)
        layout.addWidget(self.input)
        self.setFocusProxy(self.input)
        self.suggestions = QListWidget()
        self.suggestions.setObjectName("peopleSuggestions")
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.suggestions.setWindowFlags(Qt.WindowType.Widget)
        self.suggestions.itemClicked.connect(self._choose)
        self.suggestions.hide()

    # --- chosen people ----------------------------------------------------------------
    def people(self) -> list[ChosenPerson]:
        return list(self._people)

    def ids(self) -> list[int]:
        return [p.id for p in self._people]

    def set_people(self, people: list[ChosenPerson]) -> None:
        for person in list(self._people):
            self._remove(person.id, announce=False)
        for person in people:
            self.add(person, announce=False)
        self.changed.emit()

    def add(self, person: ChosenPerson, announce: bool = True) -> None:
        if any(p.id == person.id for p in self._people):
            return
        if self._single:
            for chosen in list(self._people):
                self._remove(chosen.id, announce=False)
        self._people.append(person)
        chip = _Chip(person)
        chip.removeRequested.connect(self._remove)
        self._chips.addWidget(chip)
        self._chip_row.show()
        if announce:
            self.changed.emit()

    def _remove(self, person_id: int, announce: bool = True) -> None:
        self._people = [p for p in self._people if p.id != person_id]
        for i in range(self._chips.count()):
            item = self._chips.itemAt(i)
            chip = item.widget() if item is not None else None
            if isinstance(chip, _Chip) and chip.person.id == person_id:
                self._chips.removeWidget(chip)
                chip.deleteLater()
                break
        self._chip_row.setVisible(bool(self._people))
        if announce:
            self.changed.emit()

    def pending_text(self) -> str:
        """A name typed but not yet chosen (the dialog warns rather than dropping it)."""
        return clean_line(self.input.text())

    # --- suggestions ------------------------------------------------------------------
    def _update_suggestions(self) -> None:
        text = self.input.text()
        self.suggestions.clear()
        if not clean_line(text):
            self.suggestions.hide()
            return
        chosen = set(self.ids())
        matches = list(find_by_name(self._db, text, SUGGESTIONS + len(chosen)))
        exact = False
        for match in matches:
            if match.id in chosen:
                continue
            shown = f"{match.name}  —  {match.organization}" if match.organization else match.name
            item = QListWidgetItem(shown)
            item.setData(Qt.ItemDataRole.UserRole, match.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, match.name)
            self.suggestions.addItem(item)
            exact = exact or sort_key(match.name) == sort_key(clean_line(text))
            if self.suggestions.count() == SUGGESTIONS:
                break
        if self._create_person is not None and not exact:
            item = QListWidgetItem(f"Add “{clean_line(text)}” as a new person")
            item.setData(Qt.ItemDataRole.UserRole, _NEW)
            item.setData(Qt.ItemDataRole.UserRole + 1, clean_line(text))
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
            self.suggestions.addItem(item)
        if self.suggestions.count():
            self.suggestions.setCurrentRow(0)
            self._place_suggestions()
        else:
            self.suggestions.hide()

    def _place_suggestions(self) -> None:
        window = self.window()
        if self.suggestions.parentWidget() is not window:
            self.suggestions.setParent(window)
        below = self.input.mapTo(window, QPoint(0, self.input.height()))
        rows = min(self.suggestions.count(), SUGGESTIONS + 1)
        height = self.suggestions.sizeHintForRow(0) * rows + 2 * self.suggestions.frameWidth()
        room = max(60, window.height() - below.y() - 4)
        self.suggestions.setGeometry(below.x(), below.y(), self.input.width(), min(height, room))
        self.suggestions.show()
        self.suggestions.raise_()

    def hide_suggestions(self) -> None:
        self.suggestions.hide()

    def _choose(self, item: QListWidgetItem | None = None) -> None:
        item = item or self.suggestions.currentItem()
        if item is None:
            return
        person_id = int(item.data(Qt.ItemDataRole.UserRole))
        name = str(item.data(Qt.ItemDataRole.UserRole + 1))
        if person_id == _NEW:
            if self._create_person is None:
                return
            created = self._create_person(name)
            if created is None:  # not saved: the dialog said why; keep the typed name
                return
            person_id = created
        self.add(ChosenPerson(person_id, name))
        self.input.clear()
        self.suggestions.hide()
        self.input.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._handle_key(event):
                return True
        if watched is self.input and event.type() == QEvent.Type.FocusOut:
            self.suggestions.hide()
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        showing = self.suggestions.isVisible() and self.suggestions.count() > 0
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if self.input.text().strip():
                if not showing:
                    self._update_suggestions()
                self._choose()
                return True
            return False
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and showing:
            step = 1 if key == Qt.Key.Key_Down else -1
            row = (self.suggestions.currentRow() + step) % self.suggestions.count()
            self.suggestions.setCurrentRow(row)
            return True
        if key == Qt.Key.Key_Escape and showing:
            self.suggestions.hide()
            return True
        if key == Qt.Key.Key_Backspace and not self.input.text() and self._people:
            self._remove(self._people[-1].id)
            return True
        return False
