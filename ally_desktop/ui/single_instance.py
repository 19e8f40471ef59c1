"""One Ally per data directory: a second launch brings the first window forward and exits.

The first instance listens on a QLocalServer whose name is derived from the data
directory (so two different data directories can run side by side). A later launch
connects, says "activate", and quits with exit code 0.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ally_desktop.paths import instance_name

_TIMEOUT_MS = 1000
_ACTIVATE = b"activate\n"


def server_name(data_dir: Path) -> str:
    return instance_name(data_dir)


def ask_running_instance(data_dir: Path) -> bool:
    """True when another Ally already serves this data directory (and was asked to show itself)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(_TIMEOUT_MS):
        return False
    socket.write(_ACTIVATE)
    socket.flush()
    socket.waitForBytesWritten(_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches and emits ``activationRequested``."""

    activationRequested = Signal()  # noqa: N815

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(data_dir)
        if not self._server.listen(name):
            QLocalServer.removeServer(name)  # a stale socket left by a crash
            if not self._server.listen(name):
                raise OSError(f"Cannot listen for other launches: {self._server.errorString()}")
        self._server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_ACTIVATE.strip()):
            self.activationRequested.emit()

    def close(self) -> None:
        self._server.close()
