"""The contact editor: every field of a person, checked before anything is stored."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import ClassVar

import peewee as pw
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QImageReader, QImageWriter, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import organization_names, tag_names, topic_names
from ally_desktop.core.records import (
    Address,
    Closeness,
    ConnectionLink,
    ContactData,
    ContactRecord,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.core.validation import FieldError, ValidationError, validate_contact
from ally_desktop.store.errors import classify
from ally_desktop.ui.avatars import avatar_image
from ally_desktop.ui.contacts.editor_rows import (
    AddressRow,
    ConnectionRow,
    DateRow,
    LabeledValueRow,
)
from ally_desktop.ui.look import set_toned_style
from ally_desktop.ui.widgets.fields import DateField, TermsField
from ally_desktop.ui.widgets.rows import RepeatingRows
from ally_desktop.ui.write_failures import not_saved, retry_button

PHOTO_PIXELS = 256
SaveCallback = Callable[[ContactData], object]


def photo_bytes(path: str) -> bytes:
    """A picture file as a small JPEG (at most 256×256): big photos never reach the database."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise ValueError(f"That file is not a picture Ally can read ({reader.errorString()}).")
    image = image.scaled(
        PHOTO_PIXELS,
        PHOTO_PIXELS,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"JPEG"))
    writer.setQuality(85)
    if not writer.write(image.convertToFormat(QImage.Format.Format_RGB32)):
        raise ValueError(f"The picture could not be converted ({writer.errorString()}).")
    buffer.close()
    return bytes(data.data())


