"""The first start: an empty network, and three ways to begin."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ally_desktop.ui.icons import app_icon

MARK_SIZE = 72


class WelcomePage(QWidget):
    addRequested = Signal()  # noqa: N815
    importRequested = Signal()  # noqa: N815
    demoRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mark = QLabel()
        self.mark.setObjectName("welcomeMark")
        self.mark.setFixedSize(MARK_SIZE, MARK_SIZE)
        self._draw_mark()
        title = QLabel("Welcome to Ally")
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            "Keep the people you meet at work: what they know, whom they know and what they "
            "want. Capturing someone takes seconds: a name is enough, the rest can come later."
        )
        text.setWordWrap(True)
        text.setFixedWidth(520)  # a wrapped label needs a width to know its height
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_button = QPushButton("Add your first ally")
        self.add_button.setDefault(True)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip(
            "Bring your contacts from Google, Outlook, LinkedIn, a vCard or any CSV"
        )
        self.demo_button = QPushButton("Try with demo data")
        for button in (self.add_button, self.import_button, self.demo_button):
            button.setMinimumWidth(220)
            button.setMinimumHeight(34)
        self.add_button.clicked.connect(self.addRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(6)
        for widget in (title, text):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(18)
        for button in (self.add_button, self.import_button, self.demo_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def _draw_mark(self) -> None:
        """Ally's mark at the screen's pixel ratio: sharp at 200 % too."""
        self.mark.setPixmap(
            app_icon().pixmap(QSize(MARK_SIZE, MARK_SIZE), self.devicePixelRatioF())
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to another screen
            self._draw_mark()
