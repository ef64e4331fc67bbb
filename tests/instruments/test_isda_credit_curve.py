"""isda_credit_curve and the quote conversion: repricing, QuantLib's ISDA bootstrap, policies."""

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc

ql = pytest.importorskip("QuantLib")
from isda_ql import qd, set_today  # noqa: E402

TRADE = dt.date(2014, 10, 16)
TENORS = ["6M", "1Y", "2Y", "3Y", "4Y", "5Y", "7Y", "10Y"]
SPREADS = np.array([0.003, 0.004, 0.006, 0.008, 0.01, 0.012, 0.013, 0.014])
DISC = sc.ZeroCurve([0.25, 1.0, 2.0, 5.0, 10.0], [0.002, 0.004, 0.008, 0.015, 0.022])


def _reprice(curve, tenors, coupon=0.01):
    return [sc.StandardCDS(curve.trade_date, t, coupon, curve.recovery,
                           calendar=curve.calendar).price(curve.discount, curve)
            for t in tenors]


QUOTE_SETS = {"ig": SPREADS, "flat_5000bp": np.full(8, 0.5), "flat_12000bp": np.full(8, 1.2),
              "inverted_distressed": np.linspace(0.6, 0.5, 8)}


@pytest.mark.parametrize("quotes", QUOTE_SETS.values(), ids=QUOTE_SETS.keys())
@pytest.mark.parametrize("disc", [DISC, sc.FlatCurve(-0.01), sc.FlatCurve(0.0)],
                         ids=["term", "negative", "zero"])
def test_par_spreads_reprice_to_1e12(quotes, disc):
    q = quotes
    curve = sc.isda_credit_curve(TRADE, TENORS, q, disc, recovery=0.4)
    got = np.array([r.par_spread for r in _reprice(curve, TENORS)])
    np.testing.assert_allclose(got, q, rtol=0, atol=1e-12)
    assert curve.tenors == tuple(TENORS) and curve.quote_type == "spread"
    assert curve.pillar_dates[-1] == dt.date(2024, 12, 21)   # Fri 20 Dec 2024 + 1 day


def test_upfront_quotes_reprice_to_1e12():
    ups = np.array([-0.02, 0.05, 0.2, 0.35, 0.45])
    tenors = ["1Y", "2Y", "3Y", "5Y", "10Y"]
    curve = sc.isda_credit_curve(TRADE, tenors, ups, DISC, recovery=0.25, quote_type="upfront",
                                 coupon=0.05)
    got = np.array([r.clean_upfront for r in _reprice(curve, tenors, 0.05)])
    np.testing.assert_allclose(got, ups, rtol=0, atol=1e-12)


def test_rebuild_and_inputs_kept():
    curve = sc.isda_credit_curve(TRADE, TENORS, SPREADS, DISC)
    same = curve.rebuild()
    np.testing.assert_array_equal(same.hazards, curve.hazards)
    bumped = curve.rebuild(quotes=SPREADS + 1e-4)
    assert np.all(bumped.hazards > curve.hazards - 1e-12)
    frame = curve.to_frame()
    assert list(frame.tenor) == TENORS and np.all(np.diff(frame.survival) < 0)


def test_agrees_with_quantlib_isda_bootstrap():
    """QuantLib PiecewiseFlatHazardRate on SpreadCdsHelper(model=ISDA), same discount curve."""
    set_today(TRADE)
    days = np.round(DISC.times * 365).astype(int)
    dates = [qd(TRADE)] + [qd(TRADE + dt.timedelta(days=int(d))) for d in days]
    dfs = [1.0] + list(DISC.discount(days / 365.0))
    disc_ql = ql.DiscountCurve(dates, dfs, ql.Actual365Fixed())
    disc_ql.enableExtrapolation()
    ours_disc = sc.ZeroCurve(days / 365.0, -np.log(dfs[1:]) / (days / 365.0))
    h = ql.YieldTermStructureHandle(disc_ql)
    helpers = [ql.SpreadCdsHelper(float(s), ql.Period(t), 0, ql.WeekendsOnly(), ql.Quarterly,
                                  ql.Following, ql.DateGeneration.CDS2015, ql.Actual360(), 0.4,
                                  h, True, True, ql.Date(), ql.Actual360(True), True,
                                  ql.CreditDefaultSwap.ISDA)
               for t, s in zip(TENORS, SPREADS, strict=True)]
    ref = ql.PiecewiseFlatHazardRate(qd(TRADE), helpers, ql.Actual365Fixed())
    ref_dates = [dt.date(d.year(), d.month(), d.dayOfMonth()) for d in ref.dates()][1:]
    curve = sc.isda_credit_curve(TRADE, TENORS, SPREADS, ours_disc)
    assert list(curve.pillar_dates) == ref_dates
    ref_h = [ref.hazardRate(qd(d - dt.timedelta(days=1))) for d in ref_dates]
    np.testing.assert_allclose(curve.hazards, ref_h, rtol=0, atol=1e-10)


