"""The lighter import-hook test: same answers as PySide6's, no source kept in linecache."""

from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path

import pytest
from PySide6 import QtCore  # noqa: F401  (installs PySide6's import hook)

from ally_desktop.ui.pyside_hook import lighten_import_hook

FEATURE = sys.modules.get("shibokensupport.feature")
pytestmark = pytest.mark.skipif(FEATURE is None, reason="this PySide6 has no feature hook")


def _import_from(folder: Path, name: str, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / f"{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    __import__(name)  # an import statement's way, where PySide6's hook sits
    monkeypatch.delitem(sys.modules, name)


def test_modules_are_told_apart_without_their_source_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lighten_import_hook()
    assert lighten_import_hook()  # twice is harmless
    linecache.clearcache()
    _import_from(tmp_path, "ally_hook_probe_qt", "import PySide6.QtCore\nX = 1\n", monkeypatch)
    _import_from(tmp_path, "ally_hook_probe_plain", "Y = 2\n", monkeypatch)

    flags = FEATURE.pyside_feature_dict  # type: ignore[union-attr]
    assert flags["ally_hook_probe_qt"] == 0  # uses PySide: default features
    assert flags["ally_hook_probe_plain"] == -1  # does not
    cached = {Path(name).name for name in linecache.cache}
    assert "ally_hook_probe_qt.py" not in cached
    assert "ally_hook_probe_plain.py" not in cached


def test_extension_modules_keep_pysides_own_test() -> None:
    assert lighten_import_hook()
    test = FEATURE._mod_uses_pyside  # type: ignore[union-attr]
    assert test(sys.modules["PySide6.QtCore"]) is False  # no source: PySide6's answer
