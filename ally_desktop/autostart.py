"""Start Ally at login (off by default), minimised to the tray.

Each platform has its own per-user place, and nothing here needs administrator rights:

* Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/ally.desktop``
  (the XDG Autostart specification);
* Windows: the ``Ally`` value under ``HKEY_CURRENT_USER\\...\\CurrentVersion\\Run``;
* macOS: ``~/Library/LaunchAgents/org.ally.desktop.plist`` with ``RunAtLoad``.

What is written is built by pure functions (tested on every platform); files are
replaced atomically.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ally_desktop import APP_NAME

MINIMIZED_FLAG = "--minimized"
DESKTOP_FILE = "ally.desktop"
LAUNCH_AGENT = "org.ally.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def launch_command(data_dir: Path | None = None) -> list[str]:
    """How to start this Ally minimised: the frozen program, or this Python with the module."""
    command = [sys.executable] if getattr(sys, "frozen", False) else [
        sys.executable, "-m", "ally_desktop",
    ]  # fmt: skip
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return [*command, MINIMIZED_FLAG]


def desktop_entry(command: Sequence[str]) -> str:
    """An XDG autostart entry running ``command``."""
    # The spec's quoting comes first, then the string escape of every value (\\ for \).
    exec_line = " ".join(_desktop_quote(part) for part in command).replace("\\", "\\\\")
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Build and keep work allies\n"
        f"Exec={exec_line}\n"
        "Icon=ally\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _desktop_quote(arg: str) -> str:
    """Quote one argument the way the Desktop Entry specification asks for Exec."""
    if arg and not any(ch in arg for ch in " \t\n\"'\\><~|&;$*?#()`%"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'.replace("%", "%%")


def launch_agent(command: Sequence[str]) -> bytes:
    """A macOS LaunchAgent that starts ``command`` at login."""
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }
    )


def windows_run_value(command: Sequence[str]) -> str:
    """The Run-key command line for ``command`` (Windows quoting rules)."""
    return subprocess.list2cmdline(list(command))


def linux_entry_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(config) / "autostart" / DESKTOP_FILE


def mac_agent_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    home = Path(env.get("HOME", "~")).expanduser()
    return home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT}.plist"


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def set_start_at_login(
    enabled: bool,
    command: Sequence[str] | None = None,
    *,
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
) -> None:
    """Turn starting at login on (with ``command``) or off, for this user."""
    command = list(command or launch_command())
    if platform == "win32":
        _windows_set(APP_NAME, windows_run_value(command) if enabled else None)
        return
    path = mac_agent_path(env) if platform == "darwin" else linux_entry_path(env)
    if enabled:
        content = launch_agent(command) if platform == "darwin" else desktop_entry(command).encode()
        _write_atomically(path, content)
    else:
        path.unlink(missing_ok=True)


def starts_at_login(*, platform: str = sys.platform, env: Mapping[str, str] | None = None) -> bool:
    if platform == "win32":
        return _windows_get(APP_NAME) is not None
    path = mac_agent_path(env) if platform == "darwin" else linux_entry_path(env)
    return path.exists()


if sys.platform == "win32":  # pragma: no cover (Windows only)
    import winreg

    def _windows_set(name: str, value: str | None) -> None:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            if value is not None:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, name)

    def _windows_get(name: str) -> str | None:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                return str(winreg.QueryValueEx(key, name)[0])
        except FileNotFoundError:
            return None

else:

    def _windows_set(name: str, value: str | None) -> None:
        raise OSError("The Windows registry exists only on Windows.")

    def _windows_get(name: str) -> str | None:
        raise OSError("The Windows registry exists only on Windows.")


def command_of_entry(text: str) -> list[str]:
    """The command an autostart entry runs (to check what was written)."""
    for line in text.splitlines():
        if line.startswith("Exec="):
            value = re.sub(
                r"\\(.)",
                lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]),
                line[len("Exec=") :],
            )
            return _split_exec(value.replace("%%", "%"))
    return []


def _split_exec(value: str) -> list[str]:
    """Arguments of an Exec value: spaces separate, double quotes group, and inside them a
    backslash escapes one of " ` $ \\ (the Desktop Entry rules, not a shell's)."""
    args: list[str] = []
    current: list[str] = []
    quoted = started = False
    chars = iter(value)
    for ch in chars:
        if quoted:
            if ch == "\\":
                current.append(next(chars, ""))
            elif ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted = started = True
        elif ch == " ":
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(ch)
            started = True
    if started:
        args.append("".join(current))
    return args
