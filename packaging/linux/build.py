"""Make Ally's Linux installers from the frozen program in ``dist/ally``:

    python packaging/linux/build.py [--dist dist] [--only deb|run]

writes

- ``dist/ally_<version>_amd64.deb``: the program in ``/opt/ally``, ``/usr/bin/ally``
  (a symlink to it), the desktop file, the icons in the ``hicolor`` theme and the
  AppStream metadata in the standard places, and the system libraries the frozen Qt
  needs declared in ``Depends``. ``apt install ./ally_<version>_amd64.deb`` installs it
  with them; ``apt remove ally`` takes every file back out.
- ``dist/ally-<version>-linux-x86_64.run``: a self-extracting installer (makeself) for
  one user and any distribution, into ``~/.local`` (see ``install.sh``), with an
  uninstaller.

The version is ``ally_desktop.__version__`` (read by ``packaging/version.py``, without
importing Qt). Its inputs: ``dist/ally`` (PyInstaller, ``packaging/ally.spec``),
``build/icons/ally-<size>.png`` (``packaging/icons.py``) and ``resources/ally.svg``.
``make package`` runs all of it in order.

Before packing, the desktop file is checked with ``desktop-file-validate`` and the
AppStream file with ``appstreamcli validate``; where a tool is not installed the check
is skipped with a warning (the installer tests, which CI runs, require both).

No maintainer scripts: Debian's own triggers (desktop-file-utils, hicolor-icon-theme)
refresh the desktop database and the icon cache when files land in their folders.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
from version import read_version  # noqa: E402 (a script beside this one, not a package)

APP_ID = "io.github.ally_desktop.Ally"  # AppStream's reverse-DNS id; the spec's bundle id
DESKTOP_FILE = HERE / "ally.desktop"
METAINFO = HERE / f"{APP_ID}.metainfo.xml"
INSTALL_SCRIPT = HERE / "install.sh"
UNINSTALL_SCRIPT = HERE / "uninstall.sh"
SVG = ROOT / "resources" / "ally.svg"
ICONS = ROOT / "build" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
STAGING = ROOT / "build" / "linux"

MAINTAINER = "The Ally developers <ally@users.noreply.github.com>"
# What the frozen program loads from the system (packaging/ally.spec leaves these out of
# the bundle on purpose), by Debian 12 package. `check_depends` fails the build when a
# library the bundle needs is found in a package missing here.
DEPENDS = (
    "libc6",
    "libstdc++6",
    "libgcc-s1",
    "zlib1g",
    "libzstd1",
    "libglib2.0-0",
    "libdbus-1-3",
    "libgssapi-krb5-2",
    "libbrotli1",
    "libfontconfig1",
    "libfreetype6",
    "libgl1",
    "libegl1",
    "libx11-6",
    "libx11-xcb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libwayland-client0",
    "libwayland-cursor0",
    "tzdata",  # zoneinfo reads the system's time zones
)
RECOMMENDS = ("fonts-dejavu-core",)
# Provided by the C library itself, or by packages every Debian system has.
ESSENTIAL = {"libc6", "libgcc-s1", "libstdc++6"}
# A line of ldd's output: "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x…)".
_SONAME = re.compile(r"\s*(?P<name>\S+\.so[.\d]*)\s+=>\s+(?P<path>\S+)")


class BuildError(Exception):
    """A missing input or a failed check; the message says what to do."""


def log(message: str) -> None:
    print(f"linux: {message}", flush=True)


# --- inputs -------------------------------------------------------------------------------
def icon_files() -> dict[str, Path]:
    """hicolor path (below ``share/icons/hicolor``) → source file, for every size."""
    missing = [size for size in ICON_SIZES if not (ICONS / f"ally-{size}.png").is_file()]
    if missing or not SVG.is_file():
        raise BuildError(
            f"icons missing ({', '.join(f'ally-{s}.png' for s in missing) or SVG}): run "
            "`python packaging/icons.py` (make package does) to render them from "
            "resources/ally.svg"
        )
    files = {f"{s}x{s}/apps/ally.png": ICONS / f"ally-{s}.png" for s in ICON_SIZES}
    files["scalable/apps/ally.svg"] = SVG
    return files


def release_date() -> str:
    """The release's date: ``SOURCE_DATE_EPOCH`` (reproducible builds) or today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d")


