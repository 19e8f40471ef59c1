"""Print Ally's version, read from ``ally_desktop/__init__.py`` without importing anything.

The version lives in one place (``ally_desktop.__version__``); the spec, the installers'
names and the build scripts all read it here, so they work before the virtualenv exists
and never load Qt. ``python packaging/version.py`` prints it.
"""

from __future__ import annotations

import ast
from pathlib import Path

INIT = Path(__file__).resolve().parent.parent / "ally_desktop" / "__init__.py"


def read_version(init: Path = INIT) -> str:
    """The string assigned to ``__version__`` in ``init``."""
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise LookupError(f"no __version__ = '...' in {init}")


if __name__ == "__main__":
    print(read_version())
