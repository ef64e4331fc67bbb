"""Risk of dated CDS (``cds_risk``) against bumping and re-bootstrapping with QuantLib.

QuantLib side (tests/instruments/isda_ql_risk.py): ``PiecewiseFlatHazardRate`` from
``SpreadCdsHelper``/``UpfrontCdsHelper`` with the ISDA model, ``IsdaCdsEngine``, discount curve
from the same deposit and swap quotes; each bump moves QuantLib's ``SimpleQuote`` and re-prices,
as in test-suite/creditdefaultswap.cpp. Amounts on a 10mm notional agree to 1e-7 (1e-14 of
notional).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import stochcredit as sc
from stochcredit.instruments.isda_risk import CreditQuotes, cds_risk
from stochcredit.instruments.isda_risk.contracts import pillar_day, quote_contract
from stochcredit.instruments.isda_risk.grid import LegTable, bootstrap_batch

ql = pytest.importorskip("QuantLib")
from isda_ql_risk import QLDefinedCDS, QLMarket, ql_cds  # noqa: E402

TRADE = dt.date(2014, 10, 16)
TENORS = ["6M", "1Y", "2Y", "3Y", "4Y", "5Y", "7Y", "10Y"]
SPREADS = [0.0030, 0.0035, 0.0050, 0.0065, 0.0080, 0.0095, 0.0110, 0.0125]
N = 1e7
TOL = 1e-7  # currency on 1e7 notional


@pytest.fixture(scope="module")
def rates():
    return sc.load_isda_rates("2014-10-16")


@pytest.fixture(scope="module")
def discount(rates):
    return sc.isda_discount_curve(TRADE, rates["deposits"], rates["swaps"])


@pytest.fixture(autouse=True)
def _reset():
    yield
    ql.Settings.instance().evaluationDate = ql.Date()


def contracts(kind=sc.StandardCDS):
    return [kind(TRADE, dt.date(2019, 12, 20), 0.01, notional=N),
            kind(TRADE, dt.date(2018, 3, 20), 0.05, notional=N, side="sell"),
            kind(TRADE, dt.date(2024, 12, 20), 0.01, recovery=0.25, notional=N)]


def ql_values(mk: QLMarket, cds, recovery_shift: float = 0.0) -> np.ndarray:
    out = []
    for c in cds:
        q = ql_cds(c.trade_date, c.maturity_date, c.coupon, c.notional, c.side)
        q.setPricingEngine(mk.engine(c.recovery + recovery_shift))
        out.append(q.NPV())
    return np.array(out)


def bumped(mk: QLMarket, quotes, shift, cds):
    for q in quotes:
        q.setValue(q.value() + shift)
    v = ql_values(mk, cds)
    for q in quotes:
        q.setValue(q.value() - shift)
    return v


@pytest.fixture(scope="module")
def risk(discount):
    return cds_risk(contracts(), discount, CreditQuotes(TENORS, SPREADS))


def test_batched_bootstrap_reproduces_quantlib_hazards(discount, rates):
    mk = QLMarket(TRADE, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4)
    qc = [quote_contract(TRADE, t) for t in TENORS]
    pillars = np.array([pillar_day(c, TRADE) for c in qc], dtype=float)
    assert [d - ql.Date(16, 10, 2014) for d, _ in mk.credit.nodes()][1:] == list(pillars)
    nodes = np.union1d(np.union1d(np.round(discount.times * 365), pillars), [0.0])
    tables = [LegTable.build(c, discount, pillars, nodes) for c in qc]
    s = np.array(SPREADS)[None, :]
    h = s / 0.6
    bootstrap_batch(tables, s, s * np.array([t.rebate_pv for t in tables]), 0.6, h)
    np.testing.assert_allclose(h[0], mk.hazards(), rtol=0, atol=1e-13)


def test_npv_parallel_and_bucketed_cs01_match_quantlib(risk, rates, agreement):
    cds = contracts()
    mk = QLMarket(TRADE, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4)
    v0 = ql_values(mk, cds)
    np.testing.assert_allclose(risk.summary["npv"], v0, rtol=0, atol=TOL)
    np.testing.assert_allclose(risk.summary["cs01"],
                               bumped(mk, mk.credit_quotes, 1e-4, cds) - v0, rtol=0, atol=TOL)
    worst = 0.0
    for k, tenor in enumerate(TENORS):
        ref = bumped(mk, [mk.credit_quotes[k]], 1e-4, cds) - v0
        np.testing.assert_allclose(risk.bucketed_cs01[tenor], ref, rtol=0, atol=TOL)
        worst = max(worst, float(np.max(np.abs(risk.bucketed_cs01[tenor] - ref))))
    agreement("bucketed CS01 of dated CDS (re-bootstrap per quoted tenor)",
              "QuantLib PiecewiseFlatHazardRate + IsdaCdsEngine, bumped quotes", worst / N,
              TOL / N, unit="of notional")
    # the test can tell a one-bucket shift apart
    assert abs(risk.bucketed_cs01["5Y"].iloc[0] - risk.bucketed_cs01["4Y"].iloc[0]) > 1e3
    assert abs(risk.bucketed_cs01["7Y"].iloc[0]) < 1e-8  # a 5Y contract ignores later pillars


def test_ir01_per_instrument_matches_quantlib(risk, rates, agreement):
    cds = contracts()
    mk = QLMarket(TRADE, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4)
    v0 = ql_values(mk, cds)
    assert list(risk.ir01_by_instrument) == [f"{k} {t}" for k, t in mk.rate_quotes]
    worst = 0.0
    for (kind, tenor), q in mk.rate_quotes.items():
        ref = bumped(mk, [q], 1e-4, cds) - v0
        ours = risk.ir01_by_instrument[f"{kind} {tenor}"]
        np.testing.assert_allclose(ours, ref, rtol=0, atol=TOL)
        worst = max(worst, float(np.max(np.abs(ours - ref))))
    agreement("IR01 per rate instrument of dated CDS (both curves re-bootstrapped)",
              "QuantLib PiecewiseLogLinearDiscount + hazard bootstrap, bumped quotes", worst / N,
              TOL / N, unit="of notional")
    ref = bumped(mk, list(mk.rate_quotes.values()), 1e-4, cds) - v0
    np.testing.assert_allclose(risk.summary["ir01"], ref, rtol=0, atol=TOL)


def test_recovery01_jtd_and_theta_match_quantlib(risk, rates):
    cds = contracts()
    mk = QLMarket(TRADE, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4)
    v0 = ql_values(mk, cds)
    # recovery: curves re-bootstrapped at R + 1 % from the same quotes, contracts at R + 1 %
    mk.build_credit(0.41)
    ref = ql_values(mk, cds, recovery_shift=0.01) - v0
    np.testing.assert_allclose(risk.summary["recovery01"], ref, rtol=0, atol=TOL)
    sign = np.array([1.0, -1.0, 1.0])
    rec = np.array([c.recovery for c in cds])
    np.testing.assert_allclose(risk.summary["jtd"], sign * N * (1 - rec) - v0, rtol=0, atol=TOL)
    # theta: everything one day later, same quotes, contracts struck on the new date
    nxt = TRADE + dt.timedelta(days=1)
    later = QLMarket(nxt, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4)
    moved = [QLDefinedCDS(nxt, c.maturity_date, c.coupon, c.recovery, c.notional, c.side)
             for c in cds]
    np.testing.assert_allclose(risk.summary["theta"], ql_values(later, moved) - v0, rtol=0,
                               atol=TOL)


def test_upfront_quotes_bump_the_quoted_spread_as_quantlib(discount, rates):
    """Upfront-quoted curve: CS01 bumps each quote's flat-hazard quoted spread by 1 bp."""
    upfronts = [-0.0040, -0.0020, 0.0010, 0.0060, 0.0150, 0.0300, 0.0550, 0.0800]
    cds = contracts()[:2]
    risk = cds_risk(cds, discount, CreditQuotes(TENORS, upfronts, quote_type="upfront",
                                                coupon=0.01),
                    measures=("cs01", "bucketed_cs01"))
    mk = QLMarket(TRADE, rates["deposits"], rates["swaps"], TENORS, upfronts, 0.4,
                  quote_type="upfront", coupon=0.01)
    v0 = ql_values(mk, cds)
    np.testing.assert_allclose(risk.summary["npv"], v0, rtol=0, atol=TOL)

    def bumped_upfront(tenor: str, upfront: float) -> float:
        # QuantLib's conversion (testIsdaEngine): flat hazard reproducing the quote, its fair
        # spread, + 1 bp, flat hazard of that par spread, fair upfront of the 100 bp contract
        mat = ql.cdsMaturity(ql.Date(16, 10, 2014), ql.Period(tenor), ql.DateGeneration.CDS2015)
        d = dt.date(mat.year(), mat.month(), mat.dayOfMonth())

        def flat(h):
            return ql.DefaultProbabilityTermStructureHandle(
                ql.FlatHazardRate(0, ql.WeekendsOnly(), ql.QuoteHandle(ql.SimpleQuote(h)),
                                  ql.Actual365Fixed()))

        def priced(cds, h):
            cds.setPricingEngine(ql.IsdaCdsEngine(flat(h), 0.4, mk.dh))
            return cds

        h = ql_cds(TRADE, d, 0.01, upfront=upfront)
        hz = h.impliedHazardRate(0.0, mk.dh, ql.Actual365Fixed(), 0.4, 1e-14,
                                 ql.CreditDefaultSwap.ISDA)
        s = priced(ql_cds(TRADE, d, 0.01), hz).fairSpread() + 1e-4
        hz2 = ql_cds(TRADE, d, s).impliedHazardRate(0.0, mk.dh, ql.Actual365Fixed(), 0.4, 1e-14,
                                                    ql.CreditDefaultSwap.ISDA)
        return priced(ql_cds(TRADE, d, 0.01), hz2).fairUpfront()

    new = [bumped_upfront(t, u) for t, u in zip(TENORS, upfronts, strict=True)]
    for k, tenor in enumerate(TENORS):
        old = mk.credit_quotes[k].value()
        mk.credit_quotes[k].setValue(new[k])
        ref = ql_values(mk, cds) - v0
        mk.credit_quotes[k].setValue(old)
        np.testing.assert_allclose(risk.bucketed_cs01[tenor], ref, rtol=0, atol=1e-6)
    for k in range(len(TENORS)):
        mk.credit_quotes[k].setValue(new[k])
    np.testing.assert_allclose(risk.summary["cs01"], ql_values(mk, cds) - v0, rtol=0, atol=1e-6)


