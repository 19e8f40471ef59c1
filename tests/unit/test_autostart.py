"""Starting Ally at login: what is written for each platform (pure builders), writing and
removing it for real in a temporary home, and the ``--minimized`` it starts with. No Qt."""

from __future__ import annotations

import plistlib
import re
import sys
from pathlib import Path

import pytest

from ally_desktop import autostart, cli
from ally_desktop.autostart import (
    MINIMIZED_FLAG,
    command_of_entry,
    desktop_entry,
    launch_agent,
    launch_command,
    linux_entry_path,
    mac_agent_path,
    set_start_at_login,
    starts_at_login,
    windows_run_value,
)

COMMAND = ["/usr/bin/python3", "-m", "ally_desktop", "--minimized"]
not_windows = pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows stub")


def _fields(entry: str) -> dict[str, str]:
    lines = entry.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A home and an XDG config folder of the test's own."""
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


# --- the desktop entry --------------------------------------------------------------------------
def test_the_desktop_entry() -> None:
    fields = _fields(desktop_entry(COMMAND))
    assert fields["Type"] == "Application"
    assert fields["Name"] == "Ally"
    assert fields["Exec"] == "/usr/bin/python3 -m ally_desktop --minimized"
    assert fields["Terminal"] == "false"
    assert fields["X-GNOME-Autostart-enabled"] == "true"
    assert desktop_entry(COMMAND).endswith("\n")


@pytest.mark.parametrize(
    "command",
    [
        COMMAND,
        ["/home/ann/My Apps/ally", "--data-dir", "/home/ann/Ally data", "--minimized"],
        ["/opt/ally/ally", "--data-dir", "/data/100% mine", "--minimized"],
        ["/opt/ally/ally", "--data-dir", "/data/%u", "--minimized"],
        ["/opt/ally/ally", "--data-dir", "/data/it's mine", "--minimized"],
        ["/opt/ally/ally", "--data-dir", "/data/tab\there", "--minimized"],
        ["/opt/ally/ally", "--data-dir", "", "--minimized"],
    ],
    ids=["plain", "spaces", "percent", "field-code", "apostrophe", "tab", "empty"],
)
def test_command_of_entry_round_trips(command: list[str]) -> None:
    assert command_of_entry(desktop_entry(command)) == command


def test_paths_with_spaces_are_quoted() -> None:
    exec_line = _fields(desktop_entry(["/home/ann/My Apps/ally", "--minimized"]))["Exec"]
    assert exec_line == '"/home/ann/My Apps/ally" --minimized'


def test_a_percent_sign_is_doubled_so_it_is_not_a_field_code() -> None:
    exec_line = _fields(desktop_entry(["/opt/ally", "--data-dir", "/d/%u", MINIMIZED_FLAG]))["Exec"]
    assert exec_line == '/opt/ally --data-dir "/d/%%u" --minimized'
    assert re.search(r"(?<!%)%[a-zA-Z]", exec_line.replace("%%", "")) is None


def test_quotes_are_escaped_inside_quotes() -> None:
    exec_line = _fields(desktop_entry(['/opt/a "b"/ally', MINIMIZED_FLAG]))["Exec"]
    assert exec_line.startswith('"/opt/a ')
    assert command_of_entry(desktop_entry(['/opt/a "b"/ally'])) == ['/opt/a "b"/ally']


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("/opt/my$app/ally", '"/opt/my\\\\$app/ally"'),
        ('/opt/a"b/ally', '"/opt/a\\\\"b/ally"'),
        ("/opt/a`b/ally", '"/opt/a\\\\`b/ally"'),
        ("/opt/a\\b/ally", '"/opt/a\\\\\\\\b/ally"'),
    ],
    ids=["dollar", "quote", "backtick", "backslash"],
)
def test_reserved_characters_are_escaped_as_the_spec_says(path: str, written: str) -> None:
    """The string escape (\\\\ for \\) applies on top of the Exec quoting: the spec's
    examples are \\\\$ for a dollar sign and four backslashes for one."""
    exec_line = _fields(desktop_entry([path, MINIMIZED_FLAG]))["Exec"]
    assert exec_line == f"{written} --minimized"
    assert command_of_entry(desktop_entry([path, MINIMIZED_FLAG])) == [path, MINIMIZED_FLAG]


def test_command_of_an_entry_without_exec() -> None:
    assert command_of_entry("[Desktop Entry]\nType=Application\n") == []


# --- writing it on Linux ------------------------------------------------------------------------
def test_linux_entry_path(env: dict[str, str]) -> None:
    assert linux_entry_path(env) == Path(env["XDG_CONFIG_HOME"]) / "autostart" / "ally.desktop"
    without = {"HOME": env["HOME"]}
    assert linux_entry_path(without) == Path(env["HOME"]) / ".config" / "autostart" / "ally.desktop"
    empty = {"HOME": env["HOME"], "XDG_CONFIG_HOME": ""}
    assert linux_entry_path(empty) == linux_entry_path(without)


