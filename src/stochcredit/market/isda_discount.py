"""The ISDA CDS Standard Model interest-rate curve, bootstrapped from deposits and par swaps.

Construction (ISDA CDS Standard Model ``JpmcdsBuildIRZeroCurve``; the same curve as QuantLib's
``PiecewiseLogLinearDiscount`` on ``DepositRateHelper`` / ``SwapRateHelper`` in its test suite,
``test-suite/creditdefaultswap.cpp``, ``testIsdaEngine``):

- the curve starts at the trade date ``T`` (discount factor 1); time is ACT/365F from ``T``;
- every instrument starts at spot: ``T`` moved to a business day (Following), then
  ``spot_days`` business days on the calendar (weekends-only by default, as the Standard Model);
- a deposit of tenor ``n`` matures at spot + ``n`` (Modified Following) and pays
  ``1 + r tau`` (``tau`` in the deposit day count): ``P(spot) / P(end) = 1 + r tau``;
- a swap of tenor ``n`` has a fixed-leg schedule generated backward from the unadjusted
  maturity spot + ``n`` in steps of the fixed tenor (short stub at the front), dates Modified
  Following; its floating leg is valued at par, ``P(spot) - P(end)`` (so the floating frequency
  and day count do not move the curve): ``r sum_i tau_i P(t_i) = P(spot) - P(end)``;
- ``ln P`` is linear in time between pillars, one pillar at each instrument's maturity, the last
  forward rate extends flat (so the result is a :class:`~stochcredit.ZeroCurve`).

Conventions by currency
-----------------------
IBOR era: the ISDA Standard Model / Markit "ISDA Standard CDS Converter Specification"
(cdsmodel.com) and the Markit interest-rate curve files: spot T+2 on weekends-only, Modified
Following, and

=========  ==========  ===================  ======================
currency   deposits    fixed leg            floating leg (par)
=========  ==========  ===================  ======================
USD        ACT/360     6M, 30/360           3M, ACT/360 (LIBOR)
EUR        ACT/360     1Y, 30/360           6M, ACT/360 (EURIBOR)
GBP        ACT/365F    6M, ACT/365F         6M, ACT/365F (LIBOR)
JPY        ACT/360     6M, ACT/365F         6M, ACT/360 (LIBOR)
=========  ==========  ===================  ======================

Risk-free-rate era. cdsmodel.com (news of 15 Nov and 20 Dec 2021) records the market-standard
dates for switching the Standard Model's rate inputs from IBORs to overnight rates: JPY (TONA),
CHF (SARON), AUD (AONIA) on 20 December 2021, USD (SOFR) and EUR (€STR) on 4 April 2022, GBP
(SONIA) on its LIBOR cessation. The inputs are then overnight-indexed-swap par rates published
by S&P Global (formerly IHS Markit) as the "ISDA Standard Rate Curves" (rfr.spglobal.com, behind
a registration we did not pass: **we have not read that curve specification**). The conventions
below are the market-standard OIS conventions of each overnight rate (annual fixed leg in the
overnight index's day count; spot lag as traded: T+2, SONIA T+0; as in OpenGamma Strata's
``FixedOvernightSwapConventions`` and QuantLib's ``MakeOIS``), placed on the Standard Model's
two instrument types: an OIS of one year or less pays once, which is a deposit in the same day
count, and a longer OIS is a par swap with an annual fixed leg and a compounded overnight leg
worth ``P(start) - P(end)``. Pass ``conventions=RateConventions(...)`` when a published file
states something else.

==========  =====  ==========  =============
name        spot   day count   fixed leg
==========  =====  ==========  =============
USD-SOFR    2      ACT/360     1Y, ACT/360
EUR-ESTR    2      ACT/360     1Y, ACT/360
GBP-SONIA   0      ACT/365F    1Y, ACT/365F
JPY-TONA    2      ACT/365F    1Y, ACT/365F
==========  =====  ==========  =============

Examples
--------
>>> curve = isda_discount_curve("2014-10-16", **load_isda_rates("2014-10-16"))
>>> round(float(curve.discount(5.0)), 10)
0.9256940502
>>> curve.instruments[["tenor", "kind", "maturity"]].iloc[[0, 5]].to_string(index=False)
'tenor    kind   maturity\\n   1M deposit 2014-11-20\\n   2Y    swap 2016-10-20'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ..core.errors import InvalidParameterError
from .calendars import Calendar, to_date
from .curves import ZeroCurve
from .daycount import canonical, year_fraction
from .tenors import add_months, add_tenor, parse_tenor, tenor_months

__all__ = ["RateConventions", "CONVENTIONS", "IsdaDiscountCurve", "isda_discount_curve",
           "load_isda_rates", "read_isda_rates", "swap_schedule", "packaged_isda_rate_curves"]


@dataclass(frozen=True)
class RateConventions:
    """Conventions of an ISDA rate curve (see the module docstring for the published ones)."""

    name: str
    spot_days: int = 2
    deposit_day_count: str = "ACT/360"
    fixed_tenor: str = "6M"
    fixed_day_count: str = "30/360"
    float_tenor: str = "3M"
    float_day_count: str = "ACT/360"
    business_day: str = "modified_following"
    calendar: str = "WEEKENDS"
    floating_index: str = ""

    def __post_init__(self) -> None:
        for name in ("deposit_day_count", "fixed_day_count", "float_day_count"):
            object.__setattr__(self, name, canonical(getattr(self, name)))
        tenor_months(self.fixed_tenor)
        tenor_months(self.float_tenor)
        if isinstance(self.spot_days, bool) or not isinstance(self.spot_days, int) \
                or self.spot_days < 0:
            raise InvalidParameterError("spot_days", self.spot_days, "an integer >= 0")
        Calendar(self.calendar)


CONVENTIONS: dict[str, RateConventions] = {
    "USD": RateConventions("USD", 2, "ACT/360", "6M", "30/360", "3M", "ACT/360",
                           floating_index="USD-LIBOR-3M"),
    "EUR": RateConventions("EUR", 2, "ACT/360", "1Y", "30/360", "6M", "ACT/360",
                           floating_index="EUR-EURIBOR-6M"),
    "GBP": RateConventions("GBP", 2, "ACT/365F", "6M", "ACT/365F", "6M", "ACT/365F",
                           floating_index="GBP-LIBOR-6M"),
    "JPY": RateConventions("JPY", 2, "ACT/360", "6M", "ACT/365F", "6M", "ACT/360",
                           floating_index="JPY-LIBOR-6M"),
    "USD-SOFR": RateConventions("USD-SOFR", 2, "ACT/360", "1Y", "ACT/360", "1Y", "ACT/360",
                                floating_index="SOFR compounded"),
    "EUR-ESTR": RateConventions("EUR-ESTR", 2, "ACT/360", "1Y", "ACT/360", "1Y", "ACT/360",
                                floating_index="ESTR compounded"),
    "GBP-SONIA": RateConventions("GBP-SONIA", 0, "ACT/365F", "1Y", "ACT/365F", "1Y", "ACT/365F",
                                 floating_index="SONIA compounded"),
    "JPY-TONA": RateConventions("JPY-TONA", 2, "ACT/365F", "1Y", "ACT/365F", "1Y", "ACT/365F",
                                floating_index="TONA compounded"),
}
_ALIASES = {"USD-LIBOR": "USD", "EUR-EURIBOR": "EUR", "GBP-LIBOR": "GBP", "JPY-LIBOR": "JPY",
            "SOFR": "USD-SOFR", "ESTR": "EUR-ESTR", "EUR-€STR": "EUR-ESTR", "€STR": "EUR-ESTR",
            "SONIA": "GBP-SONIA", "TONA": "JPY-TONA", "TONAR": "JPY-TONA",
            "JPY-TONAR": "JPY-TONA"}


def conventions_for(currency: str | RateConventions) -> RateConventions:
    """The :class:`RateConventions` of a currency name (``"USD"``, ``"EUR-ESTR"`` ...)."""
    if isinstance(currency, RateConventions):
        return currency
    key = str(currency).strip().upper().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key not in CONVENTIONS:
        raise InvalidParameterError("currency", currency,
                                    "one of " + ", ".join(repr(c) for c in CONVENTIONS))
    return CONVENTIONS[key]


def swap_schedule(start: _dt.date, tenor: str, period: str, calendar: Calendar,
                  convention: str = "modified_following") -> list[_dt.date]:
    """Adjusted fixed-leg dates ``[start, t_1, ..., maturity]`` of a swap starting at ``start``.

    Generated backward from the unadjusted maturity ``start + tenor`` in whole multiples of
    ``period`` (QuantLib ``DateGeneration.Backward``, no end-of-month rule), short stub first.
    """
    months, step = tenor_months(tenor), tenor_months(period)
    end = add_months(start, months)
    dates = [end]
    k = 1
    while True:
        d = add_months(end, -k * step)
        if d < start:
            break
        if d != dates[-1]:
            dates.append(d)
        k += 1
    if dates[-1] != start:
        dates.append(start)
    dates.reverse()
    adjusted = [calendar.adjust(d, convention) for d in dates]
    # QuantLib's safety checks: drop a date that adjusts onto (or before) its neighbour
    if len(adjusted) > 2 and adjusted[1] <= adjusted[0]:
        del adjusted[1]
    if len(adjusted) > 2 and adjusted[-2] >= adjusted[-1]:
        del adjusted[-2]
    return adjusted


def _rates(name: str, rates: Any) -> list[tuple[str, float]]:
    if rates is None:
        return []
    if isinstance(rates, pd.Series):
        rates = rates.to_dict()
    if not isinstance(rates, Mapping):
        raise InvalidParameterError(name, rates, "a mapping from tenor strings to rates, "
                                                 "e.g. {'1M': 0.0015, '3M': 0.0023}")
    out = []
    for tenor, rate in rates.items():
        parse_tenor(tenor)
        try:
            r = float(rate)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(f"{name}[{tenor!r}]", rate, "a real number") from exc
        if not np.isfinite(r) or not -0.5 < r < 1.0:
            raise InvalidParameterError(f"{name}[{tenor!r}]", rate,
                                        "finite and in (-0.5, 1) (decimals: 0.05 for 5%)")
        out.append((str(tenor).strip().upper(), r))
    return out


@dataclass(frozen=True, eq=False)
class IsdaDiscountCurve(ZeroCurve):
    """A :class:`~stochcredit.ZeroCurve` that remembers the instruments it was built from.

    Made by :func:`isda_discount_curve`. ``instruments`` is a frame with one row per input
    (``kind``, ``tenor``, ``rate``, ``start``, ``maturity``, ``time``, ``discount``);
    :meth:`rebuild` and :meth:`bumped` re-bootstrap from changed quotes (for IR01).
    """

    trade_date: _dt.date | None = field(default=None, compare=False)
    conventions: RateConventions | None = field(default=None, compare=False)
    deposits: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    swaps: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    spot_date: _dt.date | None = field(default=None, compare=False)
    _table: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    _schedules: tuple = field(default=(), compare=False, repr=False)

    @property
    def currency(self) -> str:
        return self.conventions.name

    @property
    def instruments(self) -> pd.DataFrame:
        """One row per input instrument, in pillar order."""
        return self._table.copy()

    def time(self, d: Any) -> float:
        """ACT/365F year fraction from the trade date to ``d``."""
        return float(year_fraction(self.trade_date, to_date(d, "date"), "ACT/365F"))

    def discount_date(self, d: Any) -> float:
        """Discount factor to a date."""
        return float(self.discount(max(self.time(d), 0.0)))

    def implied_rates(self) -> np.ndarray:
        """Each input instrument's par rate recomputed on this curve (repricing check)."""
        out = []
        for kind, sched, dc in self._schedules:
            times = np.asarray(year_fraction(self.trade_date, _days(sched), "ACT/365F"))
            df = np.asarray(self.discount(times))
            taus = _taus(sched, dc)
            if kind == "deposit":
                out.append((df[0] / df[-1] - 1.0) / taus[0])
            else:
                out.append((df[0] - df[-1]) / np.dot(taus, df[1:]))
        return np.array(out)

    def rebuild(self, deposits: Any = None, swaps: Any = None) -> IsdaDiscountCurve:
        """The curve re-bootstrapped with new deposit and/or swap rates (same tenors or new)."""
        return isda_discount_curve(
            self.trade_date, dict(self.deposits) if deposits is None else deposits,
            dict(self.swaps) if swaps is None else swaps, conventions=self.conventions)

    def bumped(self, shift: float = 1e-4, tenor: str | None = None,
               kind: str | None = None) -> IsdaDiscountCurve:
        """Re-bootstrapped after adding ``shift`` to every rate, or to one instrument.

        ``tenor`` (with ``kind`` "deposit"/"swap" when the tenor is in both) picks one
        instrument; otherwise all rates move in parallel.
        """
        dep, sw = dict(self.deposits), dict(self.swaps)
        if tenor is None:
            return self.rebuild({k: v + shift for k, v in dep.items()},
                                {k: v + shift for k, v in sw.items()})
        key = str(tenor).strip().upper()
        targets = [n for n, m in (("deposit", dep), ("swap", sw)) if key in m
                   and (kind is None or kind == n)]
        if len(targets) != 1:
            valid = ("one of the curve's tenors: " + ", ".join(list(dep) + list(sw))
                     if not targets else "unique: give kind='deposit' or kind='swap'")
            raise InvalidParameterError("tenor", tenor, valid)
        (dep if targets[0] == "deposit" else sw)[key] += shift
        return self.rebuild(dep, sw)