def test_portfolio_rows_are_independent_and_totals_add(discount, risk):
    one = cds_risk(contracts()[1], discount, CreditQuotes(TENORS, SPREADS),
                   measures=("cs01", "bucketed_cs01", "jtd"))
    np.testing.assert_allclose(one.bucketed_cs01.iloc[0], risk.bucketed_cs01.iloc[1],
                               rtol=1e-12, atol=1e-9)
    total = risk.total()
    assert total["cs01"] == pytest.approx(risk.summary["cs01"].sum())
    assert total["cs01 5Y"] == pytest.approx(risk.bucketed_cs01["5Y"].sum())
    tidy = risk.to_frame()
    assert set(tidy["measure"]) >= {"cs01", "bucketed_cs01", "ir01_by_instrument", "theta"}
    assert len(tidy) == 3 * (5 + len(TENORS) + risk.ir01_by_instrument.shape[1])


def test_one_curve_per_contract_from_a_frame(discount):
    frame = pd.DataFrame([SPREADS, [2 * s for s in SPREADS]], index=["A", "B"], columns=TENORS)
    cds = {"A": contracts()[0], "B": contracts()[0]}
    risk = cds_risk(cds, discount, frame, measures=("cs01",))
    assert list(risk.summary.index) == ["A", "B"]
    assert risk.summary.loc["B", "npv"] > risk.summary.loc["A", "npv"]
    single = cds_risk(contracts()[0], discount, CreditQuotes(TENORS, frame.loc["B"]),
                      measures=("cs01",))
    np.testing.assert_allclose(single.summary.to_numpy(), risk.summary.loc[["B"]].to_numpy(),
                               rtol=0, atol=TOL)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"tenors": ["1Y", "6M"], "quotes": [0.01, 0.01]}, r"tenors\[1\]"),
    ({"tenors": ["1Y", "1Y"], "quotes": [0.01, 0.01]}, r"tenors\[1\]"),
    ({"tenors": ["1Y", "5X"], "quotes": [0.01, 0.01]}, "tenor"),
    ({"tenors": ["1Y", "2Y"], "quotes": [0.01]}, "quotes"),
    ({"tenors": ["1Y", "2Y"], "quotes": [0.01, -0.01]}, "quotes"),
    ({"tenors": ["1Y", "2Y"], "quotes": [0.01, 0.01], "recovery": 1.0}, "recovery"),
    ({"tenors": ["1Y", "2Y"], "quotes": [0.01, 0.01], "quote_type": "upfront"}, "coupon"),
    ({"tenors": ["1Y", "2Y"], "quotes": [0.01, 0.01], "quote_type": "par"}, "quote_type"),
])
def test_bad_quotes_name_the_parameter(kwargs, name):
    with pytest.raises(sc.InvalidParameterError, match=name):
        CreditQuotes(**kwargs)


