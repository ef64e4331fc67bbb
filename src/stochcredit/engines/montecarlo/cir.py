"""Exact CIR transition sampling (Glasserman 2003, §3.4; MODELS_CREDITGRADES.md H.1)."""

from __future__ import annotations

import numpy as np

__all__ = ["cir_step_exact"]


def cir_step_exact(v: np.ndarray, h: float, kappa: float, theta: float, sigma: float,
                   rng: np.random.Generator) -> np.ndarray:
    """Draw v_{t+h} given v_t = ``v`` exactly.

    ``v_{t+h} = c * chi'^2_df(v e^{-kappa h}/c)`` with ``c = sigma^2 (1 - e^{-kappa h})/(4 kappa)``,
    ``df = 4 kappa theta / sigma^2``. The noncentral chi-square is drawn as a Poisson mixture,
    ``N ~ Poisson(nonc/2)``, ``chi'^2 = 2 Gamma(df/2 + N)``, which stays exact for ``df = 0``
    (theta = 0) and any Feller violation. ``sigma = 0`` gives the deterministic ODE solution.
    """
    v = np.asarray(v, dtype=float)
    decay = np.exp(-kappa * h)
    if sigma == 0.0:
        return theta + (v - theta) * decay
    c = sigma * sigma * (-np.expm1(-kappa * h)) / (4.0 * kappa)
    df = 4.0 * kappa * theta / (sigma * sigma)
    n = rng.poisson(v * decay / (2.0 * c))
    return 2.0 * c * rng.gamma(df / 2.0 + n)
