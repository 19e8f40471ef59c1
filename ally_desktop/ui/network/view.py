"""The map's view: zoom, pan, pointing at people, clicking them.

Zoom with the wheel (around the mouse), Ctrl+plus / Ctrl+minus (around the middle) and
Ctrl+0 to fit everything; pan by dragging. A click that did not drag opens the person
under the mouse; Enter opens the focused one; Escape drops the focus. Group names are
always drawn, except where a bigger group's name already is (decided again at each
zoom), and people's names follow the zoom (``MapScene.set_scale``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QFrame, QGraphicsView, QToolTip, QWidget

from ally_desktop.ui.network.scene import MapScene

MIN_SCALE = 0.04
MAX_SCALE = 8.0
STEP = 1.25  # one keyboard zoom step
POINT_TOLERANCE_PX = 5.0  # how near the mouse must be to a dot to point at it


class MapView(QGraphicsView):
    personClicked = Signal(int)  # noqa: N815 (a contact id)
    activated = Signal(int)  # Enter on the focused person
    zoomed = Signal(float)  # the new scale, after the user zoomed or panned

    def __init__(self, scene: MapScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.map = scene
        self.setObjectName("networkView")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self._pressed_at: QPoint | None = None
        # Held while painting (see worker.Gate): set by the page.
        self.guard: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext
        self.user_moved = False  # zoomed or panned since the last fit
        self._cull_timer = QTimer(self)
        self._cull_timer.setSingleShot(True)
        self._cull_timer.setInterval(30)
        self._cull_timer.timeout.connect(self.cull_labels)
        # A map pans by dragging: no scroll bars (they still move, and names follow).
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scene.highlightChanged.connect(self._cull_timer.start)
        self.horizontalScrollBar().valueChanged.connect(self._panned)
        self.verticalScrollBar().valueChanged.connect(self._panned)

    # --- zoom -------------------------------------------------------------------------
    def scale_now(self) -> float:
        return float(self.transform().m11())

    def zoom_by(self, factor: float, around_mouse: bool = False) -> None:
        current = self.scale_now()
        target = min(MAX_SCALE, max(self._min_scale(), current * factor))
        if target == current:
            return
        anchor = (
            QGraphicsView.ViewportAnchor.AnchorUnderMouse
            if around_mouse
            else QGraphicsView.ViewportAnchor.AnchorViewCenter
        )
        self.setTransformationAnchor(anchor)
        self.scale(target / current, target / current)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.user_moved = True
        self._scale_changed()

    def zoom_in(self) -> None:
        self.zoom_by(STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1.0 / STEP)

    def fit(self) -> None:
        """Everything in view (Ctrl+0)."""
        rect = self.map.sceneRect()
        if rect.isEmpty():
            return
        # Room around the map, so any person can be brought to the middle of the view.
        room = max(rect.width(), rect.height())
        self.setSceneRect(rect.adjusted(-room, -room, room, room))
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.scale_now() > 1.5:  # a handful of people: not giant dots
            self.resetTransform()
            self.scale(1.5, 1.5)
            self.centerOn(rect.center())
        self._make_room_for_names()
        self.user_moved = False
        self._scale_changed()

    def _make_room_for_names(self) -> None:
        """Group names keep their size on screen, so a fitted map can leave the names of
        its outer groups half outside: zoom out until they are in (twice is enough)."""
        room = QRectF(self.viewport().rect()).adjusted(4, 4, -4, -4)
        for _ in range(2):
            needed = QRectF(self.mapFromScene(self.map.sceneRect()).boundingRect())
            for label, _size in self.map.group_labels:
                anchor = QPointF(self.mapFromScene(label.pos()))
                needed = needed.united(label.boundingRect().translated(anchor))
            if room.contains(needed) or needed.isEmpty():
                return
            factor = min(room.width() / needed.width(), room.height() / needed.height())
            centre = self.mapToScene(needed.center().toPoint())
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.scale(factor, factor)
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
            self.centerOn(centre)

    def centre_on_person(self, contact_id: int, at_least: float = 1.6) -> None:
        """Bring a person to the middle, zoomed in enough to read the names around."""
        where = self.map.position_of(contact_id)
        if where is None:
            return
        if self.scale_now() < at_least:
            factor = at_least / self.scale_now()
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.scale(factor, factor)
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.centerOn(where)
        self.user_moved = True
        self._scale_changed()

    def _min_scale(self) -> float:
        rect = self.map.sceneRect()
        viewport = self.viewport().rect()
        if rect.isEmpty() or viewport.isEmpty():
            return MIN_SCALE
        fit = min(viewport.width() / rect.width(), viewport.height() / rect.height())
        return max(MIN_SCALE, min(fit * 0.5, 1.0))

    def _scale_changed(self) -> None:
        self.map.set_scale(self.scale_now())
        self._cull_timer.start()
        self.zoomed.emit(self.scale_now())

    def _panned(self, _value: int) -> None:
        self._cull_timer.start()

    def cull_labels(self) -> None:
        """Decide which names to draw for what the view shows now."""
        self._cull_timer.stop()

        def to_screen(point: QPointF) -> QPointF:
            return QPointF(self.mapFromScene(point))

        area = QRectF(self.viewport().rect()).adjusted(-60, -20, 60, 20)
        self.map.cull_names(to_screen, area)
        self.map.cull_group_labels(to_screen)

    # --- events -----------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        steps = event.angleDelta().y() / 120.0
        if not steps:
            super().wheelEvent(event)
            return
        self.zoom_by(STEP ** (steps * 0.8), around_mouse=True)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self.user_moved:
            self.fit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if self._pressed_at is not None:
            if (event.position().toPoint() - self._pressed_at).manhattanLength() >= (
                QApplication.startDragDistance()
            ):
                self.user_moved = True
            return
        self._point_at(event.position().toPoint())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        pressed, self._pressed_at = self._pressed_at, None
        if pressed is None or event.button() != Qt.MouseButton.LeftButton:
            return
        here = event.position().toPoint()
        if (here - pressed).manhattanLength() >= QApplication.startDragDistance():
            self._cull_timer.start()
            return
        person = self.person_at(here)
        if person is not None:
            self.personClicked.emit(person)
        else:
            self.map.set_focused(None)
        self._point_at(here)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self.map.set_hovered(None)
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.map.focused is not None:
            self.activated.emit(self.map.focused)
            return
        if key == Qt.Key.Key_Escape and self.map.focused is not None:
            self.map.set_focused(None)
            return
        super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            with self.guard():
                return super().viewportEvent(event)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            person = self.person_at(event.pos())
            if person is not None:
                QToolTip.showText(event.globalPos(), self.map.summary(person), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def person_at(self, pos: QPoint) -> int | None:
        """The contact id of the person under ``pos`` (viewport pixels)."""
        tolerance = POINT_TOLERANCE_PX / max(self.scale_now(), 1e-6)
        return self.map.node_at(self.mapToScene(pos), tolerance)

    def _point_at(self, pos: QPoint) -> None:
        person = self.person_at(pos)
        self.map.set_hovered(person)
        if person is not None:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
