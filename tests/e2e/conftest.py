"""The real program, started as a subprocess on a temporary data directory.

Every process a test starts is stopped in teardown, and every wait has a deadline: a
hung Ally fails its test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.e2e.helpers import ALLY, CLI_TIMEOUT, RunningAlly, base_env


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return base_env(tmp_path)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory that does not exist yet: Ally creates it."""
    return tmp_path / "data"


@pytest.fixture
def ally(env: dict[str, str], tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``ally(*args)`` runs ``python -m ally_desktop *args`` to completion."""

    def run(
        *args: str | os.PathLike[str],
        env_overrides: dict[str, str] | None = None,
        umask: int = -1,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*ALLY, *map(str, args)],
            env={**env, **(env_overrides or {})},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
            umask=umask,
        )

    return run


@pytest.fixture
def launch(env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., RunningAlly]]:
    """``launch(data_dir)`` starts the window on ``data_dir``; all are stopped in teardown."""
    started: list[RunningAlly] = []

    def start(
        data_dir: Path,
        *,
        env_overrides: dict[str, str] | None = None,
        prefix: Sequence[str] = (),
    ) -> RunningAlly:
        app = RunningAlly(
            [*prefix, *ALLY, "--data-dir", str(data_dir)],
            data_dir,
            {**env, **(env_overrides or {})},
            tmp_path,
            tmp_path / f"launch-{len(started)}",
        )
        started.append(app)
        return app

    try:
        yield start
    finally:
        for app in reversed(started):
            app.stop()
