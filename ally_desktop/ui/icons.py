"""Ally's icons: its own mark, and the icons of its actions and views.

Actions ask the platform's icon theme first (``QIcon.fromTheme``): on a desktop with a
theme, Ally's toolbar looks like its neighbours'. Where there is none (Windows, macOS, a
bare X session, a frozen build) Ally's bundled icons show instead: monochrome SVGs in
``ally_desktop/resources/icons``, drawn by ``SvgIconEngine``

- at the exact size and device pixel ratio asked, so they are sharp at 200 % too;
- tinted with the palette's text colour when drawn (the highlighted-text colour when
  selected, the disabled one when disabled), so they are visible in dark mode and
  follow a scheme switch at run time without any icon being rebuilt.

The resources are found next to the package (``Path(__file__)``), which holds for an
installed wheel, an editable install and a PyInstaller or Nuitka build alike, as long as
the build collects ``ally_desktop/resources`` (package data in ``pyproject.toml``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from shiboken6 import Shiboken

from ally_desktop.ui.look import mix

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
APP_ICON_FILE = RESOURCES / "ally.svg"
ICONS_DIR = RESOURCES / "icons"
# The sizes the mark says it has (any other is drawn on request). X11 stores each in
# every window's _NET_WM_ICON: stopping at 256 keeps that to a third of a megabyte.
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)

# Ally's name for an icon → the freedesktop theme name asked first.
THEME_NAMES: dict[str, str] = {
    "add": "contact-new",
    "details": "contact-new",
    "log": "appointment-new",
    "remind": "appointment-soon",
    "edit": "document-edit",
    "delete": "edit-delete",
    "undo": "edit-undo",
    "redo": "edit-redo",
    "search": "edit-find",
    "trash": "user-trash",
    "import": "document-import",
    "export": "document-export",
    "backups": "document-revert",
    "preferences": "preferences-system",
    "quit": "application-exit",
    "about": "help-about",
    "contacts": "x-office-address-book",
    "timeline": "view-calendar-list",
    "reminders": "appointment-soon",
    "today": "go-home",
    "network": "network-workgroup",
    "who": "system-search",
    "reach": "mail-forward",
}
_CACHE_LIMIT = 48  # pixmaps kept per icon: a few sizes × modes × pixel ratios


@cache
def _svg_data(path: Path) -> bytes:
    return path.read_bytes()


def _tint(mode: QIcon.Mode) -> QColor:
    """The colour of a monochrome icon in this mode, from the application's palette.

    Normal icons are the window text softened a little towards the window (pure black
    or white glyphs look heavier than the text beside them)."""
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)
    return mix(text, window, 0.85)


class SvgIconEngine(QIconEngine):
    """An icon drawn from SVG data at whatever size and pixel ratio is asked.

    ``tinted``: a monochrome icon, painted in the palette's colour for the mode (see
    ``_tint``); otherwise drawn in its own colours (Ally's mark). Pixmaps are cached by
    size, ratio, mode and colour, so a scheme switch simply draws new ones.
    """

    # Engines Qt asked for through clone(): Python must keep them until Qt deletes them.
    _clones: ClassVar[list[SvgIconEngine]] = []

    def __init__(
        self, svg: bytes, *, tinted: bool, sizes: tuple[int, ...] = (16, 22, 24, 32, 48)
    ) -> None:
        super().__init__()
        self._svg = svg
        self._tinted = tinted
        self._sizes = sizes
        self._renderer: QSvgRenderer | None = None
        self._pixmaps: dict[tuple[int, int, int, int, int], QPixmap] = {}

    def _render(self, size: QSize, mode: QIcon.Mode, scale: float) -> QPixmap:
        width = max(1, round(size.width() * scale))
        height = max(1, round(size.height() * scale))
        color = _tint(mode) if self._tinted else QColor()
        key = (width, height, round(scale * 100), mode.value, color.rgba() if self._tinted else -1)
        found = self._pixmaps.get(key)
        if found is None:
            if self._renderer is None:
                self._renderer = QSvgRenderer(QByteArray(self._svg))
                self._renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            self._renderer.render(painter, QRectF(0, 0, width, height))
            if self._tinted:
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
                painter.fillRect(image.rect(), color)
            painter.end()
            if len(self._pixmaps) >= _CACHE_LIMIT:
                self._pixmaps.clear()
            found = self._pixmaps[key] = QPixmap.fromImage(image)
            found.setDevicePixelRatio(scale)
        return found

    # --- QIconEngine --------------------------------------------------------------------------
    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self._render(size, mode, 1.0)

    def scaledPixmap(  # noqa: N802 (Qt's name)
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        return self._render(size, mode, scale)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self._render(rect.size(), mode, scale))

    def availableSizes(  # noqa: N802 (Qt's name)
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return [QSize(size, size) for size in self._sizes]

    def isNull(self) -> bool:  # noqa: N802 (Qt's name)
        return not self._svg

    def key(self) -> str:
        return "ally-svg"

    def clone(self) -> QIconEngine:
        copy = SvgIconEngine(self._svg, tinted=self._tinted, sizes=self._sizes)
        # Qt owns the copy, but PySide does not hand it over: keep it referenced until
        # Qt has deleted it (its wrapper is then invalid), or Python would free it first.
        SvgIconEngine._clones = [e for e in SvgIconEngine._clones if Shiboken.isValid(e)]
        SvgIconEngine._clones.append(copy)
        return copy


def bundled_icon(name: str) -> QIcon:
    """Ally's own monochrome icon ``name`` (``add``, ``trash``…), tinted when drawn."""
    return QIcon(SvgIconEngine(_svg_data(ICONS_DIR / f"{name}.svg"), tinted=True))


def themed_icon(name: str) -> QIcon:
    """The platform theme's icon for ``name`` where the theme has one, else Ally's own."""
    return QIcon.fromTheme(THEME_NAMES[name], bundled_icon(name))


def app_icon() -> QIcon:
    """Ally's mark (``resources/ally.svg``), sharp at every size from 16 to 512 pixels."""
    return QIcon(SvgIconEngine(_svg_data(APP_ICON_FILE), tinted=False, sizes=APP_ICON_SIZES))
