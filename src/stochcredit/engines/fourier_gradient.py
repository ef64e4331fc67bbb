"""Value and gradient in one pass through the Lewis integrals (same nodes, same control variate).

For a dynamics object with ``log_char_fn_gradient(u, t) -> (psi, dpsi)`` and ``gradient_names``
(see :mod:`stochcredit.dynamics.heston_gradient`), on the contour ``Im u = -1/2`` with
``x = ln(F/K)``, ``F = S e^{(r-q)T}`` and the Black-Scholes control variate of variance ``w``
(:mod:`.fourier`):

    put   = e^{-rT} [P_BS(w) - sqrt(F K)/pi int Re[e^{iux} (phi - phi_BS)] / (u^2 + 1/4) du]
    Q(S_T < K) = N(-d2(w)) - sqrt(F/K)/pi int Re[e^{iux} (phi - phi_BS) / (1/2 + i u)] du
    f_X(ln(K/F)) = e^{x/2}/pi int Re[e^{iux} phi] du        (density of X_T = ln(S_T/F))

The control variate makes each formula exact for every ``w``, so ``w`` is held fixed when
differentiating: ``d/dtheta`` of a dynamics parameter replaces ``phi - phi_BS`` by
``phi dpsi/dtheta`` (closed form) in the same integrals on the same nodes. Spot, strike and rate
follow exactly from homogeneity and the density: ``dput/dK = e^{-rT} Q(S_T < K)``,
``dput/dS = (put - K dput/dK)/S``, ``dput/dr = -T put + T S dput/dS`` and
``dQ/dK = f_X/K``, ``dQ/dS = -f_X/S``, ``dQ/dr = -T f_X``. The density integral uses the
control variate's Gaussian density as well.

Nodes are those of the numpy Lewis path for the probability integrand (decay ``|phi|/u``),
which also bounds the gradient integrands up to their polynomial factor ``dpsi``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError
from .fourier import _TOL, _bs_parts, _mean_variance, _nodes, _phase_sum, _prepare

__all__ = ["LewisGradient", "lewis_gradient"]


@dataclass(frozen=True)
class LewisGradient:
    """Undiscounted-free results of one pass (arrays of the broadcast shape; ``d*_params`` have
    a leading axis in the order of ``names``)."""

    names: tuple[str, ...]
    put: np.ndarray            # discounted put
    call: np.ndarray           # discounted call
    prob_below: np.ndarray     # Q(S_T < K)
    density: np.ndarray        # f_X at ln(K/F), X = ln(S_T/F)
    dput_params: np.ndarray
    dprob_params: np.ndarray
    spot: np.ndarray
    strike: np.ndarray
    T: np.ndarray
    disc: np.ndarray

    @property
    def dput_dstrike(self) -> np.ndarray:
        return self.disc * self.prob_below

    @property
    def dput_dspot(self) -> np.ndarray:
        return (self.put - self.strike * self.dput_dstrike) / self.spot

    @property
    def dput_drate(self) -> np.ndarray:
        return self.T * (self.spot * self.dput_dspot - self.put)

    @property
    def dcall_dspot(self) -> np.ndarray:   # parity: call - put = S e^{-qT} - K e^{-rT}
        return self.dput_dspot + self.fwd_disc / self.spot

    fwd_disc: np.ndarray = None   # S e^{-qT}

    @property
    def dprob_dstrike(self) -> np.ndarray:
        return self.density / self.strike

    @property
    def dprob_dspot(self) -> np.ndarray:
        return -self.density / self.spot

    @property
    def dprob_drate(self) -> np.ndarray:
        return -self.T * self.density


def _trailing(dynamics: Any) -> Any:
    if getattr(dynamics, "param_shape", ()) != () and hasattr(dynamics, "with_trailing_axis"):
        return dynamics.with_trailing_axis()
    return dynamics


def lewis_gradient(spot: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike,
                   dynamics: Any, dividend: ArrayLike = 0.0, *, n_nodes: int = 48,
                   tol: float = _TOL) -> LewisGradient:
    """Put, call, ``Q(S_T < K)``, the density and their parameter derivatives in one pass.

    ``dynamics`` must provide ``log_char_fn_gradient`` and ``gradient_names``
    (``BlackScholes``, ``Heston``, ``MultiFactorHeston``); otherwise an
    :class:`InvalidParameterError` is raised.
    """
    if not hasattr(dynamics, "log_char_fn_gradient"):
        raise InvalidParameterError("dynamics", dynamics,
                                    "an object with log_char_fn_gradient(u, t) and "
                                    "gradient_names (BlackScholes, Heston, MultiFactorHeston)")
    n_nodes = v.integer("n_nodes", n_nodes, minimum=8)
    t_cf, fwd, disc, x, strike = _prepare(spot, strike, T, rate, dividend, dynamics)
    spot = np.asarray(spot, dtype=float)
    w = _mean_variance(dynamics, t_cf)
    shape = np.broadcast_shapes(x.shape, t_cf.shape, np.shape(spot), np.shape(disc))
    w_b = np.broadcast_to(w, shape)
    call_bs, put_bs, _, nd_minus_d2 = _bs_parts(fwd, strike, w_b, x)
    u, du = _nodes(dynamics, t_cf, w, x, -0.5j, n_nodes, 1.0, tol)
    psi, dpsi = _trailing(dynamics).log_char_fn_gradient(u - 0.5j, t_cf[..., None])
    phi = np.exp(psi)
    gauss = np.exp(-0.5 * w[..., None] * (u * u + 0.25))
    diff = phi - gauss
    k_price = du / (u * u + 0.25)
    k_prob = du / (0.5 + 1j * u)
    total_price = _phase_sum(x, u, diff * k_price)
    total_prob = _phase_sum(x, u, diff * k_prob)
    total_dens = _phase_sum(x, u, diff * du)
    dphi = phi * dpsi
    # parameter axis first, then as many unit axes as the strikes add to the CF's shape
    extra = len(shape) - (dphi.ndim - 2)
    dphi = dphi.reshape(dphi.shape[:1] + (1,) * max(extra, 0) + dphi.shape[1:])
    g_price = _phase_sum(x, u, dphi * k_price)
    g_prob = _phase_sum(x, u, dphi * k_prob)
    root_fk, root_f_over_k = np.sqrt(fwd * strike), np.sqrt(fwd / strike)
    put = disc * (put_bs - root_fk / np.pi * total_price)
    call = disc * (call_bs - root_fk / np.pi * total_price)
    prob = nd_minus_d2 - root_f_over_k / np.pi * total_prob
    # Gaussian density of X under the control variate: N(-w/2, w) at ln(K/F) = -x
    sw = np.sqrt(np.maximum(w_b, 1e-300))
    dens_bs = np.exp(-0.5 * ((-x + 0.5 * w_b) / sw) ** 2) / (sw * np.sqrt(2 * np.pi))
    density = dens_bs + np.exp(0.5 * x) / np.pi * total_dens
    b = lambda a: np.broadcast_to(a, shape)  # noqa: E731
    names = tuple(dynamics.gradient_names)
    return LewisGradient(
        names=names, put=b(put), call=b(call), prob_below=b(prob), density=b(density),
        dput_params=np.broadcast_to(-disc * root_fk / np.pi * g_price, (len(names),) + shape),
        dprob_params=np.broadcast_to(-root_f_over_k / np.pi * g_prob, (len(names),) + shape),
        spot=b(spot), strike=b(strike), T=b(np.asarray(T, dtype=float)), disc=b(disc),
        fwd_disc=b(fwd * disc))
