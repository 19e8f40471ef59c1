"""Input fields that understand what they hold: a date, a list of terms."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget


def parse_date(text: str) -> date | None:
    """A date from ISO text (2024-03-09); None for blank. ValueError when it is not a date."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2024-03-09.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"There is no such day as {text}.") from None


class DateField(QLineEdit):
    """A date typed as YYYY-MM-DD, or left blank when unknown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setClearButtonEnabled(True)
        self.setMaxLength(10)

    def set_date(self, value: date | None) -> None:
        self.setText(value.isoformat() if value else "")

    def date(self) -> date | None:
        """The date, None when blank; ValueError with a readable message otherwise."""
        return parse_date(self.text())


class TermsField(QLineEdit):
    """Comma-separated terms (topics, tags) with completion of the term being typed."""

    def __init__(self, suggestions: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = QStringListModel(suggestions, self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        completer.setWidget(self)
        completer.activated.connect(self._insert_completion)
        self._completer = completer
        self.textEdited.connect(self._update_completion)

    def terms(self) -> list[str]:
        return [t.strip() for t in self.text().split(",") if t.strip()]

    def set_terms(self, terms: list[str]) -> None:
        self.setText(", ".join(terms))

    def _current_term(self) -> str:
        return self.text()[: self.cursorPosition()].rsplit(",", 1)[-1].strip()

    def _update_completion(self) -> None:
        prefix = self._current_term()
        if not prefix:
            self._hide_popup()
            return
        self._completer.setCompletionPrefix(prefix)
        if self._completer.completionCount():
            self._completer.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()

    def _insert_completion(self, completion: str) -> None:
        before = self.text()[: self.cursorPosition()]
        after = self.text()[self.cursorPosition() :]
        head = before.rsplit(",", 1)[0] + ", " if "," in before else ""
        self.setText(f"{head}{completion}, {after.lstrip(', ')}".rstrip())
        self.setCursorPosition(len(head) + len(completion) + 2)
