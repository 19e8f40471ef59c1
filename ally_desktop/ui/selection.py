"""Selections of whole rows, handled as ranges: selecting 100,000 people is one range, not
100,000 index objects."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QItemSelection,
    QItemSelectionModel,
)


def selected_row_runs(selection: QItemSelectionModel) -> list[tuple[int, int]]:
    """The selected rows as sorted, merged (first, last) runs."""
    ranges = selection.selection()
    spans = sorted((ranges.at(i).top(), ranges.at(i).bottom()) for i in range(ranges.count()))
    runs: list[tuple[int, int]] = []
    for top, bottom in spans:
        if runs and top <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], bottom))
        else:
            runs.append((top, bottom))
    return runs


def selected_rows(selection: QItemSelectionModel) -> list[int]:
    return [row for first, last in selected_row_runs(selection) for row in range(first, last + 1)]


def selected_count(selection: QItemSelectionModel) -> int:
    return sum(last - first + 1 for first, last in selected_row_runs(selection))


def select_rows(selection: QItemSelectionModel, rows: Iterable[int]) -> None:
    """Replace the selection with these rows, one range per run of neighbouring rows."""
    model = selection.model()
    assert isinstance(model, QAbstractItemModel)
    # A list model's columnCount is private in PySide6: it has one column.
    last_column = 0 if isinstance(model, QAbstractListModel) else model.columnCount() - 1
    wanted = QItemSelection()
    start = previous = None
    for row in sorted(set(rows)):
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None and previous is not None:
            wanted.select(model.index(start, 0), model.index(previous, last_column))
        start = previous = row
    if start is not None and previous is not None:
        wanted.select(model.index(start, 0), model.index(previous, last_column))
    selection.select(wanted, QItemSelectionModel.SelectionFlag.ClearAndSelect)