def test_enabling_and_disabling_on_linux(env: dict[str, str], tmp_path: Path) -> None:
    data_dir = tmp_path / "Ally data"
    command = launch_command(data_dir)
    path = linux_entry_path(env)
    assert not starts_at_login(platform="linux", env=env)

    set_start_at_login(True, command, platform="linux", env=env)
    assert path.is_file()
    assert starts_at_login(platform="linux", env=env)
    written = command_of_entry(path.read_text(encoding="utf-8"))
    assert written == command
    assert written[-1] == "--minimized"
    assert written[written.index("--data-dir") + 1] == str(data_dir)

    set_start_at_login(True, command, platform="linux", env=env)  # twice is fine
    assert command_of_entry(path.read_text(encoding="utf-8")) == command
    assert sorted(p.name for p in path.parent.iterdir()) == ["ally.desktop"]  # no temp file

    set_start_at_login(False, platform="linux", env=env)
    assert not path.exists()
    assert not starts_at_login(platform="linux", env=env)
    set_start_at_login(False, platform="linux", env=env)  # twice is fine too


def test_enabling_replaces_an_older_entry(env: dict[str, str]) -> None:
    path = linux_entry_path(env)
    path.parent.mkdir(parents=True)
    path.write_text("[Desktop Entry]\nExec=/old/ally\n", encoding="utf-8")
    set_start_at_login(True, COMMAND, platform="linux", env=env)
    assert command_of_entry(path.read_text(encoding="utf-8")) == COMMAND
    assert sorted(p.name for p in path.parent.iterdir()) == ["ally.desktop"]


def test_the_default_command_is_this_ally_minimized(env: dict[str, str]) -> None:
    set_start_at_login(True, platform="linux", env=env)
    written = command_of_entry(linux_entry_path(env).read_text(encoding="utf-8"))
    assert written == launch_command()


def test_an_unwritable_place_raises_oserror(env: dict[str, str]) -> None:
    config = Path(env["XDG_CONFIG_HOME"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(OSError, match=r"(?i)directory|exists"):
        set_start_at_login(True, COMMAND, platform="linux", env=env)
    assert not starts_at_login(platform="linux", env=env)


# --- macOS --------------------------------------------------------------------------------------
def test_the_launch_agent() -> None:
    agent = plistlib.loads(launch_agent(COMMAND))
    assert agent["Label"] == "org.ally.desktop"
    assert agent["ProgramArguments"] == COMMAND
    assert agent["RunAtLoad"] is True


def test_enabling_and_disabling_on_macos(env: dict[str, str]) -> None:
    command = ["/Applications/Ally.app/Contents/MacOS/Ally", "--minimized"]
    path = mac_agent_path(env)
    assert path == Path(env["HOME"]) / "Library" / "LaunchAgents" / "org.ally.desktop.plist"
    set_start_at_login(True, command, platform="darwin", env=env)
    assert starts_at_login(platform="darwin", env=env)
    agent = plistlib.loads(path.read_bytes())
    assert agent["ProgramArguments"] == command
    assert agent["RunAtLoad"] is True
    assert not linux_entry_path(env).exists()  # only the agent
    set_start_at_login(False, platform="darwin", env=env)
    assert not path.exists()
    assert not starts_at_login(platform="darwin", env=env)


# --- Windows ------------------------------------------------------------------------------------
def test_the_windows_run_value_quotes_paths_with_spaces() -> None:
    value = windows_run_value(
        [r"C:\Program Files\Ally\ally.exe", "--data-dir", r"D:\My Data", "--minimized"]
    )
    assert value == r'"C:\Program Files\Ally\ally.exe" --data-dir "D:\My Data" --minimized'
    plain = windows_run_value([r"C:\Ally\ally.exe", "--minimized"])
    assert plain == r"C:\Ally\ally.exe --minimized"


@not_windows
def test_the_registry_is_not_touched_off_windows(env: dict[str, str]) -> None:
    with pytest.raises(OSError, match="only on Windows"):
        set_start_at_login(True, COMMAND, platform="win32", env=env)
    with pytest.raises(OSError, match="only on Windows"):
        set_start_at_login(False, COMMAND, platform="win32", env=env)
    with pytest.raises(OSError, match="only on Windows"):
        starts_at_login(platform="win32", env=env)
    assert not Path(env["XDG_CONFIG_HOME"]).exists()


# --- the command ------------------------------------------------------------------------------
def test_launch_command_from_python(tmp_path: Path) -> None:
    assert launch_command() == [sys.executable, "-m", "ally_desktop", "--minimized"]
    assert launch_command(tmp_path) == [
        sys.executable, "-m", "ally_desktop", "--data-dir", str(tmp_path), "--minimized",
    ]  # fmt: skip


def test_launch_command_when_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert launch_command() == [sys.executable, "--minimized"]
    assert launch_command(tmp_path)[-3:] == ["--data-dir", str(tmp_path), "--minimized"]


def test_the_launch_command_is_what_the_cli_understands(tmp_path: Path) -> None:
    arguments = launch_command(tmp_path)[3:]  # after python -m ally_desktop
    parsed = cli.build_parser().parse_args(arguments)
    assert parsed.minimized is True
    assert parsed.command is None
    assert Path(parsed.data_dir) == tmp_path


def test_minimized_with_help_parses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.build_parser().parse_args(["--minimized", "--help"])
    assert raised.value.code == 0
    assert "--minimized" in capsys.readouterr().out


def test_minimized_is_off_by_default() -> None:
    assert cli.build_parser().parse_args([]).minimized is False


def test_the_module_is_free_of_qt() -> None:
    assert "PySide6" not in autostart.__dict__
