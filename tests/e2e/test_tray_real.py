"""The tray and notifications for real: Xvfb, a session bus, a StatusNotifier watcher.

A reminder that fell due while Ally was closed must reach the desktop as an
``org.freedesktop.Notifications.Notify`` call when Ally starts, once; a second run
with a visible tray host (``trayer``) shows the icon in a screenshot. Without the tools
the tests are skipped on a workstation, but they fail under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.reminders import ReminderData, create_reminder
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store.db import close_database, open_database
from tests.e2e.test_gui_xvfb import require, x_display  # noqa: F401 (a fixture)

pytestmark = pytest.mark.xvfb
REPO = Path(__file__).resolve().parents[2]


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is not None:
        return path
    message = f"{tool} is not installed (Debian: {package}); the real tray is not tried."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def due_dir(data_dir: Path) -> Path:
    """A data directory where a follow-up about Ana fell due two days ago."""
    database = open_database(ensure_data_dir(data_dir).database)
    try:
        ana = create_contact(database, ContactData(given_name="Ana", family_name="Ruiz"))
        create_reminder(
            database,
            ReminderData("Send the pricing deck", date.today() - timedelta(days=2), contact_id=ana),
        )
    finally:
        close_database(database)
    return data_dir


def _probe(display: str, data_dir: Path, out: Path) -> subprocess.CompletedProcess[str]:
    bus = need("dbus-run-session", "dbus")
    need("dbus-monitor", "dbus")
    need("status-notifier-watcher", "haskell-status-notifier-item-utils")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": display,
        "PYTHONPATH": str(REPO),
        "ALLY_DATA_DIR": str(data_dir),
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(
        [bus, "--", sys.executable, "-m", "tests.e2e.notify_probe", str(data_dir), str(out)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def _notify_calls(monitor: str) -> list[list[str]]:
    """The string arguments of each Notify call the monitor saw."""
    calls = []
    for block in monitor.split("method call")[1:]:
        if "member=Notify" in block:
            calls.append(re.findall(r'^\s+string "(.*)"$', block, re.MULTILINE))
    return calls


def test_a_reminder_due_while_closed_reaches_the_desktop_once(
    x_display: str,  # noqa: F811
    due_dir: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "probe"
    result = _probe(x_display, due_dir, out)
    monitor = (out / "monitor.txt").read_text(errors="replace") if out.exists() else ""
    ally_out = (out / "ally.txt").read_text(errors="replace") if out.exists() else ""
    assert result.returncode == 0, f"{result.stderr}\n--- monitor\n{monitor}\n--- ally\n{ally_out}"
    calls = _notify_calls(monitor)
    assert len(calls) == 1, monitor
    strings = calls[0]
    assert "Ana Ruiz: Send the pricing deck" in strings, strings  # the summary
    assert "Due 2 days ago" in strings, strings  # the body
    # Shown once: the reminder remembers it was announced.
    conn = __import__("sqlite3").connect(due_dir / "ally.sqlite3")
    try:
        (notified,) = conn.execute("SELECT notified_at FROM reminder").fetchone()
    finally:
        conn.close()
    assert notified is not None

    again = _probe(x_display, due_dir, tmp_path / "again")
    assert again.returncode == 1, "nothing new to announce on the next start"
    assert _notify_calls((tmp_path / "again" / "monitor.txt").read_text(errors="replace")) == []


@pytest.fixture
def tray_host(x_display: str, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    trayer = need("trayer", "trayer")
    with (tmp_path / "trayer.txt").open("wb") as log:
        proc = subprocess.Popen(
            [trayer, "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width",
             "120", "--height", "32", "--transparent", "false", "--tint", "0xffffff"],
            env={**os.environ, "DISPLAY": x_display},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        time.sleep(1.0)
        yield x_display
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_icon_shows_in_a_visible_tray(tray_host: str, due_dir: Path, tmp_path: Path) -> None:
    xwd = need("xwd", "x11-apps")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": tray_host,
        "PYTHONPATH": str(REPO),
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    shot = tmp_path / "tray.xwd"
    script = (
        "import subprocess, sys, time\n"
        f"ally = subprocess.Popen([sys.executable, '-m', 'ally_desktop', '--minimized',"
        f" '--data-dir', {str(due_dir)!r}])\n"
        "time.sleep(6)\n"
        f"subprocess.run([{xwd!r}, '-root', '-silent', '-out', {str(shot)!r}], check=True)\n"
        "ally.terminate(); ally.wait(10)\n"
    )
    bus = need("dbus-run-session", "dbus")
    result = subprocess.run(
        [bus, "--", sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = read_xwd(shot)
    image.save(str(tmp_path / "tray.png"))  # for a person to look at
    # trayer sits at the top right, white; Ally's icon (a blue mark with a red count) in it.
    strip = [
        image.pixel(x, y) for x in range(image.width() - 120, image.width()) for y in range(32)
    ]
    blue = sum(1 for p in strip if _is_blue(p))
    assert blue > 50, f"no icon in the tray strip ({len(set(strip))} colours)"


def _is_blue(argb: int) -> bool:
    red, green, blue = (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF
    return blue > 150 and red < 80 and green < 140


def read_xwd(path: Path) -> QImage:
    """An X window dump (``xwd``, 24/32-bit ZPixmap) as a QImage, without ImageMagick."""
    import struct

    data = path.read_bytes()
    fields = struct.unpack(">25I", data[:100])
    header_size, _version, _format, depth, width, height = fields[:6]
    bits_per_pixel, bytes_per_line = fields[11], fields[12]
    ncolors = fields[19]
    byte_order = fields[7]
    assert depth in (24, 32), depth
    assert bits_per_pixel in (24, 32), bits_per_pixel
    step = bits_per_pixel // 8
    offset = header_size + ncolors * 12
    image = QImage(width, height, QImage.Format.Format_RGB32)
    for y in range(height):
        start = offset + y * bytes_per_line
        for x in range(width):
            raw = data[start + x * step : start + x * step + step]
            pixel = int.from_bytes(raw, "little" if byte_order == 0 else "big")
            image.setPixel(x, y, (pixel & 0xFFFFFF) | 0xFF000000)
    return image
