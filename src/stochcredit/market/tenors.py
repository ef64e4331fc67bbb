"""Tenor strings ("3M", "5Y", "1W", "ON") and date arithmetic with them.

Examples
--------
>>> parse_tenor("3m"), parse_tenor("10Y"), parse_tenor("O/N")
((3, 'M'), (10, 'Y'), (1, 'D'))
>>> import datetime as dt
>>> add_tenor(dt.date(2014, 8, 31), "6M")
datetime.date(2015, 2, 28)
>>> add_tenor(dt.date(2015, 2, 28), "1M", end_of_month=True)
datetime.date(2015, 3, 31)
>>> add_tenor("2014-10-20", "1Y", calendar=None, convention="modified_following")
datetime.date(2015, 10, 20)
"""

from __future__ import annotations

import calendar as _pycal
import datetime as _dt
import re
from typing import Any

from ..core.errors import InvalidParameterError
from .calendars import Calendar, to_date

__all__ = ["parse_tenor", "add_tenor", "add_months", "tenor_months", "format_tenor"]

_PATTERN = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$", re.IGNORECASE)
_SPECIAL = {"ON": (1, "D"), "O/N": (1, "D"), "TN": (2, "D"), "T/N": (2, "D"),
            "SN": (3, "D"), "S/N": (3, "D")}
_VALID = "a tenor such as '1D', '2W', '3M', '5Y' (or 'ON', 'TN', 'SN')"


def parse_tenor(tenor: Any) -> tuple[int, str]:
    """``"3M"`` -> ``(3, "M")``; units D, W, M, Y, case-insensitive.

    ``"ON"``/``"O/N"`` is one day; ``"TN"`` two and ``"SN"`` three days (each measured from the
    trade date). Anything else raises :class:`~stochcredit.InvalidParameterError` naming the
    tenor.
    """
    if not isinstance(tenor, str):
        raise InvalidParameterError("tenor", tenor, _VALID)
    key = tenor.strip().upper()
    if key in _SPECIAL:
        return _SPECIAL[key]
    m = _PATTERN.match(key)
    if m is None:
        raise InvalidParameterError("tenor", tenor, _VALID)
    n = int(m.group(1))
    if n == 0:
        raise InvalidParameterError("tenor", tenor, _VALID + " with a positive count")
    return n, m.group(2).upper()


def format_tenor(n: int, unit: str) -> str:
    """``(3, "M")`` -> ``"3M"``."""
    return f"{int(n)}{unit.upper()}"


def tenor_months(tenor: Any) -> int:
    """Length of a month/year tenor in months (``"5Y"`` -> 60); D/W tenors are refused."""
    n, unit = parse_tenor(tenor)
    if unit not in ("M", "Y"):
        raise InvalidParameterError("tenor", tenor, "a month or year tenor such as '6M', '1Y'")
    return n * (12 if unit == "Y" else 1)


def _is_month_end(d: _dt.date) -> bool:
    return d.day == _pycal.monthrange(d.year, d.month)[1]


def add_months(d: _dt.date, months: int, end_of_month: bool = False) -> _dt.date:
    """``d`` plus whole months, the day clamped to the month's length.

    With ``end_of_month`` a month-end start gives a month-end result.
    """
    total = d.year * 12 + (d.month - 1) + int(months)
    year, month = divmod(total, 12)
    month += 1
    last = _pycal.monthrange(year, month)[1]
    day = last if (end_of_month and _is_month_end(d)) else min(d.day, last)
    return _dt.date(year, month, day)


def add_tenor(d: Any, tenor: Any, calendar: Calendar | str | None = None,
              convention: str = "unadjusted", end_of_month: bool = False) -> _dt.date:
    """The date ``tenor`` after ``d``, then adjusted by ``convention`` on ``calendar``.

    Days and weeks are calendar days; months and years are calendar months with the day clamped
    to the month's length. ``end_of_month`` is QuantLib's rule: a month-end start gives a
    month-end result (unadjusted: calendar month ends; otherwise last business days). The default
    calendar is weekends-only (it matters only when ``convention`` is not ``"unadjusted"``).
    """
    start = to_date(d, "d")
    n, unit = parse_tenor(tenor)
    cal = calendar if isinstance(calendar, Calendar) else Calendar(calendar)
    if unit == "D":
        out = start + _dt.timedelta(days=n)
    elif unit == "W":
        out = start + _dt.timedelta(days=7 * n)
    else:
        months = n * (12 if unit == "Y" else 1)
        conv = str(convention).lower().replace("-", "_")
        if conv == "unadjusted":
            eom = end_of_month and _is_month_end(start)
        else:  # QuantLib's Calendar.isEndOfMonth: the next business day is in another month
            eom = end_of_month and cal.adjust(start + _dt.timedelta(days=1)).month != start.month
        if eom:
            first = add_months(_dt.date(start.year, start.month, 1), months)
            out = _dt.date(first.year, first.month, _pycal.monthrange(first.year, first.month)[1])
            return out if conv == "unadjusted" else cal.adjust(out, "preceding")
        else:
            out = add_months(start, months)
    return cal.adjust(out, convention)
