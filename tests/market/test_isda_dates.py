"""ISDA date utilities vs QuantLib's CDS2015 rule (schedules and standard maturities)."""

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.market import isda

ql = pytest.importorskip("QuantLib")


def _qd(d):
    return ql.Date(d.day, d.month, d.year)


def _pd(q):
    return dt.date(q.year(), q.month(), q.dayOfMonth())


TRADE_DATES = [dt.date(2015, 1, 1) + dt.timedelta(days=k) for k in range(0, 731, 3)]


@pytest.mark.parametrize("tenor", [1, 5, 10])
def test_standard_maturity_matches_quantlib(tenor):
    for d in TRADE_DATES:
        ref = ql.cdsMaturity(_qd(d), ql.Period(tenor, ql.Years), ql.DateGeneration.CDS2015)
        assert isda.standard_maturity(d, tenor) == _pd(ref), d


def test_schedule_matches_quantlib_cds2015():
    for d in TRADE_DATES[::5]:
        mat = isda.standard_maturity(d, 5)
        ref = ql.MakeSchedule(_qd(d), _qd(mat), ql.Period(3, ql.Months),
                              calendar=ql.WeekendsOnly(), convention=ql.Following,
                              terminalDateConvention=ql.Unadjusted,
                              rule=ql.DateGeneration.CDS2015)
        ref_dates = [_pd(x) for x in ref]
        sched = isda.standard_schedule(d, mat)
        assert list(sched["accrual_start"]) + [mat] == ref_dates, d


def test_schedule_fractions_and_cds_pricing():
    sched = isda.standard_schedule("2014-10-16", 5)
    assert sched["accrual_start"].iloc[0] == dt.date(2014, 9, 22)   # Sep 20 2014 is a Saturday
    assert sched["accrual_end"].iloc[-1] == dt.date(2019, 12, 20)
    days = [(e - s).days for s, e in zip(sched["accrual_start"], sched["accrual_end"],
                                          strict=True)]
    np.testing.assert_allclose(sched["accrual_fraction"], (np.array(days) + np.r_[
        np.zeros(len(days) - 1), 1]) / 360)
    # the protection end in year fractions prices a CDS
    T = sched["t_end"].iloc[-1]
    assert T == pytest.approx((dt.date(2019, 12, 20) - dt.date(2014, 10, 16)).days / 365)
    assert sc.CDS(T).par_spread(sc.FlatCurve(0.0), sc.FlatHazardCurve(0.01)) == \
        pytest.approx(0.006, rel=1e-12)


def test_imm_dates_and_helpers():
    assert isda.imm_dates("2020-01-01", "2020-12-31") == [dt.date(2020, m, 20) for m in
                                                          (3, 6, 9, 12)]
    assert isda.previous_imm_date("2020-03-19") == dt.date(2019, 12, 20)
    assert isda.previous_imm_date("2020-03-20") == dt.date(2020, 3, 20)
    assert isda.adjust_following("2020-06-20") == dt.date(2020, 6, 22)   # Saturday
    assert isda.year_fraction("2020-01-01", "2021-01-01") == pytest.approx(366 / 365)
    assert isda.year_fraction("2020-01-01", "2020-07-01", "act/360") == pytest.approx(182 / 360)
    with pytest.raises(sc.InvalidParameterError, match="basis"):
        isda.year_fraction("2020-01-01", "2020-07-01", "30/360")
    with pytest.raises(sc.InvalidParameterError, match="date"):
        isda.standard_maturity("yesterday-ish", 5)
    with pytest.raises(sc.InvalidParameterError, match="maturity"):
        isda.standard_schedule("2020-01-01", "2019-01-01")
