"""One line of a Today card: an avatar, a name, why they are here, and a Log button.

A row takes the keyboard focus (Tab, the arrow keys move between rows): Enter or a click
opens the person (or the reminder, when it is about no one), L logs an interaction with
them. The Log button itself is no tab stop, so Tab walks the people, not every button.

The avatar and the two lines of text are painted, not laid out as labels: a row is two
widgets instead of six, which keeps a refresh of every card to a few milliseconds on the
GUI thread, and the colours are read from the palette at paint time, so a change of
light and dark needs nothing more than a repaint. A refresh gives a row its new content
(``set_row``) rather than building a new one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from ally_desktop.core.today import TodayRow
from ally_desktop.ui.avatars import avatar_image
from ally_desktop.ui.look import Tone, is_dark, mix, muted_text, tone

AVATAR_SIZE = 32
PADDING_X = 10
PADDING_Y = 7
GAP = 10
SMALL = 0.92  # the why's size, of the name's


class TodayRowWidget(QFrame):
    activated = Signal()  # Enter or a click
    logClicked = Signal()  # noqa: N815
    moveRequested = Signal(int)  # noqa: N815 (-1 up, +1 down)

    def __init__(self, row: TodayRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.log_button = QToolButton(self)
        self.log_button.setObjectName("todayLog")
        self.log_button.setText("Log")
        self.log_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log_button.setCursor(Qt.CursorShape.ArrowCursor)
        self.log_button.clicked.connect(self.logClicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(PADDING_X, PADDING_Y, PADDING_X - 2, PADDING_Y)
        layout.addStretch(1)
        layout.addWidget(self.log_button)
        self._avatar: QPixmap | None = None
        self._avatar_for: tuple[str, float] | None = None
        self.row = row
        self.set_row(row)

    def set_row(self, row: TodayRow) -> None:
        """Show ``row`` (a refresh reuses the row widgets already there)."""
        self.row = row
        self.setAccessibleName(row.name)
        self.setAccessibleDescription(row.why)
        self.setToolTip(f"{row.name}: {row.why}")
        if row.contact_id is not None:
            self.log_button.setToolTip(f"Log a meeting, call or coffee with {row.name} (L)")
        # Hidden, never shown by hand: the layout shows it with the row.
        self.log_button.setHidden(row.contact_id is None)
        self.update()

    # --- drawing -----------------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont]:
        name = QFont(self.font())
        why = QFont(self.font())
        if why.pointSizeF() > 0:
            why.setPointSizeF(why.pointSizeF() * SMALL)
        return name, why

    def sizeHint(self) -> QSize:  # noqa: N802
        name, why = self._fonts()
        text = QFontMetrics(name).height() + 1 + QFontMetrics(why).height()
        height = max(AVATAR_SIZE, text, self.log_button.sizeHint().height()) + 2 * PADDING_Y
        return QSize(260, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, self.sizeHint().height())

    def _avatar_pixmap(self) -> QPixmap:
        ratio = self.devicePixelRatioF() or 1.0
        key = (self.row.name, ratio)
        if self._avatar is None or self._avatar_for != key:
            self._avatar = QPixmap.fromImage(avatar_image(self.row.name, None, AVATAR_SIZE, ratio))
            self._avatar_for = key
        return self._avatar

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        band = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        if self.hasFocus():
            info = tone(Tone.INFO, palette)
            base = palette.color(QPalette.ColorRole.Base)
            painter.setPen(QPen(mix(info, base, 0.45), 1))
            painter.setBrush(mix(info, base, 0.16 if is_dark(palette) else 0.09))
            painter.drawRoundedRect(band, 7, 7)
        elif self.underMouse():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawRoundedRect(band, 7, 7)
        top = (self.height() - AVATAR_SIZE) // 2
        painter.drawPixmap(PADDING_X, top, self._avatar_pixmap())
        left = PADDING_X + AVATAR_SIZE + GAP
        right = self.log_button.geometry().left() - GAP if self.log_button.isVisible() else 0
        width = max((right or self.width() - PADDING_X) - left, 10)
        name_font, why_font = self._fonts()
        name_metrics, why_metrics = QFontMetrics(name_font), QFontMetrics(why_font)
        block = name_metrics.height() + 1 + why_metrics.height()
        y = (self.height() - block) // 2
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute
        painter.setFont(name_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        name = name_metrics.elidedText(self.row.name, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, y, width, name_metrics.height()), flags, name)
        painter.setFont(why_font)
        why_color: QColor = (
            tone(Tone.WARNING, palette) if self.row.attention else muted_text(palette)
        )
        painter.setPen(why_color)
        why = why_metrics.elidedText(self.row.why, Qt.TextElideMode.ElideRight, width)
        y += name_metrics.height() + 1
        painter.drawText(QRect(left, y, width, why_metrics.height()), flags, why)
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.HoverEnter, QEvent.Type.HoverLeave):
            self.update()
        return super().event(event)

    # --- acting ----------------------------------------------------------------------------
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.activated.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            return
        if plain and key == Qt.Key.Key_L and self.row.contact_id is not None:
            self.logClicked.emit()
            return
        if plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moveRequested.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)
