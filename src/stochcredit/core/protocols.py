"""The small protocols that join the layers (see ARCHITECTURE: "Two small protocols").

Instruments price from a ``(DiscountCurve, SurvivalCurve)`` pair and never ask which model produced
the survival curve; structural models are survival curves; dynamics are described by transforms.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["DiscountCurve", "SurvivalCurve", "Dynamics", "LogCharDynamics", "VarianceDynamics",
           "HestonFactorKernel", "discount_factor"]


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
    """The dynamics contract every engine consumes (ARCHITECTURE: "Dynamics are described by
    their transforms"). Required: ``char_fn``. Optional capabilities are separate protocols below;
    engines test for them with ``hasattr``/``getattr``, never ``isinstance`` on a concrete class.
    """

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(i u X_t)] for the martingale log-return X_t = ln(S_t/S_0) - (r - q) t.

        ``u`` is real or complex (at least ``-1 <= Im u <= 0``; its imaginary part is never
        dropped); ``t >= 0``. Result: complex, shape ``broadcast(u, t, param_shape)``. With
        array parameters of shape ``param_shape``, the Fourier engine calls it with ``u`` carrying
        one extra trailing node axis after ``with_trailing_axis()``.
        """


@runtime_checkable
class LogCharDynamics(Protocol):
    """Optional: ``ln char_fn`` directly (no overflow/underflow of ``exp``), same shapes."""

    def log_char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """ln E[exp(i u X_t)] (0 at ``u = -i``)."""


@runtime_checkable
class HestonFactorKernel(Protocol):
    """Optional compiled-kernel hook of the Fourier engine.

    ``heston_factors()`` returns a tuple of ``(v0, kappa, theta, sigma, rho)`` (numbers or arrays
    broadcasting to ``param_shape``) whose Heston log-CFs (H-1) sum to this law's log-CF; the
    numba kernels then price it. A law that returns ``None`` (or lacks the method) takes the numpy
    path of the same quadrature.
    """

    def heston_factors(self) -> tuple | None:
        """Heston factors whose log-CFs add up to this law's, or None."""


@runtime_checkable
class VarianceDynamics(Protocol):
    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(-s int_0^t v_u du)] for s >= 0 or complex ``Re s >= 0`` (the method of images
        needs only this; an asset independent of its variance)."""


def discount_factor(rate: object, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``(P(0, t), r_t)`` for a flat ``rate`` (number/array) or a :class:`DiscountCurve`
    (``r_t`` broadcasts against ``t``).

    With a curve, ``r_t = -ln P(0, t) / t`` (the curve's zero rate; ``r_0`` is taken at
    ``t = 1e-8``), so deterministic-rate formulas written with ``e^{-r T}`` price with ``P(0, T)``.
    """
    from . import validation as v

    t = np.asarray(t, dtype=float)
    if hasattr(rate, "discount"):
        tt = np.maximum(t, 1e-8)
        disc = np.asarray(rate.discount(t), dtype=float)
        disc_pos = np.asarray(rate.discount(tt), dtype=float)
        v.positive("rate.discount(t)", disc_pos)
        return disc, -np.log(disc_pos) / tt
    r = np.asarray(v.finite("rate", rate))
    return np.exp(-r * t), r
