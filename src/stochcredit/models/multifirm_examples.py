"""Covariance models with a common calibration knob, for comparing constant, Wishart and PC
correlation on equal footing (CLI ``stochcredit multifirm`` and the report).

Given volatilities ``vol_i`` and a correlation ``rho`` (target covariance ``C``), each model has
``E[Sigma_t] = C`` for all t (it starts and mean-reverts at ``C``):

* ``constant``: ``Sigma = C``.
* ``wishart``: ``Sigma0 = C``, ``M = -(kappa/2) I``, ``Q'Q = kappa C / beta`` so that
  ``S_inf = beta Q'Q / kappa = C`` (WI-1). ``beta`` is the degrees of freedom: the smaller, the more
  the covariance (and the correlation) moves.
* ``pc``: ``C = A diag(lambda) A'``; eigenvalues CIR with ``lambda_j(0) = theta_j = lambda_j``,
  ``kappa_j = kappa`` and ``sigma_j = 2 sqrt(kappa lambda_j / beta)`` (so ``4 kappa theta/sigma^2 =
  beta`` as for a Wishart diagonal entry, WI-5) (PC-1).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..dynamics.constant_covariance import ConstantCovariance
from ..dynamics.principal_component import PrincipalComponentCovariance
from ..dynamics.wishart import WishartCovariance

__all__ = ["covariance_from_vols", "MODELS"]

MODELS = ("constant", "wishart", "pc")


def covariance_from_vols(model: str, vols: ArrayLike, rho: float | ArrayLike, kappa: float = 1.0,
                         beta: float = 3.0):
    """A constant, Wishart or principal-component covariance with mean ``C = corr * vol vol'``.

    Parameters
    ----------
    model : {"constant", "wishart", "pc"}
    vols : array_like
        Asset volatilities (> 0), one per firm.
    rho : float or (n, n) array_like
        Correlation, ``|rho| < 1``, or a correlation matrix.
    kappa : float
        Mean-reversion speed of the covariance (> 0), per year.
    beta : float
        Degrees of freedom (``>= n - 1``); smaller means more volatile covariance.
    """
    model = v.choice("model", model, MODELS)
    target = ConstantCovariance.from_vols(vols, rho)
    if model == "constant":
        return target
    c = target.matrix
    n = c.shape[0]
    kappa = v.positive("kappa", kappa)
    beta = v.in_range("beta", beta, max(n - 1.0, 1e-12))
    if model == "wishart":
        q = np.linalg.cholesky(kappa * c / beta).T  # Q'Q = kappa C / beta
        return WishartCovariance(c, -0.5 * kappa * np.eye(n), q, beta=beta)
    lam, vecs = np.linalg.eigh(c)
    order = np.argsort(lam)[::-1]
    lam, vecs = np.maximum(lam[order], 0.0), vecs[:, order]
    sig = 2.0 * np.sqrt(kappa * lam / beta)
    return PrincipalComponentCovariance(vecs, lam, np.full(n, kappa), lam, sig)
