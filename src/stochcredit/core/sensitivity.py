"""Tabulation of sensitivity dicts (``{parameter name: array}``) as pandas frames."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["gradient_frame"]


def gradient_frame(gradient: dict, index: ArrayLike | None = None, name: str = "T"):
    """A sensitivity dict (arrays of one shape, 0-d or 1-d) as a ``pandas.DataFrame``: one column
    per key, one row per element (``index``, e.g. the maturities, labels the rows)."""
    import pandas as pd

    cols = {k: np.atleast_1d(np.asarray(val, dtype=float)).ravel() for k, val in gradient.items()}
    n = len(next(iter(cols.values())))
    idx = None if index is None else pd.Index(np.broadcast_to(np.asarray(index, dtype=float),
                                                              (n,)), name=name)
    return pd.DataFrame(cols, index=idx)
