"""What the log and reminder dialogs share: saving with Ctrl+Enter, and a save that fails
keeps the dialog open with the reason, so nothing typed is lost.

A save the environment refused (a full disk, a read-only folder, a file another program
holds, a drive that went away) shows what to do and a "Try again" button that saves the
form again as it is. Anything else raised by ``save`` is a bug and reaches the crash hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from ally_desktop.core.validation import ValidationError
from ally_desktop.store.errors import classify
from ally_desktop.ui.look import Tone, set_tone
from ally_desktop.ui.widgets.people import PeopleField
from ally_desktop.ui.write_failures import not_saved, retry_button


class FormDialog(QDialog):
    """A dialog that builds a value (``form_data``) and hands it to ``save``, which raises
    ValidationError or StoreError when it cannot store it."""

    def __init__(self, save: Callable[[Any], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.error = QLabel()
        self.error.setObjectName("errorText")
        set_tone(self.error, Tone.ERROR)
        self.error.setWordWrap(True)
        self.error.hide()
        self.retry_button = retry_button(self.accept)

    def people_field(self) -> PeopleField | None:
        """The field whose typed-but-unchosen name must not be lost silently."""
        return None

    def form_data(self) -> Any:
        raise NotImplementedError

    def save_buttons(self) -> QDialogButtonBox:
        """Save and Cancel; Enter is left to the fields (it picks a person), Ctrl+Enter saves."""
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save (Ctrl+Enter)")
        save.setAutoDefault(False)
        save.setDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        return buttons

    def accept(self) -> None:
        self.retry_button.offer(False)
        people = self.people_field()
        pending = people.pending_text() if people is not None else ""
        if people is not None and pending:
            self.show_error(
                f"“{pending}” is typed but not chosen: press Enter to pick them, or clear it."
            )
            people.setFocus()
            return
        try:
            self._save(self.form_data())
        except ValidationError as exc:
            self.show_error(" ".join(e.message for e in exc.errors))
            return
        except Exception as exc:
            error = classify(exc)  # a StoreError, or a SQLite failure a save did not map
            if error is None:
                raise  # a bug: the crash hook logs and shows it
            self.show_error(not_saved(error))
            self.retry_button.offer()
            return
        if people is not None:
            people.hide_suggestions()
        super().accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
