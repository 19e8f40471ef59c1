"""The title every page of the import dialog starts with: bold, a size up."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def page_title(text: str = "") -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    return label