class ContactEditor(QDialog):
    """Edit a new or existing contact. ``save`` stores it; its errors are shown in place."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        save: SaveCallback,
        record: ContactRecord | None = None,
        draft: ContactData | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._save = save
        self._contact_id = record.id if record else None
        data = record.data if record else (draft or ContactData())
        self._initial = data
        self._photo = data.photo
        self._hidden_links = (
            [v.link for v in record.connections if v.other_trashed] if record else []
        )
        self.setWindowTitle(f"Edit {record.name}" if record else "New person")
        self.setMinimumSize(640, 560)

        self.error_banner = QLabel()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        set_toned_style(
            self.error_banner,
            "QLabel#errorBanner { background: $error_back; color: $text;"
            " border: 1px solid $error_line; border-radius: 4px; padding: 6px; }",
        )
        self.error_banner.hide()

        self.tabs = QTabWidget()
        self._build_profile(data)
        self._build_knows(data)
        self._build_reach(data)
        self._build_dates(data)
        self._build_connections(record)
        self._build_notes(data)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        save_button.setToolTip("Save (Ctrl+Enter)")
        # Shown when the disk, the folder or another program refused the save.
        self.retry_button = retry_button(self.accept)
        buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.given_name.setFocus()

    # --- tabs ---------------------------------------------------------------------
    def _page(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, title)
        return form

    def _line(self, form: QFormLayout, label: str, value: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(value)
        edit.setPlaceholderText(placeholder)
        form.addRow(label, edit)
        return edit

    def _build_profile(self, data: ContactData) -> None:
        form = self._page("&Profile")
        photo_row = QHBoxLayout()
        self.photo_label = QLabel()
        self.photo_label.setFixedSize(64, 64)
        choose = QPushButton("Choose photo…")
        choose.clicked.connect(self._choose_photo)
        self.remove_photo = QPushButton("Remove")
        self.remove_photo.clicked.connect(self._clear_photo)
        photo_row.addWidget(self.photo_label)
        photo_row.addWidget(choose)
        photo_row.addWidget(self.remove_photo)
        photo_row.addStretch(1)
        form.addRow("Photo", photo_row)
        self.given_name = self._line(form, "&First name", data.given_name)
        self.family_name = self._line(form, "&Last name", data.family_name)
        self.display_name = self._line(
            form, "Display name", data.display_name, "Shown instead of first and last name"
        )
        self.nickname = self._line(form, "Nickname", data.nickname)
        self.pronouns = self._line(form, "Pronouns", data.pronouns, "e.g. she/her")
        self.job_title = self._line(form, "Job title", data.job_title)
        self.organization = self._line(form, "&Organization", data.organization)
        self.organization.setCompleter(_completer(self, organization_names(self._db, limit=2000)))
        self.team = self._line(form, "Team", data.team, "Team or department")
        self.closeness = QComboBox()
        for level in Closeness:
            self.closeness.addItem(level.label, int(level))
        self.closeness.setCurrentIndex(self.closeness.findData(int(data.closeness)))
        form.addRow("&Closeness", self.closeness)
        self.cadence = QSpinBox()
        self.cadence.setRange(0, 3660)
        self.cadence.setSpecialValueText("No reminder")
        self.cadence.setSuffix(" days")
        self.cadence.setValue(data.cadence_days or 0)
        form.addRow("Keep in touch every", self.cadence)
        self.met_how = self._line(form, "How you met", data.met_how, "e.g. Onboarding week")
        self.met_on = DateField()
        self.met_on.set_date(data.met_on)
        form.addRow("Met on", self.met_on)
        self.archived = QCheckBox("Archived (hidden from the list unless asked for)")
        self.archived.setChecked(data.archived)
        form.addRow("", self.archived)
        self._show_photo()

    def _build_knows(self, data: ContactData) -> None:
        form = self._page("&Knows && wants")
        self.topics = TermsField(topic_names(self._db, limit=5000))
        self.topics.setPlaceholderText("pricing, contract law, how expense approvals work")
        self.topics.set_terms(data.topics)
        form.addRow("Knows about", self.topics)
        self.ambitions = QPlainTextEdit(data.ambitions)
        self.ambitions.setPlaceholderText("What they want: their ambitions and goals")
        self.ambitions.setTabChangesFocus(True)
        form.addRow("Wants", self.ambitions)
        self.tags = TermsField(tag_names(self._db))
        self.tags.setPlaceholderText("mentor, new job, conference")
        self.tags.set_terms(data.tags)
        form.addRow("Tags", self.tags)

    def _build_reach(self, data: ContactData) -> None:
        form = self._page("Contact &info")
        self.emails: RepeatingRows[LabeledValue] = RepeatingRows(
            lambda v: LabeledValueRow(v, ("work", "home", "other"), "name@example.com"), "Add email"
        )
        self.emails.set_values(data.emails)
        form.addRow("Emails", self.emails)
        self.phones: RepeatingRows[LabeledValue] = RepeatingRows(
            lambda v: LabeledValueRow(v, ("mobile", "work", "home"), "+1 555 123 4567"), "Add phone"
        )
        self.phones.set_values(data.phones)
        form.addRow("Phones", self.phones)
        self.links: RepeatingRows[LabeledValue] = RepeatingRows(
            lambda v: LabeledValueRow(v, ("LinkedIn", "website", "GitHub", "other"), "https://…"),
            "Add link",
        )
        self.links.set_values(data.links)
        form.addRow("Web links", self.links)
        self.addresses: RepeatingRows[Address] = RepeatingRows(AddressRow, "Add address")
        self.addresses.set_values(data.addresses)
        form.addRow("Addresses", self.addresses)

    def _build_dates(self, data: ContactData) -> None:
        form = self._page("&Dates")
        self.dates: RepeatingRows[ImportantDate] = RepeatingRows(DateRow, "Add date")
        self.dates.set_values(data.dates)
        form.addRow("Important dates", self.dates)

    def _build_connections(self, record: ContactRecord | None) -> None:
        form = self._page("Co&nnections")
        views = [v for v in record.connections if not v.other_trashed] if record else []
        names = {v.other_id: v.other_name for v in views}
        self.connections: RepeatingRows[ConnectionLink] = RepeatingRows(
            lambda v: ConnectionRow(
                v, self._db, self._contact_id, names.get(v.other_id, "") if v else ""
            ),
            "Add connection",
        )
        self.connections.set_values([v.link for v in views])
        hint = QLabel("How this person relates to others: “reports to Ana”, “introduced me to Bo”.")
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)
        form.addRow(self.connections)

    def _build_notes(self, data: ContactData) -> None:
        form = self._page("No&tes")
        self.notes = QPlainTextEdit(data.notes)
        self.notes.setPlaceholderText("Anything worth remembering")
        form.addRow(self.notes)

    # --- photo --------------------------------------------------------------------
    def _show_photo(self) -> None:
        name = " ".join(p for p in (self.given_name.text(), self.family_name.text()) if p)
        image = avatar_image(name or "?", self._photo, 64, self.devicePixelRatioF())
        self.photo_label.setPixmap(QPixmap.fromImage(image))
        self.remove_photo.setEnabled(self._photo is not None)

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a photo", "", "Pictures (*.png *.jpg *.jpeg *.gif *.bmp *.webp)"
        )
        if not path:
            return
        try:
            self._photo = photo_bytes(path)
        except ValueError as exc:
            QMessageBox.warning(self, "Photo", str(exc))
            return
        self._show_photo()

    def _clear_photo(self) -> None:
        self._photo = None
        self._show_photo()

    # --- reading and saving -------------------------------------------------------
    def contact_data(self) -> ContactData:
        """What the form says; ValidationError for what cannot be read at all."""
        problems: list[FieldError] = []
        try:
            met_on = self.met_on.date()
        except ValueError as exc:
            problems.append(FieldError("met_on", str(exc)))
            met_on = None
        try:
            dates = self.dates.values()
        except ValueError as exc:
            problems.append(FieldError("dates", str(exc)))
            dates = []
        for row in self.connections.editors():
            assert isinstance(row, ConnectionRow)
            if row.unresolved():
                problems.append(
                    FieldError(
                        "connections",
                        f"Pick “{row.unresolved()}” from the suggestions, or add "
                        "them as a person first.",
                    )
                )
        if problems:
            raise ValidationError(problems)
        return ContactData(
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            display_name=self.display_name.text(),
            nickname=self.nickname.text(),
            pronouns=self.pronouns.text(),
            job_title=self.job_title.text(),
            organization=self.organization.text(),
            team=self.team.text(),
            photo=self._photo,
            met_how=self.met_how.text(),
            met_on=met_on,
            closeness=Closeness(self.closeness.currentData()),
            cadence_days=self.cadence.value() or None,
            notes=self.notes.toPlainText(),
            ambitions=self.ambitions.toPlainText(),
            archived=self.archived.isChecked(),
            emails=self.emails.values(),
            phones=self.phones.values(),
            links=self.links.values(),
            addresses=self.addresses.values(),
            topics=self.topics.terms(),
            tags=self.tags.terms(),
            dates=dates,
            connections=[*self.connections.values(), *self._hidden_links],
        )

    _FIELD_TABS: ClassVar[dict[str, int]] = {
        "emails": 2,
        "phones": 2,
        "links": 2,
        "addresses": 2,
        "dates": 3,
        "connections": 4,
        "notes": 5,
        "topics": 1,
        "tags": 1,
        "ambitions": 1,
    }

    def show_errors(self, errors: list[FieldError]) -> None:
        self.error_banner.setText("\n".join(f"• {e.message}" for e in errors))
        self.error_banner.show()
        first = errors[0].field
        if not first:
            return
        self.tabs.setCurrentIndex(self._FIELD_TABS.get(first, 0))
        widget = getattr(self, first, None)
        if isinstance(widget, QWidget):
            widget.setFocus()

    def is_modified(self) -> bool:
        try:
            current = self.contact_data()
        except ValidationError:
            return True
        return _comparable(current) != _comparable(self._initial)

    def show_failure(self, text: str) -> None:
        """A save the environment refused: the reason, what to do, and "Try again"."""
        self.error_banner.setText(text)
        self.error_banner.show()
        self.retry_button.offer()

    def accept(self) -> None:
        self.retry_button.offer(False)
        try:
            data = validate_contact(self.contact_data())
            self._save(data)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except Exception as exc:
            error = classify(exc)  # a StoreError, or a SQLite failure the save did not map
            if error is None:
                raise  # a bug: the crash hook logs and shows it
            self.show_failure(not_saved(error))
            return
        super().accept()

    def reject(self) -> None:
        if self.is_modified():
            answer = QMessageBox.question(
                self,
                "Discard changes?",
                "You have changes that are not saved. Discard them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()


def _comparable(data: ContactData) -> ContactData:
    """``data`` as stored, connections in a stable order, to tell whether anything changed."""
    with contextlib.suppress(ValidationError):
        data = validate_contact(data)
    links = sorted(data.connections, key=lambda c: (c.other_id, c.kind, c.outgoing, c.label))
    return dataclasses.replace(data, connections=links)


def _completer(parent: QWidget, words: list[str]) -> QCompleter:
    completer = QCompleter(words, parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return completer