def metainfo_text(version: str) -> str:
    """The AppStream file with this version's <releases> entry added."""
    text = METAINFO.read_text(encoding="utf-8")
    if "<releases>" in text:
        raise BuildError(f"{METAINFO.name} must not list releases: the build adds the version")
    entry = (
        f'  <releases>\n    <release version="{version}" date="{release_date()}"/>\n'
        "  </releases>\n</component>"
    )
    return text.replace("</component>", entry)


def _tool(name: str) -> str | None:
    """A validator, or None (with a warning) where it is not installed: the build goes on,
    and tests/packaging/test_installers.py, which CI runs, insists on both checks."""
    found = shutil.which(name)
    if found is None:
        log(f"warning: {name} is not installed: its check is skipped")
    return found


def validate(desktop: Path, metainfo: Path) -> None:
    """desktop-file-validate and appstreamcli validate, as a software centre would."""
    tool = _tool("desktop-file-validate")
    if tool:
        result = subprocess.run([tool, str(desktop)], capture_output=True, text=True, check=False)
        if result.returncode != 0 or result.stdout.strip():
            raise BuildError(f"desktop-file-validate {desktop.name}:\n{result.stdout}")
    tool = _tool("appstreamcli")
    if tool:
        result = subprocess.run(
            [tool, "validate", "--no-net", str(metainfo)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BuildError(f"appstreamcli validate {metainfo.name}:\n{result.stdout}")


# --- shared -------------------------------------------------------------------------------
def copy_program(frozen: Path, target: Path) -> None:
    """The frozen folder, its symlinks kept, with plain permissions (0755/0644)."""
    shutil.copytree(frozen, target, symlinks=True)
    for folder, _dirs, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def _place(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def disk_usage_kib(root: Path) -> int:
    """What dpkg's Installed-Size means: KiB of the files, rounded up."""
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            total += (Path(folder, name).lstat().st_size + 1023) // 1024
    return total


# --- .deb ---------------------------------------------------------------------------------
def _needed(binary: Path) -> set[str]:
    """The libraries ``binary`` names itself (its ELF DT_NEEDED entries, by objdump)."""
    out = subprocess.run(
        ["objdump", "-p", str(binary)], capture_output=True, text=True, check=False
    ).stdout
    return {line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")}


def external_libraries(program: Path) -> dict[str, Path]:
    """soname → system path of each library the bundle asks the system for directly.

    The libraries those pull in are their packages' business: dpkg resolves them."""
    binaries = [program / "ally", *(p for p in program.rglob("*.so*") if not p.is_symlink())]
    bundled = {p.name for p in program.rglob("*.so*")}
    found: dict[str, Path] = {}
    for binary in binaries:
        wanted = _needed(binary) - bundled
        if not wanted:
            continue
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
        for match in _SONAME.finditer(out.stdout):
            if match["name"] in wanted and match["path"].startswith("/"):
                found[match["name"]] = Path(match["path"])
    return found


def check_depends(program: Path) -> None:
    """Fail when a system library the bundle loads comes from a package not in DEPENDS."""
    if shutil.which("dpkg") is None or shutil.which("objdump") is None:
        log("warning: dpkg or objdump missing: the declared dependencies are not checked")
        return
    missing: dict[str, str] = {}
    for name, path in sorted(external_libraries(program).items()):
        result = subprocess.run(
            ["dpkg", "-S", str(path.resolve())], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            continue  # not from a package (a local build): nothing to declare
        package = result.stdout.split(":", 1)[0].strip()
        if package not in DEPENDS and package not in ESSENTIAL:
            missing[name] = package
    if missing:
        listed = ", ".join(f"{lib} ({pkg})" for lib, pkg in missing.items())
        raise BuildError(f"the bundle loads libraries not declared in DEPENDS: {listed}")


def control_text(version: str, installed_kib: int) -> str:
    return (
        f"Package: ally\n"
        f"Version: {version}\n"
        f"Architecture: amd64\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        f"Section: misc\n"
        f"Priority: optional\n"
        f"Description: build and keep work allies\n"
        f" Ally is a private, offline desktop relationship manager for building and\n"
        f" keeping work allies: what each colleague knows, whom they are connected to\n"
        f" and what they want, every interaction logged in seconds, and reminders to\n"
        f" keep in touch. Everything stays in one SQLite file on your own computer.\n"
        f" .\n"
        f" This package is a standalone build: it brings its own Python and Qt.\n"
    )


COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Ally

Files: *
Copyright: The Ally developers
License: GPL-3.0-or-later
 On Debian systems, the complete text of the GNU General Public License version 3 can
 be found in /usr/share/common-licenses/GPL-3. The program in /opt/ally bundles Python
 (PSF License), Qt and PySide6 (LGPL-3.0), Peewee (MIT), python-dateutil (Apache-2.0 or
 BSD), vobject (Apache-2.0), platformdirs (MIT), tzlocal (MIT), email-validator
 (Unlicense) and idna (BSD-3-Clause), under their own licences.
"""


def build_deb(version: str, frozen: Path, dist: Path, icons: dict[str, Path]) -> Path:
    root = STAGING / f"ally_{version}_amd64"
    shutil.rmtree(root, ignore_errors=True)
    copy_program(frozen, root / "opt" / "ally")
    check_depends(root / "opt" / "ally")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "ally").symlink_to("/opt/ally/ally")
    share = root / "usr" / "share"
    _place(DESKTOP_FILE, share / "applications" / "ally.desktop")
    for relative, source in icons.items():
        _place(source, share / "icons" / "hicolor" / relative)
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    metainfo.parent.mkdir(parents=True)
    metainfo.write_text(metainfo_text(version), encoding="utf-8")
    metainfo.chmod(0o644)
    doc = share / "doc" / "ally"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")
    (doc / "copyright").chmod(0o644)
    validate(share / "applications" / "ally.desktop", metainfo)
    for folder, _dirs, _files in os.walk(root):
        os.chmod(folder, 0o755)
    control = root / "DEBIAN" / "control"
    control.parent.mkdir(mode=0o755)
    control.write_text(control_text(version, disk_usage_kib(root)), encoding="utf-8")
    control.chmod(0o644)
    deb = dist / f"ally_{version}_amd64.deb"
    deb.unlink(missing_ok=True)
    # Files owned by root whoever builds: fakeroot, or dpkg-deb's own option without it.
    if shutil.which("fakeroot"):
        command = ["fakeroot", "dpkg-deb", "-Zxz", "--build", str(root), str(deb)]
    else:
        command = ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return deb


# --- self-extracting installer ------------------------------------------------------------
def build_run(version: str, frozen: Path, dist: Path, icons: dict[str, Path]) -> Path:
    if shutil.which("makeself") is None:
        raise BuildError("makeself is not installed: `apt-get install makeself`")
    root = STAGING / f"ally-{version}-run"
    shutil.rmtree(root, ignore_errors=True)
    copy_program(frozen, root / "ally")
    _place(UNINSTALL_SCRIPT, root / "ally" / "uninstall.sh", 0o755)
    _place(INSTALL_SCRIPT, root / "install.sh", 0o755)
    _place(DESKTOP_FILE, root / "share" / "applications" / "ally.desktop")
    for relative, source in icons.items():
        _place(source, root / "share" / "icons" / "hicolor" / relative)
    (root / "VERSION").write_text(version + "\n", encoding="utf-8")
    run = dist / f"ally-{version}-linux-x86_64.run"
    run.unlink(missing_ok=True)
    subprocess.run(
        [
            "makeself",
            "--xz",
            # xz -6 on every core: a minute faster than makeself's default -9 on one, for
            # about 1 MB more (the same settings as dpkg-deb's).
            "--complevel",
            "6",
            "--threads",
            "0",
            "--nox11",
            "--sha256",
            "--tar-quietly",
            "--noprogress",
            str(root),
            str(run),
            f"Ally {version} for this user (installs into ~/.local)",
            "./install.sh",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return run


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:.1f} MB"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="default: dist")
    parser.add_argument("--only", choices=("deb", "run"), help="make only this installer")
    args = parser.parse_args(None if argv is None else list(argv))
    started = time.perf_counter()
    version = read_version()
    frozen = args.dist / "ally"
    try:
        if not (frozen / "ally").is_file():
            raise BuildError(f"no {frozen}/ally: build it first (make package)")
        icons = icon_files()
        made = []
        if args.only in (None, "deb"):
            made.append(build_deb(version, frozen, args.dist, icons))
        if args.only in (None, "run"):
            made.append(build_run(version, frozen, args.dist, icons))
    except (BuildError, subprocess.CalledProcessError) as exc:
        print(f"linux: {exc}", file=sys.stderr)
        return 1
    for path in made:
        log(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({_size(path)})")
    log(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
