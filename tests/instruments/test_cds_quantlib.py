"""CDS legs against QuantLib (test oracle only), with conventions matched deliberately.

Year fractions: QuantLib works with dates. We choose day counts and schedules so that every period
is an exact number of our year fractions:

- MidPointCdsEngine: Actual/360 everywhere and 90-day periods, so a period is exactly 0.25 and its
  mid-point (45 days) exactly 0.125. QuantLib prices on its own discretisation (default at the
  period mid-point); we (1) reproduce that discretisation with our curves to 1e-12, proving the
  schedules, year fractions and curves coincide, and (2) check our exact integrals differ from it
  only by the mid-point rule's O((λΔ)²/24) error.
- IsdaCdsEngine (requires Act/365F curves): 73-day periods = 0.2 years (frequency 5). Its
  protection leg is the same exact integral as ours (checked to 1e-12). Its premium side carries
  two ISDA conventions we do not use (by design: no day-count or step-in conventions in the year
  fraction layer): survival at the end of the previous day, Q(t - 1d), and accrual on default
  scaled by 365/360. We check the decomposition of that difference.
"""

import numpy as np
import pytest

import stochcredit as sc

ql = pytest.importorskip("QuantLib")

TODAY = ql.Date(15, 6, 2020)


@pytest.fixture(autouse=True)
def _eval_date():
    ql.Settings.instance().evaluationDate = TODAY
    yield


def _ql_cds(n_periods, days, dc, rate=0.01):
    dates = [TODAY + days * k for k in range(n_periods + 1)]
    sched = ql.Schedule(dates, ql.NullCalendar(), ql.Unadjusted)
    return ql.CreditDefaultSwap(ql.Protection.Buyer, 1.0, rate, sched, ql.Unadjusted, dc, True,
                                True, TODAY, ql.FaceValueClaim(), dc, True, TODAY, 0)


def _piecewise(dc, year_days):
    """Matching piecewise-flat curves in both libraries (QuantLib: backward-flat on dates)."""
    f_days, f = [180, 720, 2520], [0.01, 0.025, -0.004]
    h_days, h = [360, 1080, 1800, 3600], [0.01, 0.05, 0.02, 0.03]
    ql_disc = ql.ForwardCurve([TODAY] + [TODAY + d for d in f_days], [f[0]] + f, dc)
    ql_haz = ql.HazardRateCurve([TODAY] + [TODAY + d for d in h_days], [h[0]] + h, dc)
    ql_disc.enableExtrapolation()
    ql_haz.enableExtrapolation()
    ours_disc = sc.ZeroCurve(np.array(f_days) / year_days,
                             np.cumsum(np.array(f) * np.diff([0] + f_days)) / np.array(f_days))
    ours_haz = sc.HazardCurve(np.array(h_days) / year_days, h)
    return (ql.YieldTermStructureHandle(ql_disc), ql.DefaultProbabilityTermStructureHandle(ql_haz),
            ours_disc, ours_haz)


def _midpoint_with_our_curves(T, R, disc, cred, freq=4):
    """QuantLib's mid-point discretisation evaluated on our curves (independent of our legs)."""
    ends = np.arange(1, int(round(T * freq)) + 1) / freq
    begins = ends - 1 / freq
    mids = 0.5 * (begins + ends)
    dq = cred.survival(begins) - cred.survival(ends)
    p_mid = disc.discount(mids)
    prot = (1 - R) * np.sum(dq * p_mid)
    ann = np.sum((ends - begins) * disc.discount(ends) * cred.survival(ends)) \
        + np.sum(dq * 0.5 * (ends - begins) * p_mid)
    return prot, ann


