"""A person's history under their profile: their interactions, newest first, and a button
to log the next one with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ally_desktop.core.timeline import TimelineQuery, count_interactions

if TYPE_CHECKING:
    from ally_desktop.ui.timeline.view import TimelineList

NOBODY = -1  # the query of an empty history (no person shown)


class ContactHistory(QWidget):
    """The Timeline narrowed to one person; the same lazy list as the Timeline view."""

    logRequested = Signal(int)  # noqa: N815 (a contact id)
    remindRequested = Signal(int)  # noqa: N815 (a contact id)
    editRequested = Signal(int)  # noqa: N815 (an interaction id)
    deleteRequested = Signal()  # noqa: N815

    def __init__(self, db: pw.SqliteDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._contact_id: int | None = None
        self.title = QLabel("History")
        self.title.setObjectName("historyTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.log_button = QPushButton("Log interaction…")
        self.log_button.setToolTip("Log a meeting, call or coffee with this person (Ctrl+L)")
        self.log_button.clicked.connect(self._log)
        header = QHBoxLayout()
        header.setContentsMargins(4, 6, 0, 2)
        header.addWidget(self.title)
        header.addStretch(1)
        self.remind_button = QPushButton("Remind me…")
        self.remind_button.setToolTip("Set a reminder about this person (Ctrl+R)")
        self.remind_button.clicked.connect(
            lambda: self._contact_id is not None and self.remindRequested.emit(self._contact_id)
        )
        header.addWidget(self.remind_button)
        header.addWidget(self.log_button)
        self._list: TimelineList | None = None  # made when a person is first shown
        self.empty = QLabel("Nothing logged with this person yet.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)

    @property
    def list(self) -> TimelineList:
        """The person's interactions; built on first use, so the window's first paint does
        not wait for the Timeline's modules."""
        if self._list is None:
            from ally_desktop.ui.timeline.view import TimelineList

            self._list = TimelineList(self._db, TimelineQuery(contact_id=NOBODY), first_page=60)
            self._list.setObjectName("contactHistory")
            self._list.editRequested.connect(self.editRequested)
            self._list.deleteRequested.connect(self.deleteRequested)
            self.stack.insertWidget(0, self._list)
        return self._list

    def list_has_focus(self) -> bool:
        return self._list is not None and self._list.hasFocus()

    @property
    def contact_id(self) -> int | None:
        return self._contact_id

    def show_contact(self, contact_id: int | None) -> None:
        """Show this person's history (None: nobody, the pane shows a placeholder)."""
        self._contact_id = contact_id
        self.setVisible(contact_id is not None)
        if contact_id is None:
            return
        query = TimelineQuery(contact_id=contact_id)
        if query == self.list.timeline.query:
            self.list.timeline.reload(keep_loaded=True)
        else:
            self.list.timeline.set_query(query)
            self.list.scrollToTop()
        self._update_title()

    def refresh(self) -> None:
        if self._contact_id is not None:
            self.list.timeline.reload(keep_loaded=True)
            self._update_title()

    def _update_title(self) -> None:
        model = self.list.timeline
        count = (
            model.interaction_count_loaded()
            if model.fully_loaded()
            else count_interactions(self._db, model.query)
        )
        self.title.setText(f"History · {count:,}" if count else "History")
        self.stack.setCurrentWidget(self.list if count else self.empty)

    def _log(self) -> None:
        if self._contact_id is not None:
            self.logRequested.emit(self._contact_id)
