"""A lighter test for PySide6's import hook: no module's source kept in memory for it.

Once ``PySide6.QtCore`` is imported, PySide6 looks at every module imported after it to
see whether it uses PySide (for its opt-in ``from __feature__ import snake_case``). Its
test is ``"PySide6" in inspect.getsource(module)``, and ``inspect`` reads the source
through ``linecache``, which keeps every line of every module for the life of the
process: some 150 modules of Ally and of the standard library, about 3 MB of resident
memory that nothing reads again (bench/memory.py), and their reading on the way to the
first paint.

``lighten_import_hook`` gives the hook the same test on the file's bytes, read and let
go. Modules without a ``.py`` file (extension modules, a frozen build's archive) keep
PySide6's own test. Where PySide6 has no such hook (another version), nothing changes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_HOOK_MODULES = ("shibokensupport.feature", "PySide6.support.feature")
_TEST_NAME = "_mod_uses_pyside"


def _file_mentions_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return fallback(module)
    try:
        with open(origin, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False  # as PySide6's own test answers a module whose source is missing


def lighten_import_hook() -> bool:
    """Install the lighter test; False when this PySide6 has no hook to lighten."""
    for name in _HOOK_MODULES:
        hook = sys.modules.get(name)
        original = getattr(hook, _TEST_NAME, None)
        if hook is None or not callable(original):
            continue
        if getattr(original, "__module__", None) == __name__:
            return True  # installed already

        def lighter(module: ModuleType, _original: Callable[[ModuleType], bool] = original) -> bool:
            return _file_mentions_pyside(module, _original)

        lighter.__module__ = __name__
        setattr(hook, _TEST_NAME, lighter)
        return True
    return False
