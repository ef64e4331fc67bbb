"""CDS spreads from a survival curve with a flat rate: the seed's three premium conventions.

MODELS_CREDITGRADES.md §F. For any survival curve ``Q`` (possibly ``Q(0) < 1``: the jump
``1 - Q(0)`` is protection paid at 0) and flat rate ``r``::

    Prot(T) = 1 - e^{-rT} Q(T) - r int_0^T e^{-rt} Q(t) dt                       (all versions)
    (CDS-1) s_cont = (1-R) Prot / int_0^T e^{-rt} Q(t) dt
    (CDS-2) s_q    = (1-R) Prot / sum_k Delta_k e^{-r t_k} Q(t_k)
    (CDS-3) s_qa   = (1-R) Prot / [ sum_k Delta_k e^{-r t_k} Q(t_k)
                                    + sum_k int_{t_{k-1}}^{t_k} (t - t_{k-1}) e^{-rt} (-dQ(t)) ]

Integrating the accrual term by parts, the CDS-3 annuity is
``sum_k int_{t_{k-1}}^{t_k} Q(t) e^{-rt} (1 - r (t - t_{k-1})) dt``. Payment dates are
``t_k = T - (n - k)/frequency`` (``t_k = k/4`` when ``4T`` is an integer; otherwise the first
period is short, as in :class:`stochcredit.CDS`). Integrals are composite 16-point Gauss-Legendre
per premium period, with one vectorised ``survival`` call for all nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError

__all__ = ["structural_cds_legs", "structural_cds_spread", "structural_cds_spread_gradient",
           "PREMIUM_CONVENTIONS"]

PREMIUM_CONVENTIONS = ("continuous", "quarterly", "quarterly_accrual")
_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)


def _dates(T: float, frequency: int) -> np.ndarray:
    n = max(int(np.ceil(T * frequency - 1e-9)), 1)
    dates = T - (n - np.arange(1, n + 1)) / frequency
    return np.concatenate([[0.0], dates])


def structural_cds_legs(credit: Any, T: ArrayLike, rate: float = 0.0,
                        frequency: int = 4) -> pd.DataFrame:
    """Leg values per unit notional and unit spread for each maturity (flat rate ``rate``).

    Returns a DataFrame indexed by maturity with columns ``protection`` (``Prot(T)``, before the
    ``1 - R`` factor), ``annuity_continuous``, ``annuity_quarterly`` (no accrual) and
    ``annuity_quarterly_accrual`` (accrued premium paid at default).

    Parameters
    ----------
    credit : SurvivalCurve
        Any object with a vectorised ``survival(t)`` (``CreditGrades``, ``CreditGradesEquity``).
    T : float or array_like
        CDS maturities in years, ``> 0``.
    rate : float
        Flat continuously compounded rate.
    frequency : int
        Premium payments per year (4 = quarterly).
    """
    if not callable(getattr(credit, "survival", None)):
        raise InvalidParameterError("credit", credit, "a survival curve with .survival(t)")
    mats = np.atleast_1d(np.asarray(v.positive("T", T), dtype=float))
    rate = v.finite("rate", rate)
    frequency = v.integer("frequency", frequency, minimum=1)
    pieces = []
    for m in mats.ravel():
        d = _dates(float(m), frequency)
        a, b = d[:-1], d[1:]
        nodes = (a + b)[:, None] / 2.0 + (b - a)[:, None] / 2.0 * _GL_X[None, :]
        weights = (b - a)[:, None] / 2.0 * _GL_W[None, :]
        pieces.append((d, nodes, weights))
    all_t = np.concatenate([np.concatenate([d[1:], n.ravel()]) for d, n, _ in pieces])
    q_all = np.asarray(credit.survival(all_t), dtype=float)
    rows, pos = [], 0
    for m, (d, nodes, weights) in zip(mats.ravel(), pieces, strict=True):
        npay, nn = len(d) - 1, nodes.size
        q_pay = q_all[pos:pos + npay]
        q_nodes = q_all[pos + npay:pos + npay + nn].reshape(nodes.shape)
        pos += npay + nn
        disc = np.exp(-rate * nodes)
        ann_cont = float(np.sum(weights * disc * q_nodes))
        ann_q = float(np.sum(np.diff(d) * np.exp(-rate * d[1:]) * q_pay))
        ann_qa = float(np.sum(weights * disc * q_nodes
                              * (1.0 - rate * (nodes - d[:-1, None]))))
        prot = 1.0 - np.exp(-rate * m) * q_pay[-1] - rate * ann_cont
        rows.append((m, prot, ann_cont, ann_q, ann_qa))
    return pd.DataFrame(rows, columns=["maturity", "protection", "annuity_continuous",
                                       "annuity_quarterly", "annuity_quarterly_accrual"]
                        ).set_index("maturity")


def structural_cds_spread(credit: Any, T: ArrayLike, rate: float = 0.0, recovery: float = 0.5,
                          premium: str = "continuous", frequency: int = 4
                          ) -> float | np.ndarray:
    """Par CDS spread under a survival curve: CDS-1 (``premium="continuous"``), CDS-2
    (``"quarterly"``, the seed's eqs. 11-12, no accrual) or CDS-3 (``"quarterly_accrual"``).

    Parameters
    ----------
    credit : SurvivalCurve
        Any object with ``survival(t)``; ``survival(0) < 1`` is allowed (jump paid at 0).
    T : float or array_like
        Maturities in years, ``> 0``.
    rate : float
        Flat continuously compounded rate.
    recovery : float
        CDS recovery ``R`` in ``[0, 1]``.
    premium : str
        One of ``"continuous"``, ``"quarterly"``, ``"quarterly_accrual"``.
    frequency : int
        Payments per year for the periodic conventions.

    Returns
    -------
    float or ndarray
        Spreads as decimals, same shape as ``T``.

    Examples
    --------
    >>> from stochcredit import CreditGrades
    >>> cg = CreditGrades(50, 0.3, 40, rate=0.03)
    >>> (1e4 * structural_cds_spread(cg, [1, 5], 0.03)).round(4)   # bp; CG-3 = CDS-1
    array([ 2.5929, 32.4971])
    >>> (1e4 * cg.cds_spread([1, 5])).round(4)
    array([ 2.5929, 32.4971])
    """
    premium = v.choice("premium", premium, PREMIUM_CONVENTIONS)
    recovery = v.in_range("recovery", recovery, 0.0, 1.0)
    legs = structural_cds_legs(credit, T, rate, frequency)
    ann = legs[f"annuity_{premium}"].to_numpy()
    if np.any(ann <= 0):
        raise InvalidParameterError("credit", credit, "a survival curve with Q(T) > 0",
                                    "the premium annuity is zero: the par spread is undefined")
    out = (1.0 - recovery) * legs["protection"].to_numpy() / ann
    return float(out[0]) if np.ndim(T) == 0 else out.reshape(np.shape(T))


class _Component:
    """``survival(t)`` = one key of ``credit.survival_gradient(t)`` (cached per ``t``)."""

    def __init__(self, credit: Any, cache: dict, name: str) -> None:
        self.credit, self.cache, self.name = credit, cache, name

    def survival(self, t):
        key = np.asarray(t, dtype=float).tobytes()
        if key not in self.cache:
            self.cache.clear()
            self.cache[key] = self.credit.survival_gradient(t)
        return self.cache[key][self.name]


def structural_cds_spread_gradient(credit: Any, T: ArrayLike, rate: float = 0.0,
                                   recovery: float = 0.5, premium: str = "continuous",
                                   frequency: int = 4) -> dict[str, float | np.ndarray]:
    """``{parameter: d spread / d parameter}`` of :func:`structural_cds_spread` (CS01-style).

    The legs are affine in the survival curve (``Prot = 1 - e^{-rT} Q(T) - r int e^{-rt} Q``)
    and the annuities linear, so with ``dQ = credit.survival_gradient(t)[name]`` (closed form for
    ``CreditGrades``, ``Merton``, Black-Scholes ``CreditGradesEquity``):
    ``ds = (1-R) (dProt Ann - Prot dAnn) / Ann^2`` on the same quadrature nodes. Keys: the
    credit model's parameters plus ``"recovery"`` (the CDS recovery, ``-Prot/Ann``).
    """
    if not callable(getattr(credit, "survival_gradient", None)):
        raise InvalidParameterError("credit", credit, "a model with survival_gradient(t)")
    premium = v.choice("premium", premium, PREMIUM_CONVENTIONS)
    recovery = v.in_range("recovery", recovery, 0.0, 1.0)
    legs = structural_cds_legs(credit, T, rate, frequency)
    col = f"annuity_{premium}"
    prot, ann = legs["protection"].to_numpy(), legs[col].to_numpy()
    if np.any(ann <= 0):
        raise InvalidParameterError("credit", credit, "a survival curve with Q(T) > 0",
                                    "the premium annuity is zero: the par spread is undefined")
    names = list(credit.survival_gradient(np.atleast_1d(np.asarray(T, dtype=float))[:1]))
    cache: dict = {}
    out = {}
    for name in names:
        d_legs = structural_cds_legs(_Component(credit, cache, name), T, rate, frequency)
        d_prot = d_legs["protection"].to_numpy() - 1.0     # remove the affine constant
        d_ann = d_legs[col].to_numpy()
        out[name] = (1.0 - recovery) * (d_prot * ann - prot * d_ann) / ann ** 2
    out["recovery"] = -prot / ann
    shape = np.shape(T)
    return {k: (float(a[0]) if shape == () else a.reshape(shape)) for k, a in out.items()}