@pytest.mark.parametrize("case", ["flat", "piecewise"])
@pytest.mark.parametrize("n_periods", [4, 20, 40])
def test_midpoint_engine(case, n_periods, agreement):
    dc, R = ql.Actual360(), 0.4
    if case == "flat":
        r, h = 0.03, 0.02
        ql_disc = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, r, dc, ql.Continuous))
        ql_haz = ql.DefaultProbabilityTermStructureHandle(
            ql.FlatHazardRate(TODAY, ql.QuoteHandle(ql.SimpleQuote(h)), dc))
        disc, cred = sc.FlatCurve(r), sc.FlatHazardCurve(h)
    else:
        ql_disc, ql_haz, disc, cred = _piecewise(dc, 360)
    cds = _ql_cds(n_periods, 90, dc)
    cds.setPricingEngine(ql.MidPointCdsEngine(ql_haz, R, ql_disc))
    T = n_periods / 4
    ql_prot, ql_ann = cds.defaultLegNPV(), -cds.couponLegBPS() * 1e4
    # (1) same discretisation on our curves: conventions and curves coincide to 1e-12
    mp_prot, mp_ann = _midpoint_with_our_curves(T, R, disc, cred)
    assert ql_prot == pytest.approx(mp_prot, rel=1e-12)
    assert ql_ann == pytest.approx(mp_ann, rel=1e-12)
    agreement("CDS legs, QuantLib's mid-point discretisation on our curves",
              "QuantLib MidPointCdsEngine", max(abs(ql_prot / mp_prot - 1),
                                                abs(ql_ann / mp_ann - 1)), 1e-12)
    # (2) our exact integrals differ from the mid-point rule only by its discretisation error
    ours = sc.CDS(T, recovery=R)
    lam_dt = (0.06 + 0.03) / 4  # max (h + f) x period length on these curves
    tol = lam_dt**2 / 24 * 1.5 + 1e-12
    assert ours.protection_leg(disc, cred) == pytest.approx(ql_prot, rel=tol)
    assert ours.risky_annuity(disc, cred) == pytest.approx(ql_ann, rel=tol)
    assert ours.par_spread(disc, cred) == pytest.approx(cds.fairSpread(), rel=2 * tol)


@pytest.mark.parametrize("r, h, n_periods", [(0.03, 0.02, 25), (0.01, 0.3, 10),
                                            (-0.005, 0.004, 50)])
def test_isda_engine(r, h, n_periods, agreement):
    dc, R, day = ql.Actual365Fixed(), 0.4, 1 / 365
    ql_disc = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, r, dc, ql.Continuous))
    ql_haz = ql.DefaultProbabilityTermStructureHandle(
        ql.FlatHazardRate(TODAY, ql.QuoteHandle(ql.SimpleQuote(h)), dc))
    cds = _ql_cds(n_periods, 73, dc)
    cds.setPricingEngine(ql.IsdaCdsEngine(ql_haz, R, ql_disc, False, ql.IsdaCdsEngine.Taylor,
                                          ql.IsdaCdsEngine.NoBias, ql.IsdaCdsEngine.Piecewise))
    T = n_periods / 5
    disc, cred = sc.FlatCurve(r), sc.FlatHazardCurve(h)
    ours = sc.CDS(T, recovery=R, frequency=5)
    li = ours.leg_integrals(disc, cred)
    aod = li.accrual_on_default[0]
    # protection: the same exact integral
    assert ours.protection_leg(disc, cred) == pytest.approx(cds.defaultLegNPV(), rel=1e-12)
    agreement("CDS protection leg (exact integral)", "QuantLib IsdaCdsEngine",
              abs(ours.protection_leg(disc, cred) / cds.defaultLegNPV() - 1), 1e-12)
    # premium side: ISDA = sum D P(b) Q(b - 1 day) + 365/360 x accrual on default, up to a
    # further one-day shift inside ISDA's accrual integral (< 0.2 % of that small term)
    b = np.arange(1, n_periods + 1) / 5
    isda_like = np.sum(0.2 * disc.discount(b) * cred.survival(b - day)) + 365 / 360 * aod
    isda_ann = -cds.couponLegBPS() * 1e4
    assert isda_ann == pytest.approx(isda_like, abs=2e-3 * aod)
    # so the par spreads differ by those conventions only
    ann = li.risky_annuity[0]
    conventions = h * day + (5 / 360 + 2e-3) * aod / ann
    assert ours.par_spread(disc, cred) == pytest.approx(cds.fairSpread(), rel=conventions)
    assert ours.par_spread(disc, cred) != pytest.approx(cds.fairSpread(), rel=1e-9)
