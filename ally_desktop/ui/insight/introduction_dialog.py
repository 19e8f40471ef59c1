"""Record an introduction: "A introduced me to B", on a day, with a note.

Two pickers (one person each), the day (today by default) and a note. A line under them
says in words what will be stored, so the direction is never in doubt. ``save`` stores
it (``IntroductionEditing.record``, undoable); a failed save keeps the dialog open with
the reason, as every form in Ally does. The person introduced is often new: with
``create_person``, typing a name nobody has offers to add them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import peewee as pw
from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.introductions import IntroductionData, introduction_title
from ally_desktop.core.timeline import local_zone_name
from ally_desktop.ui.look import muted_text
from ally_desktop.ui.widgets.form_dialog import FormDialog
from ally_desktop.ui.widgets.people import ChosenPerson, PeopleField

_NOBODY = 0  # no person chosen: core says which one is missing


class IntroductionDialog(FormDialog):
    """The form for one introduction; ``form_data`` is what it records."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        save: Callable[[IntroductionData], object],
        create_person: Callable[[str], int | None] | None = None,
        *,
        introducer: ChosenPerson | None = None,
        introduced: ChosenPerson | None = None,
        day: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(save, parent)
        self.setWindowTitle("Record an introduction")
        self.setMinimumWidth(480)
        self.introducer = PeopleField(db, create_person, single=True)
        self.introducer.setObjectName("introducer")
        self.introducer.input.setPlaceholderText("Who introduced you: type a name, then Enter")
        self.introduced = PeopleField(db, create_person, single=True)
        self.introduced.setObjectName("introduced")
        self.introduced.input.setPlaceholderText("Whom you met through them")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        chosen = day or date.today()
        self.day.setDate(QDate(chosen.year, chosen.month, chosen.day))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Why they thought you should meet, what to follow up")
        self.note.setMinimumHeight(80)
        self.preview = QLabel()
        self.preview.setObjectName("introductionPreview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet(f"color: {muted_text(self.palette()).name()};")
        form = QFormLayout()
        form.addRow("&Introduced by", self.introducer)
        form.addRow("&To", self.introduced)
        form.addRow("&On", self.day)
        form.addRow("&Note", self.note)
        buttons = self.save_buttons()
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Record")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for field in (self.introducer, self.introduced):
            field.changed.connect(self._update_preview)
        if introducer is not None:
            self.introducer.set_people([introducer])
        if introduced is not None:
            self.introduced.set_people([introduced])
        self._update_preview()
        (self.introduced if introducer is not None else self.introducer).setFocus()

    def _update_preview(self) -> None:
        first = self.introducer.people()
        second = self.introduced.people()
        if first and second:
            title = introduction_title(first[0].name, second[0].name)
            self.preview.setText(
                f"{title}. It goes in both timelines, and {first[0].name} is linked to "
                f"{second[0].name} (“introduced”)."
            )
        else:
            self.preview.setText("Choose who introduced you, and to whom.")

    # --- FormDialog -----------------------------------------------------------------------
    def people_field(self) -> PeopleField | None:
        """The picker with a name typed but not chosen, if any (the form says so)."""
        for field in (self.introducer, self.introduced):
            if field.pending_text():
                return field
        return self.introducer

    def form_data(self) -> IntroductionData:
        qday = self.day.date()
        first = self.introducer.ids()
        second = self.introduced.ids()
        return IntroductionData(
            introducer=first[0] if first else _NOBODY,
            introduced=second[0] if second else _NOBODY,
            day=date(qday.year(), qday.month(), qday.day()),
            note=self.note.toPlainText(),
            time_zone=local_zone_name(),
        )
