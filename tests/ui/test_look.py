"""How Ally looks: its icon files, the actions' icons without any icon theme, dark mode
(the palette, the custom-painted rows, the toned style sheets, a switch at run time),
and pixmaps at twice the pixels."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QImageReader, QPalette
from PySide6.QtGui import QUndoStack as UndoStack
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory, QWidget
from shiboken6 import Shiboken

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.reminders import ReminderData, create_reminder
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.ui.avatars import avatar_image
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.icons import APP_ICON_FILE, THEME_NAMES, app_icon, bundled_icon
from ally_desktop.ui.look import (
    SCHEME_ENV,
    Appearance,
    Scheme,
    Tone,
    dark_palette,
    install_appearance,
    is_dark,
    refresh_styles,
    scheme_override,
    set_tone,
    tone,
)
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.reminders.commands import ReminderEditing
from ally_desktop.ui.reminders.page import RemindersPage
from ally_desktop.ui.timeline.commands import InteractionEditing
from ally_desktop.ui.timeline.page import TimelinePage
from tests.e2e.helpers import base_env

ROOT = Path(__file__).resolve().parents[2]


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """Ally's appearance on the test application; the platform's look is put back after."""
    style = qapp.style().name()
    look = Appearance(qapp)
    yield look
    Shiboken.delete(look)  # no longer follows the (test-emitted) system signal
    qapp.setStyle(QStyleFactory.create(style))
    qapp.setPalette(QPalette())
    qapp.styleHints().unsetColorScheme()
    refresh_styles()


@pytest.fixture
def no_icon_theme() -> Iterator[None]:
    """No icon theme at all, as on Windows, macOS or a bare X session."""
    saved = (
        QIcon.themeName(),
        QIcon.themeSearchPaths(),
        QIcon.fallbackThemeName(),
        QIcon.fallbackSearchPaths(),
    )
    QIcon.setThemeName("")
    QIcon.setThemeSearchPaths([])
    QIcon.setFallbackThemeName("")
    QIcon.setFallbackSearchPaths([])
    yield
    QIcon.setThemeName(saved[0])
    QIcon.setThemeSearchPaths(saved[1])
    QIcon.setFallbackThemeName(saved[2])
    QIcon.setFallbackSearchPaths(saved[3])


def _icons_module() -> ModuleType:
    """packaging/icons.py, which is a build script rather than part of the package."""
    spec = importlib.util.spec_from_file_location("ally_icons", ROOT / "packaging" / "icons.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lightness(image: QImage, area: QRect) -> list[int]:
    """The lightness of every other pixel of ``area``."""
    return [
        QColor(image.pixel(x, y)).lightness()
        for y in range(area.top(), area.bottom(), 2)
        for x in range(area.left(), area.right(), 2)
    ]


def _opaque_pixels(image: QImage) -> list[QColor]:
    return [
        color
        for y in range(image.height())
        for x in range(image.width())
        if (color := image.pixelColor(x, y)).alpha() > 200
    ]


# --- the application icon ------------------------------------------------------------------------
def test_the_icon_files_generate_and_parse(qapp: QApplication, tmp_path: Path) -> None:
    icons = _icons_module()
    written = icons.make_icons(ROOT / "resources" / "ally.svg", tmp_path)
    assert {p.name for p in written} == {f"ally-{s}.png" for s in icons.PNG_SIZES} | {
        "ally.ico",
        "ally.icns",
    }
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        data = (tmp_path / f"ally-{size}.png").read_bytes()
        assert icons.png_size(data) == (size, size)

    ico = (tmp_path / "ally.ico").read_bytes()
    assert ico[:6] == b"\0\0\1\0\7\0", "ICONDIR: reserved, type 1 (icon), 7 images"
    assert [size for size, _ in icons.read_ico(ico)] == [16, 24, 32, 48, 64, 128, 256]
    assert ico[6 + 16 * 6] == 0, "256 pixels is written as 0 in its directory entry"

    icns = (tmp_path / "ally.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert int.from_bytes(icns[4:8], "big") == len(icns)
    kinds = [kind for kind, _ in icons.read_icns(icns)]
    assert {b"ic07", b"ic08", b"ic09", b"ic10", b"icp4", b"icp5"} <= set(kinds)

    # Qt's own image plugins read both back, every entry.
    for name, count in (("ally.ico", 7), ("ally.icns", len(kinds))):
        reader = QImageReader(str(tmp_path / name))
        assert reader.imageCount() == count, name
        sizes = []
        for index in range(count):
            assert reader.jumpToImage(index)
            sizes.append(reader.read().width())
        assert max(sizes) == (256 if name == "ally.ico" else 1024)
    file_command = shutil.which("file")
    if file_command is not None:
        said = subprocess.run(
            [file_command, str(tmp_path / "ally.ico"), str(tmp_path / "ally.icns")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "MS Windows icon resource - 7 icons" in said
        assert "Mac OS X icon" in said


def test_the_containers_refuse_what_is_malformed(qapp: QApplication) -> None:
    icons = _icons_module()
    png = icons.render_pngs(ROOT / "resources" / "ally.svg", [16])[16]
    ico = icons.ico_bytes({16: png})
    with pytest.raises(ValueError, match="not an icon"):
        icons.read_ico(b"\0\0\2\0" + ico[4:])
    with pytest.raises(ValueError, match="says 32 pixels, its PNG is not"):
        icons.read_ico(ico[:6] + bytes([32, 32]) + ico[8:])
    with pytest.raises(ValueError, match="at most 256"):
        icons.ico_bytes({512: png})
    icns = icons.icns_bytes({16: png})
    with pytest.raises(ValueError, match="length"):
        icons.read_icns(icns[:-1])


def test_the_packaged_mark_is_the_source() -> None:
    """The package carries a copy of resources/ally.svg (package data must sit inside the
    package): the two must not drift apart."""
    assert APP_ICON_FILE.read_bytes() == (ROOT / "resources" / "ally.svg").read_bytes()


def test_the_window_icon_is_set(window: MainWindow) -> None:
    icon = window.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(32).toImage() == app_icon().pixmap(32).toImage()
    image = app_icon().pixmap(64).toImage()
    assert image.pixelColor(32, 4).blue() > 200, "the blue tile"
    assert image.pixelColor(0, 0).alpha() == 0, "with rounded, transparent corners"


def test_the_application_stage_sets_icon_and_scheme(tmp_path: Path) -> None:
    """The real start-up: the application has Ally's icon, and ALLY_COLOR_SCHEME=dark gives
    a dark palette (offscreen, the platform says nothing, so Ally's Fusion palette)."""
    driver = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from ally_desktop import app\n"
        "from ally_desktop.ui.look import is_dark\n"
        "def report(window):\n"
        "    qapp = QApplication.instance()\n"
        "    print('icon', not qapp.windowIcon().isNull(), 'dark', is_dark(),\n"
        "          'style', qapp.style().name(), flush=True)\n"
        "    window.quit()\n"
        "sys.exit(app.run(Path(sys.argv[1]), lambda w: QTimer.singleShot(0, lambda: report(w))))\n"
    )
    env = base_env(tmp_path) | {SCHEME_ENV: "dark"}
    done = subprocess.run(
        [sys.executable, "-c", driver, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "icon True dark True style fusion" in done.stdout, done.stdout + done.stderr


# --- action icons ------------------------------------------------------------------------------
def test_every_action_has_an_icon_without_a_theme(
    no_icon_theme: None, make_window: Callable[[], MainWindow]
) -> None:
    assert not QIcon.hasThemeIcon("edit-undo"), "no theme to fall back on"
    window = make_window()
    actions = [
        action
        for menu_action in window.menuBar().actions()
        if (menu := menu_action.menu()) is not None
        for action in menu.actions()
        if not action.isSeparator()
    ]
    toolbar = [a for a in window.findChild(QWidget, "mainToolbar").actions() if not a.isSeparator()]
    assert len(actions) >= 18
    assert len(toolbar) >= 7
    for action in actions + toolbar:
        icon = action.icon()
        assert not icon.isNull(), action.text()
        assert _opaque_pixels(icon.pixmap(16).toImage()), f"{action.text()}: a drawn icon"
    for row in range(window.navigation.count()):
        item = window.navigation.item(row)
        assert not item.icon().isNull(), item.text()


def test_every_bundled_icon_exists_and_draws(qapp: QApplication) -> None:
    for name in THEME_NAMES:
        pixels = _opaque_pixels(bundled_icon(name).pixmap(24).toImage())
        assert len(pixels) > 20, name


def test_bundled_icons_take_the_palette_text_colour(appearance: Appearance) -> None:
    icon = bundled_icon("add")
    appearance.apply(Scheme.LIGHT)
    light = _opaque_pixels(icon.pixmap(24).toImage())
    assert max(c.lightness() for c in light) < 80, "dark glyphs on a light window"
    appearance.apply(Scheme.DARK)
    dark = _opaque_pixels(icon.pixmap(24).toImage())
    assert min(c.lightness() for c in dark) > 180, "light glyphs on a dark window"
    selected = _opaque_pixels(icon.pixmap(QSize(24, 24), QIcon.Mode.Selected).toImage())
    assert selected[0].rgb() == QColor("#ffffff").rgb(), "the highlighted text's colour"
    disabled = _opaque_pixels(icon.pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage())
    assert max(c.lightness() for c in disabled) < min(c.lightness() for c in dark)


def test_drawn_pixmaps_are_sharp_at_twice_the_pixels(qapp: QApplication) -> None:
    for icon in (bundled_icon("trash"), app_icon()):
        pixmap = icon.pixmap(QSize(24, 24), 2.0)
        assert pixmap.size() == QSize(48, 48)
        assert pixmap.devicePixelRatio() == 2.0
    assert app_icon().pixmap(512).size() == QSize(512, 512)
    avatar = avatar_image("Ana Ruiz", None, 72, 2.0)
    assert avatar.size() == QSize(144, 144)
    assert avatar.devicePixelRatio() == 2.0


# --- dark mode ---------------------------------------------------------------------------------
def test_the_dark_palette_applies_and_goes(qapp: QApplication, appearance: Appearance) -> None:
    platform_style = qapp.style().name()
    assert not is_dark(), "offscreen, the platform is light"
    seen: list[bool] = []
    appearance.changed.connect(seen.append)
    appearance.apply(Scheme.DARK)
    palette = QGuiApplication.palette()
    assert is_dark()
    assert appearance.own_palette
    assert qapp.style().name() == "fusion"
    assert palette.color(QPalette.ColorRole.Base).lightness() < 50
    assert palette.color(QPalette.ColorRole.Text).lightness() > 200
    appearance.apply(Scheme.LIGHT)
    assert not is_dark()
    assert not appearance.own_palette, "the platform's own palette again"
    assert qapp.style().name() == platform_style
    assert seen == [True, False]


def test_a_system_switch_at_run_time_follows(qtbot: Any, appearance: Appearance) -> None:
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(is_dark, timeout=3000)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not is_dark(), timeout=3000)


def test_the_override_wins_over_the_system(
    qapp: QApplication, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert scheme_override({SCHEME_ENV: "Dark "}) is Scheme.DARK
    assert scheme_override({SCHEME_ENV: "light"}) is Scheme.LIGHT
    assert scheme_override({SCHEME_ENV: "system"}) is None
    assert scheme_override({}) is None
    assert scheme_override({SCHEME_ENV: "purple"}) is None  # logged, not fatal
    monkeypatch.setenv(SCHEME_ENV, "dark")
    style = qapp.style().name()
    look = install_appearance(qapp)
    try:
        assert is_dark()
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        qtbot.wait(50)
        assert is_dark(), "ALLY_COLOR_SCHEME=dark stays dark whatever the system says"
    finally:
        Shiboken.delete(look)
        qapp.setStyle(QStyleFactory.create(style))
        qapp.setPalette(QPalette())
        qapp.styleHints().unsetColorScheme()


def test_tones_are_lighter_on_dark(appearance: Appearance) -> None:
    dark = dark_palette()
    base = dark.color(QPalette.ColorRole.Base)
    for which in Tone:
        light_shade = tone(which, QPalette())
        dark_shade = tone(which, dark)
        assert dark_shade.lightness() > light_shade.lightness(), which
        assert dark_shade.lightness() - base.lightness() > 110, f"{which} reads on dark"
    label = QLabel("Could not save")
    set_tone(label, Tone.ERROR)
    assert "#c62828" in label.styleSheet()
    appearance.apply(Scheme.DARK)
    assert "#ff8a80" in label.styleSheet(), "restyled when the scheme changed"
    appearance.apply(Scheme.LIGHT)
    assert "#c62828" in label.styleSheet()
    set_tone(label, None)
    assert label.styleSheet() == ""


def _log_coffee(db: pw.SqliteDatabase) -> int:
    ana = create_contact(db, ContactData(given_name="Ana", family_name="Ruiz"))
    when = datetime.combine(date.today(), time(9, 30)).astimezone()
    return create_interaction(
        db,
        InteractionData(
            "coffee", [ana], when=when, title="Pricing review", exchange="given", exchange_note="x"
        ),
    )


def _row_area(view: Any, index: Any) -> QRect:
    area = view.visualRect(index)
    assert area.height() > 0
    return area


def _dark_background_light_text(image: QImage, area: QRect, palette: QPalette) -> None:
    """The row's background is the palette's dark base; its text the palette's light text."""
    values = _lightness(image, area)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    background = QColor(image.pixel(area.right() - 2, area.bottom() - 2))
    assert abs(background.lightness() - base.lightness()) < 12, "a dark row"
    assert max(values) > text.lightness() - 30, "light text on it"
    assert sum(v < 60 for v in values) > len(values) * 0.7, "mostly background, no light patch"


def test_timeline_rows_paint_in_the_palette_colours(
    qtbot: Any, db: pw.SqliteDatabase, appearance: Appearance
) -> None:
    interaction = _log_coffee(db)
    appearance.apply(Scheme.DARK)
    page = TimelinePage(db, InteractionEditing(db, UndoStack(), ContactChanges()))
    qtbot.addWidget(page)
    page.resize(900, 400)
    page.show()
    qtbot.waitExposed(page)
    row = page.list.timeline.row_of(interaction)
    assert row is not None
    viewport = page.list.viewport()
    image = viewport.grab().toImage()
    area = _row_area(page.list, page.list.timeline.index(row))
    _dark_background_light_text(image, area, viewport.palette())
    # "Gave: x" on the right in the success tone's dark-mode shade, not the light one's.
    right = QRect(area.right() - 80, area.top(), 80, area.height() // 2)
    greens = [
        QColor(image.pixel(x, y))
        for y in range(right.top(), right.bottom())
        for x in range(right.left(), right.right())
    ]
    assert any(c.green() > 170 and c.green() > c.red() + 30 for c in greens), "light green"

    appearance.apply(Scheme.LIGHT)
    image = viewport.grab().toImage()
    values = _lightness(image, area)
    assert QColor(image.pixel(area.right() - 2, area.bottom() - 2)).lightness() > 240
    assert min(values) < 60, "dark text on the light row again"


def test_reminder_rows_paint_in_the_palette_colours(
    qtbot: Any, db: pw.SqliteDatabase, appearance: Appearance
) -> None:
    reminder = create_reminder(db, ReminderData("Send the deck", date.today() - timedelta(days=2)))
    appearance.apply(Scheme.DARK)
    page = RemindersPage(db, ReminderEditing(db, UndoStack(), ContactChanges()))
    qtbot.addWidget(page)
    page.resize(900, 400)
    page.show()
    qtbot.waitExposed(page)
    row = page.model.row_of(reminder)
    assert row is not None
    viewport = page.list.viewport()
    image = viewport.grab().toImage()
    area = _row_area(page.list, page.model.index(row))
    _dark_background_light_text(image, area, viewport.palette())
    heading = _row_area(page.list, page.model.index(0))
    reds = [QColor(image.pixel(x, y)) for x, y in _points(heading)]
    error = tone(Tone.ERROR, viewport.palette())
    assert any(abs(c.red() - error.red()) < 20 and c.red() > 200 for c in reds), "light red"


def _points(area: QRect) -> Iterator[tuple[int, int]]:
    for y in range(area.top(), area.bottom()):
        for x in range(area.left(), area.right()):
            yield x, y


def test_the_profile_and_notice_follow_a_switch(
    window: MainWindow, add_person: Callable[..., int], appearance: Appearance, qtbot: Any
) -> None:
    person = add_person("Ana", "Ruiz", organization="Acme", topics=["pricing"])
    window.contacts.model.reload()
    window.show_person(person)
    window.notice.show_notice("No system tray", "Reminders show here.")
    light_html = window.contacts.detail.toHtml()
    light_notice = window.notice.styleSheet()
    appearance.apply(Scheme.DARK)
    qtbot.wait(10)
    detail = window.contacts.detail
    muted = detail.palette().color(QPalette.ColorRole.PlaceholderText).name()
    assert muted in detail.toHtml(), "rendered again in the dark palette's colours"
    assert detail.toHtml() != light_html
    assert "Ana Ruiz" in detail.toHtml()
    assert window.notice.styleSheet() != light_notice
    image = window.notice.grab().toImage()
    corner = QColor(image.pixel(QPoint(image.width() - 3, image.height() // 2)))
    assert corner.lightness() < 90, "the notice bar is a dark band, not a light patch"
