"""The benchmark's data: ``ally demo`` databases cached under bench/data/.

A dataset is keyed by its number of contacts, its number of interactions when one was
asked for (otherwise ``ally demo`` makes its default, three per person, and the key
names none), the schema version, a digest of the schema the migrations create and of
the demo generator's source, and the seed: another size, a migration (even one edited
in place) or a changed generator makes a new one. An existing one is reused only after
a check that it is complete (its schema is the expected one, and it holds the right
number of contacts, and of interactions when they were asked for). Datasets of the same
size left by older schemas or generators are removed when a new one is made.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ally_desktop.paths import DATABASE_NAME
from ally_desktop.store import migrations
from bench.common import DATA, PYTHON, REPO, child_env

SEED = 7


@dataclass(frozen=True)
class Dataset:
    contacts: int
    root: Path  # an Ally data directory: ally.sqlite3 (its logs are not kept)
    generated_s: float | None  # seconds taken to generate it, None when reused
    interactions: int | None = None  # None: ally demo's default (three per person)

    @property
    def label(self) -> str:
        """How big it is: 100,000 contacts (, 1,000,000 interactions)."""
        text = f"{self.contacts:,} contacts"
        if self.interactions is not None:
            text += f", {self.interactions:,} interactions"
        return text

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def size_bytes(self) -> int:
        return self.database.stat().st_size


def _schema(conn: sqlite3.Connection) -> str:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    return "\n".join(f"{kind} {name} {sql}" for kind, name, sql in rows)


def _expected_schema() -> str:
    """The schema Ally's migrations create today (in memory, in a blink)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(conn)
        return _schema(conn)
    finally:
        conn.close()


def _generator_source() -> bytes:
    spec = importlib.util.find_spec("ally_desktop.core.demo")
    if spec is None or spec.origin is None:
        raise RuntimeError("ally_desktop.core.demo cannot be found")
    return Path(spec.origin).read_bytes()


def _size(contacts: int, interactions: int | None) -> str:
    """The part of a key that names the size ("contacts-N" or "contacts-N-interactions-M")."""
    size = f"contacts-{contacts}"
    return size if interactions is None else f"{size}-interactions-{interactions}"


def _key(contacts: int, interactions: int | None, seed: int, schema: str) -> str:
    digest = hashlib.sha256(schema.encode() + _generator_source()).hexdigest()[:10]
    schema_part = f"schema-v{migrations.LATEST_VERSION}-{digest}"
    return f"{_size(contacts, interactions)}-{schema_part}-seed-{seed}"


def _is_complete(root: Path, contacts: int, interactions: int | None, schema: str) -> bool:
    database = root / DATABASE_NAME
    if not database.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        try:
            found = _schema(conn)
            count = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
            if interactions is not None and found == schema and count == contacts:
                count_i = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
                if count_i != interactions:
                    return False
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return found == schema and count == contacts


def ensure_dataset(contacts: int, seed: int = SEED, interactions: int | None = None) -> Dataset:
    """The cached dataset of ``contacts`` people (and ``interactions``, or ally demo's
    default of three per person when None), generated with ``ally demo`` if missing."""
    schema = _expected_schema()
    root = DATA / _key(contacts, interactions, seed, schema)
    if _is_complete(root, contacts, interactions, schema):
        return Dataset(contacts, root, None, interactions)
    DATA.mkdir(parents=True, exist_ok=True)
    building = root.with_name(root.name + ".building")
    # "contacts-N-schema-" never matches "contacts-N-interactions-M-schema-": each
    # variant only replaces its own older copies.
    older = DATA.glob(f"{_size(contacts, interactions)}-schema-*-seed-{seed}*")
    for stale in (root, building, *older):
        if stale.is_dir():
            shutil.rmtree(stale)
    demo_args = ["--contacts", str(contacts), "--seed", str(seed)]
    if interactions is not None:
        demo_args += ["--interactions", str(interactions)]
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "ally_desktop", "--data-dir", str(building), "demo", *demo_args],
        cwd=REPO,
        env=child_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    shutil.rmtree(building / "logs", ignore_errors=True)
    label = Dataset(contacts, building, None, interactions).label
    if not _is_complete(building, contacts, interactions, schema):
        raise RuntimeError(f"ally demo did not produce {label} in {building}")
    building.rename(root)
    return Dataset(contacts, root, elapsed, interactions)


def copy_data_dir(dataset: Dataset, destination: Path) -> Path:
    """A private copy of the dataset's data directory (Ally writes its settings and logs)."""
    shutil.copytree(dataset.root, destination)
    return destination