def test_bad_portfolios_and_arbitrage(discount):
    with pytest.raises(sc.InvalidParameterError, match="trade date"):
        cds_risk([contracts()[0], sc.StandardCDS(dt.date(2014, 10, 17), dt.date(2019, 12, 20),
                                                 0.01)], discount, CreditQuotes(TENORS, SPREADS))
    with pytest.raises(sc.InvalidParameterError, match="credit"):
        cds_risk(contracts(), discount, CreditQuotes(TENORS, [SPREADS, SPREADS]))
    with pytest.raises(sc.InvalidParameterError, match="measures"):
        cds_risk(contracts(), discount, CreditQuotes(TENORS, SPREADS), measures=("vega",))
    inverted = [0.03, 0.02, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005]
    with pytest.raises(sc.InvalidParameterError, match="2Y"):
        cds_risk(contracts()[0], discount, CreditQuotes(TENORS, inverted), measures=("cs01",))
    ok = cds_risk(contracts()[0], discount,
                  CreditQuotes(TENORS, inverted, arbitrage="zero_hazard"), measures=("cs01",))
    assert np.isfinite(ok.summary["cs01"]).all()


def test_buckets_add_up_to_about_the_parallel_cs01(risk):
    """Signs and the near-additivity of the ladder (second-order cross terms are ~1e-4)."""
    total = risk.bucketed_cs01.sum(axis=1)
    np.testing.assert_allclose(total, risk.summary["cs01"], rtol=2e-3)
    assert (risk.summary["cs01"].iloc[[0, 2]] > 0).all() and risk.summary["cs01"].iloc[1] < 0


