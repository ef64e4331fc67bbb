"""StandardCDS against QuantLib's IsdaCdsEngine (test oracle), and QuantLib's own CDS test cases.

References: QuantLib test-suite/creditdefaultswap.cpp (testIsdaEngine: 20 Markit upfronts;
testAccrualRebateAmounts: ISDA CDS model website accruals; testIsdaCalculatorReconcileSingleQuote:
EUR negative rates), reproduced here with the same inputs.
"""

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc

ql = pytest.importorskip("QuantLib")
from isda_ql import (  # noqa: E402
    ours_discount_nodes,
    ours_from_ql_discount,
    ql_cds,
    ql_discount_nodes,
    ql_flat_discount,
    ql_hazard,
    ql_isda_discount,
    ql_price,
)

USD_DEPOSITS_2009 = {"1M": 0.003081, "2M": 0.005525, "3M": 0.007163, "6M": 0.012413,
                     "9M": 0.014, "12M": 0.015488}
USD_SWAPS_2009 = {"2Y": 0.011907, "3Y": 0.01699, "4Y": 0.021198, "5Y": 0.02444, "6Y": 0.026937,
                  "7Y": 0.028967, "8Y": 0.030504, "9Y": 0.031719, "10Y": 0.03279,
                  "12Y": 0.034535, "15Y": 0.036217, "20Y": 0.036981, "25Y": 0.037246,
                  "30Y": 0.037605}
FIELDS = ("npv", "protection_leg", "premium_leg", "accrual_rebate", "par_spread",
          "clean_upfront")


def _d(s):
    return dt.date.fromisoformat(s)


def _trade_dates():
    """Every day around four IMM dates (weekends, IMM dates on weekends, roll dates)."""
    out = []
    for centre in ("2014-09-20", "2014-12-20", "2015-03-20", "2015-06-20", "2020-06-20"):
        c = _d(centre)
        out += [c + dt.timedelta(days=k) for k in range(-3, 4)]
    return out


def _compare(ours, ref, notional, tol=1e-10):
    for f in FIELDS:
        scale = notional if f in ("npv", "protection_leg", "premium_leg", "accrual_rebate") else 1
        assert abs(getattr(ours, f) - ref[f]) <= tol * scale, (f, getattr(ours, f), ref[f])


@pytest.mark.parametrize("trade", _trade_dates(), ids=str)
@pytest.mark.parametrize("tenor", ["1Y", "5Y", "10Y"])
def test_flat_curves_around_imm_dates(trade, tenor):
    """Flat curves, trade dates on and around IMM dates and weekends."""
    cds = sc.StandardCDS(trade, tenor, coupon=0.01, recovery=0.4, notional=1e7)
    q = ql_price(ql_cds(trade, cds.maturity_date, 0.01, 1e7), ql_flat_discount(trade, 0.02),
                 ql_hazard(trade, None, 0.03), 0.4)
    _compare(cds.price(sc.FlatCurve(0.02), sc.FlatHazardCurve(0.03)), q, 1e7)


@pytest.mark.parametrize("trade", ["2009-05-21", "2009-06-19", "2009-06-20", "2009-06-22"])
@pytest.mark.parametrize("switches", [("taylor", "half_day", "piecewise"),
                                      ("none", "none", "flat"), ("taylor", "none", "flat"),
                                      ("none", "half_day", "piecewise")])
def test_term_structures_and_switches(trade, switches):
    """ISDA USD curve of QuantLib's test and a term-structure hazard curve, every engine switch."""
    trade = _d(trade)
    base = _d("2009-05-21")
    ref = ql_isda_discount(base, USD_DEPOSITS_2009, USD_SWAPS_2009)
    nodes = [(d - ql.Date(21, 5, 2009), ref.discount(d)) for d in ref.dates()[1:]]
    ndays, dfs = zip(*nodes, strict=True)
    disc_ql = ql_discount_nodes(trade, ndays, dfs)
    disc = ours_discount_nodes(ndays, dfs)
    days = [200, 420, 800, 1500, 2600, 3700]
    haz = [0.004, 0.012, 0.02, 0.035, 0.03, 0.05]
    fix, bias, fwd = switches
    for tenor, cpn, side in (("6M", 0.01, "buy"), ("3Y", 0.05, "sell"), ("7Y", 0.01, "buy"),
                             ("10Y", 0.05, "buy")):
        cds = sc.StandardCDS(trade, tenor, coupon=cpn, recovery=0.35, notional=1e6, side=side)
        q = ql_price(ql_cds(trade, cds.maturity_date, cpn, 1e6, side), disc_ql,
                     ql_hazard(trade, days, haz), 0.35, fix, bias, fwd)
        ours = cds.price(disc, sc.HazardCurve(np.array(days) / 365.0, haz), numerical_fix=fix,
                         accrual_bias=bias, forwards_in_coupon_period=fwd)
        _compare(ours, q, 1e6)


