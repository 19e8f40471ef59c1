"""How a timeline row looks: a day heading, or an interaction on two lines.

    14:30  [Coffee]  Pricing review                          Gave: reviewed her deck
           with Alice Martin, Bo Chen · at Café Roma

Every row has the same height, so the view never measures a million rows to lay out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ally_desktop.core.timeline import InteractionRow, kind_label
from ally_desktop.ui.look import Tone, is_dark, readable, tone
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
MARGIN = 12
GAP = 8


def kind_color(kind: str) -> QColor:
    """A steady colour per kind; the user's own kinds get one from their name."""
    known = _KIND_COLORS.get(kind)
    if known:
        return QColor(known)
    hue = sum(ord(ch) for ch in kind) * 37 % 360
    return QColor.fromHsl(hue, 110, 110)


@dataclass(frozen=True)
class _Fonts:
    """The fonts and metrics of one base font, made once: building QFont and QFontMetrics
    for every row of every repaint costs more than the drawing."""

    base: QFont
    bold: QFont
    small: QFont
    heading: QFont
    metrics: QFontMetrics
    bold_metrics: QFontMetrics
    small_metrics: QFontMetrics
    heading_metrics: QFontMetrics
    time_width: int

    @classmethod
    def of(cls, base: QFont) -> _Fonts:
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.9)
        heading = QFont(bold)
        heading.setPointSizeF(base.pointSizeF() * 1.05)
        metrics = QFontMetrics(base)
        return cls(
            base,
            bold,
            small,
            heading,
            metrics,
            QFontMetrics(bold),
            QFontMetrics(small),
            QFontMetrics(heading),
            metrics.horizontalAdvance("00:00 WWWW") + GAP,
        )


class TimelineDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: date | None = None  # fixed in tests
        self._fonts: dict[str, _Fonts] = {}

    def fonts(self, base: QFont) -> _Fonts:
        key = base.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            fonts = self._fonts[key] = _Fonts.of(QFont(base))  # the option's own is temporary
        return fonts

    def row_height(self, option_font: QFont) -> int:
        return QFontMetrics(option_font).height() * 2 + 16

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        return QSize(400, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        painter.save()
        try:
            fonts = self.fonts(option.font)
            row = index.data(ROW_ROLE)
            if isinstance(row, InteractionRow):
                self._paint_interaction(painter, option, row, fonts)
            elif index.data(HEADING_ROLE):
                self._paint_heading(painter, option, index, fonts)
        finally:
            painter.restore()

    # --- a day heading ---------------------------------------------------------------
    def _paint_heading(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex, fonts: _Fonts
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        metrics = fonts.heading_metrics
        baseline = rect.bottom() - 8 - metrics.descent()
        painter.setFont(fonts.heading)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.drawText(rect.left() + MARGIN, baseline, label)
        day = index.data(DAY_ROLE)
        if isinstance(day, date) and is_relative(day, self.today or date.today()):
            painter.setFont(fonts.base)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            x = rect.left() + MARGIN + metrics.horizontalAdvance(label) + GAP
            painter.drawText(x, baseline, short_date(day))
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        line_y = rect.bottom() - 2
        painter.drawLine(rect.left() + MARGIN, line_y, rect.right() - MARGIN, line_y)

    # --- an interaction --------------------------------------------------------------
    def _paint_interaction(
        self, painter: QPainter, option: QStyleOptionViewItem, row: InteractionRow, fonts: _Fonts
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # background, selection and focus as the platform draws them
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted_color = text_color if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = fonts.metrics
        line_height = metrics.height()
        top = rect.top() + 6
        first_baseline = top + metrics.ascent()
        second_baseline = first_baseline + line_height + 2
        elide = Qt.TextElideMode.ElideRight

        time_width = fonts.time_width
        x = rect.left() + MARGIN
        painter.setFont(fonts.base)
        painter.setPen(muted_color)
        painter.drawText(
            x, first_baseline, metrics.elidedText(time_text(row), elide, time_width - GAP)
        )
        x += time_width

        right = rect.right() - MARGIN
        if row.exchange is not None:
            right = self._paint_exchange(
                painter, row, x, right, first_baseline, metrics, selected, palette
            )

        small_metrics = fonts.small_metrics
        chip_text = kind_label(row.kind)
        chip_width = small_metrics.horizontalAdvance(chip_text) + 12
        chip_top = top + (line_height - small_metrics.height()) // 2 - 1
        chip_rect = QRect(x, chip_top, chip_width, small_metrics.height() + 2)
        color = kind_color(row.kind)
        dark = is_dark(palette)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        fill = QColor(color)
        # A tint of the kind's colour: stronger on a dark base, where 16 % is lost.
        fill.setAlpha(90 if selected else 72 if dark else 40)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip_rect, 4, 4)
        painter.setFont(fonts.small)
        chip_pen = readable(color, palette) if dark else color.darker(130)
        painter.setPen(text_color if selected else chip_pen)
        painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, chip_text)
        x += chip_width + GAP

        painter.setFont(fonts.bold)
        painter.setPen(text_color)
        title = row.title or ("" if row.participants else "(no title)")
        room = max(0, right - x - GAP)
        painter.drawText(x, first_baseline, fonts.bold_metrics.elidedText(title, elide, room))

        if row.participants:
            second = f"with {row.participants}"
        else:
            second = "with nobody (all in the trash)"
        if row.place:
            second += f" · {row.place}"
        painter.setFont(fonts.base)
        painter.setPen(muted_color)
        left = rect.left() + MARGIN + time_width
        room = max(0, rect.right() - MARGIN - left)
        painter.drawText(left, second_baseline, metrics.elidedText(second, elide, room))

    def _paint_exchange(
        self,
        painter: QPainter,
        row: InteractionRow,
        left: int,
        right: int,
        baseline: int,
        metrics: QFontMetrics,
        selected: bool,
        palette: QPalette,
    ) -> int:
        """Draw "Gave: …" or "Received: …" at the right; returns where it starts."""
        verb = "Gave" if row.exchange == "given" else "Received"
        text = f"{verb}: {row.exchange_note}" if row.exchange_note else f"{verb} help"
        room = max(0, (right - left) * 2 // 5)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        width = metrics.horizontalAdvance(text)
        if selected:
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(tone(Tone.SUCCESS if row.exchange == "given" else Tone.INFO, palette))
        painter.drawText(right - width, baseline, text)
        return right - width - GAP
