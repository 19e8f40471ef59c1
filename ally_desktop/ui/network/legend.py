"""The key under the map: what the colours, the sizes and the lines mean.

Painted from the same colours and pens as the map (``items``), so it always matches
it, light or dark. What does not fit the width is left out from the end (the kinds of
link first); the full key is in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ally_desktop.core.connections import KINDS
from ally_desktop.core.network import RADII, Due
from ally_desktop.core.records import Closeness
from ally_desktop.ui.network import items
from ally_desktop.ui.network.items import MapColors

_DUE_WORDS = {
    Due.ON_TIME: "On time",
    Due.SOON: "Due soon",
    Due.OVERDUE: "Overdue",
    Due.NO_CADENCE: "No cadence",
}
_KIND_WORDS = {
    "works_with": "works with",
    "reports_to": "reports to",
    "mentor_of": "mentors",
    "introduced": "introduced",
    "friend_of": "friends",
    "custom": "other",
}
GAP = 14.0
SWATCH = 22.0


class Legend(QWidget):
    def __init__(self, colors: MapColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkLegend")
        self.colors = colors
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setToolTip(
            "Colour: how keeping in touch stands (their cadence and your last contact).\n"
            "Size: how close you are (the inner circle biggest).\n"
            "Lines: how people are connected (" + ", ".join(KINDS[k].forward for k in KINDS) + ")."
        )

    def set_colors(self, colors: MapColors) -> None:
        self.colors = colors
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(600, round(QFontMetricsF(self.font()).height() + 10))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(50, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._draw(painter)
        finally:
            painter.end()

    def _draw(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self.font())
        middle = self.height() / 2.0
        x = 8.0
        right = self.width() - 4.0
        colors = self.colors
        text_pen = QPen(colors.muted)

        def word(text: str) -> bool:
            nonlocal x
            width = metrics.horizontalAdvance(text)
            if x + width > right:
                return False
            painter.setPen(text_pen)
            rect = QRectF(x, 0, width + 2, self.height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
            x += width + GAP
            return True

        def dot(radius: float, color_due: Due) -> bool:
            nonlocal x
            if x + 2 * radius + 4 > right:
                return False
            painter.setPen(QPen(colors.outline, 1.0))
            painter.setBrush(colors.due[color_due])
            painter.drawEllipse(QPointF(x + radius, middle), radius, radius)
            x += 2 * radius + 5
            return True

        for state, text in _DUE_WORDS.items():
            if x + 15 + metrics.horizontalAdvance(text) > right:
                return
            dot(5.0, state)
            word(text)
        x += GAP
        for closeness in Closeness:
            radius = RADII[closeness] * 0.75
            if x + 2 * radius + 5 + metrics.horizontalAdvance(closeness.label) > right:
                return
            dot(radius, Due.NO_CADENCE)
            word(closeness.label)
        x += GAP
        for kind, text in _KIND_WORDS.items():
            if x + SWATCH + 5 + metrics.horizontalAdvance(text) > right:
                return  # a line without its word would say nothing
            color = colors.link_color(kind)
            color.setAlphaF(min(1.0, color.alphaF() * 3.5))
            painter.setPen(items.link_pen(color, kind, scale=1.2))
            painter.drawLine(QLineF(x, middle, x + SWATCH, middle))
            x += SWATCH + 5
            if not word(text):
                return