@pytest.mark.parametrize("rate", [-0.01, -0.005, 0.0])
def test_negative_and_zero_rates(rate):
    trade = _d("2021-07-26")
    for tenor in ("6M", "2Y", "5Y"):
        for h in (0.0, 1e-6, 0.02):
            cds = sc.StandardCDS(trade, tenor, coupon=0.01, recovery=0.4, notional=1e6)
            q = ql_price(ql_cds(trade, cds.maturity_date, 0.01, 1e6),
                         ql_flat_discount(trade, rate), ql_hazard(trade, None, h), 0.4)
            ours = cds.price(sc.FlatCurve(rate), sc.FlatHazardCurve(h))
            for f in ("npv", "protection_leg", "premium_leg", "accrual_rebate"):
                assert abs(getattr(ours, f) - q[f]) <= 1e-10 * 1e6, (f, tenor, h)


MARKIT_UPFRONTS = [-97798.29358, -97776.11889, 914971.5977, 894985.6298, -186921.3594,
                   -186839.8148, 1646623.672, 1579803.626, -274298.9203, -274122.4725,
                   2279730.93, 2147972.527, -592420.2297, -591571.2294, 3993550.206,
                   3545843.418, -797501.1422, -795915.9787, 4702034.688, 4042340.999]


def test_markit_upfronts_of_quantlib_testsuite():
    """testIsdaEngine: quoted spread -> flat hazard -> upfront of the 100 bp contract."""
    trade = _d("2009-05-21")
    disc = ours_from_ql_discount(trade, ql_isda_discount(trade, USD_DEPOSITS_2009,
                                                         USD_SWAPS_2009))
    got = []
    for term in ("2010-06-20", "2011-06-20", "2012-06-20", "2016-06-20", "2019-06-20"):
        for spread in (0.001, 0.1):
            for rec in (0.2, 0.4):
                u = sc.upfront_from_spread(trade, _d(term), spread, 0.01, disc, recovery=rec)
                got.append(1e7 * u)
    # to the cent on 10 million (QuantLib's own test allows 1e-3 percent)
    np.testing.assert_allclose(got, MARKIT_UPFRONTS, rtol=0, atol=0.01)


ACCRUAL_REBATES = {"2009-03-18": 24166.67, "2009-03-19": 0.00, "2009-03-20": 277.78,
                   "2009-03-23": 1111.11, "2009-06-19": 25555.56, "2009-06-20": 25833.33,
                   "2009-06-21": 0.00, "2009-06-22": 277.78, "2014-06-18": 25277.78,
                   "2014-06-19": 25555.56}


@pytest.mark.parametrize("trade,expected", ACCRUAL_REBATES.items())
def test_accrual_rebates_of_isda_model_website(trade, expected):
    cds = sc.StandardCDS(trade, "2014-06-20", coupon=0.01, notional=1e7)
    res = cds.price(sc.FlatCurve(0.01), sc.FlatHazardCurve(0.01))
    assert abs(res.accrual_rebate - expected) < 0.01
    assert res.accrual_rebate == pytest.approx(1e7 * 0.01 * res.accrued_days / 360, abs=1e-9)


def test_eur_negative_rate_reconciliation():
    """testIsdaCalculatorReconcileSingleQuote (Markit value -16070.7, accrual 1000)."""
    trade = _d("2021-07-26")
    deps = {"1M": -0.0056, "3M": -0.00544, "6M": -0.00519, "12M": -0.00493}
    swaps = dict(zip(["2Y", "3Y", "4Y", "5Y", "6Y", "7Y", "8Y", "9Y", "10Y", "12Y", "15Y", "20Y",
                      "30Y"],
                     [-0.00482, -0.00442, -0.00399, -0.00352, -0.00297, -0.00237, -0.00176,
                      -0.00114, -0.00054, 0.00057, 0.00188, 0.00294, 0.00282], strict=True))
    disc = ours_from_ql_discount(trade, ql_isda_discount(trade, deps, swaps, ql.Annual, 6,
                                                         ql.EURCurrency()))
    curve = sc.isda_credit_curve(trade, [_d("2026-06-20")], [0.006713], disc)
    cds = sc.StandardCDS(trade, "2026-06-20", coupon=0.01, notional=1e6)
    res = cds.price(disc, sc.FlatHazardCurve(float(curve.hazards[0])))
    assert res.npv == pytest.approx(-16070.7, rel=1e-3)
    assert res.accrual_rebate == pytest.approx(1000.0, abs=1e-9)
    assert cds.cash_settlement_date == _d("2021-07-29")
    u = sc.upfront_from_spread(trade, "5Y", 0.006713, 0.01, disc)
    assert 1e6 * u == pytest.approx(res.clean_upfront * 1e6, abs=1e-6)