@pytest.mark.parametrize("trade", [dt.date(2014, 10, 17), dt.date(2014, 10, 18),
                                   dt.date(2015, 3, 19), dt.date(2015, 3, 20),
                                   dt.date(2014, 12, 19), dt.date(2014, 12, 20),
                                   dt.date(2014, 12, 21)])
def test_weekend_and_imm_trade_dates_theta_and_cs01(rates, trade):
    """Friday -> Saturday, a Saturday, the day before a coupon date and roll (20 Mar), an IMM
    date, around a Saturday IMM date: npv, CS01 and theta as QuantLib re-built on each date."""
    mat = dt.date(2019, 12, 20)
    nxt = trade + dt.timedelta(days=1)
    disc = sc.isda_discount_curve(trade, rates["deposits"], rates["swaps"])
    cds = [sc.StandardCDS(trade, mat, 0.01, notional=N)]
    risk = cds_risk(cds, disc, CreditQuotes(TENORS, SPREADS), measures=("cs01", "theta"))
    # QuantLib's own schedule of the contract gives the same numbers
    via_ql = cds_risk([QLDefinedCDS(trade, mat, 0.01, notional=N)], disc,
                      CreditQuotes(TENORS, SPREADS), measures=("cs01", "theta"))
    np.testing.assert_allclose(via_ql.summary.to_numpy(), risk.summary.to_numpy(), rtol=0,
                               atol=TOL)
    mk = QLMarket(trade, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4, curve=disc)
    v0 = ql_values(mk, cds)
    np.testing.assert_allclose(risk.summary["npv"], v0, rtol=0, atol=TOL)
    np.testing.assert_allclose(risk.summary["cs01"],
                               bumped(mk, mk.credit_quotes, 1e-4, cds) - v0, rtol=0, atol=TOL)
    later = QLMarket(nxt, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4,
                     curve=sc.isda_discount_curve(nxt, rates["deposits"], rates["swaps"]))
    v1 = ql_values(later, [QLDefinedCDS(nxt, mat, 0.01, notional=N)])
    np.testing.assert_allclose(risk.summary["theta"], v1 - v0, rtol=0, atol=TOL)