def test_arbitrage_policies():
    q = [0.03, 0.005, 0.01]
    tenors = ["1Y", "3Y", "5Y"]
    with pytest.raises(sc.InvalidParameterError, match="3Y"):
        sc.isda_credit_curve(TRADE, tenors, q, DISC)
    zero = sc.isda_credit_curve(TRADE, tenors, q, DISC, arbitrage="zero_hazard")
    assert zero.hazards[1] == 0.0 and zero.hazards[2] > 0
    ign = sc.isda_credit_curve(TRADE, tenors, q, DISC, arbitrage="ignore")
    assert ign.hazards[1] < 0
    got = [r.par_spread for r in _reprice(ign, tenors)]
    np.testing.assert_allclose(got, q, rtol=0, atol=1e-12)
    # the first and last segments of "zero_hazard" still fit their quotes
    got = [r.par_spread for r in _reprice(zero, tenors)]
    assert abs(got[0] - q[0]) < 1e-12


def test_unreachable_quote_names_tenor():
    with pytest.raises(sc.InvalidParameterError, match="5Y"):
        sc.isda_credit_curve(TRADE, ["1Y", "5Y"], [0.5, 0.8], DISC)
    with pytest.raises(sc.InvalidParameterError, match="upfront"):
        sc.isda_credit_curve(TRADE, ["1Y"], [1.2], DISC, quote_type="upfront", coupon=0.01)


@pytest.mark.parametrize("tenors,quotes,kw,name", [
    (["1Y", "5Y", "3Y"], [0.01] * 3, {}, "tenors\\[2\\]"),
    (["1Y", "5Y", "5Y"], [0.01] * 3, {}, "tenors\\[2\\]"),
    (["1Y", "12M"], [0.01] * 2, {}, "tenors\\[1\\]"),
    (["1Y", "5Q"], [0.01] * 2, {}, "tenor"),
    (["1Y", "5Y"], [0.01], {}, "quotes"),
    (["1Y", "5Y"], [0.01, -0.01], {}, "quotes\\[1\\]"),
    (["1Y", "5Y"], [0.01, np.nan], {}, "quotes\\[1\\]"),
    (["1Y"], [0.01], {"recovery": 1.0}, "recovery"),
    (["1Y"], [0.01], {"quote_type": "price"}, "quote_type"),
    (["1Y"], [0.01], {"quote_type": "upfront"}, "coupon"),
    (["1Y"], [0.01], {"arbitrage": "maybe"}, "arbitrage"),
    ([], [], {}, "tenors"),
])
def test_bad_input(tenors, quotes, kw, name):
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.isda_credit_curve(TRADE, tenors, quotes, DISC, **kw)


def test_quote_conversion_round_trip_and_flat_curve():
    spreads = np.array([0.0005, 0.01, 0.05, 0.3, 0.6])
    ups = sc.upfront_from_spread(TRADE, "5Y", spreads, 0.01, DISC, recovery=0.4)
    assert ups.shape == spreads.shape and np.all(np.diff(ups) > 0)
    back = sc.spread_from_upfront(TRADE, "5Y", ups, 0.01, DISC, recovery=0.4)
    np.testing.assert_allclose(back, spreads, rtol=0, atol=1e-12)
    # the two public paths agree: a flat curve fitted to the spread prices the same upfront
    curve = sc.isda_credit_curve(TRADE, ["5Y"], [0.05], DISC)
    cds = sc.StandardCDS(TRADE, "5Y", 0.01)
    assert ups[2] == pytest.approx(cds.price(DISC, curve).clean_upfront, abs=1e-14)
    # coupon equal to the spread: zero clean upfront
    assert abs(sc.upfront_from_spread(TRADE, "5Y", 0.01, 0.01, DISC)) < 1e-14
    # maturities vectorised too
    both = sc.upfront_from_spread(TRADE, ["1Y", "10Y"], 0.02, 0.01, DISC)
    assert both[0] < both[1]


def test_quote_conversion_against_quantlib():
    """QuantLib: impliedHazardRate(ISDA) of the quoted contract, then fairUpfront at 100 bp."""
    from isda_ql import ql_cds, ql_flat_discount, ql_hazard, ql_price

    mat = sc.StandardCDS(TRADE, "5Y", 0.01).maturity_date
    disc_ql = ql_flat_discount(TRADE, 0.02)
    quoted = ql_cds(TRADE, mat, 0.03)
    hz = quoted.impliedHazardRate(0.0, ql.YieldTermStructureHandle(disc_ql), ql.Actual365Fixed(),
                                  0.4, 1e-14, ql.CreditDefaultSwap.ISDA)
    ref = ql_price(ql_cds(TRADE, mat, 0.01), disc_ql, ql_hazard(TRADE, None, hz), 0.4)
    ours = sc.upfront_from_spread(TRADE, "5Y", 0.03, 0.01, sc.FlatCurve(0.02))
    assert ours == pytest.approx(ref["clean_upfront"], abs=1e-10)


def test_holiday_calendar_curve_reprices():
    curve = sc.isda_credit_curve(TRADE, TENORS, SPREADS, DISC, calendar="NYC")
    assert curve.calendar == sc.StandardCDS(TRADE, "1Y", 0.01, calendar="NYC").calendar
    got = np.array([r.par_spread for r in _reprice(curve, TENORS)])
    np.testing.assert_allclose(got, SPREADS, rtol=0, atol=1e-12)