def test_dates_and_schedule():
    cds = sc.StandardCDS("2014-10-16", "5Y", coupon=0.01, notional=1e7)
    assert cds.maturity_date == _d("2019-12-20")
    assert cds.step_in_date == _d("2014-10-17")
    assert cds.cash_settlement_date == _d("2014-10-21")
    s = cds.schedule()
    assert list(s.columns) == ["accrual_start", "accrual_end", "payment_date", "accrual_days",
                               "accrual_fraction", "amount"]
    assert s.accrual_start.iloc[0] == _d("2014-09-22")      # 20 Sep 2014 was a Saturday
    assert s.accrual_end.iloc[-1] == _d("2019-12-20")
    assert s.accrual_days.iloc[-1] == (_d("2019-12-20") - s.accrual_start.iloc[-1]).days + 1
    np.testing.assert_allclose(s.accrual_fraction, s.accrual_days / 360)
    # CDS2015 semi-annual roll: from 20 Sep the on-the-run 5Y maturity is December, five years on
    assert sc.StandardCDS("2015-09-19", "5Y", 0.01).maturity_date == _d("2020-06-20")
    assert sc.StandardCDS("2015-09-20", "5Y", 0.01).maturity_date == _d("2020-12-20")
    assert sc.StandardCDS("2015-12-21", "5Y", 0.01).maturity_date == _d("2020-12-20")
    assert sc.StandardCDS("2016-03-20", "5Y", 0.01).maturity_date == _d("2021-06-20")
    for trade in _trade_dates():
        for tenor in ("6M", "1Y", "5Y", "10Y"):
            ref = ql.cdsMaturity(ql.Date(trade.day, trade.month, trade.year), ql.Period(tenor),
                                 ql.DateGeneration.CDS2015)
            ours = sc.StandardCDS(trade, tenor, 0.01).maturity_date
            assert (ours.year, ours.month, ours.day) == (ref.year(), ref.month(),
                                                         ref.dayOfMonth())


def test_holiday_calendar():
    """A holiday calendar moves accrual dates off holidays (Following) and delays settlement."""
    wk = sc.StandardCDS("2014-12-19", "1Y", 0.01)
    ny = sc.StandardCDS("2014-12-19", "1Y", 0.01, calendar="NYC")
    assert ny.cash_settlement_date == _d("2014-12-24")
    assert wk.cash_settlement_date == _d("2014-12-24")
    sch = ny.schedule()
    # 2015-01-19 MLK is not an IMM date; 2015-06-20 is a Saturday -> 22 Jun in both
    assert _d("2015-06-22") in set(sch.accrual_start)
    xmas = sc.StandardCDS("2016-12-23", "1Y", 0.01, calendar="NYC")
    assert xmas.cash_settlement_date == _d("2016-12-29")   # 26 Dec 2016 is a NY holiday


def test_side_flips_npv_only():
    disc, cred = sc.FlatCurve(0.02), sc.FlatHazardCurve(0.02)
    b = sc.StandardCDS("2014-10-16", "5Y", 0.01, notional=5e6).price(disc, cred)
    s = sc.StandardCDS("2014-10-16", "5Y", 0.01, notional=5e6, side="sell").price(disc, cred)
    assert s.npv == -b.npv
    for f in FIELDS[1:] + ("accrued_days", "risky_annuity", "dirty_upfront"):
        assert getattr(s, f) == getattr(b, f)
    assert b.dirty_upfront == pytest.approx(b.clean_upfront - b.accrual_rebate / 5e6, abs=1e-15)
    frame = b.to_frame()
    assert frame.shape == (1, 9) and frame.npv.iloc[0] == b.npv


