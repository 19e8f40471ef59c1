"""The row editors of the contact editor: labelled values, addresses, dates, connections."""

from __future__ import annotations

import peewee as pw
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
)

from ally_desktop.core import connections
from ally_desktop.core.contact_queries import find_by_name
from ally_desktop.core.records import (
    MONTH_NAMES,
    Address,
    ConnectionLink,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.ui.widgets.rows import RowEditor


class LabeledValueRow(RowEditor[LabeledValue]):
    def __init__(
        self, value: LabeledValue | None, labels: tuple[str, ...], placeholder: str
    ) -> None:
        super().__init__()
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        self.label = QComboBox()
        self.label.setEditable(True)
        self.label.addItems(labels)
        self.label.setMinimumContentsLength(8)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText(placeholder)
        line.addWidget(self.label)
        line.addWidget(self.value_edit, 1)
        if value is not None:
            self.label.setCurrentText(value.label)
            self.value_edit.setText(value.value)
        self.setFocusProxy(self.value_edit)

    def value(self) -> LabeledValue | None:
        text = self.value_edit.text().strip()
        return LabeledValue(self.label.currentText().strip(), text) if text else None


class AddressRow(RowEditor[Address]):
    _FIELDS = (
        ("label", "Label (home, office)"),
        ("street", "Street"),
        ("city", "City"),
        ("region", "Region"),
        ("postal_code", "Postal code"),
        ("country", "Country"),
    )

    def __init__(self, value: Address | None) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        for i, (name, placeholder) in enumerate(self._FIELDS):
            edit = QLineEdit(getattr(value, name) if value else "")
            edit.setPlaceholderText(placeholder)
            self.edits[name] = edit
            grid.addWidget(edit, i // 3, i % 3)
        self.setFocusProxy(self.edits["street"])

    def value(self) -> Address | None:
        address = Address(**{name: edit.text() for name, edit in self.edits.items()})
        return address if any(address.lines()) else None


class DateRow(RowEditor[ImportantDate]):
    """Kind, day, month and an optional year (blank when unknown)."""

    def __init__(self, value: ImportantDate | None) -> None:
        super().__init__()
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        for key, text in (
            ("birthday", "Birthday"),
            ("anniversary", "Work anniversary"),
            ("custom", "Other…"),
        ):
            self.kind.addItem(text, key)
        self.label = QLineEdit()
        self.label.setPlaceholderText("What is it?")
        self.day = QSpinBox()
        self.day.setRange(1, 31)
        self.month = QComboBox()
        self.month.addItems(MONTH_NAMES)
        self.year = QLineEdit()
        self.year.setPlaceholderText("Year (optional)")
        self.year.setMaxLength(4)
        self.year.setFixedWidth(110)
        for widget in (self.kind, self.label, self.day, self.month, self.year):
            line.addWidget(widget)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        if value is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(value.kind)))
            self.label.setText(value.label)
            self.day.setValue(value.day)
            self.month.setCurrentIndex(value.month - 1)
            self.year.setText(str(value.year) if value.year else "")
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.label.setVisible(self.kind.currentData() == "custom")

    def value(self) -> ImportantDate | None:
        year_text = self.year.text().strip()
        if year_text and not year_text.isdigit():
            raise ValueError(f"“{year_text}” is not a year: leave it blank when unknown.")
        year = int(year_text) if year_text else None
        return ImportantDate(
            self.kind.currentData(),
            self.month.currentIndex() + 1,
            self.day.value(),
            year,
            self.label.text(),
        )


class PersonPicker(QLineEdit):
    """Type a name, pick the person from the suggestions; remembers the picked id."""

    def __init__(self, db: pw.SqliteDatabase, exclude: int | None) -> None:
        super().__init__()
        self._db = db
        self._exclude = exclude
        self._choices: dict[str, int] = {}
        self.picked_id: int | None = None
        self.setPlaceholderText("Type a name…")
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self.textEdited.connect(self._search)

    def set_person(self, contact_id: int, name: str) -> None:
        self.picked_id = contact_id
        self._choices = {name: contact_id}
        self.setText(name)

    def _search(self, text: str) -> None:
        self.picked_id = self._choices.get(text)
        matches = find_by_name(self._db, text, limit=15, exclude=self._exclude)
        self._choices = {}
        for match in matches:
            shown = f"{match.name} ({match.organization})" if match.organization else match.name
            self._choices.setdefault(shown, match.id)
        self._model.setStringList(list(self._choices))

    def _picked(self, text: str) -> None:
        self.picked_id = self._choices.get(text)


# (kind, outgoing) pairs as one list of phrases: "reports to" and "manages" are both offered.
CONNECTION_CHOICES: tuple[tuple[str, bool], ...] = tuple(
    (kind.key, outgoing)
    for kind in connections.KINDS.values()
    for outgoing in ((True,) if kind.symmetric else (True, False))
)


def _choice(kind: str, outgoing: bool) -> str:
    """Item data of the kind combo box: "reports_to|0" reads "manages"."""
    return f"{kind}|{int(outgoing)}"


class ConnectionRow(RowEditor[ConnectionLink]):
    """ "<this person> [reports to ▾] [name of the other person]"."""

    def __init__(
        self,
        value: ConnectionLink | None,
        db: pw.SqliteDatabase,
        contact_id: int | None,
        other_name: str = "",
    ) -> None:
        super().__init__()
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        for kind, outgoing in CONNECTION_CHOICES:
            self.kind.addItem(connections.describe(kind, "", outgoing), _choice(kind, outgoing))
        self.custom = QLineEdit()
        self.custom.setPlaceholderText("How are they connected?")
        self.person = PersonPicker(db, contact_id)
        line.addWidget(self.kind)
        line.addWidget(self.custom)
        line.addWidget(self.person, 1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._note = ""
        if value is not None:
            index = self.kind.findData(_choice(value.kind, value.outgoing))
            if index < 0:  # a symmetric kind stored the other way round
                index = self.kind.findData(_choice(value.kind, True))
            self.kind.setCurrentIndex(max(0, index))
            self.custom.setText(value.label)
            self.person.set_person(value.other_id, other_name)
            self._note = value.note
        self._kind_changed()
        self.setFocusProxy(self.person)

    def _kind_changed(self) -> None:
        self.custom.setVisible(self._choice()[0] == connections.CUSTOM)

    def _choice(self) -> tuple[str, bool]:
        kind, _, outgoing = str(self.kind.currentData()).partition("|")
        return kind, outgoing == "1"

    def value(self) -> ConnectionLink | None:
        if self.person.picked_id is None:
            return None
        kind, outgoing = self._choice()
        label = self.custom.text() if kind == connections.CUSTOM else ""
        return ConnectionLink(self.person.picked_id, kind, outgoing, label, self._note)

    def unresolved(self) -> str:
        """The typed name when no person was picked from the suggestions, else ''."""
        return self.person.text().strip() if self.person.picked_id is None else ""
