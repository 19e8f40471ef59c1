"""How a reminder row looks:

    Ana Ruiz — Keep in touch                                    12 days overdue
    no contact for 42 days, cadence 30

Section headings ("Overdue · 12") are drawn like the Timeline's day headings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ally_desktop.core.due import DueRow, Section
from ally_desktop.ui.look import Tone, tone
from ally_desktop.ui.reminders.model import HEADING_ROLE, ROW_ROLE, SECTION_ROLE

ModelIndex = QModelIndex | QPersistentModelIndex

MARGIN = 12
GAP = 8
_SECTION_TONES = {
    Section.OVERDUE: Tone.ERROR,
    Section.TODAY: Tone.WARNING,
    Section.UPCOMING: Tone.INFO,
    Section.SNOOZED: Tone.NEUTRAL,
}


def section_color(section: object, palette: QPalette) -> QColor | None:
    """The section's colour on this palette (lighter shades on a dark one)."""
    which = _SECTION_TONES.get(section) if isinstance(section, Section) else None
    return tone(which, palette) if which is not None else None


def when_text(row: DueRow, section: Section | None, now: datetime) -> str:
    """ "12 days overdue", "today 09:30", "in 3 days", "snoozed until Fri 10:00"."""
    local = row.alert_at.astimezone()
    today = now.astimezone().date()
    days = (local.date() - today).days
    clock = f"{local:%H:%M}"
    if section is Section.SNOOZED:
        day = "today" if days == 0 else "tomorrow" if days == 1 else f"{local:%a %d %b}"
        return f"snoozed until {day} {clock}"
    if days < 0:
        return "1 day overdue" if days == -1 else f"{-days:,} days overdue"
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    return f"in {days} days · {local:%a %d %b}"


class ReminderDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now: datetime | None = None  # fixed in tests
        self._fonts: dict[str, tuple[QFont, QFont, QFontMetrics, QFontMetrics]] = {}

    def _font_set(self, base: QFont) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        key = base.key()
        found = self._fonts.get(key)
        if found is None:
            plain = QFont(base)
            bold = QFont(base)
            bold.setBold(True)
            found = self._fonts[key] = (plain, bold, QFontMetrics(plain), QFontMetrics(bold))
        return found

    def row_height(self, font: QFont) -> int:
        return QFontMetrics(font).height() * 2 + 16

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        return QSize(400, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        painter.save()
        try:
            fonts = self._font_set(option.font)
            row = index.data(ROW_ROLE)
            if isinstance(row, DueRow):
                self._paint_row(painter, option, row, index.data(SECTION_ROLE), fonts)
            elif index.data(HEADING_ROLE):
                self._paint_heading(painter, option, index, fonts)
        finally:
            painter.restore()

    def _paint_heading(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: ModelIndex,
        fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics],
    ) -> None:
        _plain, bold, _metrics, bold_metrics = fonts
        rect = option.rect
        palette: QPalette = option.palette
        section = index.data(SECTION_ROLE)
        baseline = rect.bottom() - 8 - bold_metrics.descent()
        painter.setFont(bold)
        painter.setPen(section_color(section, palette) or palette.color(QPalette.ColorRole.Text))
        painter.drawText(rect.left() + MARGIN, baseline, str(index.data() or ""))
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        line_y = rect.bottom() - 2
        painter.drawLine(rect.left() + MARGIN, line_y, rect.right() - MARGIN, line_y)

    def _paint_row(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        row: DueRow,
        section: Section | None,
        fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics],
    ) -> None:
        plain, bold, metrics, bold_metrics = fonts
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        rect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_color if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        now = self.now or datetime.now(UTC)
        elide = Qt.TextElideMode.ElideRight
        top = rect.top() + 6
        first = top + metrics.ascent()
        second = first + metrics.height() + 2
        left = rect.left() + MARGIN + 6
        right = rect.right() - MARGIN

        # A coloured edge says the section at a glance, even when scrolled past its heading.
        edge = section_color(section, palette)
        if edge is not None:
            painter.fillRect(rect.left() + MARGIN - 4, rect.top() + 6, 3, rect.height() - 12, edge)

        when = when_text(row, section, now)
        painter.setFont(plain)
        painter.setPen(
            text_color if selected else (edge or muted) if section is Section.OVERDUE else muted
        )
        when_width = metrics.horizontalAdvance(when)
        painter.drawText(right - when_width, first, when)
        right_of_text = right - when_width - GAP * 2

        person = row.contact_name
        x = left
        if person:
            painter.setFont(bold)
            painter.setPen(text_color)
            shown = bold_metrics.elidedText(person, elide, max(0, (right_of_text - x) // 2))
            painter.drawText(x, first, shown)
            x += bold_metrics.horizontalAdvance(shown) + GAP
        painter.setFont(plain if person else bold)
        painter.setPen(text_color)
        what = f"— {row.what()}" if person else row.what()
        painter.drawText(
            x,
            first,
            (metrics if person else bold_metrics).elidedText(
                what, elide, max(0, right_of_text - x)
            ),
        )
        today: date = now.astimezone().date()
        why = row.why(today)
        if row.note:
            why += f" · {row.note.splitlines()[0]}"
        painter.setFont(plain)
        painter.setPen(muted)
        painter.drawText(left, second, metrics.elidedText(why, elide, max(0, right - left)))
