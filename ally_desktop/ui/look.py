"""Light or dark, following the system, and colours that read on either.

The scheme comes from ``QStyleHints.colorScheme()`` (Qt 6.5+), and follows its
``colorSchemeChanged`` signal while Ally runs; ``ALLY_COLOR_SCHEME=dark|light`` overrides
it (for testing, screenshots, or a desktop that does not say). Where the platform's own
style and palette already match the scheme (macOS, Windows 11, KDE, GNOME with a Qt
theme), they are kept. Where they do not (Linux without a theme is always light, the
Windows "vista" style has no dark variant), Ally switches to Fusion with a palette of
its own: Fusion draws every control from the palette, so the whole window follows.

Everything Ally draws itself takes its colours from the palette at paint time. The few
accent colours (red for errors, green for help given, the reminders' sections…) are
*tones*: each has a shade for light backgrounds and a lighter one for dark ones, since
``#c62828`` reads well on white and barely at all on near-black. Widgets styled with a
style sheet in a tone (``set_toned_style``) are restyled when the scheme changes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from enum import Enum
from string import Template

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

log = logging.getLogger(__name__)

SCHEME_ENV = "ALLY_COLOR_SCHEME"
STYLE_PROPERTY = "allyTonedStyle"  # the template of a widget styled by set_toned_style


class Scheme(Enum):
    LIGHT = "light"
    DARK = "dark"


def scheme_override(environ: Mapping[str, str] | None = None) -> Scheme | None:
    """The scheme asked by ``ALLY_COLOR_SCHEME`` (``system``, empty or unknown: none)."""
    value = (os.environ if environ is None else environ).get(SCHEME_ENV, "").strip().lower()
    if value in ("", "system", "auto"):
        return None
    try:
        return Scheme(value)
    except ValueError:
        log.warning("%s=%r is not dark, light or system: following the system", SCHEME_ENV, value)
        return None


def system_scheme() -> Scheme:
    """What the desktop says; Unknown (no theme, offscreen) counts as light."""
    hints = QGuiApplication.styleHints()
    return Scheme.DARK if hints.colorScheme() == Qt.ColorScheme.Dark else Scheme.LIGHT


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (the application's by default) is a dark one: light text on a
    dark window. Asked of the palette rather than the scheme, so that it is right
    whoever set the colours (the platform, Ally, or a test)."""
    if palette is None:
        palette = QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return text.lightness() > window.lightness()


# --- palettes -------------------------------------------------------------------------------
_DARK = {
    QPalette.ColorRole.Window: "#2e3034",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1f22",
    QPalette.ColorRole.AlternateBase: "#27292c",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Button: "#383a3f",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff8a80",
    QPalette.ColorRole.Light: "#4a4d53",
    QPalette.ColorRole.Midlight: "#3a3c41",
    QPalette.ColorRole.Mid: "#45484e",
    QPalette.ColorRole.Dark: "#18191b",
    QPalette.ColorRole.Shadow: "#0b0b0c",
    QPalette.ColorRole.Highlight: "#2f6fd0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Accent: "#2f6fd0",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c58af9",
    QPalette.ColorRole.ToolTipBase: "#3c4043",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
}
_DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#6f737a",
    QPalette.ColorRole.Text: "#6f737a",
    QPalette.ColorRole.ButtonText: "#6f737a",
    QPalette.ColorRole.PlaceholderText: "#5c6066",
    QPalette.ColorRole.Base: "#232428",
    QPalette.ColorRole.Button: "#2b2d31",
    QPalette.ColorRole.Highlight: "#3a3d42",
    QPalette.ColorRole.HighlightedText: "#9aa0a6",
    QPalette.ColorRole.Accent: "#3a3d42",
}
# Fusion's own light palette, with an opaque placeholder grey (Qt's is half-transparent
# black, which rich text cannot use) and a calmer link blue: used when the platform is
# dark and ALLY_COLOR_SCHEME asks for light.
_LIGHT = {
    QPalette.ColorRole.Window: "#efefef",
    QPalette.ColorRole.WindowText: "#000000",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f7f7f7",
    QPalette.ColorRole.Text: "#000000",
    QPalette.ColorRole.PlaceholderText: "#767676",
    QPalette.ColorRole.Button: "#efefef",
    QPalette.ColorRole.ButtonText: "#000000",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#cacaca",
    QPalette.ColorRole.Mid: "#b8b8b8",
    QPalette.ColorRole.Dark: "#9f9f9f",
    QPalette.ColorRole.Shadow: "#767676",
    QPalette.ColorRole.Highlight: "#308cc6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Accent: "#308cc6",
    QPalette.ColorRole.Link: "#1a5fb4",
    QPalette.ColorRole.LinkVisited: "#813d9c",
    QPalette.ColorRole.ToolTipBase: "#ffffdc",
    QPalette.ColorRole.ToolTipText: "#000000",
}
_LIGHT_DISABLED = {
    QPalette.ColorRole.WindowText: "#bebebe",
    QPalette.ColorRole.Text: "#bebebe",
    QPalette.ColorRole.ButtonText: "#bebebe",
    QPalette.ColorRole.PlaceholderText: "#c8c8c8",
    QPalette.ColorRole.Base: "#efefef",
    QPalette.ColorRole.Highlight: "#919191",
    QPalette.ColorRole.Accent: "#919191",
}


