"""The headless commands: ``ally --version`` and ``ally check`` start fast and without Qt.

Wall time of the installed ``ally`` script as a fresh process, median over interleaved
runs after a warm-up, against ``python -c pass`` (the interpreter's own start-up). A
second run of each command inside ``python -c`` lists the modules it imported: no
PySide6 (nor shiboken6) may be among them.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bench.common import PYTHON, REPO, Result, child_env, median, ms
from bench.dataset import Dataset

GOAL_MS = 150.0
WARM_UPS = 2
_QT = ("PySide6", "shiboken6")
_THIRD_PARTY = ("peewee", "platformdirs", "email_validator")

_IMPORTS_PROBE = f"""
import contextlib, io, json, sys
from ally_desktop.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
loaded = sorted({{name.split(".")[0] for name in sys.modules}})
print(json.dumps({{
    "code": code,
    "qt": [name for name in loaded if name in {_QT!r}],
    "third_party": [name for name in loaded if name in {_THIRD_PARTY!r}],
}}))
"""


def _ally_command() -> list[str]:
    script = Path(PYTHON).parent / "ally"
    return [str(script)] if script.is_file() else [PYTHON, "-m", "ally_desktop"]


def _wall_ms(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {completed.returncode}")
    return elapsed


def _imports(args: list[str], env: dict[str, str]) -> dict:
    completed = subprocess.run(
        [PYTHON, "-c", _IMPORTS_PROBE, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(small: Dataset, repeats: int) -> list[Result]:
    env = child_env()
    env.pop("QT_QPA_PLATFORM")  # a headless command must not need it
    commands = {
        "ally --version": ["--version"],
        "ally check": ["--data-dir", str(small.root), "check"],
    }
    baseline = [PYTHON, "-c", "pass"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    base: list[float] = []
    for round_ in range(WARM_UPS + repeats):
        base_ms = _wall_ms(baseline, env)
        runs = {name: _wall_ms(_ally_command() + args, env) for name, args in commands.items()}
        if round_ >= WARM_UPS:
            base.append(base_ms)
            for name, value in runs.items():
                times[name].append(value)
    base_median = median(base)
    results = []
    for name, args in commands.items():
        imported = _imports(args, env)
        value = median(times[name])
        qt_free = not imported["qt"] and imported["code"] == 0
        notes = [
            "runs (ms): " + ", ".join(f"{t:.0f}" for t in times[name]),
            "Qt imported: "
            + (", ".join(imported["qt"]) if imported["qt"] else "none")
            + "; third-party packages imported: "
            + (", ".join(imported["third_party"]) or "none"),
        ]
        if imported["code"] != 0:
            notes.append(f"exit code {imported['code']} when run in-process")
        results.append(
            Result(
                f"`{name}` wall time"
                + (f" ({small.contacts} contacts)" if "check" in name else ""),
                ms(value) + ("" if qt_free else ", IMPORTS QT"),
                f"{ms(base_median)} (python -c pass)",
                f"{value / base_median:.2f}x",
                f"< {GOAL_MS:.0f} ms, no Qt",
                value < GOAL_MS and qt_free,
                notes,
            )
        )
    return results
