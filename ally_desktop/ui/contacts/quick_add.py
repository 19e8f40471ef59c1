"""Quick add (Ctrl+N): capture a person in seconds; a name is enough, the rest comes later."""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.contact_queries import topic_names
from ally_desktop.core.records import ContactData
from ally_desktop.core.text import clean_line
from ally_desktop.core.validation import ValidationError, validate_contact
from ally_desktop.store.errors import classify
from ally_desktop.ui.look import Tone, set_tone
from ally_desktop.ui.widgets.fields import TermsField
from ally_desktop.ui.write_failures import not_saved, retry_button


def split_name(name: str) -> tuple[str, str]:
    """ "Ana María Ruiz" → ("Ana", "María Ruiz"): the first word is the first name."""
    words = clean_line(name).split(" ", 1)
    return (words[0], words[1]) if len(words) == 2 else (words[0], "")


class QuickAddDialog(QDialog):
    """Name, where you met, what they know. Enter saves; "More details…" opens the editor."""

    def __init__(
        self,
        db: pw.SqliteDatabase,
        save: Callable[[ContactData], object],
        more: Callable[[ContactData], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._more = more
        self.setWindowTitle("Add a person")
        self.setMinimumWidth(460)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Ana Ruiz")
        self.met_how = QLineEdit()
        self.met_how.setPlaceholderText("e.g. Onboarding week")
        self.topics = TermsField(topic_names(db, limit=5000))
        self.topics.setPlaceholderText("e.g. pricing, how approvals really work")
        self.error = QLabel()
        self.error.setObjectName("errorText")
        set_tone(self.error, Tone.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Where you met", self.met_how)
        form.addRow("What they &know", self.topics)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.more_button = QPushButton("More details…")
        buttons.addButton(self.more_button, QDialogButtonBox.ButtonRole.ActionRole)
        # Shown when the disk, the folder or another program refused the save.
        self.retry_button = retry_button(self.accept)
        buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.more_button.clicked.connect(self._open_more)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def contact_data(self) -> ContactData:
        given, family = split_name(self.name.text())
        return ContactData(
            given_name=given,
            family_name=family,
            met_how=self.met_how.text(),
            topics=self.topics.terms(),
        )

    def accept(self) -> None:
        self.retry_button.offer(False)
        try:
            self._save(validate_contact(self.contact_data()))
        except ValidationError as exc:
            self._show_error(" ".join(e.message for e in exc.errors))
            return
        except Exception as exc:
            error = classify(exc)  # a StoreError, or a SQLite failure the save did not map
            if error is None:
                raise  # a bug: the crash hook logs and shows it
            self._show_error(not_saved(error))
            self.retry_button.offer()
            return
        super().accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.name.setFocus()

    def _open_more(self) -> None:
        draft = self.contact_data()
        super().reject()
        self._more(draft)
