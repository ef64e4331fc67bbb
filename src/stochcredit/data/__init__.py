"""Packaged data (see SOURCES.md). ``path(name)`` gives a file's location inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["path"]


def path(name: str) -> Path:
    """Filesystem path of a packaged data file, e.g. ``path("ust_par_yields.csv")``."""
    p = Path(str(resources.files(__name__).joinpath(name)))
    if not p.exists():
        raise FileNotFoundError(f"no packaged data file {name!r}")
    return p
