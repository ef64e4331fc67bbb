"""ISDA discount curve: QuantLib reproduces it (testIsdaEngine construction), repricing, errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.market.calendars import Calendar
from stochcredit.market.isda_discount import (
    CONVENTIONS,
    RateConventions,
    isda_discount_curve,
    load_isda_rates,
    swap_schedule,
)

ql = pytest.importorskip("QuantLib")

DC = {"ACT/360": ql.Actual360(), "ACT/365F": ql.Actual365Fixed(),
      "30/360": ql.Thirty360(ql.Thirty360.BondBasis),
      "30E/360": ql.Thirty360(ql.Thirty360.European)}
FREQ = {"3M": ql.Quarterly, "6M": ql.Semiannual, "1Y": ql.Annual}

# QuantLib's testIsdaEngine (test-suite/creditdefaultswap.cpp): Markit USD rates of 2009-05-21
QL_TEST_DEPOSITS = {"1M": 0.003081, "2M": 0.005525, "3M": 0.007163, "6M": 0.012413,
                    "9M": 0.014, "12M": 0.015488}
QL_TEST_SWAPS = dict(zip(["2Y", "3Y", "4Y", "5Y", "6Y", "7Y", "8Y", "9Y", "10Y", "12Y", "15Y",
                          "20Y", "25Y", "30Y"],
                         [0.011907, 0.01699, 0.021198, 0.02444, 0.026937, 0.028967, 0.030504,
                          0.031719, 0.03279, 0.034535, 0.036217, 0.036981, 0.037246, 0.037605],
                         strict=True))
# a negative-rate EUR curve (illustrative inputs, 2016-style levels)
EUR_NEG_DEPOSITS = {"1M": -0.00371, "2M": -0.00341, "3M": -0.00316, "6M": -0.00213,
                    "9M": -0.00141, "12M": -0.00079}
EUR_NEG_SWAPS = {"2Y": -0.00167, "3Y": -0.00131, "4Y": -0.00076, "5Y": -0.00006, "6Y": 0.0007,
                 "7Y": 0.00152, "8Y": 0.00237, "9Y": 0.00318, "10Y": 0.00396, "12Y": 0.00526,
                 "15Y": 0.0066, "20Y": 0.00764, "30Y": 0.00793}


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


@pytest.fixture(autouse=True)
def _at_par_coupons():
    ql.IborCoupon.createAtParCoupons()
    yield
    ql.Settings.instance().evaluationDate = ql.Date()


def ql_curve(trade: dt.date, deposits: dict, swaps: dict, conv: RateConventions):
    """The ISDA curve as QuantLib's testIsdaEngine builds it.

    On a weekend trade date QuantLib's helpers would ask for a past fixing; they are set up on
    the next business day (their spot is the same) and the curve keeps the trade date.
    """
    cal = ql.WeekendsOnly()
    ql.Settings.instance().evaluationDate = cal.adjust(qd(trade))
    helpers = [ql.DepositRateHelper(r, ql.Period(t), conv.spot_days, cal, ql.ModifiedFollowing,
                                    False, DC[conv.deposit_day_count])
               for t, r in deposits.items()]
    index = ql.IborIndex("IsdaIbor", ql.Period(conv.float_tenor), conv.spot_days,
                         ql.USDCurrency(), cal, ql.ModifiedFollowing, False,
                         DC[conv.float_day_count])
    helpers += [ql.SwapRateHelper(r, ql.Period(t), cal, FREQ[conv.fixed_tenor],
                                  ql.ModifiedFollowing, DC[conv.fixed_day_count], index)
                for t, r in swaps.items()]
    curve = ql.PiecewiseLogLinearDiscount(qd(trade), helpers, ql.Actual365Fixed(),
                                          ql.IterativeBootstrap(1e-15))
    curve.enableExtrapolation()
    return curve, helpers


def _daily(trade: dt.date, years: int = 32):
    return [trade + dt.timedelta(days=k) for k in range(0, 365 * years, 3)]


CASES = [
    ("2009-05-21", QL_TEST_DEPOSITS, QL_TEST_SWAPS, "USD"),
    ("2014-10-16", None, None, "USD"),
    ("2014-10-18", None, None, "USD"),   # a Saturday: spot from Monday
    ("2014-08-27", None, None, "USD"),   # spot on Friday 29 August: month-end rolls
    ("2016-03-10", EUR_NEG_DEPOSITS, EUR_NEG_SWAPS, "EUR"),
    ("2016-12-20", EUR_NEG_DEPOSITS, EUR_NEG_SWAPS, "EUR"),   # trade on an IMM date
    ("2014-10-16", None, None, "GBP"),
    ("2014-10-16", None, None, "JPY"),
    ("2022-06-15", None, None, "USD-SOFR"),
    ("2022-06-15", EUR_NEG_DEPOSITS, EUR_NEG_SWAPS, "EUR-ESTR"),
    ("2022-06-17", None, None, "GBP-SONIA"),
    ("2022-01-29", None, None, "JPY-TONA"),
]


@pytest.mark.parametrize(("trade", "deposits", "swaps", "currency"), CASES)
def test_quantlib_reproduces_the_curve(trade, deposits, swaps, currency):
    if deposits is None:
        packaged = load_isda_rates("2014-10-16")
        deposits, swaps = packaged["deposits"], packaged["swaps"]
    trade = dt.date.fromisoformat(trade)
    ours = isda_discount_curve(trade, deposits, swaps, currency)
    ref, helpers = ql_curve(trade, deposits, swaps, CONVENTIONS[currency])
    # same pillars (instrument maturities)
    ql_pillars = [dt.date(d.year(), d.month(), d.dayOfMonth()) for d in ref.dates()[1:]]
    assert list(ours.instruments["maturity"]) == ql_pillars
    days = _daily(trade)
    got = np.array([ours.discount_date(d) for d in days])
    want = np.array([ref.discount(qd(d)) for d in days])
    assert np.max(np.abs(got - want)) < 1e-12
    # every instrument reprices on our curve, and QuantLib agrees on its own curve
    quotes = ours.instruments["rate"].to_numpy()
    np.testing.assert_allclose(ours.implied_rates(), quotes, rtol=0, atol=1e-12)
    np.testing.assert_allclose([h.impliedQuote() for h in helpers], quotes, rtol=0, atol=1e-12)
    assert isinstance(ours, sc.ZeroCurve)


def test_public_name_and_packaged_rates():
    curve = sc.isda_discount_curve("2014-10-16", **sc.load_isda_rates("2014-10-16"))
    assert curve.currency == "USD" and curve.trade_date == dt.date(2014, 10, 16)
    assert curve.spot_date == dt.date(2014, 10, 20)
    table = curve.instruments
    assert list(table["kind"]).count("deposit") == 5 and len(table) == 19
    assert table["tenor"].iloc[-1] == "30Y"
    # times are ACT/365F from the trade date
    first = (dt.date(2014, 11, 20) - dt.date(2014, 10, 16)).days / 365
    assert table["time"].iloc[0] == pytest.approx(first, rel=1e-15)
    np.testing.assert_allclose(curve.discount(table["time"].to_numpy()), table["discount"],
                               rtol=1e-15)
    with pytest.raises(sc.InvalidParameterError, match="packaged"):
        sc.load_isda_rates("2014-10-17")
    with pytest.raises(sc.InvalidParameterError, match="packaged"):
        sc.load_isda_rates("2014-10-16", "EUR")


def test_rebuild_and_bumps_are_rebootstraps():
    curve = isda_discount_curve("2014-10-16", **load_isda_rates("2014-10-16"))
    same = curve.rebuild()
    np.testing.assert_array_equal(same.zero_rates, curve.zero_rates)
    up = curve.bumped(1e-4, "5Y")
    rates = curve.instruments.set_index("tenor")["rate"]
    implied = up.implied_rates()
    expected = rates.to_numpy() + np.where(rates.index == "5Y", 1e-4, 0.0)
    np.testing.assert_allclose(implied, expected, rtol=0, atol=1e-12)
    # pillars before 5Y do not move; the 5Y discount factor falls
    assert np.all(up.instruments["discount"][:8] == curve.instruments["discount"][:8])
    assert up.instruments["discount"][8] < curve.instruments["discount"][8]
    par = curve.bumped(1e-4)
    np.testing.assert_allclose(par.implied_rates(), rates.to_numpy() + 1e-4, rtol=0, atol=1e-12)
    with pytest.raises(sc.InvalidParameterError, match="tenor"):
        curve.bumped(1e-4, "11Y")


def test_rfr_short_ois_as_deposit_or_swap_is_the_same_curve():
    swaps = {"1M": 0.0151, "3M": 0.0172, "6M": 0.0215, "1Y": 0.0262, "2Y": 0.0301,
             "5Y": 0.0297, "10Y": 0.0300, "30Y": 0.0278}
    deposits = {k: swaps.pop(k) for k in ("1M", "3M", "6M", "1Y")}
    a = isda_discount_curve("2022-06-15", deposits, swaps, "USD-SOFR")
    b = isda_discount_curve("2022-06-15", None, {**deposits, **swaps}, "USD-SOFR")
    np.testing.assert_allclose(a.discount(np.linspace(0, 31, 200)),
                               b.discount(np.linspace(0, 31, 200)), rtol=0, atol=1e-14)


def test_rfr_sofr_against_quantlib_ois_helpers():
    """Compounded-SOFR OIS (QuantLib OISRateHelper, no payment lag) give the same curve."""
    trade = dt.date(2022, 6, 15)
    swaps = {"1M": 0.0151, "3M": 0.0172, "6M": 0.0215, "1Y": 0.0262, "2Y": 0.0301, "3Y": 0.0305,
             "5Y": 0.0297, "7Y": 0.0298, "10Y": 0.0300, "20Y": 0.0291, "30Y": 0.0278}
    ours = isda_discount_curve(trade, None, swaps, "USD-SOFR")
    ql.Settings.instance().evaluationDate = qd(trade)
    sofr = ql.OvernightIndex("SOFR-weekends", 0, ql.USDCurrency(), ql.WeekendsOnly(),
                             ql.Actual360())
    helpers = [ql.OISRateHelper(2, ql.Period(t), r, sofr, endOfMonth=False)
               for t, r in swaps.items()]
    ref = ql.PiecewiseLogLinearDiscount(qd(trade), helpers, ql.Actual365Fixed(),
                                        ql.IterativeBootstrap(1e-15))
    days = _daily(trade, 30)
    got = np.array([ours.discount_date(d) for d in days])
    want = np.array([ref.discount(qd(d)) for d in days])
    assert np.max(np.abs(got - want)) < 1e-12


def test_swap_schedule_matches_quantlib_schedule():
    cal = Calendar()
    for start in (dt.date(2014, 10, 20), dt.date(2014, 8, 29), dt.date(2016, 2, 29),
                  dt.date(2015, 1, 30)):
        for tenor in ("1Y", "18M", "2Y", "5Y", "30Y"):
            ref = ql.Schedule(qd(start), qd(start) + ql.Period(tenor), ql.Period("6M"),
                              ql.WeekendsOnly(), ql.ModifiedFollowing, ql.ModifiedFollowing,
                              ql.DateGeneration.Backward, False)
            want = [dt.date(d.year(), d.month(), d.dayOfMonth()) for d in ref]
            assert swap_schedule(start, tenor, "6M", cal) == want, (start, tenor)


def test_bad_input():
    rates = load_isda_rates("2014-10-16")
    dep, sw = rates["deposits"], rates["swaps"]
    bad = [
        ({"trade_date": "2014-13-01"}, "trade_date"),
        ({"currency": "CHF-LIBOR"}, "currency"),
        ({"deposits": {"3X": 0.01}}, "tenor"),
        ({"deposits": {"3M": float("nan")}}, "deposits"),
        ({"deposits": {"3M": 2.28}}, r"deposits\['3M'\]"),         # percent, not decimals
        ({"deposits": {"3M": 0.002, "1M": 0.001}}, r"deposits\['1M'\]"),   # unsorted
        ({"deposits": {"12M": 0.005, "1Y": 0.005}}, r"deposits\['1Y'\]"),   # duplicate maturity
        ({"swaps": {"1Y": 0.006, **sw}}, r"swaps\['1Y'\]"),        # on the last deposit
        ({"swaps": {"2W": 0.006}}, "swaps"),
        ({"deposits": None, "swaps": None}, "deposits"),
        ({"deposits": [0.01, 0.02]}, "mapping"),
        ({"swaps": {"5Y": "abc"}}, r"swaps\['5Y'\]"),
    ]
    for change, match in bad:
        args = {"trade_date": "2014-10-16", "deposits": dep, "swaps": sw, **change}
        with pytest.raises(sc.InvalidParameterError, match=match):
            isda_discount_curve(**args)


def test_calendar_option_moves_spot():
    rates = load_isda_rates("2014-10-16")
    # 2014-11-26, Wednesday before Thanksgiving: spot T+2 skips Thursday on the NYC calendar
    a = isda_discount_curve("2014-11-26", **rates)
    b = isda_discount_curve("2014-11-26", **rates, calendar="NYC")
    assert a.spot_date == dt.date(2014, 11, 28) and b.spot_date == dt.date(2014, 12, 1)


def test_read_isda_rates_layouts(tmp_path):
    from stochcredit.market.isda_discount import read_isda_rates

    f = tmp_path / "r.csv"
    f.write_text("tenor,kind,rate\n1M,deposit,0.001535\n3M,deposit,0.2281%\n2Y,swap,0.005905\n")
    r = read_isda_rates(f)
    assert r == {"deposits": {"1M": 0.001535, "3M": pytest.approx(0.002281)},
                 "swaps": {"2Y": 0.005905}}
    f.write_text("tenor,kind,rate\n1M,future,0.001\n")
    with pytest.raises(sc.InvalidParameterError, match="instrument type"):
        read_isda_rates(f)
    f.write_text("a,b\n1,2\n")
    with pytest.raises(sc.InvalidParameterError, match="header"):
        read_isda_rates(f)
    from stochcredit import data

    packaged = read_isda_rates(data.path("usd_isda_rates_2014-10-16.csv"))
    assert packaged.pop("date") == dt.date(2014, 10, 16)
    assert packaged == load_isda_rates("2014-10-16")
