"""Saving the map as a picture: PNG (at twice the size, sharp when printed or zoomed) or
SVG (lines and text, for documents and further editing).

The whole scene is drawn, whatever part the view shows, with the names the map shows at
its natural size (the inner circle's; every group's). The file is written next to its
final name and renamed over it only once complete (``os.replace``), so a full disk or a
crash never leaves half a picture where the user expects one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from ally_desktop import APP_NAME
from ally_desktop.core.transfer.atomic_files import WriteFailedError, write_bytes_atomically
from ally_desktop.ui.network.scene import MapScene

PNG_SCALE = 2.0
EXPORT_SCALE = 1.0  # the zoom whose names the picture shows
MAX_PNG_SIDE = 16_000  # pixels: a bigger map is drawn smaller rather than failing


def png_bytes(scene: MapScene, background: QColor, scale: float = PNG_SCALE) -> bytes:
    """The whole map as PNG data, ``scale`` device pixels per scene unit."""
    source = scene.sceneRect()
    scale = min(scale, MAX_PNG_SIDE / max(source.width(), source.height(), 1.0))
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    # Labels keep their size in device-independent pixels: at a pixel ratio of ``scale``
    # they grow with the picture.
    image.setDevicePixelRatio(scale)
    image.fill(background)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    with scene.drawn_at(EXPORT_SCALE):
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise WriteFailedError(0, "The picture could not be encoded as PNG.")
    buffer.close()
    return bytes(data.data())


def svg_bytes(scene: MapScene, background: QColor, title: str = "") -> bytes:
    """The whole map as SVG data, one unit per scene unit."""
    source = scene.sceneRect()
    width, height = max(1, round(source.width())), max(1, round(source.height()))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setTitle(title or f"{APP_NAME}: network map")
    generator.setDescription(f"People and their connections, drawn by {APP_NAME}")
    painter = QPainter()
    painter.begin(generator)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, width, height), background)
    painter.setPen(Qt.PenStyle.NoPen)
    with scene.drawn_at(EXPORT_SCALE):
        scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    buffer.close()
    return bytes(data.data())


def export_map(scene: MapScene, path: Path, background: QColor) -> None:
    """Write the map to ``path``: SVG for a .svg name, PNG otherwise."""
    if path.suffix.lower() == ".svg":
        data = svg_bytes(scene, background, title=f"{APP_NAME}: {path.stem}")
    else:
        data = png_bytes(scene, background)
    write_bytes_atomically(path, data)
