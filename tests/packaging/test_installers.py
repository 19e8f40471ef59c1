"""The Linux installers, for real: the .deb installed with apt (as root) and the per-user
self-extracting installer into a temporary home, each installed program started
(``ally --self-test``), then removed, leaving nothing behind.

The artefacts come from ``make package``, run once for the module, or are reused from
``dist/`` when they are newer than every source they are made from (a second run of the
suite costs seconds, not a build). Without Linux, root, apt or the packaging tools the
tests skip; under ``CI=true`` they fail instead, since CI must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
FROZEN = DIST / "ally" / "ally"
IN_CI = os.environ.get("CI") == "true"
BUILD_TIMEOUT_S = 20 * 60
RUN_TIMEOUT_S = 120
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "io.github.ally_desktop.Ally"
# What the installers are made from: newer than the artefacts, and `make package` runs.
SOURCE_ROOTS = ("ally_desktop", "resources", "packaging", "pyproject.toml", "Makefile")

pytestmark = pytest.mark.slow


def _version() -> str:
    """The version in the installers' names (``ally_desktop`` imports no Qt)."""
    from ally_desktop import __version__

    return __version__


VERSION = _version()
DEB = DIST / f"ally_{VERSION}_amd64.deb"
RUN = DIST / f"ally-{VERSION}-linux-x86_64.run"


