"""US Treasury par yields (packaged daily CMT file) and the zero curve bootstrapped from them.

Source: U.S. Department of the Treasury, "Daily Treasury Par Yield Curve Rates" (see
``stochcredit/data/SOURCES.md``): percent, semi-annual bond-equivalent basis.

Convention of :func:`treasury_zero_curve` (documented choice, not an official Treasury curve):

- **Bills** (1M, 3M, 6M, 1Y) are zero-coupon bonds priced from their bond-equivalent yield y:
  ``P = 1 / (1 + y t)`` for ``t <= 1/2`` (simple interest) and
  ``P = 1 / ((1 + y/2)(1 + y (t - 1/2)))`` beyond (the BEY formula for a bill longer than six
  months; at t = 1 it is semi-annual compounding).
- **Notes and bonds** (2Y ... 30Y) are par bonds (price 1) with semi-annual coupons equal to the
  par yield. Par yields are interpolated linearly in maturity onto the semi-annual grid
  1.5, 2, 2.5, ..., 30 years (the 1Y point anchors the interpolation), so every coupon date of
  every bond is a pillar and the bootstrap is exact.
- Tenor dates are year fractions ``months / 12``; no calendars, no settlement lag.

The resulting :class:`~stochcredit.market.curves.ZeroCurve` (continuously compounded zero rates,
piecewise-flat forwards) reprices every bill and every interpolated par bond.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from .bonds import Bond, bootstrap_zero_curve
from .curves import ZeroCurve

__all__ = ["load_treasury_par_yields", "treasury_zero_curve", "TENOR_YEARS"]

TENOR_YEARS = {"1M": 1 / 12, "2M": 2 / 12, "3M": 0.25, "4M": 4 / 12, "6M": 0.5, "1Y": 1.0,
               "2Y": 2.0, "3Y": 3.0, "5Y": 5.0, "7Y": 7.0, "10Y": 10.0, "20Y": 20.0,
               "30Y": 30.0}
_BILLS = ("1M", "2M", "3M", "4M", "6M", "1Y")
_MAX_GAP_DAYS = 7  # a date may fall back at most this many days to the previous quoted day


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    from .. import data

    df = pd.read_csv(data.path("ust_par_yields.csv"), parse_dates=["date"]).set_index("date")
    return df.sort_index() / 100.0


def load_treasury_par_yields(date: str | _dt.date | None = None) -> pd.DataFrame | pd.Series:
    """Packaged US Treasury par yields as decimals.

    Parameters
    ----------
    date : str, date or None
        ``None`` returns the whole table (index: dates, columns: tenor labels such as ``"10Y"``).
        A date returns that day's curve; a weekend or holiday uses the previous business day in
        the file (at most 7 days earlier), as the papers do for 2016-05-14 and 2016-06-12.

    Returns
    -------
    DataFrame or Series
        For a date: a Series indexed by tenor label, missing tenors dropped, with ``.name`` the
        date actually used and ``.attrs["years"]`` the tenors in years.

    Examples
    --------
    >>> load_treasury_par_yields("2016-05-14").name   # a Saturday -> Friday's curve
    Timestamp('2016-05-13 00:00:00')
    """
    table = _table()
    if date is None:
        return table.copy()
    try:
        when = pd.Timestamp(date).normalize()
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError("date", date, "a date such as '2016-05-13'") from exc
    pos = table.index.searchsorted(when, side="right") - 1
    if pos < 0 or (when - table.index[pos]).days > _MAX_GAP_DAYS:
        first, last = table.index[0].date(), table.index[-1].date()
        raise InvalidParameterError("date", str(when.date()),
                                    f"a date covered by the packaged file ({first} ... {last}, "
                                    "2007-07/08, 2009-05, 2014-10, 2016, 2017-09, 2019-08)")
    row = table.iloc[pos].dropna()
    row.attrs["years"] = np.array([TENOR_YEARS[c] for c in row.index])
    return row


def _bill_price(y: float, t: float) -> float:
    if t <= 0.5:
        return 1.0 / (1.0 + y * t)
    return 1.0 / ((1.0 + y / 2.0) * (1.0 + y * (t - 0.5)))


def treasury_zero_curve(date: str | _dt.date) -> ZeroCurve:
    """Zero curve bootstrapped from the day's UST par yields (convention: module docstring).

    Examples
    --------
    >>> curve = treasury_zero_curve("2016-05-13")
    >>> round(float(curve.zero_rate(10.0)), 4)
    0.0173
    """
    row = load_treasury_par_yields(date)
    years = row.attrs["years"]
    bonds = [Bond(t, 0.0, _bill_price(float(y), t))
             for label, y, t in zip(row.index, row.values, years, strict=True)
             if label in _BILLS]
    coupon_years = np.array([t for label, t in zip(row.index, years, strict=True)
                             if label not in _BILLS or label == "1Y"])
    coupon_yields = np.array([y for label, y in zip(row.index, row.values, strict=True)
                              if label not in _BILLS or label == "1Y"])
    if coupon_years.size >= 2:
        grid = np.arange(3, int(round(2 * coupon_years[-1])) + 1) / 2.0
        grid = grid[grid >= coupon_years[0]]
        bill_times = {b.maturity for b in bonds}
        for t, y in zip(grid, np.interp(grid, coupon_years, coupon_yields), strict=True):
            if t not in bill_times:
                bonds.append(Bond(float(t), float(y), 1.0, frequency=2))
    return bootstrap_zero_curve(bonds)