def test_batch_pricing_agrees_with_single():
    disc, cred = sc.FlatCurve(0.01), sc.HazardCurve([1, 3, 7], [0.01, 0.02, 0.03])
    cs = [sc.StandardCDS("2014-10-16", t, c, notional=n)
          for t, c, n in (("6M", 0.01, 1), ("5Y", 0.05, 2e6), ("10Y", 0.01, 3))]
    frame = sc.price_standard_cds(cs, disc, cred)
    for i, c in enumerate(cs):
        r = c.price(disc, cred)
        assert frame.npv.iloc[i] == r.npv and frame.par_spread.iloc[i] == r.par_spread


def test_protection_runs_to_maturity_past_last_node():
    """All curve nodes before maturity: the legs still integrate to maturity (exact)."""
    disc = sc.ZeroCurve([0.5, 1.0], [0.01, 0.02])
    cred = sc.HazardCurve([0.5, 1.0], [0.01, 0.02])
    long = sc.StandardCDS("2014-10-16", "10Y", 0.01).price(disc, cred)
    short = sc.StandardCDS("2014-10-16", "2Y", 0.01).price(disc, cred)
    assert long.protection_leg > 2 * short.protection_leg
    trade = _d("2014-10-16")
    q = ql_price(ql_cds(trade, _d("2024-12-20"), 0.01), ql_flat_discount(trade, 0.0),
                 ql_hazard(trade, None, 0.02), 0.4)
    ours = sc.StandardCDS(trade, "10Y", 0.01).price(sc.FlatCurve(0.0), sc.FlatHazardCurve(0.02))
    assert abs(ours.protection_leg - q["protection_leg"]) < 1e-12


@pytest.mark.parametrize("kwargs,name", [
    ({"maturity": "2014-01-01"}, "maturity"),
    ({"recovery": 1.0}, "recovery"), ({"recovery": -0.1}, "recovery"),
    ({"maturity": "5X"}, "tenor"), ({"maturity": "7W"}, "tenor"),
    ({"notional": -1.0}, "notional"), ({"notional": 0.0}, "notional"),
    ({"side": "long"}, "side"), ({"coupon": -0.01}, "coupon"),
    ({"coupon": float("nan")}, "coupon"), ({"calendar": "MARS"}, "calendar"),
    ({"trade_date": "yesterday"}, "trade_date"),
])
def test_bad_input(kwargs, name):
    args = {"trade_date": "2014-10-16", "maturity": "5Y", "coupon": 0.01} | kwargs
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.StandardCDS(**args)


def test_bad_engine_inputs():
    cds = sc.StandardCDS("2014-10-16", "5Y", 0.01)
    with pytest.raises(sc.InvalidParameterError, match="accrual_bias"):
        cds.price(sc.FlatCurve(0.01), sc.FlatHazardCurve(0.01), accrual_bias="full")
    with pytest.raises(sc.InvalidParameterError, match="credit"):
        cds.price(sc.FlatCurve(0.01), 0.02)


def test_frame_of_terms_agrees_with_objects():
    import pandas as pd

    disc, cred = sc.FlatCurve(0.01), sc.HazardCurve([1, 3, 7], [0.01, 0.02, 0.03])
    terms = pd.DataFrame({"maturity": ["6M", "5Y", _d("2019-12-20"), "10Y"],
                          "coupon": [0.01, 0.05, 0.01, 0.01], "notional": [1.0, 2e6, 3.0, 4.0],
                          "recovery": [0.4, 0.25, 0.4, 0.3], "side": ["buy", "sell", "buy", "buy"]})
    frame = sc.price_standard_cds(terms, disc, cred, trade_date="2014-10-16")
    objs = [sc.StandardCDS("2014-10-16", r.maturity, r.coupon, r.recovery, r.notional, r.side)
            for r in terms.itertuples()]
    ref = sc.price_standard_cds(objs, disc, cred)
    np.testing.assert_array_equal(frame.to_numpy(), ref.to_numpy())
    assert frame.npv.iloc[1] > 0   # selling 500 bp protection on a ~2% name
    for col, val, name in (("recovery", 1.0, "recovery\\[0\\]"), ("notional", -1.0, "notional"),
                           ("side", "long", "side"), ("maturity", "5X", "maturity\\[0\\]")):
        bad = terms.copy()
        bad.loc[0, col] = val
        with pytest.raises(sc.InvalidParameterError, match=name):
            sc.price_standard_cds(bad, disc, cred, trade_date="2014-10-16")
    with pytest.raises(sc.InvalidParameterError, match="trade_date"):
        sc.price_standard_cds(terms, disc, cred)
