"""The window on a real X server: Xvfb, Qt's xcb platform, a session bus when there is one.

Without Xvfb the test is skipped on a workstation, but fails under CI=true: CI must show
that the window really maps on X.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from tests.e2e.helpers import WINDOW_DONE, RunningAlly, wait_for_signal_handler

pytestmark = pytest.mark.xvfb

Launch = Callable[..., RunningAlly]
X_SOCKETS = Path("/tmp/.X11-unix")
SCREEN = (1280, 800)


def require(tool: str) -> str:
    """The path of ``tool``; skips the test without it, or fails it under CI."""
    path = shutil.which(tool)
    if path is not None:
        return path
    message = f"{tool} is not installed (Debian: xvfb, x11-utils); the window is not tried on X."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on the first free display number from :91; stopped afterwards."""
    xvfb = require("Xvfb")
    width, height = SCREEN
    for number in range(91, 160):
        if Path(f"/tmp/.X{number}-lock").exists() or (X_SOCKETS / f"X{number}").exists():
            continue
        with (tmp_path / f"xvfb-{number}.log").open("wb") as log:
            proc = subprocess.Popen(
                [xvfb, f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 10
                while not (X_SOCKETS / f"X{number}").exists():
                    if proc.poll() is not None or time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                else:
                    yield f":{number}"
                    return
                if proc.poll() is None:
                    pytest.fail(f"Xvfb :{number} did not open its socket within 10 s.")
            finally:
                _stop(proc)
        # That number was taken meanwhile (Xvfb exited): try the next one.
    pytest.fail("No free X display number between :91 and :159.")


def app_process(wrapper: RunningAlly, wrapped: bool, timeout: float = 10) -> psutil.Process:
    """The Python process running Ally: the launched one, or its child under a wrapper."""
    if not wrapped:
        return psutil.Process(wrapper.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in wrapper.descendants():
            try:
                if proc.cmdline()[1:3] == ["-m", "ally_desktop"]:
                    return proc
            except psutil.Error:
                continue
        if not wrapper.running():
            break
        time.sleep(0.05)
    pytest.fail(f"No Ally process found under {wrapper.pid}.\n{wrapper.describe()}")


def mapped_windows(xwininfo: str, display: str, title: str) -> dict[str, tuple[int, int]]:
    """Window id -> (width, height) of the viewable windows titled ``title``."""

    def query(*args: str) -> str:
        return subprocess.run(
            [xwininfo, "-display", display, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout

    tree = query("-root", "-tree")
    found: dict[str, tuple[int, int]] = {}
    for window in re.findall(rf'^\s*(0x[0-9a-f]+) "{re.escape(title)}":', tree, re.MULTILINE):
        info = query("-id", window)
        if "Map State: IsViewable" in info:
            size = re.search(r"Width: (\d+)\s+Height: (\d+)", info)
            assert size, info
            found[window] = (int(size[1]), int(size[2]))
    return found


def test_window_maps_on_a_real_x_server(
    x_display: str, launch: Launch, data_dir: Path, tmp_path: Path
) -> None:
    xwininfo = require("xwininfo")
    bus = shutil.which("dbus-run-session")
    wrapper = launch(
        data_dir,
        env_overrides={"QT_QPA_PLATFORM": "xcb", "DISPLAY": x_display},
        prefix=[bus, "--"] if bus else [],
    )
    wrapper.wait_for_log(WINDOW_DONE)
    app = app_process(wrapper, wrapped=bus is not None)
    wait_for_signal_handler(app.pid, 10)

    deadline = time.monotonic() + 10
    while not (windows := mapped_windows(xwininfo, x_display, "Ally")):
        if time.monotonic() > deadline:
            tree = subprocess.run(
                [xwininfo, "-display", x_display, "-root", "-tree"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            pytest.fail(f"No mapped window titled 'Ally'.\n{tree.stdout}\n{wrapper.describe()}")
        time.sleep(0.1)
    width, height = max(windows.values())
    assert width >= 640, windows
    assert height >= 400, windows
    assert width <= SCREEN[0], windows
    assert height <= SCREEN[1], windows

    if xwd := shutil.which("xwd"):
        screenshot = tmp_path / "screen.xwd"
        subprocess.run(
            [xwd, "-root", "-silent", "-display", x_display, "-out", str(screenshot)],
            timeout=20,
            check=True,
        )
        assert screenshot.stat().st_size > SCREEN[0] * SCREEN[1]

    app.send_signal(signal.SIGTERM)
    assert wrapper.wait(10) == 0, wrapper.describe()
    assert wrapper.log().rstrip().endswith("Ally closed")
    assert not app.is_running()
    assert "geometry=" in (data_dir / "settings.ini").read_text(errors="replace")
