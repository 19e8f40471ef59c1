"""Kill -9 in the middle of writing, fifty times on one file: nothing committed is lost.

A child process (``tests/faults/writer.py``) writes contacts, interactions, reminders and
contact updates through Ally's own functions and reports each commit on stdout. The
parent kills it with SIGKILL at a random moment, then opens the file as the next start
of Ally would and checks it: healthy, every reported commit there and equal, the search
index and everything the triggers derive in step. The same file is reused round after
round, so damage, if any, would pile up and show.

The random moments come from a fixed seed (``ALLY_FAULT_SEED`` overrides it), printed in
every failure so a failing run can be replayed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.integrity import check_database
from tests.faults.store_state import Key, derived_problems, integrity, stored_digests

SEED = int(os.environ.get("ALLY_FAULT_SEED", "20250611"))
ROUNDS = 50
DELAY_S = (0.020, 0.300)  # after the child has opened the store and started writing
STEP_TIMEOUT = 15.0  # any single wait; a hung child fails the test instead of hanging it
ROOT = Path(__file__).resolve().parents[2]


class Child:
    """One writer process, started ahead of its round so its imports overlap the checks."""

    def __init__(self, database: Path, seed: int, stderr_path: Path) -> None:
        self.stderr_path = stderr_path
        self._stderr: IO[str] = stderr_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.writer", str(database), str(seed)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
        )
        self.lines: list[str] = []
        self.warm = threading.Event()
        self.opened = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.rstrip("\n")
            if line == "warm":
                self.warm.set()
            elif line == "open":
                self.opened.set()
            else:
                self.lines.append(line)
        self.warm.set()  # ended: let any waiter see it
        self.opened.set()

    def start_writing(self) -> None:
        if not self.warm.wait(STEP_TIMEOUT) or self.process.poll() is not None:
            raise AssertionError(f"the writer did not start.\n{self.stderr()}")
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        if not self.opened.wait(STEP_TIMEOUT) or self.process.poll() is not None:
            raise AssertionError(f"the writer could not open the store.\n{self.stderr()}")

    def kill(self) -> int:
        self.process.kill()
        return self.process.wait(STEP_TIMEOUT)

    def collect(self) -> list[str]:
        """Every line the child wrote before it died (the pipe keeps them)."""
        self._reader.join(STEP_TIMEOUT)
        assert not self._reader.is_alive(), "the writer's output never ended"
        return self.lines

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> None:
        """Teardown: a child still alive (a failed round) is killed, its pipes closed."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(STEP_TIMEOUT)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        self._stderr.close()


@dataclass
class Ledger:
    """What the children reported: the digest each record must have now."""

    expected: dict[Key, str] = field(default_factory=dict)
    pending: dict[Key, str] = field(default_factory=dict)
    committed: int = 0
    updates: int = 0
    unreported: int = 0
    updates_cut: int = 0

    def read(self, lines: list[str]) -> None:
        for line in lines:
            words = line.split()
            if words[0] == "pending":
                assert len(words) == 4, f"bad line {line!r}"
                self.pending[words[1], int(words[2])] = words[3]
                self.updates += 1
            else:
                assert len(words) == 3, f"bad line {line!r}"
                key = (words[0], int(words[1]))
                self.expected[key] = words[2]
                self.pending.pop(key, None)
                self.committed += 1

    def settle(self, stored: dict[Key, str]) -> list[str]:
        """Compare with the file; returns the problems. Afterwards the ledger follows the
        file, so the next round checks the records this one left, whatever they were."""
        problems = []
        for key, want in self.expected.items():
            got = stored.get(key)
            if got == want:
                continue
            if key in self.pending and got == self.pending[key]:
                self.updates_cut += 1  # killed between the commit and its report
                continue
            problems.append(f"{key[0]} {key[1]}: reported {want}, found {got or 'nothing'}")
        # A kill between a create's commit and its report leaves one row nobody reported:
        # at most one per round. More would be rows nobody wrote.
        unknown = set(stored) - set(self.expected) - set(self.pending)
        if len(unknown) > 1:
            problems.append(f"{len(unknown)} records nobody reported: {sorted(unknown)[:5]}")
        self.unreported += len(unknown)
        self.expected = dict(stored)  # when nothing is wrong, the file is the reference
        self.pending.clear()
        return problems


def check_after_kill(path: Path, ledger: Ledger) -> list[str]:
    """Open the file as Ally's next start would, and say everything that is wrong."""
    health = integrity(path)  # the first connection after the kill: WAL recovery happens here
    if health != ["ok"]:
        return [f"integrity_check: {health[:5]}"]
    database = open_database(path)
    try:
        conn = sqlite_connection(database)
        stored = stored_digests(conn)
        problems = derived_problems(conn)
    finally:
        close_database(database)
    problems += ledger.settle(stored)
    report = check_database(path)
    problems += [f"check_database: {p}" for p in report.problems]
    return problems


def test_kill_9_while_writing_loses_no_commit(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    database = tmp_path / "ally.sqlite3"
    ledger = Ledger()
    children: list[Child] = []

    def spawn(round_no: int) -> Child:
        child = Child(database, SEED * 100 + round_no, tmp_path / f"writer-{round_no}.err")
        children.append(child)
        return child

    try:
        upcoming = spawn(0)
        for round_no in range(ROUNDS):
            child = upcoming
            delay = rng.uniform(*DELAY_S)
            child.start_writing()
            time.sleep(delay)
            code = child.kill()
            if round_no + 1 < ROUNDS:
                upcoming = spawn(round_no + 1)
            where = f"seed {SEED}, round {round_no}, killed after {delay * 1000:.0f} ms"
            assert code == -9, f"{where}: the writer ended by itself ({code}).\n{child.stderr()}"
            ledger.read(child.collect())

            problems = check_after_kill(database, ledger)

            assert not problems, f"{where}:\n" + "\n".join(problems)
    finally:
        for child in children:
            child.stop()

    print(
        f"\nkill -9 x{ROUNDS} (seed {SEED}): {ledger.committed} reported commits, "
        f"{ledger.updates_cut} updates cut between commit and report, {ledger.unreported} "
        f"creates committed but unreported, file {database.stat().st_size // 1024} KB"
    )
    # Not vacuous: the kills landed while the children were writing every kind of record
    # (bounds loose enough for a slow disk, where each commit waits for its fsync).
    assert ledger.committed >= ROUNDS, f"seed {SEED}: only {ledger.committed} commits"
    kinds = {kind for kind, _ in ledger.expected}
    assert kinds == {"contact", "interaction", "reminder"}, f"seed {SEED}: only {kinds}"
    assert ledger.updates > 0, f"seed {SEED}: no contact was updated"
