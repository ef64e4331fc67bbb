"""Monte Carlo results of multi-firm models: joint default, default correlation, correlation
paths — estimates drawn with their confidence bands."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._axes import finish, target


def _band(ax: Axes, t: np.ndarray, est: np.ndarray, label: str | None, n_se: float,
          **line_kw: Any) -> Axes:
    value, se = est[:, 0], est[:, 1]
    line = ax.plot(t, value, label=label, **line_kw)[0]
    ax.fill_between(t, value - n_se * se, value + n_se * se, color=line.get_color(), alpha=0.2,
                    lw=0)
    return ax


def joint_default(result: Any, ax: Axes | None = None, *, i: int = 0, j: int = 1,
                  n_se: float = 2.0, label: str | None = None, **line_kw: Any) -> Axes:
    """Joint default probability ``P(tau_i <= t, tau_j <= t)`` at the recorded times, with a
    band of ``n_se`` standard errors.

    Parameters
    ----------
    result : MultiFirmSimulationResult
        From :meth:`stochcredit.MultiFirmCreditGrades.simulate`.
    ax : matplotlib.axes.Axes, optional
    i, j : int
        The two firms.
    n_se : float
        Half-width of the band in standard errors.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = target(ax)
    t = np.asarray(result.record_times[1:], dtype=float)
    est = np.array([tuple(result.joint_default_probability(i, j, s)) for s in t])
    _band(ax, t, est, label or f"firms {i}, {j} (±{n_se:g} s.e.)", n_se, **line_kw)
    return finish(ax, "t (years)", f"P(tau_{i} <= t, tau_{j} <= t)")


def default_correlation(result: Any, ax: Axes | None = None, *, i: int = 0, j: int = 1,
                        n_se: float = 2.0, label: str | None = None, **line_kw: Any) -> Axes:
    """Default correlation of firms ``i`` and ``j`` against time, with a band of ``n_se``
    standard errors (delta method).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = target(ax)
    t = np.asarray(result.record_times[1:], dtype=float)
    est = np.array([tuple(result.default_correlation(i, j, s)) for s in t])
    ok = np.isfinite(est[:, 0])
    _band(ax, t[ok], est[ok], label or f"firms {i}, {j} (±{n_se:g} s.e.)", n_se, **line_kw)
    return finish(ax, "t (years)", f"default correlation of firms {i}, {j}")


def correlation_paths(result: Any, ax: Axes | None = None, *, i: int = 0, j: int = 1,
                      n_paths: int = 5, reference: float | None = None) -> Axes:
    """Simulated instantaneous asset correlation paths
    ``rho_t = Sigma_ij / sqrt(Sigma_ii Sigma_jj)`` and their mean over all paths.

    Parameters
    ----------
    result : MultiFirmSimulationResult
        Uses ``sample_covariance`` (the first few paths) and ``mean_correlation``.
    n_paths : int
        How many sample paths to draw (at most those stored).
    reference : float, optional
        A constant correlation to draw for comparison (dashed).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = target(ax)
    cov = np.asarray(result.sample_covariance)
    rho = cov[:, :, i, j] / np.sqrt(cov[:, :, i, i] * cov[:, :, j, j])
    k = min(n_paths, rho.shape[1])
    ax.plot(result.times, rho[:, :k], lw=0.8, alpha=0.8)
    ax.plot([], [], lw=0.8, color="tab:blue", label=f"{k} simulated paths")
    ax.plot(result.record_times, result.mean_correlation[:, i, j], "k-", lw=2,
            label="mean over all paths")
    if reference is not None:
        ax.axhline(reference, color="gray", ls="--", label=f"constant rho = {reference:g}")
    return finish(ax, "t (years)", f"asset correlation rho_{i}{j}(t)")
