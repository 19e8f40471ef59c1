"""A Today card: a section's title and count, its rows, a word when it is empty, and a
link to see more."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ally_desktop.core.today import SectionRows, TodayRow, TodaySection
from ally_desktop.ui.today.row import TodayRowWidget

EXPANDED_MAX = 50  # rows a card shows at most; the Reminders view lists every due one

EMPTY_TEXT = {
    TodaySection.DUE: "Nobody is due today.",
    TodaySection.DRIFTING: "Nobody is drifting away.",
    TodaySection.BIRTHDAYS: "No birthdays this week.",
    TodaySection.NEW_ALLIES: "Nobody new is waiting for a follow-up.",
    TodaySection.GIVE_GET: "No help logged yet: note it when you log an interaction.",
}
HINT_TEXT = {
    TodaySection.DUE: "Reminders and keep-in-touch cadences that have come round",
    TodaySection.DRIFTING: "No cadence set, and much longer than usual since you last talked",
    TodaySection.BIRTHDAYS: "Today and the six days after",
    TodaySection.NEW_ALLIES: "Met in the last 30 days, with one interaction at most",
    TodaySection.GIVE_GET: "The people whose help you received most",
}


def count_text(section: TodaySection, total: int) -> str:
    """ "3 due", "2 drifting", "1 this week", "4 new", "12 helped you"."""
    if section is TodaySection.DUE:
        return f"{total:,} due"
    if section is TodaySection.DRIFTING:
        return f"{total:,} drifting"
    if section is TodaySection.BIRTHDAYS:
        return f"{total:,} this week"
    if section is TodaySection.NEW_ALLIES:
        return f"{total:,} new"
    return f"{total:,} helped you"


class SectionCard(QFrame):
    """One section. ``rowActivated`` and ``logRequested`` carry the row; the footer link
    asks for more (``expandRequested``) or, for what is due, the Reminders view."""

    rowActivated = Signal(object)  # noqa: N815 (a TodayRow)
    logRequested = Signal(object)  # noqa: N815 (a TodayRow)
    expandRequested = Signal(bool)  # noqa: N815 (True: show more, False: fewer)
    remindersRequested = Signal()  # noqa: N815
    moveRequested = Signal(object, int)  # noqa: N815 (the row widget, -1 or +1)

    def __init__(self, section: TodaySection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.expanded = False
        self.setObjectName("todayCard")
        self.title = QLabel(section.title)
        self.title.setObjectName("todayCardTitle")
        self.title.setToolTip(HINT_TEXT[section])
        self.count = QLabel()
        self.count.setObjectName("todayCardCount")
        header = QHBoxLayout()
        header.setContentsMargins(14, 12, 14, 4)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.count)
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(4, 0, 4, 0)
        self.rows_box.setSpacing(0)
        self.empty = QLabel(EMPTY_TEXT[section])
        self.empty.setObjectName("todayEmpty")
        self.empty.setWordWrap(True)
        self.empty.setContentsMargins(14, 4, 14, 6)
        self.more = QPushButton()
        self.more.setObjectName("todayMore")
        self.more.setFlat(True)
        self.more.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more.clicked.connect(self._more_clicked)
        footer = QHBoxLayout()
        footer.setContentsMargins(8, 0, 8, 8)
        footer.addWidget(self.more)
        footer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.empty)
        layout.addLayout(footer)
        self.row_widgets: list[TodayRowWidget] = []
        self._total = 0
        self.empty.hide()
        self.more.hide()

    def show_rows(self, rows: SectionRows) -> None:
        """Show these rows, reusing the row widgets already there (a refresh repaints,
        it does not rebuild), and keep the focus on the same person when they are still
        here."""
        focused = next((w.row for w in self.row_widgets if w.hasFocus()), None)
        for index, row in enumerate(rows.rows):
            if index < len(self.row_widgets):
                self.row_widgets[index].set_row(row)
                self.row_widgets[index].show()
                continue
            widget = TodayRowWidget(row, self)
            widget.activated.connect(lambda w=widget: self.rowActivated.emit(w.row))
            widget.logClicked.connect(lambda w=widget: self.logRequested.emit(w.row))
            widget.moveRequested.connect(lambda step, w=widget: self.moveRequested.emit(w, step))
            self.rows_box.addWidget(widget)
            widget.show()  # now, not when the layout gets round to it
            self.row_widgets.append(widget)
        for widget in self.row_widgets[len(rows.rows) :]:
            self.rows_box.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        del self.row_widgets[len(rows.rows) :]
        if focused is not None:
            self.focus_row(focused)
        self._total = rows.total
        self.count.setText(count_text(self.section, rows.total) if rows.total else "")
        self.empty.setVisible(rows.total == 0)
        self._update_more(len(rows.rows))

    def focus_row(self, row: TodayRow) -> bool:
        for widget in self.row_widgets:
            same_reminder = (
                row.reminder_id is not None and widget.row.reminder_id == row.reminder_id
            )
            same_person = row.reminder_id is None and widget.row.contact_id == row.contact_id
            if same_reminder or same_person:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def _update_more(self, shown: int) -> None:
        total = self._total
        if self.section is TodaySection.DUE:
            text = f"Show all {total:,} in Reminders" if total > shown else ""
        elif self.expanded and shown > 0 and shown >= min(total, EXPANDED_MAX):
            text = "Show fewer"
        elif total > shown:
            text = (
                f"Show all {total:,}"
                if total <= EXPANDED_MAX
                else f"Show {EXPANDED_MAX} of {total:,}"
            )
        else:
            text = ""
        self.more.setText(text)
        self.more.setVisible(bool(text))

    def _more_clicked(self) -> None:
        if self.section is TodaySection.DUE:
            self.remindersRequested.emit()
            return
        self.expanded = not self.expanded
        self.expandRequested.emit(self.expanded)
