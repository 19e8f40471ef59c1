"""The key under the map: what the colours, the sizes and the lines mean.

Painted from the same colours and pens as the map (``items``), so it always matches
it, light or dark. On a narrow window it takes a second line (or more) rather than leave
anything out; the tooltip says what each part means.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen, QResizeEvent
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


# One entry of the key: its mark (a dot of some radius and colour, or a line of a kind of
# link) and its word.
@dataclass(frozen=True)
class _Entry:
    text: str
    radius: float = 0.0  # a dot's
    due: Due = Due.NO_CADENCE  # a dot's colour
    kind: str = ""  # a line's kind of link (no dot then)

    def mark_width(self) -> float:
        return SWATCH + 5 if self.kind else 2 * self.radius + 5


def _groups() -> list[list[_Entry]]:
    return [
        [_Entry(text, 5.0, state) for state, text in _DUE_WORDS.items()],
        [_Entry(c.label, RADII[c] * 0.75) for c in Closeness],
        [_Entry(text, kind=kind) for kind, text in _KIND_WORDS.items()],
    ]


class Legend(QWidget):
    """The key, on as many lines as the width needs (entries wrap whole, never cut)."""

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
        self.setFixedHeight(self._height_for(self.sizeHint().width()))

    def set_colors(self, colors: MapColors) -> None:
        self.colors = colors
        self.update()

    def _line_height(self) -> float:
        return QFontMetricsF(self.font()).height() + 10

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(600, round(self._line_height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(50, round(self._line_height()))

    def lines(self, width: float) -> list[list[tuple[float, _Entry]]]:
        """The entries of each line, each with its x, for ``width``: a group starts after
        a wider gap, on a line of its own when it fits there whole but not after the one
        before; an entry that does not fit begins the next line."""
        metrics = QFontMetricsF(self.font())
        left, right = 8.0, width - 4.0
        lines: list[list[tuple[float, _Entry]]] = [[]]
        x = left
        for group in _groups():
            widths = [e.mark_width() + metrics.horizontalAdvance(e.text) for e in group]
            whole = sum(widths) + GAP * (len(group) - 1)
            if lines[-1]:
                x += GAP
                if x + whole > right and left + whole <= right:
                    lines.append([])
                    x = left
            for entry, entry_width in zip(group, widths, strict=True):
                if lines[-1] and x + entry_width > right:
                    lines.append([])
                    x = left
                lines[-1].append((x, entry))
                x += entry_width + GAP
        return lines

    def _height_for(self, width: float) -> int:
        return round(len(self.lines(width)) * self._line_height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        height = self._height_for(event.size().width())
        if height != self.height():
            self.setFixedHeight(height)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._draw(painter)
        finally:
            painter.end()

    def _draw(self, painter: QPainter) -> None:
        colors = self.colors
        text_pen = QPen(colors.muted)
        line_height = self._line_height()
        for number, line in enumerate(self.lines(self.width())):
            top = number * line_height
            middle = top + line_height / 2.0
            for x, entry in line:
                if entry.kind:
                    color = colors.link_color(entry.kind)
                    color.setAlphaF(min(1.0, color.alphaF() * 3.5))
                    painter.setPen(items.link_pen(color, entry.kind, scale=1.2))
                    painter.drawLine(QLineF(x, middle, x + SWATCH, middle))
                else:
                    painter.setPen(QPen(colors.outline, 1.0))
                    painter.setBrush(colors.due[entry.due])
                    painter.drawEllipse(
                        QPointF(x + entry.radius, middle), entry.radius, entry.radius
                    )
                text_x = x + entry.mark_width()
                painter.setPen(text_pen)
                rect = QRectF(text_x, top, self.width() - text_x, line_height)
                flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
                painter.drawText(rect, flags, entry.text)
