"""Barrier monitoring with the Brownian-bridge correction in business time.

MODELS_CREDITGRADES.md H.4.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bridge_survival"]


def bridge_survival(x_start: np.ndarray, x_end: np.ndarray,
                    variance: np.ndarray) -> np.ndarray:
    """Probability that a Brownian bridge from ``x_start`` to ``x_end`` with total variance
    ``variance`` stays above 0:
    ``1{x_start > 0, x_end > 0} (1 - exp(-2 x_start x_end / variance))``.

    Exact given the step's integrated variance; ``variance = 0`` gives the plain indicator.
    """
    x_start = np.asarray(x_start, dtype=float)
    x_end = np.asarray(x_end, dtype=float)
    variance = np.asarray(variance, dtype=float)
    alive = (x_start > 0.0) & (x_end > 0.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        cross = np.where(variance > 0.0,
                         np.exp(-2.0 * np.maximum(x_start, 0.0) * np.maximum(x_end, 0.0)
                                / np.where(variance > 0.0, variance, 1.0)),
                         0.0)
    return np.where(alive, 1.0 - cross, 0.0)
