"""Packaging: the frozen program's start-up against the virtualenv's, and the sizes.

``python -m bench.package`` (``make package`` runs it after building; ``make bench`` as
its ``package`` part) measures what ``make package`` left in ``dist/``:

* **Start-up to first paint, frozen vs virtualenv.** Both run ``ally --self-test``, the
  same code on the same kind of fresh temporary data directory, which opens the window
  through ``app.run`` exactly as ``ally`` does and reports when the window first
  painted, counted from the moment this process spawned it (``ALLY_BENCH_SPAWNED_AT``,
  as ``bench.startup_probe`` does). Fresh processes, interleaved, after one unmeasured
  warm-up each; the median. The virtualenv's ``ally`` loads cached bytecode, as an
  installed Ally does.
* **Installed size**: the disk usage of ``dist/ally`` (what the .deb puts in /opt/ally
  and the per-user installer in ~/.local/opt/ally), counted as ``du`` counts.
* **The .deb's size** and the self-extracting installer's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import time
from pathlib import Path

from bench.common import PYTHON, REPO, Result, child_env, median, ms
from bench.report import print_table
from bench.startup_probe import SPAWN_ENV

GOAL_RATIO = 1.2
GOAL_INSTALLED_MB = 120.0
GOAL_DEB_MB = 40.0
DIST = REPO / "dist"
FROZEN = DIST / "ally" / "ally"
VENV_ALLY = Path(PYTHON).parent / "ally"
REPEATS = 9
_PAINTED = re.compile(r"window painted (?P<ms>\d+) ms after start")


def _version() -> str:
    """The version in the installers' names (``ally_desktop`` imports no Qt)."""
    from ally_desktop import __version__

    return __version__


def _paint_ms(command: list[str]) -> float:
    """One fresh ``--self-test``: ms from spawn to the window's first paint."""
    env = child_env()
    env[SPAWN_ENV] = repr(time.time())
    completed = subprocess.run(
        [*command, "--self-test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = _PAINTED.search(completed.stdout)
    if completed.returncode != 0 or found is None:
        raise RuntimeError(
            f"{' '.join(command)} --self-test exited with {completed.returncode}:\n"
            f"{completed.stdout[-2000:]}{completed.stderr[-2000:]}"
        )
    return float(found["ms"])


def measure_startup(repeats: int = REPEATS, frozen: Path = FROZEN) -> list[Result]:
    """The frozen program's start-up to first paint against the virtualenv's."""
    if not frozen.is_file():
        return [_not_built("Frozen start-up to first paint", f"<= {GOAL_RATIO}x")]
    venv = [str(VENV_ALLY)] if VENV_ALLY.is_file() else [PYTHON, "-m", "ally_desktop"]
    kinds = {"frozen": [str(frozen)], "venv": venv}
    runs: dict[str, list[float]] = {"frozen": [], "venv": []}
    for command in kinds.values():
        _paint_ms(command)  # warm-up: file caches, bytecode
    for index in range(repeats):
        # Alternate which goes first so neither always runs right after the other.
        order = ("frozen", "venv") if index % 2 == 0 else ("venv", "frozen")
        for kind in order:
            runs[kind].append(_paint_ms(kinds[kind]))
        print(
            f"  run {index + 1}/{repeats}: frozen {runs['frozen'][-1]:.0f} ms, "
            f"virtualenv {runs['venv'][-1]:.0f} ms",
            flush=True,
        )
    frozen_ms, venv_ms = median(runs["frozen"]), median(runs["venv"])
    ratio = frozen_ms / venv_ms
    return [
        Result(
            "Frozen start-up to first paint (`ally --self-test`, offscreen)",
            ms(frozen_ms),
            f"{ms(venv_ms)} (the same from the virtualenv)",
            f"{ratio:.2f}x",
            f"<= {GOAL_RATIO}x",
            ratio <= GOAL_RATIO,
            [
                "runs, frozen (ms): " + ", ".join(f"{v:.0f}" for v in runs["frozen"]),
                "runs, virtualenv (ms): " + ", ".join(f"{v:.0f}" for v in runs["venv"]),
            ],
        )
    ]


def disk_usage(root: Path) -> int:
    """Bytes ``du`` counts under ``root``: allocated blocks, hard links once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            info = os.lstat(os.path.join(folder, name))
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512
    return total + os.lstat(root).st_blocks * 512


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def measure_sizes(dist: Path = DIST) -> list[Result]:
    """The installed folder's size, the .deb's and the self-extracting installer's."""
    version = _version()
    results = []
    folder = dist / "ally"
    if folder.is_dir():
        size = disk_usage(folder)
        results.append(
            Result(
                "Installed size (du of /opt/ally = dist/ally)",
                _mb(size),
                "-",
                "-",
                f"<= {GOAL_INSTALLED_MB:.0f} MB",
                size / 2**20 <= GOAL_INSTALLED_MB,
            )
        )
    else:
        results.append(_not_built("Installed size", f"<= {GOAL_INSTALLED_MB:.0f} MB"))
    deb = dist / f"ally_{version}_amd64.deb"
    if deb.is_file():
        size = deb.stat().st_size
        results.append(
            Result(
                f"The .deb ({deb.name})",
                _mb(size),
                "-",
                "-",
                f"<= {GOAL_DEB_MB:.0f} MB",
                size / 2**20 <= GOAL_DEB_MB,
            )
        )
    else:
        results.append(_not_built("The .deb", f"<= {GOAL_DEB_MB:.0f} MB"))
    run = dist / f"ally-{version}-linux-x86_64.run"
    if run.is_file():
        results.append(
            Result(
                f"The per-user installer ({run.name})", _mb(run.stat().st_size), "-", "-", "-", None
            )
        )
    return results


def _not_built(figure: str, goal: str) -> Result:
    return Result(figure, "not built", "-", "-", goal, None, ["run `make package` first"])


def measure(repeats: int = REPEATS) -> list[Result]:
    return measure_startup(repeats) + measure_sizes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.package", description=__doc__)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each kind")
    parser.add_argument(
        "--sizes-only", action="store_true", help="only the sizes (no start-up runs)"
    )
    args = parser.parse_args(argv)
    print("== Packaging: frozen start-up and sizes", flush=True)
    results = measure_sizes() if args.sizes_only else measure(args.repeats)
    for result in results:
        for note in result.notes:
            print(f"  {note}")
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
