"""Avatars: the contact's photo, or their initials on a colour picked from their name."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath

_PALETTE = (
    "#5c6bc0",
    "#26a69a",
    "#ef6c00",
    "#8e24aa",
    "#3949ab",
    "#00897b",
    "#c0ca33",
    "#d81b60",
    "#6d4c41",
    "#546e7a",
)


def initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_image(
    name: str, photo: bytes | None, size: int, device_pixel_ratio: float = 1.0
) -> QImage:
    """A round avatar of ``size`` logical pixels."""
    pixels = max(1, round(size * device_pixel_ratio))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(QRectF(0, 0, pixels, pixels))
    painter.setClipPath(clip)
    picture = QImage.fromData(photo) if photo else QImage()
    if not picture.isNull():
        scaled = picture.scaled(
            pixels,
            pixels,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.drawImage((pixels - scaled.width()) // 2, (pixels - scaled.height()) // 2, scaled)
    else:
        digest = hashlib.blake2s(name.encode("utf-8"), digest_size=2).digest()
        painter.fillRect(0, 0, pixels, pixels, QColor(_PALETTE[digest[0] % len(_PALETTE)]))
        font = QFont()
        font.setPixelSize(int(pixels * 0.4))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, pixels, pixels), Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.end()
    image.setDevicePixelRatio(device_pixel_ratio)
    return image
