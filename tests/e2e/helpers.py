"""Starting the real program and reading what it wrote: its output, its log, its files."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import psutil
import pytest

ALLY = (sys.executable, "-m", "ally_desktop")
CLI_TIMEOUT = 60.0
START_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0
WINDOW_DONE = "stage notifications: done"  # the last stage: window painted, tray and reminders up
STAGE_DONE = re.compile(r"stage (?P<name>[\w ]+): done in (?P<ms>\d+) ms$", re.MULTILINE)


def base_env(home: Path) -> dict[str, str]:
    """The test process's environment, offscreen, with no data directory of its own.

    The XDG directories point into the test's temporary folder, so even a command that
    falls back to the platform's default data directory never touches a real one.
    """
    env = dict(os.environ)
    env.pop("ALLY_DATA_DIR", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def socket_path(data_dir: Path) -> Path:
    """Where the instance socket of ``data_dir`` lives (Qt puts local sockets in TMPDIR)."""
    from ally_desktop.ui.single_instance import server_name

    return Path(os.environ.get("TMPDIR") or "/tmp") / server_name(data_dir)


def catches_signal(pid: int, signum: int) -> bool | None:
    """Whether process ``pid`` has a handler for ``signum``; None where /proc cannot say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("State", "Z").strip().startswith("Z") or "SigCgt" not in fields:
        return None  # ended, or not Linux
    return bool(int(fields["SigCgt"], 16) >> (signum - 1) & 1)


def wait_for_signal_handler(pid: int, timeout: float) -> None:
    """Ally installs its SIGTERM/SIGINT handlers just after it logs the window stage.

    A signal sent in between meets the default action; wait until the handler is there.
    """
    deadline = time.monotonic() + timeout
    while (caught := catches_signal(pid, signal.SIGTERM)) is False:
        if time.monotonic() > deadline:
            pytest.fail(f"Ally does not handle SIGTERM {timeout:.0f} s after its window stage.")
        time.sleep(0.02)
    time.sleep(0.05 if caught else 0.5)  # SIGINT's handler comes right after SIGTERM's


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1


class RunningAlly:
    """One started Ally: its process, its output files and its data directory's log."""

    def __init__(
        self,
        argv: Sequence[str],
        data_dir: Path,
        env: dict[str, str],
        cwd: Path,
        output: Path,
    ) -> None:
        self.data_dir = data_dir
        self.log_file = data_dir / "logs" / "ally.log"
        # Only what this launch logs counts: the log may hold earlier launches.
        self._log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        output.mkdir(parents=True, exist_ok=True)
        self.stdout_path = output / "stdout.txt"
        self.stderr_path = output / "stderr.txt"
        self._out: IO[bytes] = self.stdout_path.open("wb")
        self._err: IO[bytes] = self.stderr_path.open("wb")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            list(argv), env=env, cwd=cwd, stdout=self._out, stderr=self._err
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def log(self) -> str:
        """What this launch wrote to the data directory's log so far."""
        if not self.log_file.exists():
            return ""
        with self.log_file.open("rb") as f:
            f.seek(self._log_offset)
            return f.read().decode("utf-8", errors="replace")

    def describe(self) -> str:
        return (
            f"exit code: {self.process.returncode}\n--- stdout ---\n{self.stdout()}"
            f"\n--- stderr ---\n{self.stderr()}\n--- log ---\n{self.log()}"
        )

    def wait_for_log(self, text: str, timeout: float = START_TIMEOUT) -> str:
        """Polls the log until ``text`` appears; fails early if the process ends first."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            if text in log:
                return log
            if not self.running():
                pytest.fail(f"Ally ended before logging {text!r}.\n{self.describe()}")
            if time.monotonic() > deadline:
                pytest.fail(f"No {text!r} in the log after {timeout:.0f} s.\n{self.describe()}")
            time.sleep(0.05)

    def wait_for_window(self, timeout: float = START_TIMEOUT) -> str:
        """Waits for the window stage, then for the signal handlers that follow it."""
        log = self.wait_for_log(WINDOW_DONE, timeout)
        wait_for_signal_handler(self.pid, timeout)
        return log

    def wait(self, timeout: float = EXIT_TIMEOUT) -> int:
        """The exit code; fails (the process is stopped in teardown) if it takes too long."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Ally still runs after {timeout:.0f} s.\n{self.describe()}")

    def send(self, signum: int) -> None:
        self.process.send_signal(signum)

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return []

    def stop(self) -> None:
        """Teardown: a polite SIGTERM, then SIGKILL, to the process and all it started."""
        try:
            if self.running():
                family = self.descendants()  # a wrapper's children would outlive it
                for proc in family:
                    with contextlib.suppress(psutil.Error):
                        proc.terminate()
                self.process.send_signal(signal.SIGTERM)
                _, alive = psutil.wait_procs(family, timeout=5)
                for proc in alive:
                    with contextlib.suppress(psutil.Error):
                        proc.kill()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(5)
                if alive or self.process.returncode == -signal.SIGKILL:
                    # A killed instance leaves its socket behind; do not litter TMPDIR.
                    socket_path(self.data_dir).unlink(missing_ok=True)
        finally:
            self._out.close()
            self._err.close()
