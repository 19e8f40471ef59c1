"""How a timeline row looks: a day heading, or an interaction on two lines.

    14:30  [Coffee]  Pricing review                          Gave: reviewed her deck
           with Alice Martin, Bo Chen · at Café Roma

Every row has the same height, so the view never measures a million rows to lay out.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ally_desktop.core.timeline import InteractionRow, kind_label
from ally_desktop.ui.timeline.days import is_relative, short_date, time_text
from ally_desktop.ui.timeline.model import DAY_ROLE, HEADING_ROLE, ROW_ROLE

ModelIndex = QModelIndex | QPersistentModelIndex

_KIND_COLORS = {
    "meeting": "#5c6bc0",
    "call": "#00897b",
    "video_call": "#0288d1",
    "message": "#7cb342",
    "email": "#8d6e63",
    "coffee": "#f57c00",
    "event": "#8e24aa",
    "note": "#757575",
}
_GIVEN = QColor("#2e7d32")
_RECEIVED = QColor("#1565c0")
MARGIN = 12
GAP = 8


def kind_color(kind: str) -> QColor:
    """A steady colour per kind; the user's own kinds get one from their name."""
    known = _KIND_COLORS.get(kind)
    if known:
        return QColor(known)
    hue = sum(ord(ch) for ch in kind) * 37 % 360
    return QColor.fromHsl(hue, 110, 110)


class TimelineDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: date | None = None  # fixed in tests

    def row_height(self, option_font: QFont) -> int:
        return QFontMetrics(option_font).height() * 2 + 16

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        return QSize(400, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        painter.save()
        try:
            if index.data(HEADING_ROLE):
                self._paint_heading(painter, option, index)
            else:
                self._paint_interaction(painter, option, index)
        finally:
            painter.restore()

    # --- a day heading ---------------------------------------------------------------
    def _paint_heading(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.05)
        metrics = QFontMetrics(font)
        baseline = rect.bottom() - 8
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.drawText(rect.left() + MARGIN, baseline - metrics.descent(), label)
        day = index.data(DAY_ROLE)
        if isinstance(day, date) and is_relative(day, self.today or date.today()):
            muted = QFont(option.font)
            painter.setFont(muted)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            x = rect.left() + MARGIN + metrics.horizontalAdvance(label) + GAP
            painter.drawText(x, baseline - metrics.descent(), short_date(day))
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(
            rect.left() + MARGIN, rect.bottom() - 2, rect.right() - MARGIN, rect.bottom() - 2
        )

    # --- an interaction --------------------------------------------------------------
    def _paint_interaction(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex
    ) -> None:
        style_option = QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        widget = style_option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # background, selection and focus as the platform draws them
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, style_option, painter, widget
            )
        row = index.data(ROW_ROLE)
        if not isinstance(row, InteractionRow):
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted_color = text_color if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        base_font = QFont(option.font)
        metrics = QFontMetrics(base_font)
        line_height = metrics.height()
        top = rect.top() + 6
        first_baseline = top + metrics.ascent()
        second_baseline = first_baseline + line_height + 2

        time_width = metrics.horizontalAdvance("00:00 WWWW") + GAP
        x = rect.left() + MARGIN
        painter.setFont(base_font)
        painter.setPen(muted_color)
        painter.drawText(
            x,
            first_baseline,
            metrics.elidedText(time_text(row), Qt.TextElideMode.ElideRight, time_width - GAP),
        )
        x += time_width

        right = rect.right() - MARGIN
        if row.exchange is not None:
            right = self._paint_exchange(
                painter, row, x, right, first_baseline, metrics, selected, text_color
            )

        small = QFont(base_font)
        small.setPointSizeF(base_font.pointSizeF() * 0.9)
        small_metrics = QFontMetrics(small)
        chip_text = kind_label(row.kind)
        chip_width = small_metrics.horizontalAdvance(chip_text) + 12
        chip_rect = QRect(
            x,
            top + (line_height - small_metrics.height()) // 2 - 1,
            chip_width,
            small_metrics.height() + 2,
        )
        color = kind_color(row.kind)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        fill = QColor(color)
        fill.setAlpha(40 if not selected else 90)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip_rect, 4, 4)
        painter.setFont(small)
        painter.setPen(text_color if selected else color.darker(130))
        painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, chip_text)
        x += chip_width + GAP

        bold = QFont(base_font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(text_color)
        title = row.title or ("" if row.participants else "(no title)")
        painter.drawText(
            x,
            first_baseline,
            bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(0, right - x - GAP)),
        )

        second = (
            f"with {row.participants}" if row.participants else "with nobody (all in the trash)"
        )
        if row.place:
            second += f" · at {row.place}"
        painter.setFont(base_font)
        painter.setPen(muted_color)
        left = rect.left() + MARGIN + time_width
        painter.drawText(
            left,
            second_baseline,
            metrics.elidedText(
                second, Qt.TextElideMode.ElideRight, max(0, rect.right() - MARGIN - left)
            ),
        )

    def _paint_exchange(
        self,
        painter: QPainter,
        row: InteractionRow,
        left: int,
        right: int,
        baseline: int,
        metrics: QFontMetrics,
        selected: bool,
        text_color: QColor,
    ) -> int:
        """Draw "Gave: …" or "Received: …" at the right; returns where it starts."""
        verb = "Gave" if row.exchange == "given" else "Received"
        text = f"{verb}: {row.exchange_note}" if row.exchange_note else f"{verb} help"
        room = max(0, (right - left) * 2 // 5)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        width = metrics.horizontalAdvance(text)
        painter.setPen(
            text_color if selected else (_GIVEN if row.exchange == "given" else _RECEIVED)
        )
        painter.drawText(right - width, baseline, text)
        return right - width - GAP
