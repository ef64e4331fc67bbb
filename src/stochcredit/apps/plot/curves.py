"""``sc.plot.curve``: one call for every discount curve, survival curve and structural model."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from ...core.errors import InvalidParameterError
from ._axes import finish, target

QUANTITIES = ("auto", "zero_rate", "discount", "forward", "hazard", "survival",
              "default_probability", "spread")

# quantity -> (y label, scale to display units)
_LABELS = {
    "zero_rate": ("zero rate, continuously compounded (%)", 100.0),
    "discount": ("discount factor P(0, t)", 1.0),
    "forward": ("instantaneous forward rate (%)", 100.0),
    "hazard": ("hazard rate (bp per year)", 1e4),
    "survival": ("survival probability Q(t)", 1.0),
    "default_probability": ("default probability 1 - Q(t)", 1.0),
    "spread": ("spread (bp)", 1e4),
}


def natural_quantity(obj: Any) -> str:
    """What :func:`curve` draws by default for ``obj``.

    Discount curves: the zero rate; piecewise-flat hazard curves: the hazard rate; structural
    models: their spread term structure (Merton's credit spread, CreditGrades' CDS spread, the
    CDS spread of any other model that has a ``rate``); any other survival curve: survival.
    """
    if hasattr(obj, "discount") and not hasattr(obj, "survival"):
        return "zero_rate" if hasattr(obj, "zero_rate") else "discount"
    if not hasattr(obj, "survival"):
        raise InvalidParameterError("obj", type(obj).__name__,
                                    "a discount curve (.discount) or a survival curve (.survival)")
    if hasattr(obj, "hazard") and hasattr(obj, "piecewise_flat"):
        return "hazard"
    if hasattr(obj, "credit_spread") or hasattr(obj, "cds_spread") or hasattr(obj, "rate"):
        return "spread"
    return "survival"


def _grid(obj: Any, t: ArrayLike | None, quantity: str) -> np.ndarray:
    if t is not None:
        return np.asarray(t, dtype=float)
    knots = np.asarray(getattr(obj, "times", []), dtype=float).ravel()
    hi = max(10.0, 1.1 * float(knots.max())) if knots.size else 10.0
    lo = 0.0 if quantity in ("survival", "default_probability", "discount", "hazard",
                             "forward") else hi / 200
    grid = np.linspace(lo, hi, 201)
    if quantity in ("hazard", "forward") and knots.size:  # crisp steps at the pillars
        grid = np.unique(np.concatenate([grid, knots, knots + 1e-9 * hi]))
    return grid


def _values(obj: Any, quantity: str, t: np.ndarray, recovery: float) -> np.ndarray:
    if quantity == "zero_rate":
        return obj.zero_rate(np.maximum(t, 1e-8))
    if quantity == "discount":
        return obj.discount(t)
    if quantity == "forward":
        return obj.instantaneous_forward(t)
    if quantity == "hazard":
        return obj.hazard(t)
    if quantity == "survival":
        return obj.survival(t)
    if quantity == "default_probability":
        return 1.0 - np.asarray(obj.survival(t))
    # spread
    t = np.maximum(t, 1e-6)
    if hasattr(obj, "credit_spread"):
        return obj.credit_spread(t)
    if hasattr(obj, "cds_spread"):
        return obj.cds_spread(t, recovery=recovery)
    from ...instruments.structural_cds import structural_cds_spread

    return structural_cds_spread(obj, t, float(getattr(obj, "rate", 0.0)), recovery)


def curve(obj: Any, ax: Axes | None = None, *, quantity: str = "auto",
          t: ArrayLike | None = None, recovery: float = 0.5, label: str | None = None,
          **line_kw: Any) -> Axes:
    """Draw a discount curve, survival curve or structural model against time.

    Parameters
    ----------
    obj : DiscountCurve or SurvivalCurve
        ``FlatCurve``/``ZeroCurve`` (any object with ``discount``), ``HazardCurve``,
        ``FlatHazardCurve``, or a structural model (``Merton``, ``CreditGrades``,
        ``CreditGradesEquity``, ``MultiFirmCreditGrades.firm(i)``...).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.
    quantity : str
        One of ``"auto"`` (see :func:`natural_quantity`), ``"zero_rate"`` (%), ``"discount"``,
        ``"forward"`` (instantaneous, %), ``"hazard"`` (bp), ``"survival"``,
        ``"default_probability"``, ``"spread"`` (bp: Merton's credit spread
        :math:`-\\ln(D_0/B)/T - r`, CreditGrades' closed-form CDS spread, otherwise the
        continuous-premium CDS spread of :func:`~stochcredit.instruments.structural_cds.
        structural_cds_spread` at the model's ``rate``).
    t : array_like, optional
        Times in years (default 0-10y, or past the curve's last pillar).
    recovery : float
        CDS recovery for the CDS spreads of CreditGrades-type models.
    label : str, optional
        Legend entry (default: the class name).
    **line_kw
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import stochcredit as sc
    >>> ax = sc.plot.curve(sc.HazardCurve([1, 3, 5], [0.01, 0.02, 0.015]))
    >>> ax.get_ylabel()
    'hazard rate (bp per year)'
    """
    if quantity not in QUANTITIES:
        raise InvalidParameterError("quantity", quantity, f"one of {QUANTITIES}")
    q = natural_quantity(obj) if quantity == "auto" else quantity
    ax = target(ax)
    grid = _grid(obj, t, q)
    ylabel, scale = _LABELS[q]
    y = scale * np.asarray(_values(obj, q, grid, recovery), dtype=float)
    ax.plot(grid, np.broadcast_to(y, grid.shape), label=label or type(obj).__name__, **line_kw)
    if q == "spread" and not hasattr(obj, "credit_spread"):
        ylabel = "CDS par spread (bp)"
    elif q == "spread":
        ylabel = "credit spread (bp)"
    return finish(ax, "maturity (years)" if q == "spread" else "t (years)", ylabel)
