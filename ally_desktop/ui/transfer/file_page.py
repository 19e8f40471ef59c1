"""The import dialog's first page: the file, its format and encoding, and a preview.

Opening a file is cheap (core decodes it, names its format and, for another CSV, guesses
what each column holds), so the preview is there at once and changes as soon as the
user overrides the format or the encoding. For "Other CSV" every column has a combo box
of what to read it as; the preview shows the columns that will be read in bold and the
ones left out in grey, so the user sees the effect of a choice before anything is read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ally_desktop.core.formats import csv_generic, vcard
from ally_desktop.core.formats.common import Format, IncomingContact
from ally_desktop.core.formats.csv_generic import Target
from ally_desktop.core.transfer.reading import (
    NoTableError,
    SourceFile,
    UnreadableFileError,
    open_source,
)
from ally_desktop.ui.look import Tone, set_tone
from ally_desktop.ui.transfer.heading import page_title

PREVIEW_ROWS = 5
MAPPING_ROW = 0  # for "Other CSV", the first row of the preview holds the combo boxes
IGNORED_COLOR = QColor("#9e9e9e")
# Encodings to choose from when the detected one shows the wrong letters: label, codec.
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("UTF-8", "utf-8"),
    ("Windows-1252 (Western Europe)", "cp1252"),
    ("UTF-16", "utf-16"),
    ("ISO-8859-15", "iso8859-15"),
    ("Windows-1250 (Central Europe)", "cp1250"),
    ("Mac Roman", "mac_roman"),
)
_CARD_START = re.compile(r"(?im)^[ \t]*BEGIN:VCARD[ \t\r]*$")
NO_NAME_HINT = (
    "Choose a column holding a name, an email or an organization: Ally needs one of them"
    " to tell people apart."
)


def card_count(text: str) -> int:
    return len(_CARD_START.findall(text))


class FilePage(QWidget):
    """Shows a SourceFile and lets the user change its format, encoding and mapping."""

    changed = Signal()  # the source, its format or its mapping changed

    def __init__(self, source: SourceFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path = source.path
        self.detected: Format = source.format
        self.detected_encoding: str = source.decoded.encoding
        self.source: SourceFile | None = source
        self.error_text = ""

        self.title = page_title(self.path.name)
        self.title.setObjectName("pageTitle")
        self.title.setToolTip(str(self.path))

        self.format_combo = QComboBox()
        self.format_combo.setObjectName("importFormat")
        self.format_combo.addItem(f"{self.detected.label} (detected)", self.detected)
        for fmt in Format:
            if fmt is not self.detected:
                self.format_combo.addItem(fmt.label, fmt)
        self.format_combo.currentIndexChanged.connect(self._reopen)

        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("importEncoding")
        self.encoding_combo.addItem(f"{self.detected_encoding} (detected)", None)
        for label, codec in ENCODINGS:
            if not label.startswith(self.detected_encoding):
                self.encoding_combo.addItem(label, codec)
        self.encoding_combo.setToolTip("Change it if accented letters look wrong in the preview")
        self.encoding_combo.currentIndexChanged.connect(self._reopen)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Format:", self.format_combo)
        form.addRow("Encoding:", self.encoding_combo)

        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.preview = QTableWidget()
        self.preview.setObjectName("importPreview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setHighlightSections(False)
        self.hint = QLabel()
        self.hint.setObjectName("importHint")
        self.hint.setWordWrap(True)
        set_tone(self.hint, Tone.ERROR)
        self.hint.hide()
        self.combos: list[QComboBox] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.explanation)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.hint)
        self._show_source()

    # --- what the page says -----------------------------------------------------------
    def chosen_format(self) -> Format:
        # Item data come back as plain strings (a StrEnum is a str to Qt).
        return Format(self.format_combo.currentData())

    def chosen_encoding(self) -> str | None:
        codec = self.encoding_combo.currentData()
        return str(codec) if codec else None

    def mapping(self) -> list[Target]:
        if self.source is None:
            return []
        return [t for t in self.source.mapping if isinstance(t, Target)]

    def ready(self) -> bool:
        """Whether the file can be read as it is set up now."""
        if self.source is None:
            return False
        if self.source.format is Format.GENERIC:
            return csv_generic.mapping_is_usable(self.mapping())
        return True

    def problem(self) -> str:
        """Why the file cannot be read yet, in words ("" when it can)."""
        if self.source is None:
            return self.error_text
        if not self.ready():
            return NO_NAME_HINT
        return ""

    def choose_format(self, fmt: Format) -> None:
        index = self.format_combo.findData(fmt)
        if index < 0:
            raise ValueError(fmt)
        self.format_combo.setCurrentIndex(index)

    def map_column(self, column: int, target: Target) -> None:
        """What choosing ``target`` in the column's combo box does."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(target))

    # --- opening again with other settings ----------------------------------------------
    def _reopen(self) -> None:
        previous = self.source
        try:
            source = open_source(self.path, self.chosen_format(), self.chosen_encoding())
        except (UnreadableFileError, NoTableError) as exc:
            self.source = None
            self.error_text = f"{exc}"
        else:
            if (
                previous is not None
                and source.format is Format.GENERIC
                and previous.format is Format.GENERIC
                and previous.header == source.header
            ):
                source.mapping = list(previous.mapping)  # keep what the user chose
            self.source = source
            self.error_text = ""
        self._show_source()
        self.changed.emit()

    def _show_source(self) -> None:
        source = self.source
        self.preview.clear()
        self.combos = []
        if source is None:
            self.preview.setRowCount(0)
            self.preview.setColumnCount(0)
            self.explanation.setText("")
            self._update_hint()
            return
        if source.format is Format.VCARD:
            self._show_cards(source)
        else:
            self._show_table(source)
        self._update_hint()

    def _show_cards(self, source: SourceFile) -> None:
        count = card_count(source.decoded.text)
        self.explanation.setText(
            f"{count:,} {'card' if count == 1 else 'cards'} in the file. The first ones:"
        )
        people = [
            item
            for item in itertools.islice(vcard.read_cards(source.decoded.text), PREVIEW_ROWS)
            if isinstance(item, IncomingContact)
        ]
        columns = ("Name", "Organization", "Email", "Phone")
        self.preview.setColumnCount(len(columns))
        self.preview.setHorizontalHeaderLabels(list(columns))
        self.preview.setRowCount(len(people))
        self.preview.setVerticalHeaderLabels([str(n) for n in range(1, len(people) + 1)])
        for row, person in enumerate(people):
            data = person.data
            cells = (
                data.shown_name() or data.organization,
                data.organization,
                data.emails[0].value if data.emails else "",
                data.phones[0].value if data.phones else "",
            )
            for column, text in enumerate(cells):
                self.preview.setItem(row, column, QTableWidgetItem(text))
        self.preview.resizeColumnsToContents()

    def _show_table(self, source: SourceFile) -> None:
        generic = source.format is Format.GENERIC
        if generic:
            self.explanation.setText(
                "Choose what each column holds. Columns in bold are imported; grey ones"
                " are left out."
            )
        else:
            self.explanation.setText(f"The first rows, as {source.format.label}:")
        rows = source.preview(PREVIEW_ROWS)
        header = source.header
        offset = 1 if generic else 0
        self.preview.setColumnCount(len(header))
        self.preview.setHorizontalHeaderLabels(header)
        self.preview.setRowCount(len(rows) + offset)
        labels = ["Import as"] if generic else []
        labels += [str(n) for n in range(1, len(rows) + 1)]
        self.preview.setVerticalHeaderLabels(labels)
        for row, cells in enumerate(rows):
            for column in range(len(header)):
                text = cells[column] if column < len(cells) else ""
                item = QTableWidgetItem(text.replace("\n", " ⏎ "))
                item.setToolTip(text if len(text) > 24 else "")
                self.preview.setItem(row + offset, column, item)
        if generic:
            for column, target in enumerate(source.mapping):
                self.combos.append(self._mapping_combo(column, target))
            self._paint_mapping()  # before measuring: bold text is wider
        self.preview.resizeColumnsToContents()
        for column in range(len(header)):
            width = self.preview.columnWidth(column)
            self.preview.setColumnWidth(column, max(110, min(width, 260)))
        if generic:
            self.preview.resizeRowToContents(MAPPING_ROW)

    def _mapping_combo(self, column: int, target: object) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"mapColumn{column}")
        # As wide as a usual choice, not the longest: the columns follow their cells.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.addItem(Target.IGNORE.label, Target.IGNORE)
        combo.insertSeparator(1)
        for choice in Target:
            if choice is not Target.IGNORE:
                combo.addItem(choice.label, choice)
        combo.setCurrentIndex(max(0, combo.findData(target)))
        combo.setToolTip(f"What the column “{self._header(column)}” holds")
        combo.currentIndexChanged.connect(lambda _i, c=column: self._mapping_changed(c))
        self.preview.setCellWidget(MAPPING_ROW, column, combo)
        return combo

    def _header(self, column: int) -> str:
        header = self.source.header if self.source is not None else []
        return header[column] if column < len(header) else ""

    def _mapping_changed(self, column: int) -> None:
        if self.source is None:
            return
        self.source.mapping[column] = Target(self.combos[column].currentData())
        self._paint_mapping()
        self._update_hint()
        self.changed.emit()

    def _paint_mapping(self) -> None:
        """Bold for the columns read, grey for those left out: the choice, made visible."""
        mapping: Sequence[object] = self.source.mapping if self.source is not None else []
        for column, target in enumerate(mapping):
            used = target is not Target.IGNORE
            font = QFont(self.preview.font())
            font.setBold(used)
            brush = QBrush() if used else QBrush(IGNORED_COLOR)
            header = self.preview.horizontalHeaderItem(column)
            if header is not None:
                header.setFont(font)
                header.setForeground(brush)
            for row in range(1, self.preview.rowCount()):
                item = self.preview.item(row, column)
                if item is not None:
                    item.setFont(font)
                    item.setForeground(brush)

    def _update_hint(self) -> None:
        problem = self.problem()
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))

    def column_is_used(self, column: int) -> bool:
        """What the preview shows for a column: bold (read) or grey (left out)."""
        item = self.preview.item(1, column) or self.preview.horizontalHeaderItem(column)
        return item is not None and item.font().bold()
