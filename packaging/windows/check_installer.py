r"""Install, run and uninstall Ally's Windows installer: the release workflow's smoke test.

    python packaging/windows/check_installer.py dist/ally-<version>-windows-x64-setup.exe

On Windows, as the current user (no administrator rights needed, none used):

1. puts a marker file in %APPDATA%\Ally, standing for the user's data, which must survive;
2. runs the setup silently (desktop icon task on); checks the program folder, the
   Start-menu and desktop entries, and the uninstaller's entry in Settings > Apps;
3. runs the installed ``ally.exe --version`` (must print the version) and ``--self-test``
   (set QT_QPA_PLATFORM=offscreen or minimal on a machine without a desktop);
4. sets Ally's start-at-login value as the app would, runs the uninstaller silently, and
   checks that the folder, both shortcuts, the uninstall entry and the start-at-login
   value are gone, and that the marker in %APPDATA%\Ally is still there.

Exits 0 when all holds, 1 with the failures listed otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

APP_ID = "{B1FD55B6-6201-409B-AC03-211D779A5862}"  # ally.iss's AppId
UNINSTALL_KEY = rf"Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}_is1"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
MARKER = "check_installer-marker.txt"
SILENT = ["/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"]


def _env_path(name: str) -> Path:
    return Path(os.environ[name])


def _registry(key: str, value: str) -> str | None:
    import winreg  # Windows only

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
            return str(winreg.QueryValueEx(handle, value)[0])
    except OSError:
        return None


def _set_run_value(command: str | None) -> None:
    import winreg  # Windows only

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if command is not None:
            winreg.SetValueEx(key, "Ally", 0, winreg.REG_SZ, command)
        else:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, "Ally")


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1)
    return condition()


def expected_version(setup: Path) -> str:
    match = re.fullmatch(r"ally-(.+)-windows-x64-setup\.exe", setup.name)
    if match is None:
        raise ValueError(f"{setup.name} is not named ally-<version>-windows-x64-setup.exe")
    return match.group(1)


def check(setup: Path) -> list[str]:
    version = expected_version(setup)
    failures: list[str] = []

    def expect(ok: bool, what: str) -> None:
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            failures.append(what)

    app = _env_path("LOCALAPPDATA") / "Programs" / "Ally"
    start_menu = _env_path("APPDATA") / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    desktop = _env_path("USERPROFILE") / "Desktop"
    data = _env_path("APPDATA") / "Ally"
    data_existed = data.exists()
    data.mkdir(parents=True, exist_ok=True)
    (data / MARKER).write_text("the user's data: the uninstaller must leave it\n")

    log = setup.with_suffix(".install.log")
    installed = subprocess.run(
        [str(setup), *SILENT, "/SP-", "/TASKS=desktopicon", f"/LOG={log}"], timeout=600
    )
    expect(installed.returncode == 0, f"setup exits 0 (got {installed.returncode}, log {log})")
    expect((app / "ally.exe").is_file(), rf"{app}\ally.exe installed")
    expect((app / "ally-gui.exe").is_file(), rf"{app}\ally-gui.exe installed")
    expect((start_menu / "Ally.lnk").is_file(), "Start-menu entry Ally.lnk")
    expect((desktop / "Ally.lnk").is_file(), "desktop icon Ally.lnk (task desktopicon)")
    expect(_registry(UNINSTALL_KEY, "DisplayVersion") == version, f"uninstall entry, {version}")
    uninstaller = _registry(UNINSTALL_KEY, "UninstallString")
    expect(uninstaller is not None, "uninstaller registered")

    if (app / "ally.exe").is_file():
        shown = subprocess.run(
            [str(app / "ally.exe"), "--version"], capture_output=True, text=True, timeout=120
        )
        expect(shown.stdout.strip() == f"Ally {version}", f"ally --version says {version}")
        tested = subprocess.run([str(app / "ally.exe"), "--self-test"], timeout=300)
        expect(tested.returncode == 0, "installed ally --self-test exits 0")

    _set_run_value(f'"{app / "ally-gui.exe"}" --minimized')
    if uninstaller:
        # The uninstaller copies itself to %TEMP% and returns at once: wait for its work.
        subprocess.run([uninstaller.strip('"'), *SILENT], timeout=600)
        gone = _wait(lambda: _registry(UNINSTALL_KEY, "DisplayVersion") is None, 180)
        expect(gone, "uninstall entry removed")
        expect(_wait(lambda: not app.exists(), 60), f"{app} removed")
    expect(not (start_menu / "Ally.lnk").exists(), "Start-menu entry removed")
    expect(not (desktop / "Ally.lnk").exists(), "desktop icon removed")
    expect(_registry(RUN_KEY, "Ally") is None, "start-at-login value removed")
    expect((data / MARKER).is_file(), rf"{data} kept (the user's data)")

    _set_run_value(None)
    (data / MARKER).unlink(missing_ok=True)
    if not data_existed and not any(data.iterdir()):
        data.rmdir()
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install, run and uninstall Ally's installer.")
    parser.add_argument("setup", type=Path, help="dist/ally-<version>-windows-x64-setup.exe")
    args = parser.parse_args(argv)
    if sys.platform != "win32":
        print("check_installer.py runs on Windows only", file=sys.stderr)
        return 2
    failures = check(args.setup.resolve())
    if failures:
        print(f"{len(failures)} check(s) failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print("the installer installs, runs and uninstalls cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
