"""Dated CDS contracts -> :class:`~.grid.Contract` (integer days from a valuation date).

A :class:`~stochcredit.StandardCDS` gives its own schedule; the quote instruments of a credit curve
(one standard contract per tenor) follow the same CDS2015 rules (QuantLib
``DateGeneration::CDS2015`` with ``cdsMaturity``): accrual from the last IMM date whose
Following-adjusted date is on or before the trade date, IMM dates moved Following on the calendar,
unadjusted maturity, ACT/360 with one extra day in the last period, step-in T+1, cash settlement
T+3 business days, accrual rebate = days accrued to the step-in / 360.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

import numpy as np

from ...core.errors import InvalidParameterError
from ...market.calendars import Calendar, to_date
from ...market.tenors import parse_tenor
from .grid import Contract

__all__ = ["standard_maturity", "quote_contract", "contract_of", "pillar_day", "restruck"]

_DAY = _dt.timedelta(days=1)


def _add_months(d: _dt.date, n: int) -> _dt.date:
    m = d.month - 1 + n
    return d.replace(year=d.year + m // 12, month=m % 12 + 1)


def _previous_imm(d: _dt.date) -> _dt.date:
    for year in (d.year, d.year - 1):
        for month in (12, 9, 6, 3):
            c = _dt.date(year, month, 20)
            if c <= d:
                return c
    raise AssertionError("unreachable")  # pragma: no cover


def standard_maturity(trade_date: _dt.date, tenor: str) -> _dt.date:
    """CDS2015 maturity: semi-annual roll (20 Jun / 20 Dec) plus the tenor."""
    n, unit = parse_tenor(tenor)
    months = n * 12 if unit == "Y" else n
    d = trade_date
    if (d.month, d.day) >= (9, 20):
        roll = _dt.date(d.year, 12, 20)
    elif (d.month, d.day) >= (3, 20):
        roll = _dt.date(d.year, 6, 20)
    else:
        roll = _dt.date(d.year - 1, 12, 20)
    if months == 0:  # QuantLib: a 0M contract matures on the next IMM date
        return _add_months(_previous_imm(d), 3)
    return _add_months(roll, months)


def _build(trade: _dt.date, starts: list[_dt.date], maturity: _dt.date, cal: Calendar | None,
           protection_start: _dt.date, settle: _dt.date, ends: list | None = None,
           pay: list | None = None, frac: np.ndarray | None = None) -> Contract:
    ends = starts[1:] + [maturity] if ends is None else ends
    pay = [cal.adjust(d, "following") for d in ends] if pay is None else pay
    days = np.array([(e - s).days for s, e in zip(starts, ends, strict=True)], dtype=float)
    days[-1] += 1.0
    frac = days / 360.0 if frac is None else frac
    off = (lambda d: (d - trade).days)  # noqa: E731
    step_in = protection_start
    rebate = 0.0
    for i, p in enumerate(pay):  # QuantLib CreditDefaultSwap::init, rebatesAccrual
        if step_in > p:
            continue
        if step_in == p:
            rebate = frac[i] if i == len(pay) - 1 else 0.0
        elif step_in >= starts[i]:
            rebate = (step_in - starts[i]).days / 360.0
        break
    if trade < starts[0]:
        rebate = 0.0
    return Contract(np.array([off(s) for s in starts]), np.array([off(e) for e in ends]),
                    np.array([off(p) for p in pay]), frac, off(protection_start),
                    off(maturity), rebate, off(settle))


def quote_contract(trade_date: Any, tenor: str, calendar: Calendar | None = None) -> Contract:
    """The standard contract of ``tenor`` traded on ``trade_date`` (days from the trade date)."""
    trade = to_date(trade_date, "trade_date")
    cal = calendar or Calendar.weekends_only()
    maturity = standard_maturity(trade, tenor)
    first = _previous_imm(trade)
    if cal.adjust(first, "following") > trade:  # its coupon date is still to come
        first = _previous_imm(first - _DAY)
    imm = [first]
    while True:
        nxt = _add_months(imm[-1], 3)
        if nxt >= maturity:
            break
        imm.append(nxt)
    starts = [cal.adjust(d, "following") for d in imm]
    return _build(trade, starts, maturity, cal, trade + _DAY, cal.add_business_days(trade, 3))


def pillar_day(contract: Contract, trade_date: Any, calendar: Calendar | None = None) -> int:
    """Hazard pillar of a quote: Following-adjusted maturity + 1 day (QuantLib CdsHelper, ISDA)."""
    trade = to_date(trade_date, "trade_date")
    cal = calendar or Calendar.weekends_only()
    m = trade + _dt.timedelta(days=int(contract.maturity))
    return (cal.adjust(m, "following") - trade).days + 1


def contract_of(cds: Any, valuation_date: Any | None = None) -> Contract:
    """A :class:`~stochcredit.StandardCDS` (API.md) as a :class:`Contract`, days counted from
    its trade date or from ``valuation_date`` (a forward-starting contract valued earlier)."""
    trade = to_date(cds.trade_date, "trade_date")
    sched = cds.schedule()
    starts = [to_date(d) for d in sched["accrual_start"]]
    ends = [to_date(d) for d in sched["accrual_end"]]
    pay = [to_date(d) for d in sched["payment_date"]]
    c = _build(trade, starts, to_date(cds.maturity_date), None, to_date(cds.step_in_date),
               to_date(cds.cash_settlement_date), ends=ends, pay=pay,
               frac=np.asarray(sched["accrual_fraction"], dtype=float))
    if valuation_date is None:
        return c
    shift = (trade - to_date(valuation_date, "valuation_date")).days
    return Contract(c.acc_start + shift, c.acc_end + shift, c.pay + shift, c.frac,
                    c.protection_start + shift, c.maturity + shift, c.rebate, c.settle + shift)


def restruck(cds: Any, trade_date: Any) -> Any:
    """The same contract (maturity date, coupon, recovery, notional, side) struck on another
    trade date: its schedule, step-in, settlement and rebate follow from the new date."""
    trade = to_date(trade_date, "trade_date")
    if hasattr(cds, "restruck"):
        return cds.restruck(trade)
    if dataclasses.is_dataclass(cds):
        fields = {f.name for f in dataclasses.fields(cds)}
        kw: dict[str, Any] = {"trade_date": trade}
        if "maturity" in fields:
            kw["maturity"] = to_date(cds.maturity_date)
        return dataclasses.replace(cds, **kw)
    raise InvalidParameterError("cds", type(cds).__name__,
                                "a StandardCDS (or a contract with a restruck method)")
