"""Calibration results: market quotes with the fitted curve, and the residuals per quote."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._axes import finish, target


def _fitted_curve(fit: Any, quotes: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A fine maturity grid and the fitted model's spreads on it, when the model can tell."""
    model = getattr(fit, "model", None)
    if model is None or not hasattr(model, "credit_spread") or quotes.size < 2:
        return None
    grid = np.linspace(max(0.05, 0.5 * quotes.min()), quotes.max(), 120)
    try:
        return grid, np.asarray(model.credit_spread(grid), dtype=float)
    except (ValueError, TypeError):  # e.g. a model whose rate is a term structure
        return None


def calibration(fit: Any, ax: Axes | None = None, *, label: str | None = None,
                color: str | None = None, scale: float = 1e4, unit: str = "bp") -> Axes:
    """Market quotes (markers) and the fitted model (line) of a calibration result.

    Parameters
    ----------
    fit : CalibrationResult
        E.g. from :func:`stochcredit.calibrate_merton`: uses ``market``, ``fitted``, ``quotes``
        (maturities), ``error`` and, for the line between quotes, ``model.credit_spread``.
    ax : matplotlib.axes.Axes, optional
    label : str, optional
        Legend entry of the fitted curve (default: the model name and the fit error I(Omega)).
    color : str, optional
    scale, unit : float, str
        Display scale of the values (default bp: 1e4).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = target(ax)
    quotes = np.asarray(fit.quotes, dtype=float)
    name = getattr(fit, "model_name", "") or "model"
    label = label or f"{name} (I = {fit.error:.1e})"
    curve = _fitted_curve(fit, quotes)
    if curve is not None:
        line = ax.plot(curve[0], scale * curve[1], color=color, label=label)[0]
        ax.plot(quotes, scale * np.asarray(fit.fitted), "x", color=line.get_color(), ms=5)
    else:
        ax.plot(quotes, scale * np.asarray(fit.fitted), "x-", color=color, label=label)
    # one "market" legend entry per Axes however many fits are drawn on it
    labels = ax.get_legend_handles_labels()[1]
    ax.plot(quotes, scale * np.asarray(fit.market), "ko", mfc="none", zorder=3,
            label="_market" if "market" in labels else "market")
    return finish(ax, "maturity (years)", f"spread ({unit})")


def residuals(fit: Any, ax: Axes | None = None, *, label: str | None = None,
              color: str | None = None, width: float | None = None,
              offset: float = 0.0) -> Axes:
    """Relative fit errors ``(fitted - market) / market`` per quote, in percent, as bars.

    ``width`` and ``offset`` (in maturity units) let several fits share one Axes side by side.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = target(ax)
    quotes = np.asarray(fit.quotes, dtype=float)
    rel = 100 * np.asarray(fit.relative_errors, dtype=float)
    if width is None:
        gaps = np.diff(np.unique(quotes))
        width = 0.6 * float(gaps.min()) if gaps.size else 0.5
    ax.bar(quotes + offset, rel, width=width, color=color,
           label=label or (getattr(fit, "model_name", "") or "model"))
    ax.axhline(0.0, color="k", lw=0.6)
    return finish(ax, "maturity (years)", "relative error: fitted / market - 1 (%)")
