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
from .fourier import (
    _MAX_SUBPANELS,
    _NODES_PER_RADIAN,
    _SIZES,
    _TAIL_NODES_PER_RADIAN,
    _TOL,
    _bs_parts,
    _mean_variance,
    _node_tables,
    _nodes,
    _phase_sum,
    _prepare,
)

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


def _numpy_sums(dynamics, t_cf, w, x, n_nodes, tol, shape):
    """The same phase sums on the vectorised numpy path (one node count per call)."""
    u, du = _nodes(dynamics, t_cf, w, x, -0.5j, n_nodes, 1.0, tol)
    psi, dpsi = _trailing(dynamics).log_char_fn_gradient(u - 0.5j, t_cf[..., None])
    phi = np.exp(psi)
    diff = phi - np.exp(-0.5 * w[..., None] * (u * u + 0.25))
    k_price = du / (u * u + 0.25)
    k_prob = du / (0.5 + 1j * u)
    dphi = phi * dpsi
    # parameter axis first, then as many unit axes as the strikes add to the CF's shape
    extra = len(shape) - (dphi.ndim - 2)
    dphi = dphi.reshape(dphi.shape[:1] + (1,) * max(extra, 0) + dphi.shape[1:])
    return (_phase_sum(x, u, diff * k_price), _phase_sum(x, u, diff * k_prob),
            _phase_sum(x, u, diff * du), _phase_sum(x, u, dphi * k_price),
            _phase_sum(x, u, dphi * k_prob))


def _compiled_sums(dynamics, t_cf, w, x, n_nodes, tol):
    """``(shape + (3 + 2 P,))`` phase sums (price, prob, density, P price and P prob
    gradient integrals) by the numba kernels, or ``None`` outside the Heston family."""
    from . import fourier_gradient_kernels as gk
    from . import fourier_kernels as fk

    if not gk.AVAILABLE:
        return None
    fac = fk.affine_factors(dynamics, t_cf.shape)
    if fac is None:
        return None
    n_entries = t_cf.size
    shape = np.broadcast_shapes(x.shape, t_cf.shape)
    xb = np.ascontiguousarray(np.broadcast_to(x, shape), dtype=float).ravel()
    idx = np.ascontiguousarray(np.broadcast_to(np.arange(n_entries).reshape(t_cf.shape),
                                               shape)).ravel()
    xmax = np.zeros(n_entries)
    np.maximum.at(xmax, idx, np.abs(xb))
    t = np.ascontiguousarray(t_cf, dtype=float).ravel()
    wf = np.ascontiguousarray(np.broadcast_to(w, t_cf.shape), dtype=float).ravel()
    v0, kappa, theta, sigma, rho = fac
    panels = np.empty((n_entries, 2))
    counts = np.empty((n_entries, 4), dtype=np.int64)
    fk.plan_nodes(t, wf, xmax, v0, kappa, theta, sigma, rho, 1.0, -0.5, np.log(tol), n_nodes,
                  _NODES_PER_RADIAN, _TAIL_NODES_PER_RADIAN, _SIZES, _MAX_SUBPANELS, panels,
                  counts)
    node_off, node_y, node_w, offsets = _node_tables(counts)
    n_cols = 3 + 10 * v0.shape[1]
    u_buf = np.empty(offsets[-1])
    g_buf = np.empty((offsets[-1], n_cols), dtype=complex)
    gk.fill_gradient(t, wf, v0, kappa, theta, sigma, rho, panels, counts, offsets, node_y,
                     node_w, node_off, u_buf, g_buf)
    out = np.empty((xb.size, n_cols))
    gk.phase_multi(xb, idx, offsets, u_buf, g_buf, out)
    out = out.reshape(shape + (n_cols,))
    n_f = v0.shape[1]
    price_g, prob_g = out[..., 3:3 + 5 * n_f], out[..., 3 + 5 * n_f:]
    names = tuple(dynamics.gradient_names)
    if len(names) != 5 * n_f:   # Black-Scholes: v0 = theta = vol^2
        two_vol = 2.0 * np.broadcast_to(np.asarray(dynamics.vol, dtype=float), t_cf.shape)
        two_vol = np.broadcast_to(two_vol, shape)[..., None]
        price_g = two_vol * (price_g[..., 0:1] + price_g[..., 2:3])
        prob_g = two_vol * (prob_g[..., 0:1] + prob_g[..., 2:3])
    return out[..., 0], out[..., 1], out[..., 2], np.moveaxis(price_g, -1, 0), np.moveaxis(
        prob_g, -1, 0)


def _small(spot, strike, T, rate, dividend, dynamics, n_nodes, tol):
    """One compiled call for small problems (:mod:`.fourier_small`'s conditions)."""
    from . import fourier_gradient_kernels as gk
    from .fourier_small import _node_table, parse_small, table_of

    if gk.small_gradient is None or getattr(dynamics, "param_shape", None) != ():
        return None
    parsed = parse_small(spot, strike, T, rate, dividend)
    table = None if parsed is None else table_of(dynamics)
    if table is None:
        return None
    s, q, k, t, r, shape = parsed
    n_p = 5 * table.shape[1]
    out = np.empty((t.size, 4 + 2 * n_p))
    node_y, node_w, node_off = _node_table()
    gk.small_gradient(s, k, t, r, q, table, int(n_nodes), float(np.log(tol)), _NODES_PER_RADIAN,
                      _TAIL_NODES_PER_RADIAN, _SIZES, _MAX_SUBPANELS, node_y, node_w, node_off,
                      out)
    names = tuple(dynamics.gradient_names)
    dput, dprob = out[:, 4:4 + n_p].T, out[:, 4 + n_p:].T
    if len(names) != n_p:   # Black-Scholes: v0 = theta = vol^2
        two_vol = 2.0 * float(dynamics.vol)
        dput = two_vol * (dput[0:1] + dput[2:3])
        dprob = two_vol * (dprob[0:1] + dprob[2:3])
    disc = np.exp(-r * t)
    re = lambda a: a.reshape(a.shape[:-1] + shape)  # noqa: E731
    return LewisGradient(names=names, put=re(out[:, 0]), call=re(out[:, 1]),
                         prob_below=re(out[:, 2]), density=re(out[:, 3]),
                         dput_params=re(dput), dprob_params=re(dprob),
                         spot=np.asarray(s), strike=re(k), T=re(t), disc=re(disc),
                         fwd_disc=re(s * np.exp(-q * t)))


def lewis_gradient(spot: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike,
                   dynamics: Any, dividend: ArrayLike = 0.0, *, n_nodes: int = 48,
                   tol: float = _TOL, compiled: bool = True) -> LewisGradient:
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
    if compiled and isinstance(tol, float) and 0.0 < tol <= 1e-3:
        small = _small(spot, strike, T, rate, dividend, dynamics, n_nodes, tol)
        if small is not None:
            return small
    t_cf, fwd, disc, x, strike = _prepare(spot, strike, T, rate, dividend, dynamics)
    spot = np.asarray(spot, dtype=float)
    w = _mean_variance(dynamics, t_cf)
    shape = np.broadcast_shapes(x.shape, t_cf.shape, np.shape(spot), np.shape(disc))
    w_b = np.broadcast_to(w, shape)
    call_bs, put_bs, _, nd_minus_d2 = _bs_parts(fwd, strike, w_b, x)
    sums = _compiled_sums(dynamics, t_cf, w, x, n_nodes, tol) if compiled else None
    if sums is None:
        sums = _numpy_sums(dynamics, t_cf, w, x, n_nodes, tol, shape)
    total_price, total_prob, total_dens, g_price, g_prob = sums
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