def test_agrees_with_isda_credit_curve_and_standard_cds_price(discount, risk):
    """Two public paths: the batched re-bootstrap and ``isda_credit_curve`` + ``price``."""
    curve = sc.isda_credit_curve(TRADE, TENORS, SPREADS, discount)
    qc = [quote_contract(TRADE, t) for t in TENORS]
    np.testing.assert_allclose(curve.times * 365, [pillar_day(c, TRADE) for c in qc])
    npv = [c.price(discount, curve).npv for c in contracts()]
    np.testing.assert_allclose(risk.summary["npv"], npv, rtol=0, atol=TOL)
    # a curve from isda_credit_curve carries its quotes: the same risk
    again = cds_risk(contracts(), discount, curve, measures=("cs01", "bucketed_cs01"))
    np.testing.assert_allclose(again.bucketed_cs01, risk.bucketed_cs01, rtol=0, atol=TOL)
    bumped_curve = curve.rebuild(quotes=np.array(SPREADS) + 1e-4)
    cs01 = [c.price(discount, bumped_curve).npv - v for c, v in zip(contracts(), npv,
                                                                      strict=True)]
    np.testing.assert_allclose(risk.summary["cs01"], cs01, rtol=0, atol=TOL)


def test_distressed_negative_rates_and_upfront_quotes_agree_with_isda_credit_curve():
    """EUR negative rates; 5,000 bp and 1 bp spread curves; a points-upfront curve."""
    trade = "2016-05-10"
    disc = sc.isda_discount_curve(trade, {"1M": -0.00371, "6M": -0.00213, "12M": -0.00079},
                                  {"2Y": -0.00167, "5Y": -0.00006, "10Y": 0.00396,
                                   "30Y": 0.00793}, "EUR")
    tenors = ["6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y"]
    cds = [sc.StandardCDS(trade, m, c, notional=N) for m, c in (("5Y", 0.05), ("3Y", 0.01),
                                                                  ("10Y", 0.01))]
    cases = [CreditQuotes(tenors, [0.5, 0.45, 0.4, 0.35, 0.3, 0.28, 0.25]),
             CreditQuotes(tenors, [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4]),
             CreditQuotes(tenors, [0.1, 0.15, 0.2, 0.25, 0.3, 0.33, 0.36], quote_type="upfront",
                          coupon=0.05)]
    for q in cases:
        risk = cds_risk(cds, disc, q, measures=("cs01",))
        curve = sc.isda_credit_curve(trade, tenors, q.quotes[0], disc, quote_type=q.quote_type,
                                     coupon=None if q.coupon is None else q.coupon[0])
        npv = [c.price(disc, curve).npv for c in cds]
        np.testing.assert_allclose(risk.summary["npv"], npv, rtol=0, atol=1e-12 * N)
    with pytest.raises(sc.InvalidParameterError, match=r"10Y.*0\.55"):
        cds_risk(cds, disc, CreditQuotes(tenors, [0.3, 0.35, 0.4, 0.45, 0.5, 0.52, 0.55],
                                         quote_type="upfront", coupon=0.05))
