"""``ally --self-test``: passes on a working installation, says why otherwise, and never
touches the user's own data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ally_desktop import __version__, self_test
from ally_desktop.store.db import close_database, open_database

ALLY = (sys.executable, "-m", "ally_desktop")


def _env(home: Path) -> dict[str, str]:
    """A home of its own, and a data directory named everywhere Ally could look."""
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test chooses offscreen by itself
    env["HOME"] = str(home)
    env["ALLY_DATA_DIR"] = str(home / "named-data-dir")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def test_self_test_passes_in_one_line_and_leaves_no_data(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [*ALLY, "--data-dir", str(home / "cli-data-dir"), "--self-test"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ally self-test: ok: Ally {__version__} (Python, offscreen)")
    assert "window painted" in lines[0]
    assert "found by search" in lines[0]
    # Neither --data-dir, nor ALLY_DATA_DIR, nor the platform's default was touched.
    assert not (home / "cli-data-dir").exists()
    assert not (home / "named-data-dir").exists()
    assert not (home / ".local" / "share" / "Ally").exists()


def test_self_test_times_the_first_paint_from_the_spawn(tmp_path):
    env = _env(tmp_path)
    env[self_test.SPAWN_ENV] = "0"  # the epoch: the paint is "long" after it, but counted
    result = subprocess.run(
        [*ALLY, "--self-test"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "ms after start;" in result.stdout


def test_a_failed_check_exits_1_with_the_reason(monkeypatch, capsys):
    def no_paint(_data_dir: Path) -> float:
        raise self_test.SelfTestError("the window closed without painting")

    monkeypatch.setattr(self_test, "_window", no_paint)
    assert self_test.run_self_test() == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "ally self-test: FAILED: the window closed without painting\n"


def test_an_unexpected_error_exits_1_with_its_type(monkeypatch, capsys):
    def broken(_data_dir: Path) -> float:
        raise ModuleNotFoundError("No module named 'ally_desktop.ui.icons'")

    monkeypatch.setattr(self_test, "_window", broken)
    assert self_test.run_self_test() == 1
    assert "FAILED: ModuleNotFoundError: No module named" in capsys.readouterr().err


def test_the_temporary_folder_is_removed_even_on_failure(monkeypatch, tmp_path):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(self_test.tempfile, "tempdir", None)  # re-read TMPDIR

    def fail(data_dir: Path) -> float:
        data_dir.mkdir(parents=True)
        (data_dir / "ally.sqlite3").write_bytes(b"")
        raise self_test.SelfTestError("stop")

    monkeypatch.setattr(self_test, "_window", fail)
    assert self_test.run_self_test() == 1
    assert list(tmp_path.iterdir()) == []


def test_the_store_checks_pass_on_a_fresh_data_file(tmp_path, qapp):
    database = open_database(tmp_path / "ally.sqlite3")
    close_database(database)
    photo = self_test._pictures(tmp_path)
    assert photo.startswith(b"\xff\xd8")
    assert self_test._store(tmp_path, photo) >= 1


def test_the_store_check_fails_without_a_data_file(tmp_path):
    with pytest.raises(self_test.SelfTestError, match="did not create its data file"):
        self_test._store(tmp_path, b"")


def test_a_refusal_to_open_the_data_file_fails_at_once_with_its_words(tmp_path):
    # The dialog that says why would wait forever offscreen: the self-test closes it.
    script = (
        "import sys\n"
        "import ally_desktop.store.db as db\n"
        "from ally_desktop.store.errors import StorageUnavailableError\n"
        "def refuse(path):\n"
        "    raise StorageUnavailableError('The disk went away.')\n"
        "db.open_database = refuse\n"
        "from ally_desktop.self_test import run_self_test\n"
        "sys.exit(run_self_test())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "ally self-test: FAILED: a dialog interrupted the start:" in result.stderr
    assert "The disk went away." in result.stderr