def _days(dates: list[_dt.date]) -> np.ndarray:
    return np.array(dates, dtype="datetime64[D]")


def _taus(sched: list[_dt.date], dc: str) -> np.ndarray:
    d = _days(sched)
    return np.asarray(year_fraction(d[:-1], d[1:], dc), dtype=float)


@lru_cache(maxsize=64)
def _layout(trade: _dt.date, conv: RateConventions, cal: Calendar, dep: tuple[str, ...],
            sw: tuple[str, ...]):
    """Spot and, per instrument, ``(kind, tenor, dates, day count, times, accrual fractions)``
    (cached: re-bootstrapping bumped quotes reuses the dates)."""
    spot = cal.add_business_days(cal.adjust(trade, "following"), conv.spot_days)
    bdc = conv.business_day
    out = []
    for kind, tenors in (("deposit", dep), ("swap", sw)):
        for tenor in tenors:
            if kind == "deposit":
                sched, dc = [spot, add_tenor(spot, tenor, cal, bdc)], conv.deposit_day_count
            else:
                sched = swap_schedule(spot, tenor, conv.fixed_tenor, cal, bdc)
                dc = conv.fixed_day_count
            times = np.asarray(year_fraction(trade, _days(sched), "ACT/365F"), dtype=float)
            times.setflags(write=False)
            taus = _taus(sched, dc)
            taus.setflags(write=False)
            out.append((kind, tenor, sched, dc, times, taus))
    return spot, tuple(out)


