"""CDS-option smiles and premium surfaces; equity smiles of structural models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from ._axes import finish, target


def cds_option_smile(forward: float, strikes: ArrayLike, expiry: float, annuity: float,
                     vols: Mapping[str, float], ax: Axes | None = None, *,
                     kind: str = "payer", drift: float = 0.0) -> Axes:
    """Black implied vol against strike of each model's CDS-option prices.

    Parameters
    ----------
    forward, expiry, annuity : float
        As in :func:`stochcredit.cds_option_price`.
    strikes : array_like
        Strikes as decimals (drawn in bp).
    vols : mapping
        ``{model: vol}`` with each model's own vol (Black: lognormal; others: absolute), e.g.
        ``{"black": 0.28, "gamma": 0.00415, "inverse_gaussian": 0.00415}``.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from ...instruments.cds_options import cds_option_price, implied_black_vol

    ax = target(ax)
    k = np.asarray(strikes, dtype=float)
    for model, vol in vols.items():
        price = cds_option_price(forward, k, expiry, annuity, vol, model=model, kind=kind,
                                 drift=drift)
        iv = implied_black_vol(price, forward, k, expiry, annuity, kind=kind)
        ax.plot(1e4 * k, 100 * np.asarray(iv), label=model)
    ax.axvline(1e4 * forward, color="gray", lw=0.6, ls=":")
    return finish(ax, "strike (bp)", "Black implied vol (%)")


def premium_surface(forwards: ArrayLike, vols: ArrayLike, strike: float, expiry: float,
                    annuity: float, ax: Axes | None = None, *, model: str = "black",
                    kind: str = "payer", levels: int = 10, cmap: str = "inferno") -> Axes:
    """CDS-option premium (bp of notional) over a forward-spread x vol grid, as a heat map
    with labelled contours and a colour bar.

    Parameters
    ----------
    forwards, vols : array_like
        1-d grids (forwards as decimals, drawn in bp; vols in the model's convention).
    strike, expiry, annuity : float
    ax : matplotlib.axes.Axes, optional
    model, kind : str
        As in :func:`stochcredit.cds_option_price`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from ...instruments.cds_options import cds_option_price

    ax = target(ax)
    x = np.asarray(forwards, dtype=float)
    s = np.asarray(vols, dtype=float)
    X, S = np.meshgrid(x, s)
    V = 1e4 * np.asarray(cds_option_price(X, strike, expiry, annuity, S, model=model, kind=kind))
    im = ax.pcolormesh(1e4 * x, s, V, cmap=cmap, shading="auto")
    cs = ax.contour(1e4 * x, s, V, colors="w", linewidths=0.6, levels=levels)
    ax.clabel(cs, fontsize=7, fmt="%.0f")
    ax.figure.colorbar(im, ax=ax, label="premium (bp of notional)")
    ax.set_title(f"{model} {kind}, K = {1e4 * strike:.0f} bp, T = {expiry:g}y", fontsize=10)
    return finish(ax, "forward spread (bp)", f"{model} vol", legend=False)


def equity_smile(model: Any, strikes: ArrayLike, T: float, ax: Axes | None = None, *,
                 label: str | None = None, otm: bool = True, **line_kw: Any) -> Axes:
    """Black-Scholes implied vol of a structural model's equity options against strike.

    Parameters
    ----------
    model : CreditGradesEquity or MultiFirmCreditGrades.firm(i)
        Any model with ``implied_vol(strike, T, kind)`` and ``equity``.
    strikes : array_like
    T : float
    otm : bool
        Out-of-the-money options (puts below the spot, calls above) when True, calls otherwise.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = target(ax)
    k = np.asarray(strikes, dtype=float)
    if otm:
        iv = np.array([float(model.implied_vol(ki, T, kind="put" if ki < model.equity
                                               else "call")) for ki in k])
    else:
        iv = np.asarray(model.implied_vol(k, T), dtype=float)
    ax.plot(k, 100 * iv, label=label or f"T = {T:g}y", **line_kw)
    return finish(ax, "strike", "Black-Scholes implied equity vol (%)")
