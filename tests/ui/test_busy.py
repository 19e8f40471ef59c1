"""The wait cursor shows for the block and goes, even when the block fails."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from ally_desktop.ui.busy import busy_cursor


def _cursor() -> Qt.CursorShape | None:
    cursor = QGuiApplication.overrideCursor()
    return cursor.shape() if cursor is not None else None


def test_the_wait_cursor_shows_for_the_block_only(qtbot: Any) -> None:
    assert _cursor() is None
    with busy_cursor():
        assert _cursor() == Qt.CursorShape.WaitCursor
    assert _cursor() is None


def test_the_wait_cursor_goes_when_the_block_fails(qtbot: Any) -> None:
    with pytest.raises(RuntimeError), busy_cursor():
        raise RuntimeError("the disk went away")
    assert _cursor() is None
