"""A bar across the top of the window for notifications, where there is no system tray."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ally_desktop.ui.look import set_toned_style


class NoticeBar(QFrame):
    """One notice at a time: a title, a line of detail, a button to act, × to close.
    Notices arriving while one shows wait their turn: none is lost unseen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        # A warm band in light and in dark mode alike: its colours are the warning tone
        # mixed into the palette's base, its text the palette's (ui.look).
        set_toned_style(
            self,
            "QFrame#noticeBar { background: $warning_back;"
            " border-bottom: 1px solid $warning_line; }"
            " QFrame#noticeBar QLabel { color: $text; }",
        )
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.action = QPushButton("Show")
        self.action.clicked.connect(self._act)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("Close this notice")
        close.clicked.connect(self._next)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.action)
        layout.addWidget(close)
        self._on_act: Callable[[], None] | None = None
        self._waiting: deque[tuple[str, str, Callable[[], None] | None, str]] = deque()
        self.hide()

    def show_notice(
        self, title: str, body: str, on_act: Callable[[], None] | None = None, action: str = "Show"
    ) -> None:
        parent = self.parentWidget()
        if self.isVisibleTo(parent) if parent is not None else self.isVisible():
            self._waiting.append((title, body, on_act, action))
            return
        self._display(title, body, on_act, action)

    def waiting(self) -> int:
        return len(self._waiting)

    def _next(self) -> None:
        self.hide()
        if self._waiting:
            self._display(*self._waiting.popleft())

    def _display(
        self, title: str, body: str, on_act: Callable[[], None] | None, action: str
    ) -> None:
        self.title.setText(title)
        self.body.setText(body.replace("\n", " · "))
        self._on_act = on_act
        self.action.setText(action)
        self.action.setVisible(on_act is not None)
        self.show()

    def _act(self) -> None:
        on_act = self._on_act
        self._next()
        if on_act is not None:
            on_act()