def _palette(
    colors: Mapping[QPalette.ColorRole, str], disabled: Mapping[QPalette.ColorRole, str]
) -> QPalette:
    palette = QPalette()
    for role, color in colors.items():
        palette.setColor(role, QColor(color))  # every group
    for role, color in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(color))
    return palette


def dark_palette() -> QPalette:
    """Ally's dark palette for Fusion: neutral greys a little warmer than black, text
    at about 13:1 on the lists, muted text at 7:1, and the selection in Ally's blue."""
    return _palette(_DARK, _DARK_DISABLED)


def light_palette() -> QPalette:
    return _palette(_LIGHT, _LIGHT_DISABLED)


# --- tones ----------------------------------------------------------------------------------
class Tone(Enum):
    """Accent colours by meaning: (on light backgrounds, on dark ones)."""

    ERROR = ("#c62828", "#ff8a80")
    WARNING = ("#ef6c00", "#ffb74d")
    INFO = ("#1565c0", "#8ab4f8")
    SUCCESS = ("#2e7d32", "#81c995")
    NEUTRAL = ("#6d6d6d", "#a8acb2")
    EARTH = ("#8d6e63", "#c9a99b")


_TONE_COLORS: dict[tuple[Tone, bool], QColor] = {}


def tone(which: Tone, palette: QPalette | None = None) -> QColor:
    """The tone's colour for ``palette`` (the application's by default).

    The QColor is shared: copy it before changing it."""
    dark = is_dark(palette)
    color = _TONE_COLORS.get((which, dark))
    if color is None:
        color = _TONE_COLORS[(which, dark)] = QColor(which.value[dark])
    return color


def readable(color: QColor, palette: QPalette | None = None) -> QColor:
    """An accent colour made fit for text on ``palette``'s background: as it is on a light
    one; on a dark one lifted to a light shade of the same hue, so kinds and categories
    keep their colour and stay legible."""
    if not is_dark(palette):
        return QColor(color)
    return QColor.fromHslF(
        max(color.hslHueF(), 0.0),  # -1 for greys: any hue will do
        min(color.hslSaturationF(), 0.8),
        max(color.lightnessF(), 0.74),
        color.alphaF(),
    )


def mix(color: QColor, other: QColor, amount: float) -> QColor:
    """``amount`` (0–1) of ``color`` over ``other``, opaque."""
    keep = 1.0 - amount
    return QColor.fromRgbF(
        color.redF() * amount + other.redF() * keep,
        color.greenF() * amount + other.greenF() * keep,
        color.blueF() * amount + other.blueF() * keep,
    )


def solid(color: QColor, background: QColor) -> QColor:
    """A half-transparent colour (Qt's default placeholder text is black at 50 %) as the
    opaque colour it shows on ``background``: rich text needs it opaque."""
    return mix(QColor(color.red(), color.green(), color.blue()), background, color.alphaF())


def muted_text(palette: QPalette | None = None) -> QColor:
    """The palette's secondary text colour, opaque, as it shows on the lists' base."""
    if palette is None:
        palette = QGuiApplication.palette()
    return solid(
        palette.color(QPalette.ColorRole.PlaceholderText), palette.color(QPalette.ColorRole.Base)
    )


