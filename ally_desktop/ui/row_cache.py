"""Rows of a long list built a page at a time and kept in a bounded cache.

The list models keep only ids (an ``array``; zero or negative entries are headings);
when the view asks for a row that is not cached, the page of ids around it is fetched
in one query. The cache forgets the least recently shown rows beyond its capacity, so
scrolling through a million rows keeps memory flat.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

R = TypeVar("R")


class RowCache(Generic[R]):
    def __init__(
        self, fetch: Callable[[Sequence[int]], dict[int, R]], page: int, capacity: int
    ) -> None:
        self._fetch = fetch
        self._page = page
        self._capacity = capacity
        self._rows: OrderedDict[int, R] = OrderedDict()

    def row(self, entries: Sequence[int], position: int, key: int) -> R | None:
        """The row of ``key``, shown at ``position`` of ``entries``."""
        cached = self._rows.get(key)
        if cached is not None:
            self._rows.move_to_end(key)
            return cached
        start = max(0, position - self._page // 4)
        page = [e for e in entries[start : start + self._page] if e > 0]
        fetched = self._fetch(page)
        for entry in page:
            if entry in fetched:
                self._rows[entry] = fetched[entry]
        while len(self._rows) > self._capacity:
            self._rows.popitem(last=False)
        return self._rows.get(key)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[int]:
        """The keys of the rows held, oldest first."""
        return iter(self._rows)

    def forget(self, key: int) -> None:
        self._rows.pop(key, None)

    def clear(self) -> None:
        self._rows.clear()
