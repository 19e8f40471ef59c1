"""What the window remembers between runs (layout) and the user's preferences: one INI
file in the data directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class UiSettings:
    """Typed access to the few things the window remembers (geometry, splitters, columns)
    and the preferences (keep running in the tray, start at login)."""

    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def state(self, key: str) -> QByteArray | None:
        value = self._settings.value(f"ui/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(f"ui/{key}", value)

    def flag(self, key: str, default: bool) -> bool:
        """A yes/no preference (``prefs/key``)."""
        value = self._settings.value(f"prefs/{key}", default)
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    def set_flag(self, key: str, value: bool) -> None:
        self._settings.setValue(f"prefs/{key}", value)
        self._settings.sync()

    def sync(self) -> None:
        self._settings.sync()