# --- style sheets in tones ---------------------------------------------------------------------
def style_colors(palette: QPalette | None = None) -> dict[str, str]:
    """The names a toned style sheet may use: ``$text``, ``$muted``, each tone by its name
    (``$error``), and for bands of a tone its background (``$error_back``) and edge
    (``$error_line``), mixed from the tone and the palette's base."""
    if palette is None:
        palette = QGuiApplication.palette()
    dark = is_dark(palette)
    base = palette.color(QPalette.ColorRole.Base)
    names = {
        "text": palette.color(QPalette.ColorRole.Text).name(),
        "muted": muted_text(palette).name(),
    }
    for which in Tone:
        color = tone(which, palette)
        key = which.name.lower()
        names[key] = color.name()
        names[f"{key}_back"] = mix(color, base, 0.16 if dark else 0.09).name()
        names[f"{key}_line"] = mix(color, base, 0.45 if dark else 0.35).name()
    return names


def set_toned_style(widget: QWidget, template: str | None) -> None:
    """Style ``widget`` with a style sheet whose colours are tones (``$error``,
    ``$warning_back``…: see ``style_colors``), rendered for the current scheme and
    rendered again when it changes. None removes the style."""
    widget.setProperty(STYLE_PROPERTY, template)
    widget.setStyleSheet(Template(template).substitute(style_colors()) if template else "")


def set_tone(widget: QWidget, which: Tone | None) -> None:
    """Text in a tone: ``set_tone(label, Tone.ERROR)`` for an error message."""
    set_toned_style(widget, f"color: ${which.name.lower()};" if which is not None else None)


def refresh_styles() -> None:
    """Render every toned style sheet again for the current palette, and re-apply the
    style sheets that name palette roles (``palette(mid)``), which Qt resolves once."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    names = style_colors()
    for widget in app.allWidgets():
        template = widget.property(STYLE_PROPERTY)
        if isinstance(template, str) and template:
            widget.setStyleSheet(Template(template).substitute(names))
        elif "palette(" in widget.styleSheet():
            widget.setStyleSheet(widget.styleSheet())


# --- following the system -------------------------------------------------------------------
class Appearance(QObject):
    """Keeps the application's style and palette in step with the colour scheme.

    ``apply`` first gives the platform its own look back; only when the platform's
    palette does not match the scheme does Ally put Fusion and its own palette in place.
    """

    changed = Signal(bool)  # dark or not, after the palette changed

    def __init__(self, app: QApplication, override: Scheme | None = None) -> None:
        super().__init__(app)
        self._app = app
        self._override = override
        style = app.style()
        self._platform_style = style.name() if style is not None else "Fusion"
        self._own: Scheme | None = None  # the scheme of Ally's palette, when it is in place
        hints = app.styleHints()
        if override is not None:
            # Native styles that can draw either (Windows 11, macOS) then draw this one.
            hints.setColorScheme(
                Qt.ColorScheme.Dark if override is Scheme.DARK else Qt.ColorScheme.Light
            )
        hints.colorSchemeChanged.connect(self._system_changed)

    @property
    def scheme(self) -> Scheme:
        """The scheme in use: the override, else the system's."""
        return self._override or system_scheme()

    @property
    def own_palette(self) -> bool:
        """Whether Ally's Fusion palette is in place (rather than the platform's)."""
        return self._own is not None

    def apply(self, scheme: Scheme | None = None) -> None:
        """Make the application ``scheme`` (by default the one in use)."""
        wanted = scheme or self.scheme
        dark = wanted is Scheme.DARK
        if self._own is not wanted:
            if self._own is not None:
                self._restore_platform()
            if is_dark(self._app.palette()) != dark:
                self._app.setStyle(QStyleFactory.create("Fusion"))
                self._app.setPalette(dark_palette() if dark else light_palette())
                self._own = wanted
            log.info(
                "colour scheme %s (%s palette)",
                wanted.value,
                "Ally's" if self._own is not None else "the platform's",
            )
            # Going back to the platform's palette reaches the widgets through posted
            # events: deliver them now, so that whatever paints next paints in it.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationPaletteChange)
        refresh_styles()
        self.changed.emit(dark)

    def _restore_platform(self) -> None:
        style = QStyleFactory.create(self._platform_style)
        if style is not None:
            self._app.setStyle(style)
        self._app.setPalette(QPalette())  # no role set: the platform's palette again
        self._own = None

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._override is not None:
            return
        wanted = Scheme.DARK if scheme == Qt.ColorScheme.Dark else Scheme.LIGHT
        log.info("the system's colour scheme changed to %s", wanted.value)
        # After the platform has updated its own palette (it may do so after the signal).
        QTimer.singleShot(0, self, lambda: self.apply(wanted))


def install_appearance(app: QApplication) -> Appearance:
    """The application stage's part: follow the system (or ALLY_COLOR_SCHEME) from now on."""
    appearance = Appearance(app, scheme_override())
    appearance.apply()
    return appearance
