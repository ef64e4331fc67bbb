"""Bulk ISDA credit curves: same as one-by-one, QuantLib's ISDA bootstrap, error rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.calibration.isda_bulk import isda_credit_curves
from stochcredit.market.isda_quotes import packaged_quote_file, read_isda_quotes

ql = pytest.importorskip("QuantLib")

TRADE = dt.date(2014, 10, 16)


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


@pytest.fixture(scope="module")
def usd():
    return sc.isda_discount_curve(TRADE, **sc.load_isda_rates(TRADE))


@pytest.fixture(scope="module")
def markit():
    return isda_credit_curves(packaged_quote_file("markit"))


def _ql_setup(usd_curve):
    """QuantLib's ISDA discount curve (as testIsdaEngine) and ISDA-model CDS helpers."""
    ql.IborCoupon.createAtParCoupons()
    ql.Settings.instance().evaluationDate = qd(TRADE)
    cal = ql.WeekendsOnly()
    rates = sc.load_isda_rates(TRADE)
    helpers = [ql.DepositRateHelper(r, ql.Period(t), 2, cal, ql.ModifiedFollowing, False,
                                    ql.Actual360()) for t, r in rates["deposits"].items()]
    index = ql.IborIndex("IsdaIbor", ql.Period("3M"), 2, ql.USDCurrency(), cal,
                         ql.ModifiedFollowing, False, ql.Actual360())
    helpers += [ql.SwapRateHelper(r, ql.Period(t), cal, ql.Semiannual, ql.ModifiedFollowing,
                                  ql.Thirty360(ql.Thirty360.BondBasis), index)
                for t, r in rates["swaps"].items()]
    yts = ql.PiecewiseLogLinearDiscount(qd(TRADE), helpers, ql.Actual365Fixed(),
                                        ql.IterativeBootstrap(1e-15))
    yts.enableExtrapolation()
    return ql.YieldTermStructureHandle(yts)


def _ql_hazard_curve(handle, tenors, spreads, recovery):
    helpers = [ql.SpreadCdsHelper(s, ql.Period(t), 0, ql.WeekendsOnly(), ql.Quarterly,
                                  ql.Following, ql.DateGeneration.CDS2015, ql.Actual360(),
                                  recovery, handle, True, True, ql.Date(), ql.Actual360(True),
                                  True, ql.CreditDefaultSwap.ISDA)
               for t, s in zip(tenors, spreads, strict=True)]
    curve = ql.PiecewiseFlatHazardRate(qd(TRADE), helpers, ql.Actual365Fixed(),
                                       ql.IterativeBootstrap(1e-15))
    curve.enableExtrapolation()
    return curve


def test_markit_file_usd_names_built_eur_names_say_curve_missing(markit):
    assert set(markit.curves) == {"C01", "C02", "C10"}
    err = markit.errors
    assert set(err["name"]) == {"C11_SNRFOR", "C11_SUBLT2"}
    assert list(err["line"]) == [5, 6]
    assert all("no discount curve for EUR on 2014-10-16" in e for e in err["error"])
    ok = markit.frame[markit.frame["status"] == "ok"]
    assert len(ok) == 11 + 6 + 6
    assert np.max(np.abs(ok["reprice_error_bp"])) < 1e-8
    assert markit.summary() == "3 of 5 names bootstrapped; 2 failed (see .errors)"


def test_bulk_equals_one_by_one(markit, usd):
    quotes = read_isda_quotes(packaged_quote_file("markit"))
    for name, curve in markit.curves.items():
        q = quotes[quotes["name"] == name]
        single = sc.isda_credit_curve(TRADE, list(q["tenor"]), q["spread"].to_numpy(), usd,
                                      recovery=float(q["recovery"].iloc[0]))
        t = np.linspace(0, 32, 400)
        np.testing.assert_array_equal(curve.survival(t), single.survival(t))


