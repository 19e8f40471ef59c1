"""Set or edit a one-off or recurring reminder, about a person or free-standing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

import peewee as pw
from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.reminders import Frequency, Recurrence, ReminderData, ReminderRecord
from ally_desktop.ui.widgets.form_dialog import FormDialog
from ally_desktop.ui.widgets.people import ChosenPerson, PeopleField

_REPEATS: tuple[tuple[str, Frequency | None], ...] = (
    ("Does not repeat", None),
    ("Every … days", Frequency.DAILY),
    ("Every … weeks", Frequency.WEEKLY),
    ("Every … months", Frequency.MONTHLY),
    ("Every … years", Frequency.YEARLY),
)
_DAY_LETTERS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ENDS = ("Never ends", "Ends on", "Ends after")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReminderDialog(FormDialog):
    def __init__(
        self,
        db: pw.SqliteDatabase,
        save: Callable[[ReminderData], object],
        *,
        record: ReminderRecord | None = None,
        person: ChosenPerson | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(save, parent)
        self._db = db
        self._record = record
        today = today or date.today()
        self.setWindowTitle("Edit reminder" if record else "Set a reminder")
        self.setMinimumWidth(500)
        self.person = PeopleField(db, single=True)
        self.person.input.setPlaceholderText("Optional: the person it is about")
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Ask how the launch went")
        self.day = QDateEdit(_qdate(today + timedelta(days=1)))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.has_time = QCheckBox("at")
        self.clock = QTimeEdit(QTime(9, 0))
        self.clock.setDisplayFormat("HH:mm")
        self.clock.setEnabled(False)
        self.has_time.toggled.connect(self.clock.setEnabled)
        when = QHBoxLayout()
        when.addWidget(self.day)
        when.addWidget(self.has_time)
        when.addWidget(self.clock)
        when.addStretch(1)

        self.repeat = QComboBox()
        for text, frequency in _REPEATS:
            self.repeat.addItem(text, frequency)
        self.interval = QSpinBox()
        self.interval.setRange(1, 1000)
        self.interval.setPrefix("every ")
        self.weekdays = [QCheckBox(letter) for letter in _DAY_LETTERS]
        self.end = QComboBox()
        self.end.addItems(_ENDS)
        self.until = QDateEdit(_qdate(today + timedelta(days=180)))
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.times = QSpinBox()
        self.times.setRange(1, 10_000)
        self.times.setValue(10)
        self.times.setSuffix(" times")
        repeat_row = QHBoxLayout()
        repeat_row.addWidget(self.repeat)
        repeat_row.addWidget(self.interval)
        repeat_row.addStretch(1)
        self.weekday_row = QWidget()
        days_layout = QHBoxLayout(self.weekday_row)
        days_layout.setContentsMargins(0, 0, 0, 0)
        for box in self.weekdays:
            days_layout.addWidget(box)
        days_layout.addStretch(1)
        self.end_row = QWidget()
        end_layout = QHBoxLayout(self.end_row)
        end_layout.setContentsMargins(0, 0, 0, 0)
        end_layout.addWidget(self.end)
        end_layout.addWidget(self.until)
        end_layout.addWidget(self.times)
        end_layout.addStretch(1)
        self.repeat.currentIndexChanged.connect(self._repeat_changed)
        self.end.currentIndexChanged.connect(self._repeat_changed)

        self.advance = QSpinBox()
        self.advance.setRange(0, 365)
        self.advance.setSuffix(" days before")
        self.advance.setSpecialValueText("On the day")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Anything to remember then")
        self.note.setMaximumHeight(90)
        form = QFormLayout()
        form.addRow("&About", self.person)
        form.addRow("&What", self.title)
        # A row of several widgets: its label's shortcut goes to the first (a label with
        # no buddy would show the "&" itself).
        for text, row, buddy in (("&When", when, self.day), ("&Repeat", repeat_row, self.repeat)):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, row)
        form.addRow("", self.weekday_row)
        form.addRow("", self.end_row)
        form.addRow("&Notice", self.advance)
        form.addRow("N&ote", self.note)
        buttons = self.save_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        if record is not None:
            self._fill(record)
        elif person is not None:
            self.person.set_people([person])
        self._repeat_changed()
        (self.title if person or record else self.person).setFocus()

    def _repeat_changed(self) -> None:
        frequency = self.repeat.currentData()
        repeats = frequency is not None
        self.interval.setVisible(repeats)
        if repeats:
            self.interval.setSuffix(f" {frequency.unit}(s)")
        self.weekday_row.setVisible(frequency is Frequency.WEEKLY)
        self.end_row.setVisible(repeats)
        self.until.setVisible(repeats and self.end.currentIndex() == 1)
        self.times.setVisible(repeats and self.end.currentIndex() == 2)

    def _fill(self, record: ReminderRecord) -> None:
        if record.contact_id is not None:
            from ally_desktop.core.contacts import ContactNotFoundError, load_contact

            try:
                name = load_contact(self._db, record.contact_id).name
                self.person.set_people([ChosenPerson(record.contact_id, name)])
            except ContactNotFoundError:
                pass
        self.title.setText(record.title)
        if record.starts_on is not None:
            self.day.setDate(_qdate(record.starts_on))
        if record.at_time is not None:
            self.has_time.setChecked(True)
            self.clock.setTime(QTime(record.at_time.hour, record.at_time.minute))
        recurrence = record.recurrence
        if recurrence is not None:
            self.repeat.setCurrentIndex(self.repeat.findData(recurrence.frequency))
            self.interval.setValue(recurrence.interval)
            for day in recurrence.weekdays:
                self.weekdays[day].setChecked(True)
            if recurrence.until is not None:
                self.end.setCurrentIndex(1)
                self.until.setDate(_qdate(recurrence.until))
            elif recurrence.count is not None:
                self.end.setCurrentIndex(2)
                self.times.setValue(recurrence.count)
        self.advance.setValue(record.advance_days)
        self.note.setPlainText(record.note)

    def reminder_data(self) -> ReminderData:
        frequency = self.repeat.currentData()
        recurrence = None
        if frequency is not None:
            recurrence = Recurrence(
                frequency,
                self.interval.value(),
                tuple(i for i, box in enumerate(self.weekdays) if box.isChecked())
                if frequency is Frequency.WEEKLY
                else (),
                _pydate(self.until.date()) if self.end.currentIndex() == 1 else None,
                self.times.value() if self.end.currentIndex() == 2 else None,
            )
        people = self.person.ids()
        clock = self.clock.time()
        return ReminderData(
            title=self.title.text(),
            starts_on=_pydate(self.day.date()),
            kind="recurring" if recurrence else "once",
            contact_id=people[0] if people else None,
            at_time=time(clock.hour(), clock.minute()) if self.has_time.isChecked() else None,
            time_zone=self._record.time_zone if self._record else "",
            recurrence=recurrence,
            note=self.note.toPlainText(),
            advance_days=self.advance.value(),
        )

    def people_field(self) -> PeopleField:
        return self.person

    def form_data(self) -> ReminderData:
        return self.reminder_data()
