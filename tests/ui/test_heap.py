"""The start-up's objects set aside from the cycle collector's full passes."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from ally_desktop.ui.heap import freeze_long_lived


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Tests share one interpreter: put the frozen objects back afterwards."""
    try:
        yield
    finally:
        gc.unfreeze()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_long_lived_objects_are_frozen_and_garbage_collected_first(unfrozen: None) -> None:
    first, second = _Node(), _Node()
    first.other, second.other = second, first  # a cycle nothing refers to
    gone = weakref.ref(first)
    del first, second
    kept = _Node()
    frozen = freeze_long_lived()
    assert gone() is None, "the garbage there was is collected before freezing"
    assert frozen == gc.get_freeze_count() > 0
    assert gc.is_tracked(kept)
    # A frozen object is still freed once nothing refers to it.
    still = weakref.ref(kept)
    del kept
    assert still() is None
