"""The small protocols that join the layers (see ARCHITECTURE: "Two small protocols").

Instruments price from a ``(DiscountCurve, SurvivalCurve)`` pair and never ask which model produced
the survival curve; structural models are survival curves; dynamics are described by transforms.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["DiscountCurve", "SurvivalCurve", "Dynamics", "VarianceDynamics"]


@runtime_checkable
class DiscountCurve(Protocol):
    def discount(self, t: ArrayLike) -> float | np.ndarray:
        """Discount factor P(0, t); same shape as ``t``."""


@runtime_checkable
class SurvivalCurve(Protocol):
    def survival(self, t: ArrayLike) -> float | np.ndarray:
        """Survival probability Q(t) = P(tau > t); same shape as ``t``. May be < 1 at t = 0."""


@runtime_checkable
class Dynamics(Protocol):
    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(i u X_t)] for the martingale log-return X_t = ln(S_t/S_0) - (r - q) t."""


@runtime_checkable
class VarianceDynamics(Protocol):
    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(-s int_0^t v_u du)] for s >= 0 (the method of images needs only this)."""