def _solve(f, lo: float, hi: float) -> float:
    flo, fhi = f(lo), f(hi)
    for _ in range(60):
        if np.sign(flo) != np.sign(fhi):
            break
        lo, hi = lo - (hi - lo), hi + (hi - lo)
        flo, fhi = f(lo), f(hi)
    else:  # pragma: no cover - the par-swap equation is monotone in the unknown
        raise InvalidParameterError("swaps", None, "quotes that a discount curve can meet")
    return brentq(f, lo, hi, xtol=1e-16, rtol=4 * np.finfo(float).eps, maxiter=200)


def isda_discount_curve(trade_date: Any, deposits: Mapping[str, float] | None,
                        swaps: Mapping[str, float] | None, currency: str = "USD", *,
                        conventions: RateConventions | None = None,
                        calendar: Calendar | str | None = None) -> IsdaDiscountCurve:
    """The ISDA Standard Model discount curve from deposit and par-swap rates.

    Parameters
    ----------
    trade_date : date or ISO string
        The curve's date (time 0); weekends allowed (spot counts from the next business day).
    deposits, swaps : mapping tenor -> rate
        Money-market and swap par rates as decimals, e.g. ``{"1M": 0.0015, "3M": 0.0023}``
        and ``{"2Y": 0.0059, "5Y": 0.0154}``; either may be empty (not both). In each mapping
        the tenors must increase, and every swap must mature after the last deposit.
    currency : str
        ``"USD"``, ``"EUR"``, ``"GBP"``, ``"JPY"`` (IBOR era) or ``"USD-SOFR"``, ``"EUR-ESTR"``,
        ``"GBP-SONIA"``, ``"JPY-TONA"`` (overnight-rate era); see the module docstring.
    conventions : RateConventions, optional
        Overrides ``currency`` with explicit conventions.
    calendar : Calendar or str, optional
        Holiday calendar for spot and date adjustment (default: the conventions' calendar,
        weekends-only as in the Standard Model).

    Returns
    -------
    IsdaDiscountCurve
        A :class:`~stochcredit.ZeroCurve` in ACT/365F years from ``trade_date`` with pillars at
        the instruments' maturities; it keeps the instruments (``.instruments``, ``.rebuild``,
        ``.bumped``).
    """
    trade = to_date(trade_date, "trade_date")
    conv = conventions_for(currency if conventions is None else conventions)
    cal = calendar if isinstance(calendar, Calendar) else Calendar(
        conv.calendar if calendar is None else calendar)
    if calendar is not None:
        conv = replace(conv, calendar=cal.name)
    dep, sw = _rates("deposits", deposits), _rates("swaps", swaps)
    if not dep and not sw:
        raise InvalidParameterError("deposits", deposits, "at least one deposit or swap rate")
    for tenor, _ in sw:
        n, unit = parse_tenor(tenor)
        if unit not in ("M", "Y"):
            raise InvalidParameterError("swaps", tenor, "month or year tenors such as '2Y'")

    spot, layout = _layout(trade, conv, cal, tuple(t for t, _ in dep), tuple(t for t, _ in sw))
    rates = [r for _, r in dep] + [r for _, r in sw]
    rows = [(kind, tenor, rate, spot, sched[-1])
            for (kind, tenor, sched, _, _, _), rate in zip(layout, rates, strict=True)]
    schedules = [(kind, sched, dc) for kind, _, sched, dc, _, _ in layout]
    for i in range(1, len(rows)):
        if rows[i][4] <= rows[i - 1][4]:
            name = "deposits" if rows[i][0] == "deposit" else "swaps"
            raise InvalidParameterError(
                f"{name}[{rows[i][1]!r}]", rows[i][2],
                f"a tenor maturing after {rows[i - 1][0]} {rows[i - 1][1]!r} "
                f"({rows[i - 1][4]}): tenors must be increasing and not duplicated")

    pt: list[float] = [0.0]   # pillar times
    lp: list[float] = [0.0]   # log discount factors at the pillars

    def log_df(times: np.ndarray, x: float) -> np.ndarray:
        """ln P on the known pillars plus the trial pillar (pt[-1] is the trial time)."""
        return np.interp(times, pt, lp[:-1] + [x])

    for (kind, _, _, _, times, taus), rate in zip(layout, rates, strict=True):
        pt.append(times[-1])
        lp.append(np.nan)
        if kind == "deposit":
            target = np.log1p(rate * taus[0])

            def f(x: float, times=times, target=target) -> float:
                y = log_df(times, x)
                return y[0] - y[-1] - target
        else:
            def f(x: float, times=times, taus=taus, rate=rate) -> float:
                p = np.exp(log_df(times, x))
                return rate * np.dot(taus, p[1:]) - (p[0] - p[-1])
        # flat extrapolation of the last forward as the starting bracket
        slope = (lp[-2] - lp[-3]) / (pt[-2] - pt[-3]) if len(pt) > 2 else -0.02
        guess = lp[-2] + slope * (pt[-1] - pt[-2])
        lp[-1] = _solve(f, guess - 0.05 * (pt[-1] - pt[-2]) - 1e-4,
                        guess + 0.05 * (pt[-1] - pt[-2]) + 1e-4)

    times = np.array(pt[1:])
    logs = np.array(lp[1:])
    table = pd.DataFrame(rows, columns=["kind", "tenor", "rate", "start", "maturity"])
    table["time"] = times
    table["discount"] = np.exp(logs)
    return IsdaDiscountCurve(times, -logs / times, trade_date=trade, conventions=conv,
                             deposits=tuple(dep), swaps=tuple(sw), spot_date=spot,
                             _table=table, _schedules=tuple(schedules))


