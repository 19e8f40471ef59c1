"""Window layout remembered between runs: one INI file in the data directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class UiSettings:
    """Typed access to the few things the window remembers (geometry, splitters, columns)."""

    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def state(self, key: str) -> QByteArray | None:
        value = self._settings.value(f"ui/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(f"ui/{key}", value)

    def sync(self) -> None:
        self._settings.sync()
