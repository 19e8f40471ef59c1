"""Start-up: process start to the first painted main window, Ally vs a bare PySide6 window.

Both are fresh processes (offscreen Qt), run interleaved after one unmeasured warm-up
each; Ally gets its own copy of the dataset's data directory every time. The figure is
the median over the runs. To show where the time goes, Ally's log gives each start-up
stage's duration, and one more run of each under ``-X importtime`` gives what Ally
imports beyond what the bare window imports.
"""

from __future__ import annotations

import re
import shutil
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench.common import (
    Result,
    child_env,
    median,
    ms,
    run_json_child,
)
from bench.dataset import Dataset, copy_data_dir
from bench.startup_probe import SPAWN_ENV

GOAL_RATIO = 1.3
_STAGE = re.compile(r"stage (?P<name>[\w ]+): done in (?P<ms>\d+) ms")
_IMPORT = re.compile(r"import time:\s+(?P<self>\d+) \|\s+\d+ \|\s*(?P<name>\S+)")


def _spawn(args: list[str], importtime: bool = False) -> tuple[dict[str, float], str]:
    """Run the probe; its times (ms since spawn) and its stderr."""
    env = child_env()
    flags = ["-X", "importtime"] if importtime else []
    env[SPAWN_ENV] = repr(time.time())
    return run_json_child(["bench.startup_probe", *args], env, flags)


def _stages(data_dir: Path) -> dict[str, float]:
    log = data_dir / "logs" / "ally.log"
    if not log.is_file():
        return {}
    found = _STAGE.finditer(log.read_text(encoding="utf-8", errors="replace"))
    return {m["name"]: float(m["ms"]) for m in found}


def _run_ally(
    dataset: Dataset, scratch: Path, index: int, importtime: bool = False
) -> tuple[dict[str, float], dict[str, float], str]:
    data_dir = copy_data_dir(dataset, scratch / f"startup-{index}")
    try:
        times, stderr = _spawn(["ally", str(data_dir)], importtime)
        return times, _stages(data_dir), stderr
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _imports(stderr: str) -> dict[str, float]:
    """Self time (ms) of each module imported, from ``-X importtime`` output."""
    return {m["name"]: int(m["self"]) / 1000 for m in _IMPORT.finditer(stderr)}


def _extra_imports(dataset: Dataset, scratch: Path) -> str:
    """What Ally imports that the bare window does not, and what it costs."""
    _, _, ally_err = _run_ally(dataset, scratch, -2, importtime=True)
    _, bare_err = _spawn(["bare"], importtime=True)
    ally, bare = _imports(ally_err), _imports(bare_err)
    extra = {name: cost for name, cost in ally.items() if name not in bare}
    groups: Counter[str] = Counter()
    for name, cost in extra.items():
        top = name.split(".")[0]
        groups[top if top in ("ally_desktop", "peewee", "PySide6") else "standard library"] += cost
    heaviest = sorted(extra.items(), key=lambda item: item[1], reverse=True)[:6]
    return (
        f"imports only Ally makes (self time under -X importtime, which inflates it): "
        f"{len(extra)} modules, {sum(extra.values()):.0f} ms: "
        + ", ".join(f"{group} {cost:.0f} ms" for group, cost in groups.most_common())
        + "; heaviest: "
        + ", ".join(f"{name} {cost:.0f}" for name, cost in heaviest)
    )


def _listing(runs: list[dict[str, float]], mark: str) -> str:
    return ", ".join(f"{run[mark]:.0f}" for run in runs)


def measure(dataset: Dataset, repeats: int, scratch: Path) -> list[Result]:
    ally: list[dict[str, float]] = []
    bare: list[dict[str, float]] = []
    stages: dict[str, list[float]] = defaultdict(list)
    _run_ally(dataset, scratch, -1)  # warm-ups: file caches, bytecode
    _spawn(["bare"])
    for index in range(repeats):
        # Alternate which goes first so neither always runs right after the other.
        order = ("ally", "bare") if index % 2 == 0 else ("bare", "ally")
        for kind in order:
            if kind == "ally":
                times, stage_times, _ = _run_ally(dataset, scratch, index)
                ally.append(times)
                for name, value in stage_times.items():
                    stages[name].append(value)
            else:
                bare.append(_spawn(["bare"])[0])
        print(
            f"  run {index + 1}/{repeats}: Ally paint {ally[-1]['paint']:.0f} ms, "
            f"bare paint {bare[-1]['paint']:.0f} ms",
            flush=True,
        )

    def med(runs: list[dict[str, float]], mark: str) -> float:
        return median([run[mark] for run in runs])

    count = f"{dataset.contacts:,}"
    paint, paint_base = med(ally, "paint"), med(bare, "paint")
    frame, frame_base = med(ally, "frame"), med(bare, "frame")
    notes = [
        "runs, Ally paint (ms): " + _listing(ally, "paint"),
        "runs, bare paint (ms): " + _listing(bare, "paint"),
        f"medians since spawn: interpreter ready: Ally {med(ally, 'ready'):.0f} ms, "
        f"bare {med(bare, 'ready'):.0f} ms; window code starts (Ally: run() called, "
        f"bare: PySide6.QtWidgets imported): Ally {med(ally, 'run'):.0f} ms, "
        f"bare {med(bare, 'run'):.0f} ms",
        "Ally's start-up stages (median ms, from its log): "
        + ", ".join(f"{name} {median(values):.0f}" for name, values in stages.items()),
        _extra_imports(dataset, scratch),
    ]
    return [
        Result(
            f"Start-up to first paint ({count} contacts)",
            ms(paint),
            f"{ms(paint_base)} (bare PySide6 window)",
            f"{paint / paint_base:.2f}x",
            f"<= {GOAL_RATIO}x",
            paint / paint_base <= GOAL_RATIO,
            notes,
        ),
        Result(
            f"Start-up to first complete frame ({count} contacts)",
            ms(frame),
            f"{ms(frame_base)} (bare PySide6 window)",
            f"{frame / frame_base:.2f}x",
            "-",
            None,
        ),
    ]
