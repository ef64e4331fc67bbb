"""Calendars, day counts and tenors against QuantLib (independent reference)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import stochcredit as sc
from stochcredit.market.calendars import Calendar, to_date
from stochcredit.market.daycount import day_count, year_fraction
from stochcredit.market.tenors import add_tenor, parse_tenor, tenor_months

ql = pytest.importorskip("QuantLib")


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def pyd(d: ql.Date) -> dt.date:
    return dt.date(d.year(), d.month(), d.dayOfMonth())


def _days(start: dt.date, end: dt.date, step: int = 1):
    d = start
    while d < end:
        yield d
        d += dt.timedelta(days=step)


QL_CALENDARS = {
    "NYC": lambda: ql.UnitedStates(ql.UnitedStates.FederalReserve),
    "NYSE": lambda: ql.UnitedStates(ql.UnitedStates.NYSE),
    "LON": lambda: ql.UnitedKingdom(ql.UnitedKingdom.Settlement),
    "TARGET": lambda: ql.TARGET(),
    "TYO": lambda: ql.Japan(),
    "WEEKENDS": lambda: ql.WeekendsOnly(),
}


@pytest.mark.parametrize("name", sorted(QL_CALENDARS))
def test_business_days_match_quantlib(name):
    # 2004-2034 (the holidays package and QuantLib differ on one 2003 Japanese substitute day)
    cal, ref = Calendar.named(name), QL_CALENDARS[name]()
    bad = [d for d in _days(dt.date(2004, 1, 1), dt.date(2035, 1, 1))
           if cal.is_business_day(d) != ref.isBusinessDay(qd(d))]
    assert bad == []


def test_joint_calendar_matches_quantlib():
    cal = Calendar("NYC+LON")
    ref = ql.JointCalendar(ql.UnitedStates(ql.UnitedStates.FederalReserve),
                           ql.UnitedKingdom(ql.UnitedKingdom.Settlement))
    bad = [d for d in _days(dt.date(2010, 1, 1), dt.date(2030, 1, 1))
           if cal.is_business_day(d) != ref.isBusinessDay(qd(d))]
    assert bad == []
    assert Calendar("LON+NYC") == cal and Calendar("usny+gblo") == cal


QL_CONV = {"following": ql.Following, "modified_following": ql.ModifiedFollowing,
           "preceding": ql.Preceding, "modified_preceding": ql.ModifiedPreceding,
           "unadjusted": ql.Unadjusted}


@pytest.mark.parametrize("name", ["WEEKENDS", "NYC", "TARGET"])
@pytest.mark.parametrize("conv", sorted(QL_CONV))
def test_adjust_matches_quantlib(name, conv):
    cal, ref = Calendar(name), QL_CALENDARS[name]()
    for d in _days(dt.date(2013, 12, 1), dt.date(2016, 2, 1)):
        assert cal.adjust(d, conv) == pyd(ref.adjust(qd(d), QL_CONV[conv])), (d, conv)


@pytest.mark.parametrize("n", [-5, -1, 0, 1, 2, 3, 10])
def test_add_business_days_matches_quantlib(n):
    cal, ref = Calendar("NYC"), QL_CALENDARS["NYC"]()
    for d in _days(dt.date(2014, 11, 1), dt.date(2015, 1, 15)):
        assert cal.add_business_days(d, n) == pyd(ref.advance(qd(d), n, ql.Days)), (d, n)


def test_weekends_only_default_and_doc_cases():
    cal = Calendar()
    assert cal == Calendar.weekends_only() and cal.name == "WEEKENDS"
    assert not cal.is_business_day("2014-10-18") and cal.is_business_day("2014-12-25")
    assert cal.adjust("2014-12-20") == dt.date(2014, 12, 22)
    assert cal.add_business_days("2014-12-19", 1) == dt.date(2014, 12, 22)
    assert cal.business_days_between("2014-10-16", "2014-10-21") == 3


def test_calendar_bad_input():
    with pytest.raises(sc.InvalidParameterError, match="calendar"):
        Calendar("MARS")
    with pytest.raises(sc.InvalidParameterError, match="convention"):
        Calendar().adjust("2014-10-18", "nearest")
    with pytest.raises(sc.InvalidParameterError, match="n = 1.5"):
        Calendar().add_business_days("2014-10-18", 1.5)


def test_to_date():
    d = dt.date(2014, 10, 16)
    for x in (d, "2014-10-16", np.datetime64("2014-10-16"), pd.Timestamp("2014-10-16"),
              dt.datetime(2014, 10, 16, 12)):
        assert to_date(x) == d
    for bad in ("2014-13-01", "soon", 20141016, None, float("nan"), np.datetime64("NaT")):
        with pytest.raises(sc.InvalidParameterError, match="trade_date"):
            to_date(bad, "trade_date")


QL_DC = {"ACT/360": ql.Actual360(), "ACT/365F": ql.Actual365Fixed(),
         "30/360": ql.Thirty360(ql.Thirty360.BondBasis),
         "30E/360": ql.Thirty360(ql.Thirty360.European)}


@pytest.mark.parametrize("conv", sorted(QL_DC))
def test_year_fraction_matches_quantlib(conv):
    rng = np.random.default_rng(12)
    base = np.datetime64("2010-01-01")
    starts = base + rng.integers(0, 6000, 3000)
    ends = starts + rng.integers(-400, 4000, 3000)
    # month ends, February and the 30th/31st are where the 30/360 rules differ
    extra_s = np.array(["2014-01-31", "2014-01-30", "2014-02-28", "2016-02-29", "2014-03-31",
                        "2014-05-30", "2014-08-31"], dtype="datetime64[D]")
    extra_e = np.array(["2014-03-31", "2014-03-31", "2014-03-31", "2016-03-31", "2014-02-28",
                        "2014-06-30", "2015-02-28"], dtype="datetime64[D]")
    starts, ends = np.concatenate([starts, extra_s]), np.concatenate([ends, extra_e])
    got = year_fraction(starts, ends, conv)
    ref = np.array([QL_DC[conv].yearFraction(qd(s.item()), qd(e.item()))
                    for s, e in zip(starts, ends, strict=True)])
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-15)
    # scalars agree with the vectorised path
    for s, e, r in zip(starts[-7:], ends[-7:], ref[-7:], strict=True):
        assert year_fraction(s.item(), e.item(), conv) == pytest.approx(r, abs=1e-15)
        assert isinstance(year_fraction(str(s), str(e), conv), float)


def test_day_count_aliases_and_errors():
    assert day_count("2014-10-16", "2015-10-16", "act/365") == 365.0
    assert year_fraction("2014-10-16", "2015-10-16", "Actual/365 Fixed") == 1.0
    with pytest.raises(sc.InvalidParameterError, match="convention"):
        year_fraction("2014-10-16", "2015-10-16", "ACT/ACT")
    with pytest.raises(sc.InvalidParameterError, match="start"):
        year_fraction("not a date", "2015-10-16", "ACT/360")


def test_parse_tenor():
    assert parse_tenor("3M") == (3, "M") and parse_tenor(" 10y ") == (10, "Y")
    assert parse_tenor("1w") == (1, "W") and parse_tenor("2D") == (2, "D")
    assert parse_tenor("ON") == (1, "D") and parse_tenor("o/n") == (1, "D")
    assert parse_tenor("TN") == (2, "D") and parse_tenor("SN") == (3, "D")
    assert tenor_months("5Y") == 60 and tenor_months("6m") == 6
    for bad in ("3X", "M3", "", "0M", "-1Y", "1.5Y", 5, None):
        with pytest.raises(sc.InvalidParameterError, match="tenor"):
            parse_tenor(bad)
    with pytest.raises(sc.InvalidParameterError, match="tenor"):
        tenor_months("2W")


QL_UNITS = {"W": ql.Weeks, "M": ql.Months, "Y": ql.Years}


@pytest.mark.parametrize("eom", [False, True])
@pytest.mark.parametrize("conv", ["unadjusted", "following", "modified_following"])
def test_add_tenor_matches_quantlib(conv, eom):
    cal, ref = Calendar("TARGET"), ql.TARGET()
    tenors = ["1W", "2W", "1M", "2M", "3M", "6M", "9M", "1Y", "2Y", "5Y", "30Y"]
    for d in _days(dt.date(2013, 12, 20), dt.date(2015, 4, 10), 3):
        for t in tenors:
            n, unit = parse_tenor(t)
            want = pyd(ref.advance(qd(d), n, QL_UNITS[unit], QL_CONV[conv], eom))
            assert add_tenor(d, t, cal, conv, eom) == want, (d, t, conv, eom)


def test_add_tenor_days_are_calendar_days():
    assert add_tenor("2014-10-17", "1D") == dt.date(2014, 10, 18)
    assert add_tenor("2014-10-17", "1D", convention="following") == dt.date(2014, 10, 20)
    assert add_tenor("2014-08-31", "6M") == dt.date(2015, 2, 28)
    with pytest.raises(sc.InvalidParameterError, match="tenor"):
        add_tenor("2014-10-17", "5Q")
