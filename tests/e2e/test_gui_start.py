"""Starting the window as a real process (offscreen): stages, one instance, signals."""

from __future__ import annotations

import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from ally_desktop import __version__
from tests.e2e.helpers import STAGE_DONE, RunningAlly, socket_path

Launch = Callable[..., RunningAlly]
Ally = Callable[..., CompletedProcess[str]]

# The stages app.py names, in order.
STAGES = [
    "directories",
    "logging",
    "application",
    "crash hook",
    "instance",
    "database",
    "window",
    "notifications",
]


def stages_done(log: str) -> list[str]:
    return [match["name"] for match in STAGE_DONE.finditer(log)]


def close_with(app: RunningAlly, signum: int) -> str:
    """Sends ``signum``, expects exit code 0 within a few seconds; returns the log."""
    app.send(signum)
    started = time.monotonic()
    code = app.wait(10)
    assert code == 0, app.describe()
    assert time.monotonic() - started < 5, "closing took too long"
    return app.log()


def test_window_starts_and_logs_its_stages(launch: Launch, data_dir: Path) -> None:
    app = launch(data_dir)
    log = app.wait_for_window()

    assert f"Ally {__version__} starting on {data_dir}" in log
    done = stages_done(log)
    assert len(done) == len(set(done)), done
    assert done == sorted(done, key=STAGES.index), done
    assert {"application", "crash hook", "instance", "database", "window"} <= set(done)
    assert "Traceback" not in log
    assert "ERROR" not in log
    # A first start creates a private data directory and data file.
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "ally.sqlite3").stat().st_mode) == 0o600


def test_every_start_stage_is_logged_with_its_time(launch: Launch, data_dir: Path) -> None:
    app = launch(data_dir)
    log = app.wait_for_window()
    assert stages_done(log) == STAGES


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_closes_the_window_cleanly(launch: Launch, data_dir: Path, signum: int) -> None:
    app = launch(data_dir)
    app.wait_for_window()
    assert socket_path(data_dir).exists()

    log = close_with(app, signum)

    assert f"signal {int(signum)}: closing" in log
    assert log.rstrip().endswith("Ally closed")
    assert "Traceback" not in app.stderr()
    # The layout was saved on the way out, and nothing is left behind.
    settings = (data_dir / "settings.ini").read_text(errors="replace")
    assert "[ui]" in settings
    assert "geometry=" in settings
    assert not socket_path(data_dir).exists()
    assert not (data_dir / "ally.sqlite3-wal").exists()


def test_second_launch_on_same_data_dir_exits_0_and_first_keeps_running(
    launch: Launch, data_dir: Path
) -> None:
    first = launch(data_dir)
    first.wait_for_window()

    second = launch(data_dir)
    code = second.wait(15)
    elapsed = time.monotonic() - second.started

    assert code == 0, second.describe()
    assert elapsed < 10, f"the second launch took {elapsed:.1f} s"
    lines = second.stdout().strip().splitlines()
    assert len(lines) == 1, second.stdout()
    assert "already running" in lines[0]
    assert str(data_dir) in lines[0]
    assert "stage database" not in second.log()
    assert "stage window" not in second.log()

    time.sleep(0.5)
    assert first.running(), first.describe()
    assert close_with(first, signal.SIGTERM).rstrip().endswith("Ally closed")


def test_launch_on_another_data_dir_starts_its_own_instance(
    launch: Launch, data_dir: Path, tmp_path: Path
) -> None:
    other_dir = tmp_path / "other"
    first = launch(data_dir)
    first.wait_for_window()

    second = launch(other_dir)
    second.wait_for_window()

    assert first.running()
    assert second.running()
    assert "already running" not in second.stdout()
    assert (other_dir / "ally.sqlite3").is_file()
    close_with(second, signal.SIGTERM)
    close_with(first, signal.SIGTERM)


def test_check_reads_the_data_file_while_the_window_has_it_open(
    launch: Launch, ally: Ally, data_dir: Path
) -> None:
    assert ally("--data-dir", data_dir, "demo", "--contacts", "12").returncode == 0
    app = launch(data_dir)
    app.wait_for_window()

    check = ally("--data-dir", data_dir, "check")

    assert check.returncode == 0, check.stderr
    assert "12 contacts" in check.stdout
    assert app.running()
    close_with(app, signal.SIGTERM)


def test_start_survives_the_socket_a_killed_instance_left(launch: Launch, data_dir: Path) -> None:
    first = launch(data_dir)
    first.wait_for_window()
    first.process.kill()
    assert first.wait(10) == -signal.SIGKILL
    assert socket_path(data_dir).exists(), "a killed instance leaves its socket behind"

    again = launch(data_dir)
    again.wait_for_window()

    assert again.running()
    assert "already running" not in again.stdout()
    log = close_with(again, signal.SIGTERM)
    assert log.rstrip().endswith("Ally closed")
    assert not socket_path(data_dir).exists()
