"""Run inside ``dbus-run-session``: a StatusNotifier watcher, a bus monitor, and Ally.

    dbus-run-session -- python -m tests.e2e.notify_probe DATA_DIR OUT_DIR

Starts ``status-notifier-watcher`` (so Qt's tray goes over D-Bus), ``dbus-monitor``
on the Notifications interface, then Ally (``QT_QPA_PLATFORM`` and ``DISPLAY`` come from
the environment); waits until Ally has sent a ``Notify`` call or a timeout passes; stops
everything; the monitor's output is left in OUT_DIR/monitor.txt and Ally's in
OUT_DIR/ally.txt. Exit 0 when a Notify call was seen, 1 otherwise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TIMEOUT_S = 30


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def main(data_dir: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    monitor_file = out / "monitor.txt"
    started: list[subprocess.Popen[bytes]] = []
    try:
        with (out / "watcher.txt").open("wb") as log:
            started.append(subprocess.Popen(["status-notifier-watcher"], stdout=log, stderr=log))
        time.sleep(0.5)  # the watcher owns its name before Qt asks for a tray
        with monitor_file.open("wb") as log:
            started.append(
                subprocess.Popen(
                    ["dbus-monitor", "--session", "interface=org.freedesktop.Notifications"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        time.sleep(0.3)
        with (out / "ally.txt").open("wb") as log:
            ally = subprocess.Popen(
                [sys.executable, "-m", "ally_desktop", "--data-dir", str(data_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=os.environ.copy(),
            )
            started.append(ally)
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            if "member=Notify" in monitor_file.read_text(errors="replace"):
                time.sleep(0.5)  # let the whole message reach the file
                return 0
            if ally.poll() is not None:
                return 1
            time.sleep(0.1)
        return 1
    finally:
        for proc in reversed(started):
            _stop(proc)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
