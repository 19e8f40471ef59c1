"""What every measurement shares: paths, child processes, statistics, the result row."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
DATA = BENCH / "data"
PYCACHE = DATA / "pycache"
PYTHON = sys.executable
CHILD_TIMEOUT_S = 300


@dataclass
class Result:
    """One row of the report: a figure, its baseline, and whether it meets its goal."""

    figure: str
    measured: str
    baseline: str
    ratio: str
    goal: str
    passed: bool | None  # None: shown for information, no goal
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "FAIL"


def error_result(figure: str, goal: str, message: str) -> Result:
    return Result(figure, "error", "-", "-", goal, False, [message])


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured child: offscreen Qt, this repository importable.

    Bytecode is cached (under bench/data/pycache, whatever PYTHONDONTWRITEBYTECODE says)
    as an installed Ally's is compiled once at install: the measured processes load
    .pyc files instead of compiling Ally's sources at every start.
    """
    env = dict(os.environ)
    env.pop("ALLY_DATA_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(extra)
    return env


def run_child(args: Sequence[str], env: dict[str, str] | None = None) -> dict:
    """Run ``python -m <args>`` and return the JSON object on the last line of its output."""
    result, _stderr = run_json_child(args, env)
    return result


def run_json_child(
    args: Sequence[str], env: dict[str, str] | None = None, flags: Sequence[str] = ()
) -> tuple[dict, str]:
    """Run ``python <flags> -m <args>``; the JSON object on its last line, and its stderr."""
    completed = subprocess.run(
        [PYTHON, *flags, "-m", *args],
        cwd=REPO,
        env=env or child_env(),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"{' '.join(args)} exited with {completed.returncode}:\n"
            f"{completed.stdout[-2000:]}{completed.stderr[-4000:]}"
        )
    return json.loads(lines[-1]), completed.stderr


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: int) -> float:
    """The ``pct``-th percentile (inclusive method, so it stays within the samples)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def scratch_root(needed_bytes: int) -> Path:
    """Where per-run copies of a data directory go: RAM (/dev/shm) when it has room.

    A copy in RAM is never written back to the disk while a measured process runs, so
    the copies themselves do not disturb the timings.
    """
    shm = Path("/dev/shm")
    room = 3 * needed_bytes + 256 * 2**20
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > room:
        return shm
    return Path(tempfile.gettempdir())
