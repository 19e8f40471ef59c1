"""Shared fixtures: a real SQLite file in tmp_path for every test that needs a store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ally_desktop.store.db import close_database, open_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ally.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[pw.SqliteDatabase]:
    database = open_database(db_path)
    yield database
    close_database(database)
