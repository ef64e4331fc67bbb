"""ISDA standard CDS dates, at the edge: IMM dates, standard maturities and schedules.

Everything else in the library works in year fractions; this module turns dates into them.
Conventions (the post-2015 "CDS2015" standard, as QuantLib's ``DateGeneration.CDS2015``):

- IMM dates: the 20th of March, June, September and December.
- Standard maturity of a T-year CDS traded on date d: the roll date is June 20 for trades from
  March 20 to September 19, December 20 for trades from September 20 to March 19 (of the
  previous year before March 20); maturity = roll date + T years (unadjusted).
- Schedule: accrual starts on the last IMM date on or before the trade date; accrual dates are
  the IMM dates, moved to the next weekday (weekends-only calendar, "following"); the maturity
  stays unadjusted. Coupons accrue ACT/360; the last period includes the maturity date
  (one extra day). Year fractions for curves and :class:`~stochcredit.CDS` are ACT/365F from the
  valuation date.

Examples
--------
>>> standard_maturity("2014-10-16", 5)
datetime.date(2019, 12, 20)
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache as _lru_cache

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from ..core.validation import integer
from .calendars import Calendar, to_date
from .tenors import parse_tenor

__all__ = ["imm_dates", "previous_imm_date", "standard_maturity", "adjust_following",
           "year_fraction", "standard_schedule", "cds_maturity", "first_accrual_start",
           "coupon_schedule", "rebate_days"]

_IMM_MONTHS = (3, 6, 9, 12)
_functools_cache = _lru_cache(maxsize=4096)


def _date(name: str, d) -> _dt.date:
    try:
        return pd.Timestamp(d).date()
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(name, d, "a date such as '2014-10-16'") from exc


def imm_dates(start, end) -> list[_dt.date]:
    """All IMM dates (20 Mar/Jun/Sep/Dec, unadjusted) in ``[start, end]``."""
    s, e = _date("start", start), _date("end", end)
    out = []
    for year in range(s.year, e.year + 1):
        for m in _IMM_MONTHS:
            d = _dt.date(year, m, 20)
            if s <= d <= e:
                out.append(d)
    return out


def previous_imm_date(d) -> _dt.date:
    """The last IMM date on or before ``d`` (unadjusted)."""
    d = _date("date", d)
    for year in (d.year, d.year - 1):
        for m in reversed(_IMM_MONTHS):
            c = _dt.date(year, m, 20)
            if c <= d:
                return c
    raise AssertionError("unreachable")  # pragma: no cover


def standard_maturity(trade_date, tenor_years: int) -> _dt.date:
    """Standard (CDS2015, semi-annual roll) maturity of a ``tenor_years`` CDS traded on a date."""
    d = _date("trade_date", trade_date)
    n = integer("tenor_years", tenor_years, minimum=0)
    if (d.month, d.day) >= (9, 20):
        roll = _dt.date(d.year, 12, 20)
    elif (d.month, d.day) >= (3, 20):
        roll = _dt.date(d.year, 6, 20)
    else:
        roll = _dt.date(d.year - 1, 12, 20)
    return roll.replace(year=roll.year + n)


def adjust_following(d) -> _dt.date:
    """Move a weekend date to the next Monday (weekends-only calendar)."""
    d = _date("date", d)
    return d + _dt.timedelta(days=max(0, 7 - d.weekday()) if d.weekday() >= 5 else 0)


def year_fraction(start, end, basis: str = "act/365f"):
    """Day-count fraction between dates: ``"act/365f"`` (curves) or ``"act/360"`` (coupons).

    ``start`` and ``end`` may be single dates or sequences (same length or one of them scalar).
    """
    key = str(basis).lower().replace(" ", "")
    denom = {"act/365f": 365.0, "act/365": 365.0, "act/360": 360.0}.get(key)
    if denom is None:
        raise InvalidParameterError("basis", basis, "'act/365f' or 'act/360'")
    days = (pd.to_datetime(end) - pd.to_datetime(start))
    days = np.asarray(days / pd.Timedelta(days=1), dtype=float)
    return float(days) / denom if days.ndim == 0 else days / denom


def standard_schedule(trade_date, maturity, valuation_date=None) -> pd.DataFrame:
    """Premium periods of a standard CDS (see the module docstring).

    Parameters
    ----------
    trade_date : date-like
    maturity : date-like or int
        A date, or a tenor in whole years (then :func:`standard_maturity` is used).
    valuation_date : date-like, optional
        Origin of the year fractions (default: the trade date).

    Returns
    -------
    DataFrame
        One row per period: ``accrual_start``, ``accrual_end``, ``payment_date``,
        ``accrual_fraction`` (ACT/360, last period + 1 day), ``t_start``, ``t_end``
        (ACT/365F from the valuation date; ``t_end`` of the last row is the protection end).
    """
    td = _date("trade_date", trade_date)
    if isinstance(maturity, int | np.integer):
        mat = standard_maturity(td, int(maturity))
    else:
        mat = _date("maturity", maturity)
    if mat <= td:
        raise InvalidParameterError("maturity", str(mat), f"after the trade date {td}")
    val = td if valuation_date is None else _date("valuation_date", valuation_date)
    first = previous_imm_date(td)
    unadjusted = [first] + [d for d in imm_dates(first + _dt.timedelta(days=1), mat) if d < mat]
    starts = [adjust_following(d) for d in unadjusted]
    ends = starts[1:] + [mat]
    pay = [adjust_following(d) for d in ends]
    days = np.array([(e - s).days for s, e in zip(starts, ends, strict=True)], dtype=float)
    days[-1] += 1.0
    return pd.DataFrame({
        "accrual_start": starts,
        "accrual_end": ends,
        "payment_date": pay,
        "accrual_fraction": days / 360.0,
        "t_start": [(s - val).days / 365.0 for s in starts],
        "t_end": [(e - val).days / 365.0 for e in ends],
    })


# ---------------------------------------------------------------------------------------------
# Dated standard contracts (StandardCDS): CDS2015 maturities and the ISDA coupon schedule, as
# QuantLib's cdsMaturity / Schedule(DateGeneration.CDS2015) and the ISDA CDS Standard Model.
# ---------------------------------------------------------------------------------------------

def _add_months(d: _dt.date, months: int) -> _dt.date:
    """Months added to a 20th (day 20 exists in every month)."""
    m = d.month - 1 + months
    return d.replace(year=d.year + m // 12, month=m % 12 + 1)


def cds_maturity(trade_date, tenor: str) -> _dt.date:
    """CDS2015 standard maturity (unadjusted) of a ``tenor`` contract traded on ``trade_date``.

    The anchor is the last IMM date on or before the trade date, moved back three months when it
    is a 20 June or 20 December (the semi-annual roll); maturity = anchor + tenor + 3 months
    (QuantLib ``cdsMaturity(..., DateGeneration.CDS2015)``; ISDA "Amend Single Name On-The-Run
    Frequency" 2015). ``tenor`` is a whole number of quarters (``"3M"``, ``"6M"``, ``"1Y"``,
    ``"5Y"``, ``"10Y"``) or ``"0M"`` for trades from 20 Mar / 20 Sep to the next roll.

    Examples
    --------
    >>> cds_maturity("2014-10-16", "5Y")
    datetime.date(2019, 12, 20)
    >>> cds_maturity("2015-12-20", "6M")
    datetime.date(2016, 6, 20)
    """
    td = to_date(trade_date, "trade_date")
    text = str(tenor).strip().upper() if isinstance(tenor, str) else tenor
    if text in ("0M", "0Y"):
        months = 0
    else:
        n, unit = parse_tenor(tenor)
        if unit not in ("M", "Y") or (unit == "M" and n % 3):
            raise InvalidParameterError("tenor", tenor,
                                        "a whole number of quarters such as '6M', '1Y', '5Y'")
        months = n * (12 if unit == "Y" else 1)
    anchor = previous_imm_date(td)
    if anchor.month in (6, 12):
        if months == 0:
            raise InvalidParameterError("tenor", tenor, "'0M' only for trades from 20 Mar to 19 "
                                        "Jun or from 20 Sep to 19 Dec")
        anchor = _add_months(anchor, -3)
    return _add_months(anchor, months + 3)


def first_accrual_start(trade_date, calendar: Calendar | None = None) -> _dt.date:
    """First accrual start: the last IMM date whose Following-adjusted date is on or before the
    trade date, adjusted Following (QuantLib ``Schedule`` rule ``CDS2015``)."""
    td = to_date(trade_date, "trade_date")
    cal = calendar or Calendar()
    prev = previous_imm_date(td)
    if cal.adjust(prev) > td:
        prev = _add_months(prev, -3)
    return cal.adjust(prev)


@_functools_cache
def coupon_schedule(trade_date: _dt.date, maturity: _dt.date, calendar: Calendar):
    """Quarterly ISDA coupon periods of a standard CDS (cached by its inputs).

    Accrual dates are the IMM 20ths from the first accrual start, adjusted Following on
    ``calendar``; the last accrual end is the (unadjusted) maturity; payments fall on the
    adjusted accrual ends; ACT/360 days, the last period counting one extra day.

    Returns
    -------
    tuple
        ``(accrual_start, accrual_end, payment_date, accrual_days)``, tuples of dates / ints.
    """
    prev = previous_imm_date(trade_date)
    if calendar.adjust(prev) > trade_date:
        prev = _add_months(prev, -3)
    raw = [prev]
    while True:
        nxt = _add_months(raw[-1], 3)
        if nxt >= maturity:
            break
        raw.append(nxt)
    raw.append(maturity)
    adj = [calendar.adjust(d) for d in raw[:-1]] + [maturity]
    starts, ends = adj[:-1], adj[1:]
    pay = [calendar.adjust(d) for d in ends]
    days = [(e - s).days for s, e in zip(starts, ends, strict=True)]
    days[-1] += 1
    return tuple(starts), tuple(ends), tuple(pay), tuple(days)


def rebate_days(trade_date: _dt.date, starts, ends, pay) -> int:
    """Accrued days the seller rebates at cash settlement: from the current period's accrual
    start to the step-in date (trade date + 1), zero when the step-in date is a payment date
    (QuantLib ``CreditDefaultSwap`` accrual rebate; ISDA CDS Standard Model)."""
    ref = trade_date + _dt.timedelta(days=1)
    for s, e, p in zip(starts, ends, pay, strict=True):
        if ref > p:
            continue
        if ref == p and p != pay[-1]:
            return 0
        return max(0, (min(ref, e) - s).days)
    return 0
