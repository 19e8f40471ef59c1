"""The page for rows that cannot be read: each with its line and the reason, and the
choice to import the rest or nothing.

An import is all or nothing by default elsewhere (the command line stores nothing unless
told to skip bad rows), so the choice is put to the user explicitly, with the count of
what would be imported, rather than silently leaving rows out.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QListWidget, QRadioButton, QVBoxLayout, QWidget

from ally_desktop.core.formats.common import RowProblem
from ally_desktop.ui.transfer.heading import page_title

MAX_LISTED = 1000  # a broken file may have 100,000 bad rows; the first thousand say enough


def problem_line(problem: RowProblem) -> str:
    return f"Line {problem.line:,}: {problem.reason}"


class ProblemsPage(QWidget):
    choiceChanged = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = page_title()
        self.explanation = QLabel(
            "These rows are left out. Fix them in the file and import it again, or import"
            " the others now."
        )
        self.explanation.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("importProblems")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.import_rest = QRadioButton()
        self.import_rest.setObjectName("importReadable")
        self.import_nothing = QRadioButton("Cancel (import nothing)")
        self.import_nothing.setObjectName("importNothing")
        group = QButtonGroup(self)
        group.addButton(self.import_rest)
        group.addButton(self.import_nothing)
        self.import_rest.toggled.connect(self.choiceChanged)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.import_rest)
        layout.addWidget(self.import_nothing)

    def show_problems(self, problems: Sequence[RowProblem], readable: int) -> None:
        count = len(problems)
        self.title.setText(f"{count:,} {'row' if count == 1 else 'rows'} cannot be read")
        self.list.clear()
        self.list.addItems([problem_line(p) for p in problems[:MAX_LISTED]])
        if count > MAX_LISTED:
            self.list.addItem(f"… and {count - MAX_LISTED:,} more")
        people = "contact" if readable == 1 else "contacts"
        self.import_rest.setText(f"Import the {readable:,} readable {people}")
        self.import_rest.setEnabled(readable > 0)
        (self.import_rest if readable else self.import_nothing).setChecked(True)

    def imports_readable(self) -> bool:
        return self.import_rest.isEnabled() and self.import_rest.isChecked()

    def shown_lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
