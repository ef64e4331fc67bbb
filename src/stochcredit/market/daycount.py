"""Day-count conventions (year fractions between dates).

- ``"ACT/360"``: actual days / 360.
- ``"ACT/365F"`` (``"ACT/365"``, ``"ACT/365 FIXED"``): actual days / 365.
- ``"30/360"`` (ISDA bond basis, ISDA 2006 Definitions 4.16(f); QuantLib
  ``Thirty360.BondBasis``): ``D1 = min(D1, 30)``; ``D2 = 30`` when ``D2 = 31`` and ``D1 >= 30``.
- ``"30E/360"`` (Eurobond basis, 4.16(g); QuantLib ``Thirty360.European``): both days capped at 30.

Days are ``360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)`` for the 30/360 family. Scalar dates give a
float; arrays (``numpy.datetime64[D]`` or anything numpy converts to it) give an array.

Examples
--------
>>> year_fraction("2014-10-20", "2015-04-20", "30/360")
0.5
>>> day_count("2014-01-31", "2014-03-31", "30/360"), day_count("2014-01-30", "2014-03-31", "30/360")
(60.0, 60.0)
>>> [day_count("2014-02-28", "2014-03-31", c) for c in ("30E/360", "30/360")]
[32.0, 33.0]
>>> year_fraction("2014-10-16", "2015-10-16", "ACT/360")
1.0138888888888888
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from ..core.errors import InvalidParameterError
from .calendars import to_date

__all__ = ["year_fraction", "day_count", "CONVENTIONS", "canonical"]

CONVENTIONS = ("ACT/360", "ACT/365F", "30/360", "30E/360")
_ALIASES = {
    "ACT/360": "ACT/360", "A360": "ACT/360", "ACTUAL/360": "ACT/360",
    "ACT/365F": "ACT/365F", "ACT/365": "ACT/365F", "ACT/365FIXED": "ACT/365F", "A365F": "ACT/365F",
    "ACTUAL/365": "ACT/365F", "ACTUAL/365F": "ACT/365F", "ACTUAL/365FIXED": "ACT/365F",
    "30/360": "30/360", "30/360BONDBASIS": "30/360", "30/360ISDA": "30/360", "30U/360": "30/360",
    "BONDBASIS": "30/360",
    "30E/360": "30E/360", "30/360EUROPEAN": "30E/360", "EUROBONDBASIS": "30E/360",
}


def canonical(convention: str) -> str:
    """The canonical name of a day-count convention, or :class:`InvalidParameterError`."""
    key = str(convention).upper().replace(" ", "").replace("_", "")
    if key not in _ALIASES:
        raise InvalidParameterError("convention", convention,
                                    "one of " + ", ".join(repr(c) for c in CONVENTIONS))
    return _ALIASES[key]


def _as_days(name: str, x: Any) -> tuple[np.ndarray, bool]:
    """Dates as datetime64[D] array and whether the input was a scalar."""
    if isinstance(x, (_dt.date, str, np.datetime64)) or not hasattr(x, "__len__"):
        return np.asarray(np.datetime64(to_date(x, name), "D")), True
    try:
        arr = np.asarray(x, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(name, x, "dates (datetime64[D]-convertible)") from exc
    if np.any(np.isnat(arr)):
        raise InvalidParameterError(name, x, "dates without NaT")
    return arr, False


def _ymd(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = a.astype("datetime64[Y]")
    m = a.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y).astype(np.int64) + 1
    day = (a - m).astype(np.int64) + 1
    return year, month, day


def day_count(start: Any, end: Any, convention: str) -> float | np.ndarray:
    """Days between ``start`` and ``end`` under ``convention`` (the numerator of the fraction)."""
    conv = canonical(convention)
    s, s_scalar = _as_days("start", start)
    e, e_scalar = _as_days("end", end)
    if conv in ("ACT/360", "ACT/365F"):
        days = (e - s).astype(np.int64)
    else:
        y1, m1, d1 = _ymd(s)
        y2, m2, d2 = _ymd(e)
        if conv == "30/360":
            d2 = np.where((d2 == 31) & (d1 >= 30), 30, d2)
            d1 = np.minimum(d1, 30)
        else:
            d1 = np.minimum(d1, 30)
            d2 = np.minimum(d2, 30)
        days = 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
    days = np.asarray(days, dtype=float)
    return float(days) if (s_scalar and e_scalar) else days


def year_fraction(start: Any, end: Any, convention: str) -> float | np.ndarray:
    """Year fraction from ``start`` to ``end`` (negative when ``end < start``).

    Parameters
    ----------
    start, end : date, ISO string, datetime64 or arrays of them (broadcast together)
    convention : {"ACT/360", "ACT/365F", "30/360", "30E/360"}
    """
    conv = canonical(convention)
    days = day_count(start, end, conv)
    return days / (365.0 if conv == "ACT/365F" else 360.0)