def test_bulk_matches_quantlib_isda_bootstrap(markit, usd):
    handle = _ql_setup(usd)
    frame = markit.frame[markit.frame["status"] == "ok"]
    for name, curve in markit.curves.items():
        q = frame[frame["name"] == name]
        ref = _ql_hazard_curve(handle, list(q["tenor"]), q["spread"].to_numpy(),
                               float(q["recovery"].iloc[0]))
        days = [TRADE + dt.timedelta(days=k) for k in range(0, 365 * 31, 7)]
        got = np.array([curve.survival((d - TRADE).days / 365.0) for d in days])
        want = np.array([ref.survivalProbability(qd(d)) for d in days])
        assert np.max(np.abs(got - want)) < 1e-10, name


def test_c10_5y_100bp_upfront_matches_quantlib(markit, usd):
    """The issue's case: QuantLib's IsdaCdsEngine gives about -0.837 % for C10, 5Y, 100 bp."""
    handle = _ql_setup(usd)
    q = markit.frame[(markit.frame["name"] == "C10")]
    ref_curve = _ql_hazard_curve(handle, list(q["tenor"]), q["spread"].to_numpy(), 0.4)
    engine = ql.IsdaCdsEngine(ql.DefaultProbabilityTermStructureHandle(ref_curve), 0.4, handle)
    cds = ql.MakeCreditDefaultSwap(ql.Period("5Y"), 0.01)
    cds.setPricingEngine(engine)
    ours = sc.StandardCDS(TRADE, "5Y", coupon=0.01, recovery=0.4).price(usd, markit.curves["C10"])
    assert ours.clean_upfront == pytest.approx(-0.00837, abs=5e-5)
    # QuantLib's fairUpfront (its NPV nets the accrual rebate paid on settlement) is the clean one
    assert ours.clean_upfront == pytest.approx(cds.fairUpfront(), abs=1e-10)
    assert ours.dirty_upfront == pytest.approx(ours.clean_upfront - 25 / 360 * 0.01, abs=1e-15)


def test_cdx_file_with_bad_rows_goes_on(tmp_path):
    lines = packaged_quote_file("cdx").read_text().splitlines()
    lines[3] = lines[3].split(",")[0] + ",abc,24.44,34.44,37.78,0.40"
    lines[8] = lines[8].split(",")[0] + ",14,24,34,37,1.2"
    f = tmp_path / "cdx.csv"
    f.write_text("\n".join(lines) + "\n")
    batch = isda_credit_curves(f, sc.FlatCurve(0.05), trade_date="2007-08-01")
    assert len(batch.curves) == 123
    err = batch.errors
    assert list(err["line"]) == [4, 9]
    assert "cdx.csv, line 4: column '3Y'" in err["error"].iloc[0]
    assert "recovery '1.2'" in err["error"].iloc[1]
    ok = batch.frame[batch.frame["status"] == "ok"]
    assert len(ok) == 123 * 4 and np.max(np.abs(ok["reprice_error_bp"])) < 1e-8


def test_unmeetable_quotes_are_error_rows_naming_the_line(usd, tmp_path):
    f = tmp_path / "tidy.csv"
    # B's 5Y spread is far below its 3Y spread: a negative forward hazard
    f.write_text("name,tenor,spread_bp,recovery,date,currency\n"
                 "A,3Y,100,0.4,2014-10-16,USD\nA,5Y,120,0.4,2014-10-16,USD\n"
                 "B,3Y,900,0.4,2014-10-16,USD\nB,5Y,100,0.4,2014-10-16,USD\n")
    batch = isda_credit_curves(f)
    assert set(batch.curves) == {"A"}
    err = batch.frame[batch.frame["status"] == "error"]
    assert set(err["line"]) == {4, 5}
    assert err["error"].iloc[0].startswith("tidy.csv, lines 4, 5:")
    ok = isda_credit_curves(f, arbitrage="zero_hazard")
    assert set(ok.curves) == {"A", "B"}


def test_frame_input_and_discount_mapping(usd):
    quotes = read_isda_quotes(packaged_quote_file("markit"))
    eur_like = usd   # any curve dated 2014-10-16 stands in for a EUR curve in this test
    batch = isda_credit_curves(quotes, {"USD": usd, "EUR": eur_like})
    assert len(batch.curves) == 5 and batch.errors.empty
    with pytest.raises(sc.InvalidParameterError, match="discount"):
        isda_credit_curves(quotes, discount=42)