# --------------------------------------------------------------------------- packaged data

_PACKAGED = {("2014-10-16", "USD"): "usd_isda_rates_2014-10-16.csv"}


def load_isda_rates(date: Any = "2014-10-16", currency: str = "USD") -> dict[str, dict]:
    """Packaged ISDA rate-curve inputs as ``{"deposits": {...}, "swaps": {...}}``.

    Only the USD curve of 2014-10-16 is packaged (``stochcredit/data/SOURCES.md``); other
    dates or currencies raise :class:`~stochcredit.InvalidParameterError` listing what is.
    Use as ``isda_discount_curve(date, **load_isda_rates(date))``.

    Examples
    --------
    >>> rates = load_isda_rates("2014-10-16")
    >>> rates["deposits"]["3M"], rates["swaps"]["30Y"]
    (0.002281, 0.02916)
    """
    d = to_date(date, "date").isoformat()
    key = (d, str(currency).strip().upper())
    if key not in _PACKAGED:
        have = ", ".join(f"{c} on {day}" for day, c in _PACKAGED)
        raise InvalidParameterError("date, currency", key, f"a packaged curve ({have})")
    from .. import data

    rates = read_isda_rates(data.path(_PACKAGED[key]))
    rates.pop("date", None)
    return rates


def read_isda_rates(path: Any) -> dict[str, Any]:
    """Deposit and swap rates from a CSV file, as ``{"deposits": {...}, "swaps": {...}}``.

    Two layouts: the packaged one (``Valuation Date, Tenor, Instrument Type, Rate[, Curve
    Convention]``, type ``M`` for money market, ``S`` for swap) or ``tenor, kind, rate`` with
    ``kind`` ``deposit``/``swap`` (or ``M``/``S``). Rates are decimals. The valuation date, when
    the file has one, is returned under ``"date"`` (not passed on by ``**``-unpacking: use
    ``rates.pop("date")``).
    """
    from pathlib import Path

    src = Path(path)
    if not src.is_file():
        raise FileNotFoundError(2, "No such file", str(src))
    df = pd.read_csv(src, dtype=str, skipinitialspace=True).dropna(how="all")
    cols = {c.strip().lower(): c for c in df.columns}
    tenor_c = cols.get("tenor")
    kind_c = cols.get("instrument type", cols.get("kind", cols.get("type")))
    rate_c = cols.get("rate")
    if tenor_c is None or kind_c is None or rate_c is None:
        raise InvalidParameterError(f"{src.name} header", ",".join(df.columns),
                                    "columns Tenor, Instrument Type (M/S), Rate or "
                                    "tenor, kind (deposit/swap), rate")
    out: dict[str, Any] = {"deposits": {}, "swaps": {}}
    for i, (tenor, kind, rate) in enumerate(zip(df[tenor_c], df[kind_c], df[rate_c],
                                                strict=True)):
        where = f"{src.name}, row {i + 1}"
        k = str(kind).strip().lower()
        if k not in ("m", "s", "deposit", "swap"):
            raise InvalidParameterError(f"instrument type ({where})", kind,
                                        "M/deposit or S/swap")
        try:
            value = float(str(rate).strip().rstrip("%")) / (100 if str(rate).strip()
                                                           .endswith("%") else 1)
        except ValueError:
            raise InvalidParameterError(f"rate ({where})", rate, "a number") from None
        out["deposits" if k in ("m", "deposit") else "swaps"][str(tenor).strip()] = value
    date_c = cols.get("valuation date", cols.get("date"))
    if date_c is not None and df[date_c].notna().any():
        dates = df[date_c].dropna().unique()
        if len(dates) != 1:
            raise InvalidParameterError(f"{src.name} dates", list(dates), "a single date")
        out["date"] = to_date(str(dates[0]).strip(), "valuation date")
    return out


def packaged_isda_rate_curves() -> list[tuple[str, str]]:
    """``(date, currency)`` of every packaged ISDA rate curve."""
    return sorted(_PACKAGED)
