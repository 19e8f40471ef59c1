"""The report: the machine, the table of figures, and bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from collections.abc import Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path

from bench.common import BENCH, PYTHON, REPO, Result, child_env

RESULTS = BENCH / "RESULTS.md"
HEADERS = ("Figure", "Measured", "Baseline", "Ratio", "Goal", "Pass")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _qt_versions() -> str:
    probe = "import PySide6, PySide6.QtCore as c; print(c.qVersion(), PySide6.__version__)"
    try:
        out = subprocess.run(
            [PYTHON, "-c", probe], env=child_env(), capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"Qt {out[0]}, PySide6 {out[1]}"


def _revision() -> str:
    """The commit measured, and whether Ally's sources differ from it (read-only git)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "ally_desktop"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with local changes in ally_desktop/" if changed else "")


def machine() -> dict[str, str]:
    from ally_desktop import __version__

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "Date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "CPU": _cpu_model(),
        "Cores": f"{usable} usable ({os.cpu_count()} online)",
        "Memory": _memory_total(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Qt": _qt_versions(),
        "SQLite": f"{sqlite3.sqlite_version} (peewee {metadata.version('peewee')})",
        "Ally": f"{__version__}, commit {_revision()}",
    }


def _rows(results: Sequence[Result]) -> list[tuple[str, ...]]:
    return [(r.figure, r.measured, r.baseline, r.ratio, r.goal, r.verdict) for r in results]


def print_table(results: Sequence[Result]) -> None:
    rows = [HEADERS, *_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    rule = "-+-".join("-" * w for w in widths)
    for number, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if number == 0:
            print(rule)
    failed = [r for r in results if r.passed is False]
    print()
    if failed:
        print(f"FAILED: {len(failed)} of {sum(r.passed is not None for r in results)} goals")
        for result in failed:
            print(f"  FAIL  {result.figure}: {result.measured} vs goal {result.goal}")
    else:
        print("All goals met.")


def print_notes(results: Sequence[Result]) -> None:
    for result in results:
        if result.notes:
            print(f"{result.figure}:")
            for note in result.notes:
                print(f"  - {note}")


def write_markdown(
    results: Sequence[Result], info: dict[str, str], mode: str, elapsed_s: float
) -> Path:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "# Ally benchmark results",
        "",
        "Written by `make bench` (`.venv/bin/python -m bench.run`); each run overwrites it.",
        "Every figure is compared with a baseline measured in the same run.",
        "",
        f"Mode: {mode}; the whole run took {elapsed_s:.0f} s.",
        "",
        *(f"- {name}: {value}" for name, value in info.items()),
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
        *("| " + " | ".join(cell(c) for c in row) + " |" for row in _rows(results)),
        "",
        "## Details",
        "",
    ]
    for result in results:
        if result.notes:
            lines.append(f"**{cell(result.figure)}**")
            lines.append("")
            lines.extend(f"- {note}" for note in result.notes)
            lines.append("")
    RESULTS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return RESULTS
