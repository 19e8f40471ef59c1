"""Where Ally keeps its files.

The user data directory comes from platformdirs (the platform's convention), unless
``--data-dir`` or the ``ALLY_DATA_DIR`` environment variable says otherwise. The
directory is created private (0700): it holds a person's whole network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ally_desktop import APP_NAME

DATA_DIR_ENV = "ALLY_DATA_DIR"
DATABASE_NAME = "ally.sqlite3"


@dataclass(frozen=True)
class DataPaths:
    """The files of one Ally data directory."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "ally.log"

    @property
    def settings(self) -> Path:
        return self.root / "settings.ini"

    @property
    def backups(self) -> Path:
        """The default backups folder (``backups.json`` may name another one)."""
        return self.root / "backups"


def default_data_dir() -> Path:
    """The platform's user data directory for Ally (imported lazily: it costs start-up time)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins over ``ALLY_DATA_DIR``, which wins over the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    env_value = os.environ.get(DATA_DIR_ENV)
    if env_value:
        return Path(env_value).expanduser().absolute()
    return default_data_dir()


def ensure_data_dir(root: Path) -> DataPaths:
    """Create the data directory (0700) and its log folder if they are missing.

    An existing directory keeps the permissions its owner gave it.
    """
    if not root.exists():
        root.mkdir(mode=0o700, parents=True)
        os.chmod(root, 0o700)  # mkdir's mode is filtered by the umask
    paths = DataPaths(root)
    paths.logs.mkdir(mode=0o700, exist_ok=True)
    return paths


def instance_name(data_dir: Path) -> str:
    """The local-socket name the window of ``data_dir`` listens on (one per user and
    folder), known without Qt so the command line can tell whether the window runs."""
    import getpass
    import hashlib

    digest = hashlib.sha256(f"{getpass.getuser()}:{data_dir.resolve()}".encode()).hexdigest()
    return f"ally-{digest[:24]}"
