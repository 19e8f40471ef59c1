"""Build Ally's Windows installer: read the version, check the inputs, run Inno Setup.

    python packaging/windows/build_installer.py [--iscc PATH] [--dry-run]

Reads the version from ``ally_desktop/__init__.py`` without importing Ally or Qt
(``packaging/version.py``), checks that the PyInstaller folder ``dist/ally/`` and the icon
``build/icons/ally.ico`` are there, and runs ``ISCC /DAppVersion=...`` on ``ally.iss``.
Prints the installer's path: ``dist/ally-<version>-windows-x64-setup.exe``.

ISCC is found by ``--iscc``, the ``ISCC`` environment variable, the PATH, or Inno Setup 6's
usual folders (``choco install innosetup`` puts it in ``C:\\Program Files (x86)\\Inno Setup 6``).

Optional code signing: with ``ALLY_WINDOWS_CERTIFICATE`` (a .pfx file) and
``ALLY_WINDOWS_CERTIFICATE_PASSWORD`` set, Windows SDK's signtool signs ``ally.exe`` and
``ally-gui.exe`` first, then ISCC signs the setup program and its uninstaller.

``--dry-run`` prints the ISCC command and the installer's name, and needs neither Windows
nor the inputs: tests/packaging/test_release_files.py runs it.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPT = HERE / "ally.iss"
PROGRAM_DIR = REPO / "dist" / "ally"
PROGRAMS = ("ally.exe", "ally-gui.exe")
ICON = REPO / "build" / "icons" / "ally.ico"
OUTPUT_DIR = REPO / "dist"
TIMESTAMP_URL = "http://timestamp.digicert.com"
ISCC_FOLDERS = (
    r"C:\Program Files (x86)\Inno Setup 6",
    r"C:\Program Files\Inno Setup 6",
    os.path.expandvars(r"%LOCALAPPDATA%\Programs\Inno Setup 6"),
)


def read_version() -> str:
    """``ally_desktop.__version__``, through packaging/version.py (no import of Ally)."""
    spec = importlib.util.spec_from_file_location(
        "_ally_version", REPO / "packaging" / "version.py"
    )
    if spec is None or spec.loader is None:
        raise ImportError("cannot load packaging/version.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.read_version())


def numeric_version(version: str) -> str:
    """The four numbers Windows wants in a file version: "1.2rc1" gives "1.2.0.0"."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with a number")
    numbers = match.group(0).split(".")[:4]
    return ".".join(numbers + ["0"] * (4 - len(numbers)))


def installer_name(version: str) -> str:
    return f"ally-{version}-windows-x64-setup.exe"


def find_iscc(explicit: str | None = None) -> str | None:
    candidates = [explicit, os.environ.get("ISCC"), shutil.which("ISCC"), shutil.which("iscc")]
    candidates += [str(Path(folder) / "ISCC.exe") for folder in ISCC_FOLDERS]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def find_signtool() -> str | None:
    """signtool.exe from the newest Windows 10/11 SDK (on GitHub's Windows runners)."""
    if found := os.environ.get("SIGNTOOL") or shutil.which("signtool"):
        return found
    kits = os.path.expandvars(r"%ProgramFiles(x86)%\Windows Kits\10\bin")
    matches = sorted(glob.glob(os.path.join(kits, "10.*", "x64", "signtool.exe")))
    return matches[-1] if matches else None


def _inno_quote(text: str) -> str:
    """Text for ISCC's /S sign command: $q stands for a quote, $$ for a dollar sign."""
    return "$q" + text.replace("$", "$$") + "$q"


def sign_command(signtool: str, certificate: str, password: str) -> list[str]:
    return [
        signtool, "sign", "/fd", "sha256", "/f", certificate, "/p", password,
        "/tr", TIMESTAMP_URL, "/td", "sha256", "/d", "Ally",
    ]  # fmt: skip


def iscc_command(iscc: str, version: str, sign: Sequence[str] | None = None) -> list[str]:
    command = [
        iscc,
        "/Qp",
        f"/DAppVersion={version}",
        f"/DAppNumericVersion={numeric_version(version)}",
    ]
    if sign:
        # ISCC runs this for the setup program and the uninstaller, $f being the file.
        command += [
            "/Sallysign=" + " ".join(_inno_quote(part) for part in sign) + " $f",
            "/DSignTool=allysign",
        ]
    return [*command, str(SCRIPT)]


def _redacted(command: Sequence[str], secret: str | None) -> str:
    text = subprocess.list2cmdline(list(command))
    if secret:
        text = text.replace(secret.replace("$", "$$"), "***").replace(secret, "***")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--iscc", help="path to ISCC.exe (Inno Setup 6's compiler)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the ISCC command and the installer's name"
    )
    args = parser.parse_args(argv)

    version = read_version()
    output = OUTPUT_DIR / installer_name(version)
    certificate = os.environ.get("ALLY_WINDOWS_CERTIFICATE")
    password = os.environ.get("ALLY_WINDOWS_CERTIFICATE_PASSWORD", "")
    signtool = find_signtool() if certificate and not args.dry_run else None
    if certificate and not args.dry_run and signtool is None:
        print("signtool.exe not found: install the Windows SDK or set SIGNTOOL", file=sys.stderr)
        return 1
    sign = sign_command(signtool or "signtool.exe", certificate, password) if certificate else None
    iscc = find_iscc(args.iscc)
    command = iscc_command(iscc or "ISCC.exe", version, sign)

    if args.dry_run:
        print(_redacted(command, password))
        print(output.relative_to(REPO).as_posix())
        return 0

    missing = [p for p in (*(PROGRAM_DIR / name for name in PROGRAMS), ICON) if not p.is_file()]
    if missing:
        for path in missing:
            print(f"missing: {path.relative_to(REPO)}", file=sys.stderr)
        print(
            "build them first: python packaging/icons.py, then pyinstaller packaging/ally.spec",
            file=sys.stderr,
        )
        return 1
    if iscc is None:
        print("ISCC.exe not found: choco install innosetup, or pass --iscc", file=sys.stderr)
        return 1
    if sign:
        for name in PROGRAMS:
            subprocess.run([*sign, str(PROGRAM_DIR / name)], check=True)
    print(_redacted(command, password), flush=True)
    subprocess.run(command, check=True)
    if not output.is_file():
        print(f"ISCC finished but {output} is not there", file=sys.stderr)
        return 1
    print(output.relative_to(REPO).as_posix())
    return 0


if __name__ == "__main__":
    sys.exit(main())
