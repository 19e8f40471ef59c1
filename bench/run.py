"""``python -m bench.run``: every benchmark in one run, a table, and bench/RESULTS.md.

Each figure is measured against a baseline taken in the same run and printed as a
ratio with its goal and PASS/FAIL. The exit code is 0 even when a goal is missed: this
is a report; the failures are listed at the end.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import (
    cli_start,
    introductions,
    memory,
    network,
    package,
    reminders,
    search,
    startup,
    timeline,
    transfer,
    who,
)
from bench.common import Result, error_result, scratch_root
from bench.dataset import Dataset, ensure_dataset
from bench.report import machine, print_notes, print_table, write_markdown

FULL_CONTACTS = 100_000
QUICK_CONTACTS = 10_000
SMALL_CONTACTS = 200
PARTS = (
    "cli",
    "startup",
    "memory",
    "search",
    "timeline",
    "reminders",
    "who",
    "introductions",
    "network",
    "transfer",
    "package",
)
# On the contacts dataset:
CONTACTS_PARTS = ("startup", "memory", "search", "introductions", "transfer")
INTERACTIONS_PARTS = ("timeline", "reminders", "who")  # on the Timeline's dataset


@dataclass(frozen=True)
class Repeats:
    startup: int
    memory: int
    search_rounds: int
    cli: int
    timeline_open: int
    timeline_memory: int
    timeline_logs: int
    reminders_compute: int
    reminders_open: int
    reminders_timer: int
    transfer_export: int
    transfer_import: int
    who: int
    introductions: int
    network: int
    package: int


FULL = Repeats(
    startup=7,
    memory=3,
    search_rounds=4,
    cli=15,
    timeline_open=7,
    timeline_memory=2,
    timeline_logs=20,
    reminders_compute=7,
    reminders_open=5,
    reminders_timer=200,
    transfer_export=5,
    transfer_import=3,
    who=15,
    introductions=5,
    network=3,
    package=9,
)
QUICK = Repeats(
    startup=3,
    memory=1,
    search_rounds=1,
    cli=5,
    timeline_open=3,
    timeline_memory=1,
    timeline_logs=20,
    reminders_compute=3,
    reminders_open=2,
    reminders_timer=200,
    transfer_export=3,
    transfer_import=2,
    who=3,
    introductions=2,
    network=1,
    package=3,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--contacts",
        type=int,
        metavar="N",
        help=f"contacts in the dataset (default {FULL_CONTACTS:,}, or {QUICK_CONTACTS:,} "
        "with --quick)",
    )
    parser.add_argument(
        "--interactions",
        type=int,
        metavar="M",
        help=f"interactions in the Timeline's (and Reminders') dataset (default "
        f"{timeline.INTERACTIONS_PER_CONTACT} per contact: "
        f"{timeline.INTERACTIONS_PER_CONTACT * FULL_CONTACTS:,}, or "
        f"{timeline.INTERACTIONS_PER_CONTACT * QUICK_CONTACTS:,} with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_CONTACTS:,} contacts and fewer repeats, for a fast try",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="run only this part (repeatable); the default is all of them",
    )
    args = parser.parse_args(argv)
    if args.contacts is not None and args.contacts < 1:
        parser.error("--contacts must be at least 1")
    if args.interactions is not None and args.interactions < 1:
        parser.error("--interactions must be at least 1")
    return args


def _dataset_row(dataset: Dataset) -> Result:
    size = f"{dataset.size_bytes / 2**20:,.0f} MB"
    if dataset.generated_s is None:
        measured = f"reused ({size})"
    else:
        measured = f"generated in {dataset.generated_s:.1f} s ({size})"
    return Result(
        f"Dataset: {dataset.contacts:,} demo contacts"
        + ("" if dataset.interactions is None else f", {dataset.interactions:,} interactions"),
        measured,
        "-",
        "-",
        "-",
        None,
        [f"{dataset.root}"],
    )


def _prepare(contacts: int, interactions: int | None, results: list[Result]) -> Dataset:
    """The dataset (made if missing), its row added to ``results``."""
    label = f"{contacts:,} contacts"
    if interactions is not None:
        label += f", {interactions:,} interactions"
    print(f"\n== Dataset: {label}", flush=True)
    dataset = ensure_dataset(contacts, interactions=interactions)
    results.append(_dataset_row(dataset))
    print(f"   {results[-1].measured}: {dataset.root}", flush=True)
    return dataset


def _attempt(figure: str, goal: str, work: Callable[[], list[Result]]) -> list[Result]:
    started = time.perf_counter()
    print(f"\n== {figure}", flush=True)
    try:
        results = work()
    except Exception as exc:
        traceback.print_exc()
        return [error_result(figure, goal, f"{type(exc).__name__}: {exc}")]
    print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    for result in results:
        print(f"   {result.verdict}: {result.figure}: {result.measured} vs {result.baseline}")
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    repeats = QUICK if args.quick else FULL
    contacts = args.contacts or (QUICK_CONTACTS if args.quick else FULL_CONTACTS)
    interactions = args.interactions or timeline.INTERACTIONS_PER_CONTACT * contacts
    parts = set(args.only or PARTS)
    mode = ("quick" if args.quick else "full") + f", {contacts:,} contacts"
    if parts & set(INTERACTIONS_PARTS):
        mode += f" ({interactions:,} interactions for the Timeline and Reminders)"
    if args.only:
        mode += ", only " + ", ".join(p for p in PARTS if p in parts)
    print(f"Ally benchmark ({mode})", flush=True)
    info = machine()
    for name, value in info.items():
        print(f"  {name}: {value}")

    # Only the datasets the chosen parts use are made (the Timeline's takes a minute and a
    # half; the Reminders part reuses it).
    results: list[Result] = []
    data: dict[str, Dataset] = {}
    if parts & set(CONTACTS_PARTS):
        data["contacts"] = _prepare(contacts, None, results)
    if parts & set(INTERACTIONS_PARTS):
        data["timeline"] = _prepare(contacts, interactions, results)
    if "cli" in parts:
        data["small"] = ensure_dataset(SMALL_CONTACTS)

    biggest = max((d.size_bytes for d in data.values()), default=0)
    scratch = tempfile.mkdtemp(prefix="ally-bench-", dir=scratch_root(biggest))
    scratch_dir = Path(scratch)
    try:
        if "cli" in parts:
            results += _attempt(
                "Headless commands",
                "< 150 ms",
                lambda: cli_start.measure(data["small"], repeats.cli),
            )
        if "startup" in parts:
            results += _attempt(
                "Start-up to first paint",
                f"<= {startup.GOAL_RATIO}x",
                lambda: startup.measure(data["contacts"], repeats.startup, scratch_dir),
            )
        if "memory" in parts:
            results += _attempt(
                "Memory",
                f"<= +{memory.GOAL_EXTRA_MB:.0f} MB",
                lambda: memory.measure(data["contacts"], repeats.memory, scratch_dir),
            )
        if "search" in parts:
            results += _attempt(
                "Search-as-you-type",
                f"<= {search.GOAL_RATIO:g}x at p95",
                lambda: search.measure(data["contacts"], repeats.search_rounds, scratch_dir),
            )
        if "timeline" in parts:
            results += _attempt(
                "Timeline: open to first paint",
                f"<= {timeline.OPEN_GOAL_RATIO:g}x",
                lambda: timeline.measure_open(data["timeline"], repeats.timeline_open, scratch_dir),
            )
            results += _attempt(
                "Timeline: memory, paged to the end",
                f"<= +{timeline.MEMORY_GOAL_EXTRA_MB:.0f} MB",
                lambda: timeline.measure_memory(
                    data["timeline"], repeats.timeline_memory, scratch_dir
                ),
            )
            results += _attempt(
                "Timeline: log an interaction",
                f"< {timeline.LOG_GOAL_MS:g} ms (sync off)",
                lambda: timeline.measure_log(data["timeline"], repeats.timeline_logs),
            )
        if "reminders" in parts:
            results += _attempt(
                "Reminders: compute everything due",
                f"<= {reminders.COMPUTE_GOAL_RATIO:g}x",
                lambda: reminders.measure_compute(
                    data["timeline"], repeats.reminders_compute, scratch_dir
                ),
            )
            results += _attempt(
                "Reminders: open the view to first paint",
                "-",
                lambda: reminders.measure_open(
                    data["timeline"], repeats.reminders_open, scratch_dir
                ),
            )
            results += _attempt(
                "Reminders: the timer's next moment, the tray, the scheduler",
                f"< {reminders.NEXT_ALERT_GOAL_MS:g} ms at p95",
                lambda: reminders.measure_timer(
                    data["timeline"], repeats.reminders_timer, scratch_dir
                ),
            )
        if "who" in parts:
            results += _attempt(
                "Who can help: first ranked page",
                f"<= {who.GOAL_RATIO:g}x",
                lambda: who.measure(data["timeline"], repeats.who, scratch_dir),
            )
        if "introductions" in parts:
            results += _attempt(
                "Introductions: shortest chains to a person or an organization",
                f"< {introductions.GOAL_MS:g} ms at p95",
                lambda: introductions.measure(data["contacts"], repeats.introductions, scratch_dir),
            )
        if "network" in parts:
            results += _attempt(
                "Network map: first layout of 2,000 people, and event-loop stalls",
                f"< {network.LAYOUT_GOAL_S:g} s, stalls <= {network.STALL_GOAL_MS:g} ms",
                lambda: network.measure(repeats.network, scratch_dir),
            )
        if "transfer" in parts:
            results += _attempt(
                "Transfer: export every contact to Ally's CSV",
                f"<= {transfer.EXPORT_GOAL_RATIO:g}x",
                lambda: transfer.measure_export(
                    data["contacts"], repeats.transfer_export, scratch_dir
                ),
            )
            results += _attempt(
                "Transfer: import a Google Contacts CSV",
                f"<= {transfer.IMPORT_GOAL_RATIO:g}x",
                lambda: transfer.measure_import(
                    data["contacts"], repeats.transfer_import, scratch_dir
                ),
            )
        if "package" in parts:
            # What `make package` left in dist/ (not built here: that is its job).
            results += _attempt(
                "Packaging: frozen start-up, installed size, .deb",
                f"<= {package.GOAL_RATIO}x, <= {package.GOAL_INSTALLED_MB:.0f} MB, "
                f"<= {package.GOAL_DEB_MB:.0f} MB",
                lambda: package.measure(repeats.package),
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    elapsed = time.perf_counter() - started
    print("\n== Details")
    print_notes(results)
    print(f"\n== Results ({mode}; {elapsed:.0f} s)\n")
    print_table(results)
    if args.only and set(args.only) != set(PARTS):
        # A partial run must not replace the full report with a few figures.
        print("\nPartial run (--only): bench/RESULTS.md left as it was.")
        return 0
    path = write_markdown(results, info, mode, elapsed)
    print(f"\nWritten to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
