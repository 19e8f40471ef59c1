"""The window remembers its layout between runs, and draws itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QImage

from ally_desktop.core.contact_queries import SortKey
from ally_desktop.core.demo import generate_demo
from ally_desktop.ui.main_window import MainWindow
from tests.ui.helpers import select_rows


def reopen(qtbot: Any, window: MainWindow, make_window: Callable[[], MainWindow]) -> MainWindow:
    """Closes the window as a person would and starts a new one on the same settings."""
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    return make_window()


def test_column_widths_are_remembered(
    qtbot: Any, make_window: Callable[[], MainWindow], settings_path: Path
) -> None:
    window = make_window()
    header = window.contacts.table.horizontalHeader()
    assert header.sectionSize(1) != 333
    header.resizeSection(1, 333)
    header.resizeSection(3, 61)
    again = reopen(qtbot, window, make_window)
    assert settings_path.exists()
    assert again.contacts.table.columnWidth(1) == 333
    assert again.contacts.table.columnWidth(3) == 61
    assert again.contacts.table.columnWidth(0) == 200, "untouched columns keep their width"


# The offscreen screen is 800×800 pixels and Qt fits a restored window onto its screen: the
# window, wider than that at its smallest, comes back as narrow as it can be. Heights that
# fit come back exactly, and splitters keep their proportions.
def test_window_size_is_remembered(qtbot: Any, make_window: Callable[[], MainWindow]) -> None:
    window = make_window()
    assert window.size() == QSize(1200, 760), "the first start's size"
    assert window.minimumSizeHint().width() < 1113, "a size between the smallest and the first"
    window.resize(1113, 707)
    qtbot.waitUntil(lambda: window.size() == QSize(1113, 707))
    again = reopen(qtbot, window, make_window)
    assert again.height() == 707
    assert again.width() < 1113
    assert again.width() == again.minimumSizeHint().width()


def test_splitter_proportions_are_remembered(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana")
    window = make_window()
    splitter = window.contacts.splitter
    default = splitter.sizes()[0] / sum(splitter.sizes())
    assert abs(default - 0.6) < 0.02, "list and profile share the width 3:2"
    total = sum(splitter.sizes())
    splitter.setSizes([total - 600, 600])
    qtbot.waitUntil(lambda: splitter.sizes()[1] == 600)
    wanted = splitter.sizes()[0] / total
    again = reopen(qtbot, window, make_window)
    sizes = again.contacts.splitter.sizes()
    assert abs(sizes[0] / sum(sizes) - wanted) < 0.01
    assert abs(sizes[0] / sum(sizes) - default) > 0.1


def test_sort_order_is_remembered_and_applied(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana", organization="Zeta")
    add_person("Bo", organization="Alpha")
    window = make_window()
    header = window.contacts.table.horizontalHeader()
    window.contacts.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert window.contacts.model.query.sort is SortKey.ORGANIZATION
    assert window.contacts.model.index(0, 0).data() == "Ana"
    again = reopen(qtbot, window, make_window)
    header = again.contacts.table.horizontalHeader()
    assert header.sortIndicatorSection() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert again.contacts.model.query.sort is SortKey.ORGANIZATION
    assert again.contacts.model.query.descending
    assert again.contacts.model.index(0, 0).data() == "Ana"


def test_a_damaged_settings_file_is_ignored(
    make_window: Callable[[], MainWindow], settings_path: Path
) -> None:
    settings_path.write_bytes(b"[ui]\nwindow\\geometry=@ByteArray(garbage)\n\x00\xff\xfe")
    window = make_window()
    assert window.isVisible()
    assert window.contacts.table.columnWidth(0) == 200


def test_the_window_draws_itself_with_demo_data(
    qtbot: Any, make_window: Callable[[], MainWindow], db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    generate_demo(db, 120)
    window = make_window()
    select_rows(window, 3)
    assert window.contacts.detail.toPlainText().strip()
    path = tmp_path / "ally.png"
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert not image.isNull()
    ratio = window.devicePixelRatioF()
    assert image.size() == QSize(round(window.width() * ratio), round(window.height() * ratio))
    assert len({image.pixel(x, y) for x in range(0, image.width(), 25) for y in (40, 300)}) > 3


def click_header(qtbot: Any, window: MainWindow, column: int) -> None:
    header = window.contacts.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_clicking_a_header_sorts_by_that_column(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana", organization="Zeta")
    add_person("Bo", organization="Alpha")
    window = make_window()
    assert [window.contacts.model.index(r, 0).data() for r in range(2)] == ["Ana", "Bo"]
    click_header(qtbot, window, 1)
    assert window.contacts.model.query.sort is SortKey.ORGANIZATION
    assert [window.contacts.model.index(r, 0).data() for r in range(2)] == ["Bo", "Ana"]
    click_header(qtbot, window, 1)
    assert window.contacts.model.query.descending
    assert [window.contacts.model.index(r, 0).data() for r in range(2)] == ["Ana", "Bo"]


@pytest.mark.parametrize("column", [6, 7, 8], ids=["Knows about", "Tags", "Email"])
def test_the_sort_arrow_stays_on_the_column_the_list_is_sorted_by(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow], column: int
) -> None:
    add_person("Ana", tags=["zebra"])
    add_person("Bo", tags=["aardvark"])
    window = make_window()
    click_header(qtbot, window, column)
    assert window.contacts.model.query.sort is SortKey.NAME
    assert window.contacts.table.horizontalHeader().sortIndicatorSection() == 0
