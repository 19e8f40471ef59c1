"""Where Ally keeps its files, and that the folder is private."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ally_desktop import paths


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_platform_default(tmp_path: Path) -> None:
    default = paths.default_data_dir()
    assert default.is_absolute()
    assert default.name == "Ally"
    assert paths.resolve_data_dir() == default
    assert paths.resolve_data_dir(None) == default
    if sys.platform.startswith("linux"):
        assert default == tmp_path / "xdg" / "Ally"


def test_environment_beats_platform_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert paths.resolve_data_dir() == tmp_path / "from-env"


def test_command_line_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert paths.resolve_data_dir(str(tmp_path / "from-cli")) == tmp_path / "from-cli"
    assert paths.resolve_data_dir(tmp_path / "as-path") == tmp_path / "as-path"


def test_empty_values_are_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, "")
    assert paths.resolve_data_dir("") == paths.default_data_dir()
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.resolve_data_dir("") == tmp_path / "env"


def test_relative_and_home_paths_become_absolute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert paths.resolve_data_dir("data") == tmp_path / "data"
    assert paths.resolve_data_dir("~/ally") == tmp_path / "home" / "ally"
    monkeypatch.setenv(paths.DATA_DIR_ENV, "~/from-env")
    assert paths.resolve_data_dir() == tmp_path / "home" / "from-env"


def test_data_paths_layout(tmp_path: Path) -> None:
    data = paths.DataPaths(tmp_path)
    assert data.database == tmp_path / "ally.sqlite3"
    assert data.logs == tmp_path / "logs"
    assert data.log_file == tmp_path / "logs" / "ally.log"
    assert data.settings == tmp_path / "settings.ini"


def test_ensure_data_dir_creates_private_folders(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        root = tmp_path / "deep" / "er" / "Ally"
        data = paths.ensure_data_dir(root)
    finally:
        os.umask(old_umask)
    assert data == paths.DataPaths(root)
    assert root.is_dir()
    assert _mode(root) == 0o700
    assert data.logs.is_dir()
    assert _mode(data.logs) == 0o700
    assert not data.database.exists()


def test_ensure_data_dir_is_idempotent(tmp_path: Path) -> None:
    root = tmp_path / "Ally"
    paths.ensure_data_dir(root)
    (root / "keep.txt").write_text("kept", encoding="utf-8")
    paths.ensure_data_dir(root)
    assert (root / "keep.txt").read_text(encoding="utf-8") == "kept"


def test_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    root.mkdir()
    root.chmod(0o750)
    data = paths.ensure_data_dir(root)
    assert _mode(root) == 0o750
    assert data.logs.is_dir()
