"""Start at login on Linux, for real: the XDG autostart entry Ally writes is valid, and the
command in it starts Ally (minimised) on the same data."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ally_desktop import autostart
from tests.e2e.helpers import WINDOW_DONE, RunningAlly


def test_the_autostart_entry_is_valid_and_starts_ally(
    tmp_path: Path, data_dir: Path, env: dict[str, str]
) -> None:
    config = tmp_path / "config"
    autostart.set_start_at_login(
        True,
        autostart.launch_command(data_dir),
        platform="linux",
        env={"XDG_CONFIG_HOME": str(config)},
    )
    entry = config / "autostart" / "ally.desktop"
    assert entry.exists()
    assert autostart.starts_at_login(platform="linux", env={"XDG_CONFIG_HOME": str(config)})
    validate = shutil.which("desktop-file-validate")
    if validate is None and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true: desktop-file-validate is missing (Debian: desktop-file-utils)")
    if validate is not None:
        checked = subprocess.run(
            [validate, str(entry)], capture_output=True, text=True, timeout=30, check=False
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr

    command = autostart.command_of_entry(entry.read_text(encoding="utf-8"))
    assert command[-1] == "--minimized"
    assert command[command.index("--data-dir") + 1] == str(data_dir)
    app = RunningAlly(command, data_dir, {**env}, tmp_path, tmp_path / "autostarted")
    try:
        log = app.wait_for_log(WINDOW_DONE)
        assert "starting on" in log
    finally:
        app.stop()

    autostart.set_start_at_login(False, platform="linux", env={"XDG_CONFIG_HOME": str(config)})
    assert not entry.exists()


def test_exec_quoting_survives_a_data_dir_with_spaces(tmp_path: Path) -> None:
    odd = tmp_path / "my data $HOME 100%"
    command = autostart.launch_command(odd)
    text = autostart.desktop_entry(command)
    assert autostart.command_of_entry(text) == command
    assert os.sep in command[0], "an absolute program, not one looked up in PATH"