def unavailable(reason: str) -> None:
    """Skip on a workstation; fail in CI, which must run every packaging test."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCE_ROOTS:
        root = REPO / name
        paths = [root] if root.is_file() else root.rglob("*")
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    options: dict[str, object] = {
        "capture_output": True,
        "text": True,
        "timeout": RUN_TIMEOUT_S,
        "check": False,
    }
    options.update(kwargs)
    return subprocess.run(command, **options)


@pytest.fixture(scope="module")
def artefacts() -> tuple[Path, Path]:
    """The .deb and the .run: reused when newer than the sources, else built."""
    if not sys.platform.startswith("linux"):
        unavailable("the Linux installers are built and tested on Linux")
    missing = [t for t in ("make", "dpkg-deb", "makeself", "objdump") if not shutil.which(t)]
    if missing:
        unavailable(f"not installed: {', '.join(missing)}")
    built = [DEB, RUN, FROZEN]
    if all(p.is_file() for p in built) and min(p.stat().st_mtime for p in built) > _newest_source():
        return DEB, RUN
    result = _run(["make", "package"], cwd=REPO, timeout=BUILD_TIMEOUT_S)
    assert result.returncode == 0, f"make package failed:\n{result.stdout[-6000:]}{result.stderr}"
    assert DEB.is_file()
    assert RUN.is_file()
    return DEB, RUN


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.pop("ALLY_DATA_DIR", None)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test chooses offscreen by itself
    env["HOME"] = str(home)
    return env


def _self_test(program: Path | str, env: dict[str, str]) -> str:
    result = _run([str(program), "--self-test"], env=env)
    assert result.returncode == 0, f"{program} --self-test: {result.stdout}{result.stderr}"
    assert result.stdout.startswith(f"ally self-test: ok: Ally {VERSION} (frozen, ")
    return result.stdout


def _validate_desktop_file(path: Path) -> None:
    if shutil.which("desktop-file-validate") is None:
        unavailable("desktop-file-validate is not installed (desktop-file-utils)")
    result = _run(["desktop-file-validate", str(path)])
    assert result.returncode == 0, result.stdout
    assert not result.stdout.strip(), result.stdout  # not even a hint


def _validate_metainfo(path: Path) -> None:
    if shutil.which("appstreamcli") is None:
        unavailable("appstreamcli is not installed (appstream)")
    result = _run(["appstreamcli", "validate", "--no-net", str(path)])
    assert result.returncode == 0, result.stdout


# --- what the build made -------------------------------------------------------------------
def test_the_frozen_program_is_trimmed_and_starts(artefacts, tmp_path):
    internal = DIST / "ally" / "_internal"
    qt = internal / "PySide6" / "Qt"
    plugins = {p.relative_to(qt / "plugins").as_posix() for p in (qt / "plugins").rglob("*.so")}
    assert {
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "platforms/libqoffscreen.so",
        "imageformats/libqjpeg.so",
        "imageformats/libqsvg.so",
        "iconengines/libqsvgicon.so",
    } <= plugins
    assert not {p for p in plugins if p.startswith(("sqldrivers/", "tls/", "qmltooling/"))}
    assert "platformthemes/libqgtk3.so" not in plugins
    assert not (qt / "translations").exists()
    assert not list(internal.glob("PySide6/QtQml*"))
    assert not list(internal.glob("PySide6/QtQuick*"))
    # The desktop's own libraries come from the system (packaging/ally.spec says why).
    assert not list(internal.glob("libstdc++*"))
    assert not list(internal.glob("libxcb*"))
    assert (internal / "ally_desktop" / "resources" / "ally.svg").is_file()
    result = _run([str(FROZEN), "--version"])
    assert result.stdout.strip() == f"Ally {VERSION}"
    _self_test(FROZEN, _clean_env(tmp_path))


def test_the_sizes_meet_their_goals(artefacts):
    from bench.package import GOAL_DEB_MB, GOAL_INSTALLED_MB, disk_usage

    assert disk_usage(DIST / "ally") / 2**20 <= GOAL_INSTALLED_MB
    assert DEB.stat().st_size / 2**20 <= GOAL_DEB_MB


def test_the_desktop_file_and_the_metainfo_validate():
    _validate_desktop_file(REPO / "packaging" / "linux" / "ally.desktop")
    _validate_metainfo(REPO / "packaging" / "linux" / f"{APP_ID}.metainfo.xml")


def test_the_deb_declares_what_it_is(artefacts):
    fields = _run(["dpkg-deb", "--field", str(DEB), "Package", "Version", "Architecture"])
    assert fields.stdout.split("\n")[:3] == [
        "Package: ally",
        f"Version: {VERSION}",
        "Architecture: amd64",
    ]
    depends = _run(["dpkg-deb", "--field", str(DEB), "Depends"]).stdout
    assert "libxcb-cursor0" in depends
    assert "libglib2.0-0" in depends
    scripts = _run(["dpkg-deb", "--info", str(DEB)]).stdout
    assert "postinst" not in scripts
    assert "postrm" not in scripts
    listing = _run(["dpkg-deb", "--contents", str(DEB)]).stdout
    owners = {line.split()[1] for line in listing.splitlines()}
    assert owners == {"root/root"}


# --- the .deb, installed with apt ----------------------------------------------------------
@pytest.fixture
def apt() -> Iterator[dict[str, str]]:
    """Root and apt, and Ally not installed by the person running the tests."""
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None:
        unavailable("needs apt-get (Debian or Ubuntu)")
    if os.geteuid() != 0:
        unavailable("installing the .deb needs root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if _run(["dpkg", "-s", "ally"]).returncode == 0 and not IN_CI:
        pytest.skip("a package named ally is installed here: the test would remove it")
    yield env
    if _run(["dpkg", "-s", "ally"]).returncode == 0:
        _run(["apt-get", "remove", "-y", "ally"], env=env)


def test_the_deb_installs_runs_and_removes_cleanly(artefacts, apt, tmp_path):
    result = _run(["apt-get", "install", "-y", str(DEB)], env=apt, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    owned = [Path(line) for line in _run(["dpkg", "-L", "ally"]).stdout.splitlines()]
    files = [p for p in owned if p.is_file() or p.is_symlink()]

    launcher = Path("/usr/bin/ally")
    assert launcher.is_symlink()
    assert launcher.resolve() == Path("/opt/ally/ally")
    desktop = Path("/usr/share/applications/ally.desktop")
    metainfo = Path(f"/usr/share/metainfo/{APP_ID}.metainfo.xml")
    icons = [Path(f"/usr/share/icons/hicolor/{s}x{s}/apps/ally.png") for s in ICON_SIZES]
    icons.append(Path("/usr/share/icons/hicolor/scalable/apps/ally.svg"))
    for path in (launcher, desktop, metainfo, *icons):
        assert path in owned, path
        assert path.exists(), path
    _validate_desktop_file(desktop)
    _validate_metainfo(metainfo)
    assert f'<release version="{VERSION}"' in metainfo.read_text(encoding="utf-8")

    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    env["PATH"] = "/usr/bin:/bin"
    assert _run(["ally", "--version"], env=env).stdout.strip() == f"Ally {VERSION}"
    _self_test("ally", env)
    assert not (home / ".local" / "share" / "Ally").exists()  # no data of the user's
    if shutil.which("xvfb-run"):  # a real X window, through the system's xcb libraries
        x11 = _run(["xvfb-run", "-a", "ally", "--self-test"], env={**env, "QT_QPA_PLATFORM": "xcb"})
        assert x11.returncode == 0, x11.stdout + x11.stderr
        assert "(frozen, xcb)" in x11.stdout

    result = _run(["apt-get", "remove", "-y", "ally"], env=apt, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert _run(["dpkg", "-s", "ally"]).returncode != 0
    left = [p for p in files if p.exists() or p.is_symlink()]
    assert left == []
    assert not Path("/opt/ally").exists()


# --- the per-user installer ----------------------------------------------------------------
def test_the_run_installer_installs_for_one_user_and_uninstalls(artefacts, tmp_path):
    if not sys.platform.startswith("linux"):
        unavailable("the .run installer is for Linux")
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    assert _run(["sh", str(RUN), "--check"], env=env).returncode == 0  # its checksums

    result = _run(["sh", str(RUN)], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    dest = home / ".local" / "opt" / "ally"
    launcher = home / ".local" / "bin" / "ally"
    desktop = home / ".local" / "share" / "applications" / "ally.desktop"
    assert f"Ally {VERSION} is installed in {dest}" in result.stdout
    assert launcher.is_symlink()
    assert launcher.resolve() == (dest / "ally").resolve()
    assert (dest / "uninstall.sh").is_file()
    for size in ICON_SIZES:
        assert (home / f".local/share/icons/hicolor/{size}x{size}/apps/ally.png").is_file()
    assert (home / ".local/share/icons/hicolor/scalable/apps/ally.svg").is_file()
    _validate_desktop_file(desktop)
    assert f'Exec="{dest}/ally"' in desktop.read_text(encoding="utf-8").splitlines()
    _self_test(launcher, env)

    again = _run(["sh", str(RUN)], env=env)  # a second install replaces the first
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Replacing the Ally installed in" in again.stdout
    _self_test(launcher, env)

    result = _run([str(dest / "uninstall.sh")], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ally is uninstalled." in result.stdout
    assert not (home / ".local").exists(), sorted(map(str, (home / ".local").rglob("*")))
