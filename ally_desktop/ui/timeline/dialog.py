"""Log or edit an interaction: who was there, what kind, when, what was said, any help.

Quick log (Ctrl+L) opens this dialog with the cursor in the people field: type "ali",
Enter, "bo", Enter, a title, Ctrl+Enter, done. The date defaults to now. Nothing typed is
lost on a failed save: the dialog stays open with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

import peewee as pw
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.text import clean_line
from ally_desktop.core.timeline import (
    Exchange,
    InteractionData,
    InteractionRecord,
    kind_label,
    last_used_kind,
    local_zone_name,
    used_kinds,
    zone_named,
)
from ally_desktop.ui.widgets.form_dialog import FormDialog
from ally_desktop.ui.widgets.people import ChosenPerson, PeopleField

_HELP_CHOICES: tuple[tuple[str, Exchange | None], ...] = (
    ("No help either way", None),
    ("I helped them", "given"),
    ("They helped me", "received"),
)


def _label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose Alt shortcut reaches a field inside a row of several."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class InteractionDialog(FormDialog):
    """The form for one interaction; ``save`` stores it (and raises when it cannot)."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        save: Callable[[InteractionData], object],
        create_person: Callable[[str], int | None],
        *,
        record: InteractionRecord | None = None,
        people: list[ChosenPerson] | None = None,
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(save, parent)
        self._record = record
        self._zone = record.data.time_zone if record else local_zone_name()
        self.setWindowTitle("Edit interaction" if record else "Log an interaction")
        self.setMinimumWidth(520)

        self.people = PeopleField(db, create_person)
        self.kind = QComboBox()
        self.kind.setEditable(True)
        self.kind.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.kind.setToolTip("Choose a kind, or type your own")
        for key in used_kinds(db):
            self.kind.addItem(kind_label(key), key)
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Pricing review over lunch")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.clock = QTimeEdit()
        self.clock.setDisplayFormat("HH:mm")
        self.has_time = QCheckBox("at")
        self.has_time.setChecked(True)
        self.has_time.setToolTip("Untick for a day without a time")
        self.has_time.toggled.connect(self.clock.setEnabled)
        when_row = QHBoxLayout()
        when_row.addWidget(self.day)
        when_row.addWidget(self.has_time)
        when_row.addWidget(self.clock)
        when_row.addStretch(1)
        self.place = QLineEdit()
        self.place.setPlaceholderText("optional")
        self.help = QComboBox()
        for text, value in _HELP_CHOICES:
            self.help.addItem(text, value)
        self.help_note = QLineEdit()
        self.help_note.setPlaceholderText("what: e.g. reviewed her deck")
        self.help_note.setEnabled(False)
        self.help.currentIndexChanged.connect(self._help_changed)
        help_row = QHBoxLayout()
        help_row.addWidget(self.help)
        help_row.addWidget(self.help_note, 1)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("What was said, what to remember, what you promised")
        self.notes.setMinimumHeight(90)
        form = QFormLayout()
        form.addRow("&With", self.people)
        form.addRow("&Kind", self.kind)
        form.addRow("&Title", self.title)
        form.addRow(_label("Wh&en", self.day), when_row)
        form.addRow("&Place", self.place)
        form.addRow(_label("&Help", self.help), help_row)
        form.addRow("&Notes", self.notes)
        buttons = self.save_buttons()
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        if record is not None:
            self._fill(record)
        else:
            self._set_when((now or datetime.now().astimezone()), with_time=True)
            self.people.set_people(people or [])
            self._select_kind(last_used_kind(db))
        self.people.setFocus()

    # --- filling and reading -------------------------------------------------------------
    def _fill(self, record: InteractionRecord) -> None:
        data = record.data
        names = record.participant_names
        self.people.set_people(
            [ChosenPerson(cid, names.get(cid, "?")) for cid in data.participants]
        )
        self._select_kind(data.kind)
        self.title.setText(data.title)
        if data.when is not None:
            self._set_when(data.when.astimezone(zone_named(data.time_zone)), with_time=True)
        else:
            assert data.day is not None
            self._set_when(datetime.combine(data.day, time(12, 0)), with_time=False)
        self.place.setText(data.place)
        self.help.setCurrentIndex(self.help.findData(data.exchange))
        self.help_note.setText(data.exchange_note)
        self.notes.setPlainText(data.notes)

    def _select_kind(self, kind: str | None) -> None:
        """Start from the kind logged last: people log the same kind of thing in a row."""
        index = self.kind.findData(kind) if kind else -1
        if index < 0 and kind:
            self.kind.addItem(kind_label(kind), kind)
            index = self.kind.count() - 1
        self.kind.setCurrentIndex(max(0, index))

    def _set_when(self, moment: datetime, *, with_time: bool) -> None:
        self.day.setDate(QDate(moment.year, moment.month, moment.day))
        self.clock.setTime(QTime(moment.hour, moment.minute))
        self.has_time.setChecked(with_time)
        self.clock.setEnabled(with_time)

    def _help_changed(self) -> None:
        has_help = self.help.currentData() is not None
        self.help_note.setEnabled(has_help)
        if has_help:
            self.help_note.setFocus()

    def _kind(self) -> str:
        text = clean_line(self.kind.currentText())
        index = self.kind.findText(text, Qt.MatchFlag.MatchFixedString)
        return str(self.kind.itemData(index)) if index >= 0 else text

    def interaction_data(self) -> InteractionData:
        qday = self.day.date()
        day = date(qday.year(), qday.month(), qday.day())
        zone = zone_named(self._zone)
        when = None
        if self.has_time.isChecked():
            qtime = self.clock.time()
            when = datetime.combine(day, time(qtime.hour(), qtime.minute()), zone)
            kept = self._record.data.when if self._record is not None else None
            if kept is not None and kept.astimezone(zone).replace(second=0, microsecond=0) == when:
                when = kept  # the minute shown was not changed: keep the seconds stored
        exchange = self.help.currentData()
        return InteractionData(
            kind=self._kind(),
            participants=self.people.ids(),
            when=when,
            day=None if when else day,
            time_zone=self._zone,
            title=self.title.text(),
            notes=self.notes.toPlainText(),
            place=self.place.text(),
            exchange=exchange,
            exchange_note=self.help_note.text() if exchange else "",
        )

    # --- saving ------------------------------------------------------------------------
    def people_field(self) -> PeopleField:
        return self.people

    def form_data(self) -> InteractionData:
        return self.interaction_data()
