"""Multi-factor Heston (Christoffersen-Heston-Jacobs 2009): independent Heston variance factors.

``dS/S = r dt + sum_j sqrt(V_j) dZ_j``, each ``V_j`` a CIR process correlated (``rho_j``) only with
its own ``Z_j``. The characteristic function is the product of the one-factor ones (H-1, the sum
over ``j`` in the exponent), and so is the Laplace transform of integrated variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError
from .heston import Heston

__all__ = ["MultiFactorHeston"]


@dataclass(frozen=True, eq=False)
class MultiFactorHeston:
    """Sum of independent Heston variance factors (two factors = the seed's model, eqs. 3-8).

    Parameters
    ----------
    factors : sequence of Heston
        At least one factor; each keeps its own ``rho``. Array-valued parameters of different
        factors must broadcast together (e.g. all of shape ``(P, 1)``).

    Examples
    --------
    >>> mf = MultiFactorHeston([Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559),
    ...                         Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)])
    >>> complex(mf.char_fn(1.0, 5.0))
    (0.82467099-0.08447493j)
    """

    factors: tuple[Heston, ...]

    def __post_init__(self) -> None:
        if isinstance(self.factors, Heston):
            factors: Sequence = (self.factors,)
        else:
            try:
                factors = tuple(self.factors)
            except TypeError as exc:
                raise InvalidParameterError("factors", self.factors,
                                            "a sequence of Heston objects") from exc
        if len(factors) == 0:
            raise InvalidParameterError("factors", "[]", "a non-empty sequence of Heston")
        for i, f in enumerate(factors):
            if not isinstance(f, Heston):
                raise InvalidParameterError(f"factors[{i}]", f, "a Heston instance")
        try:
            shape = np.broadcast_shapes(*(f.param_shape for f in factors))
        except ValueError as exc:
            raise InvalidParameterError("factors", str([f.param_shape for f in factors]),
                                        "parameter shapes that broadcast together") from exc
        object.__setattr__(self, "factors", tuple(factors))
        object.__setattr__(self, "_shape", shape)

    @property
    def param_shape(self) -> tuple[int, ...]:
        """Broadcast shape of all factors' parameters."""
        return self._shape

    def with_trailing_axis(self) -> MultiFactorHeston:
        """Copy whose array parameters get one extra trailing axis (used by the Fourier engine)."""
        return MultiFactorHeston(tuple(f.with_trailing_axis() for f in self.factors))

    def heston_factors(self) -> tuple[tuple, ...]:
        """Compiled-kernel hook: the log-CF is the sum of the factors' Heston log-CFs."""
        return tuple(fac for f in self.factors for fac in f.heston_factors())

    def log_char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``sum_j ln E[exp(i u X^j_t)]`` (H-1)."""
        out = self.factors[0].log_char_fn(u, t)
        for f in self.factors[1:]:
            out = out + f.log_char_fn(u, t)
        return out

    @property
    def gradient_names(self) -> tuple[str, ...]:
        """``("v0_1", "kappa_1", ..., "rho_1", "v0_2", ...)``: the leading axis of
        :meth:`log_char_fn_gradient`."""
        return tuple(f"{n}_{j + 1}" for j, f in enumerate(self.factors)
                     for n in f.gradient_names)

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi)``: the sum of the factors' log-CFs and each factor's closed-form
        derivatives stacked (5 per factor, in the order of ``gradient_names``)."""
        parts = [f.log_char_fn_gradient(u, t) for f in self.factors]
        psi = sum(p for p, _ in parts)
        return psi, np.concatenate([np.broadcast_to(g, g.shape[:1] + psi.shape)
                                    for _, g in parts])

    def char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(phi, dphi)``, ``dphi = phi dpsi`` (leading axis in the order of
        ``gradient_names``)."""
        t = v.nonnegative("t", t)
        psi, dpsi = self.log_char_fn_gradient(u, t)
        phi = np.exp(psi)
        return phi, phi * dpsi

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(i u X_t)] = prod_j E[exp(i u X^j_t)]``, ``X_t = ln(S_t/S_0) - (r - q) t``."""
        t = v.nonnegative("t", t)
        return np.exp(self.log_char_fn(u, t))

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(-s int_0^t sum_j V_j)] = prod_j`` of the factors' CIR transforms (HC-1)."""
        out = self.factors[0].variance_laplace(s, t)
        for f in self.factors[1:]:
            out = out * f.variance_laplace(s, t)
        return out

    def mean_integrated_variance(self, t: ArrayLike) -> float | np.ndarray:
        """Sum of the factors' ``E[int_0^t V_j]``."""
        return sum(f.mean_integrated_variance(t) for f in self.factors)

    def __repr__(self) -> str:
        return f"MultiFactorHeston({list(self.factors)!r})"
