"""What the map is drawn with: colours from the palette, people, links, groups, labels.

Drawing 2,000 people and 10,000 links must stay smooth while zooming and panning, so
what is many is drawn as a few layers: every person in one item, every link in another
(a path per kind of link), every group outline in a third. The links, the costly part,
are kept as a picture in device coordinates (panning copies it; a new zoom draws them
again: 10 ms for a whole map of 10,000, up to 80 ms zoomed in, where they are drawn
finely). No item per person or per link: the scene stays small and quick to build.
Names are items of their own, made when first shown.

Colours come from the palette and Ally's tones (``ui.look``), so light and dark both read:
a person is filled by how keeping in touch stands (green on time, amber due soon, red
overdue, grey without a cadence), links are the text colour at low alpha, groups are
soft tints of the base colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ally_desktop.core.connections import CUSTOM
from ally_desktop.core.network import Due
from ally_desktop.ui.look import Tone, is_dark, mix, tone

# Stacking order, back to front.
Z_HULL = -3.0
Z_LINK = -2.0
Z_LINK_HIGHLIGHT = -1.0
Z_NODE = 0.0
Z_RING = 1.0
Z_LABEL = 2.0
Z_GROUP_LABEL = 3.0

# How each kind of link is drawn: (pen style, width in pixels, strength of the colour).
LINK_STYLES: dict[str, tuple[Qt.PenStyle, float, float]] = {
    "works_with": (Qt.PenStyle.SolidLine, 1.0, 1.0),
    "reports_to": (Qt.PenStyle.SolidLine, 1.6, 1.4),
    "mentor_of": (Qt.PenStyle.DashDotLine, 1.2, 1.4),
    "introduced": (Qt.PenStyle.DotLine, 1.3, 1.6),
    "friend_of": (Qt.PenStyle.DashLine, 1.1, 1.3),
    CUSTOM: (Qt.PenStyle.DashDotDotLine, 1.0, 1.2),
}
DUE_TONES = {
    Due.ON_TIME: Tone.SUCCESS,
    Due.SOON: Tone.WARNING,
    Due.OVERDUE: Tone.ERROR,
    Due.NO_CADENCE: Tone.NEUTRAL,
}
ACROSS = 0.5  # links between groups are drawn this much as strongly as links within
# Group tints: hues far apart, mixed faintly into the background.
_GROUP_HUES = (210, 150, 35, 280, 185, 330, 95, 20)


@dataclass(frozen=True)
class MapColors:
    """Every colour of the map for one palette."""

    background: QColor
    text: QColor
    muted: QColor
    outline: QColor
    link: QColor
    highlight: QColor
    hull_fills: tuple[QColor, ...]
    hull_line: QColor
    due: dict[Due, QColor]
    dark: bool

    def link_color(self, kind: str, across: bool = False) -> QColor:
        """A kind of link's colour; ``across`` groups, fainter: those long lines would
        otherwise veil the whole map."""
        strength = LINK_STYLES.get(kind, LINK_STYLES[CUSTOM])[2] * (ACROSS if across else 1.0)
        color = QColor(self.link)
        color.setAlphaF(min(1.0, self.link.alphaF() * strength))
        return color


def map_colors(palette: QPalette) -> MapColors:
    dark = is_dark(palette)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    link = QColor(text)
    link.setAlphaF(0.16 if dark else 0.13)
    fills = []
    for hue in _GROUP_HUES:
        tint = QColor.fromHsl(hue, 90 if dark else 120, 130 if dark else 150)
        fills.append(mix(tint, base, 0.12 if dark else 0.10))
    due = {}
    for state, which in DUE_TONES.items():
        color = QColor(tone(which, palette))
        if not dark:
            color = color.lighter(118)
        due[state] = color
    return MapColors(
        background=base,
        text=text,
        muted=mix(text, base, 0.6),
        outline=mix(text, base, 0.55) if dark else QColor(base),
        link=link,
        highlight=QColor(palette.color(QPalette.ColorRole.Highlight)),
        hull_fills=tuple(fills),
        hull_line=mix(text, base, 0.16 if dark else 0.14),
        due=due,
        dark=dark,
    )


# --- layers -------------------------------------------------------------------------------
class PathsLayer(QGraphicsItem):
    """Many paths drawn as one item: every link of the map, or every group outline, in a
    few calls whatever their number.

    ``cached``: kept as a picture in device coordinates (the links: panning then copies
    the picture, and only a new zoom draws them again). Below the zoom ``fine_from`` the
    paths are drawn with their ``coarse`` pens, when given: for the links of a whole
    map, solid, opaque and not antialiased, which Qt draws five to ten times faster (8 ms
    instead of 80 for 10,000 links) and which look the same at that size.
    """

    def __init__(
        self,
        entries: Sequence[tuple[QPainterPath, QPen, QBrush | None]],
        coarse: Sequence[QPen] | None = None,
        fine_from: float = 0.0,
        cached: bool = False,
    ) -> None:
        super().__init__()
        self.entries = list(entries)
        self.coarse = list(coarse) if coarse is not None else None
        self.fine_from = fine_from
        if cached:
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        rect = QRectF()
        for path, _pen, _brush in self.entries:
            rect = rect.united(path.boundingRect())
        self._rect = rect.adjusted(-4, -4, 4, 4)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        coarse = self.coarse
        if coarse is not None and painter.worldTransform().m11() < self.fine_from:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for (path, _pen, _brush), pen in zip(self.entries, coarse, strict=True):
                painter.setPen(pen)
                painter.drawPath(path)
            return
        for path, pen, brush in self.entries:
            painter.setPen(pen)
            painter.setBrush(brush if brush is not None else Qt.BrushStyle.NoBrush)
            painter.drawPath(path)


def coarse_link_pen(colors: MapColors, kind: str, across: bool = False) -> QPen:
    """A link as the whole map shows it: one solid pixel of the link colour laid on the
    background (opaque: no blending)."""
    pen = QPen(solid_color(colors.link_color(kind, across), colors.background), 1.0)
    pen.setCosmetic(True)
    return pen


def solid_color(color: QColor, background: QColor) -> QColor:
    return mix(QColor(color.red(), color.green(), color.blue()), background, color.alphaF())


class NodesLayer(QGraphicsItem):
    """Every person, as one item: a filled circle with a thin ring in the background
    colour (so touching neighbours stay apart).

    Drawn by stamping: each kind of dot (a colour and a size) is drawn once, smoothly, at
    the size the zoom gives it, then copied to every place. 2,000 people cost about 6 ms
    instead of 30 ms of ellipses (or 250 ms as one path): cheap enough to draw at every
    paint, without a cached picture.
    """

    def __init__(
        self,
        xy: Sequence[tuple[float, float]],
        radii: Sequence[float],
        fills: Sequence[QColor],
        outline: QColor,
    ) -> None:
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(Z_NODE)
        self._outline = QColor(outline)
        batches: dict[tuple[int, float], list[tuple[float, float]]] = {}
        self._fills: dict[int, QColor] = {}
        for (x, y), radius, fill in zip(xy, radii, fills, strict=True):
            key = (fill.rgba(), radius)
            batches.setdefault(key, []).append((x, y))
            self._fills[fill.rgba()] = fill
        self._batches = sorted(batches.items(), key=lambda pair: -pair[0][1])  # big ones first
        self._stamps: dict[tuple[int, float, float, float], QImage] = {}
        if xy:
            reach = max(radii) + 2.0
            xs = [p[0] for p in xy]
            ys = [p[1] for p in xy]
            self._rect = QRectF(
                min(xs) - reach,
                min(ys) - reach,
                max(xs) - min(xs) + 2 * reach,
                max(ys) - min(ys) + 2 * reach,
            )
        else:
            self._rect = QRectF()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._rect

    def _stamp(self, rgba: int, radius: float, scale: float, ratio: float) -> QImage:
        key = (rgba, radius, round(scale, 4), ratio)
        stamp = self._stamps.get(key)
        if stamp is None:
            if len(self._stamps) > 64:  # zoomed through many scales: keep the recent ones
                self._stamps.clear()
            pixels = max(radius * scale, 0.8)
            side = math.ceil(2 * pixels + 4)
            stamp = QImage(
                math.ceil(side * ratio),
                math.ceil(side * ratio),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            stamp.setDevicePixelRatio(ratio)
            stamp.fill(Qt.GlobalColor.transparent)
            painter = QPainter(stamp)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(self._outline, 1.2))
            painter.setBrush(self._fills[rgba])
            painter.drawEllipse(QPointF(side / 2, side / 2), pixels, pixels)
            painter.end()
            self._stamps[key] = stamp
        return stamp

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        transform = painter.worldTransform()
        scale, shift_x = transform.m11(), transform.dx()
        scale_y, shift_y = transform.m22(), transform.dy()
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        painter.save()
        painter.resetTransform()
        draw = painter.drawImage
        for (rgba, radius), points in self._batches:
            stamp = self._stamp(rgba, radius, scale, ratio)
            half = stamp.width() / ratio / 2
            for x, y in points:
                draw(QPointF(x * scale + shift_x - half, y * scale_y + shift_y - half), stamp)
        painter.restore()


def ring_item(color: QColor) -> QGraphicsEllipseItem:
    """The ring around the focused person (moved to them, resized, shown or hidden)."""
    ring = QGraphicsEllipseItem()
    pen = QPen(color, 3.0)
    pen.setCosmetic(True)
    ring.setPen(pen)
    ring.setBrush(Qt.BrushStyle.NoBrush)
    ring.setZValue(Z_RING)
    ring.hide()
    return ring


def link_pen(color: QColor, kind: str, scale: float = 1.0) -> QPen:
    style, width, _strength = LINK_STYLES.get(kind, LINK_STYLES[CUSTOM])
    pen = QPen(color, width * scale)
    pen.setStyle(style)
    pen.setCosmetic(True)  # as thin at every zoom
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def segments_path(segments: Sequence[tuple[float, float, float, float]]) -> QPainterPath:
    path = QPainterPath()
    for x1, y1, x2, y2 in segments:
        path.moveTo(x1, y1)
        path.lineTo(x2, y2)
    return path


# --- labels ---------------------------------------------------------------------------------
class LabelItem(QGraphicsItem):
    """A name on a small rounded plate in the background colour, so it reads over links.

    It keeps its size on screen whatever the zoom (``ItemIgnoresTransformations``); its
    anchor is a point in the scene, and the plate sits centred ``below`` pixels under it
    (negative: above).
    """

    def __init__(
        self,
        text: str,
        font: QFont,
        color: QColor,
        plate: QColor,
        below: float = 3.0,
        parent: QGraphicsItem | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(Z_LABEL)
        self._text = text
        self._font = font
        self._color = color
        self._plate = plate
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(text) + 8.0
        height = metrics.height() + 2.0
        top = below if below >= 0 else below - height
        self._rect = QRectF(-width / 2.0, top, width, height)

    @property
    def text(self) -> str:
        return self._text

    def set_colors(self, color: QColor, plate: QColor) -> None:
        self._color = color
        self._plate = plate
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._plate)
        painter.drawRoundedRect(self._rect, 4.0, 4.0)
        painter.setFont(self._font)
        painter.setPen(self._color)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self._text)


def plate_color(colors: MapColors, strength: float = 0.82) -> QColor:
    plate = QColor(colors.background)
    plate.setAlphaF(strength)
    return plate
