"""Benchmark (issue 11): gradients, single small problems, and calibration with exact Jacobians.

1. Gradient call vs value call (goal <= 3x): Merton spread curve of 11 maturities (1F and 2F
   Heston) and ``european_option_gradient`` vs ``european_option`` (1 and 50 strikes).
   1b. The same for Bates (curve, 1 and 50 strikes) and CreditGradesEquity under Heston
   variance (images): ``option_sensitivities`` vs ``call``, ``survival_gradient`` vs ``survival``.
2. A single Heston price vs QuantLib's AnalyticHestonEngine (goal >= 5x faster).
3. A single 1-factor Merton curve (11 maturities) vs QuantLib pricing the 11 puts (goal >= 10x).
4. The two-factor curve: single (goal <= 100 us) and 1,000 curves batched (goal <= 50 us/curve).
5. ``calibrate_merton("heston2")`` on a 10-point Table 4.3 curve vs QuantLib's Heston calibration
   to the 104 DAX implied vols of its test suite (test-suite/hestonmodel.cpp,
   ``getDAXCalibrationMarketData``: A. Sepp's data; LevenbergMarquardt, AnalyticHestonEngine(64)).

QuantLib's NPV is cached, so each timed QuantLib price follows a change of the spot quote.
Run: ``.venv/bin/python benchmarks/bench_sensitivities.py``
"""

from __future__ import annotations

import json

import numpy as np
import QuantLib as ql
from _timing import best_of

import stochcredit as sc
from stochcredit.calibration.merton import merton_spreads
from stochcredit.data import path

H1 = (0.0581, 1.2017, 0.0524, 0.8968, -0.559)
H2 = (0.0174, 0.3605, 0.0157, 0.269, -0.1677)
T11 = np.arange(1.0, 12.0)
T10 = np.array([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 10.0])


def row(label, ours, ref=None, ref_label=""):
    extra = f"   {ref_label} {ref * 1e6:10.1f} us   ratio {ref / ours:6.2f}x" if ref else ""
    print(f"{label:<52s} {ours * 1e6:10.1f} us{extra}")


def gradients():
    print("-- 1. gradient vs value")
    for name, dyn in (("1F", sc.Heston(*H1)), ("2F", sc.MultiFactorHeston([sc.Heston(*H1),
                                                                           sc.Heston(*H2)]))):
        m = sc.Merton(1.0, 0.43, 0.05, dyn)
        m.credit_spread(T11)
        m.credit_spread_gradient(T11)
        tv, _ = best_of(lambda m=m: m.credit_spread(T11), repeat=5, number=20)
        tg, _ = best_of(lambda m=m: m.credit_spread_gradient(T11), repeat=5, number=20)
        print(f"Merton {name} curve (11 T): value {tv * 1e6:8.1f} us, gradient {tg * 1e6:8.1f} us"
              f"  -> {tg / tv:4.2f}x (goal <= 3x)")
    h = sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7)
    for n in (1, 50):
        k = np.linspace(80, 120, n)
        sc.european_option_gradient(100.0, k, 1.0, 0.02, h)
        tv, _ = best_of(lambda k=k: sc.european_option(100.0, k, 1.0, 0.02, h), 5, 20)
        tg, _ = best_of(lambda k=k: sc.european_option_gradient(100.0, k, 1.0, 0.02, h), 5, 20)
        print(f"Heston option, {n:3d} strikes: value {tv * 1e6:8.1f} us, gradient "
              f"{tg * 1e6:8.1f} us  -> {tg / tv:4.2f}x")


def gradients_bates_and_images():
    """Rows added for Bates (numpy Lewis path: no compiled kernel hook) and for
    CreditGradesEquity under Heston variance (method of images), gradient vs value call."""
    print("-- 1b. gradient vs value: Bates, CreditGradesEquity (images)")
    b = sc.Bates(*H1, 0.3, -0.1, 0.15)
    m = sc.Merton(1.0, 0.43, 0.05, b)
    m.credit_spread(T11)
    m.credit_spread_gradient(T11)
    tv, _ = best_of(lambda: m.credit_spread(T11), repeat=5, number=5)
    tg, _ = best_of(lambda: m.credit_spread_gradient(T11), repeat=5, number=5)
    print(f"Merton Bates curve (11 T): value {tv * 1e6:8.1f} us, gradient {tg * 1e6:8.1f} us"
          f"  -> {tg / tv:4.2f}x (goal <= 3x)")
    for n in (1, 50):
        k = np.linspace(80, 120, n)
        sc.european_option_gradient(100.0, k, 1.0, 0.02, b)
        tv, _ = best_of(lambda k=k: sc.european_option(100.0, k, 1.0, 0.02, b), 5, 10)
        tg, _ = best_of(lambda k=k: sc.european_option_gradient(100.0, k, 1.0, 0.02, b), 5, 10)
        print(f"Bates option, {n:3d} strikes: value {tv * 1e6:8.1f} us, gradient "
              f"{tg * 1e6:8.1f} us  -> {tg / tv:4.2f}x (goal <= 3x)")
    cge = sc.CreditGradesEquity(50.0, 40.0, 0.5, 0.03, sc.Heston(*H1[:4], 0.0), 0.01)
    k, t = np.array([40.0, 45.0, 50.0, 55.0, 60.0]), np.array([0.5, 1.0, 1.0, 2.0, 5.0])
    cge.option_sensitivities(k, t)
    tv, _ = best_of(lambda: cge.call(k, t), 5, 10)
    tg, _ = best_of(lambda: cge.option_sensitivities(k, t), 5, 10)
    print(f"CreditGradesEquity Heston calls (5): value {tv * 1e6:8.1f} us, sensitivities "
          f"{tg * 1e6:8.1f} us  -> {tg / tv:4.2f}x")
    tv, _ = best_of(lambda: cge.survival(T11), 5, 10)
    tg, _ = best_of(lambda: cge.survival_gradient(T11), 5, 10)
    print(f"CreditGradesEquity Heston survival (11 T): value {tv * 1e6:8.1f} us, gradient "
          f"{tg * 1e6:8.1f} us  -> {tg / tv:4.2f}x")


def _ql_setup(params, rate=0.02, spot=100.0):
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, rate, ql.Actual365Fixed()))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, ql.Actual365Fixed()))
    quote = ql.SimpleQuote(spot)
    proc = ql.HestonProcess(rts, dts, ql.QuoteHandle(quote), *params)
    return today, quote, ql.AnalyticHestonEngine(ql.HestonModel(proc))


def single_prices():
    print("-- 2./3./4. single small problems")
    params = (0.04, 1.5, 0.04, 0.5, -0.7)
    today, quote, engine = _ql_setup(params)
    opt = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, 105.0),
                           ql.EuropeanExercise(today + 365))
    opt.setPricingEngine(engine)
    bump = [0]

    def ql_price():
        bump[0] ^= 1
        quote.setValue(100.0 + 1e-9 * bump[0])
        return opt.NPV()

    ql_price()
    tq, pq = best_of(ql_price, 5, 200)
    h = sc.Heston(*params)
    sc.european_option(100.0, 105.0, 1.0, 0.02, h)
    to, po = best_of(lambda: sc.european_option(100.0, 105.0, 1.0, 0.02, h), 5, 200)
    row("single Heston call (T=1, K=105)", to, tq, "QuantLib")
    print(f"   prices: ours {po:.12f}  QuantLib {pq:.12f} (T = 365/365)")

    # one 1F Merton curve: QuantLib prices the 11 puts struck at the debt
    asset, debt, rate = 1.0, 0.43, 0.05
    today, quote, engine = _ql_setup(H1, rate, asset)
    puts = []
    for t in T11:
        o = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Put, debt),
                             ql.EuropeanExercise(today + int(round(365 * t))))
        o.setPricingEngine(engine)
        puts.append(o)

    def ql_curve():
        bump[0] ^= 1
        quote.setValue(asset + 1e-12 * bump[0])
        p = np.array([o.NPV() for o in puts])
        return -np.log(np.exp(-rate * T11) - p / debt) / T11 - rate

    ql_curve()
    tq, cq = best_of(ql_curve, 5, 20)
    m1 = sc.Merton(asset, debt, rate, sc.Heston(*H1))
    m1.credit_spread(T11)
    to, co = best_of(lambda: m1.credit_spread(T11), 5, 20)
    row("1F Merton curve, 11 maturities", to, tq, "QuantLib 11 puts")
    print(f"   max rel. difference of spreads {np.max(np.abs(co / cq - 1)):.1e}")

    m2 = sc.Merton(asset, debt, rate, sc.MultiFactorHeston([sc.Heston(*H1), sc.Heston(*H2)]))
    m2.credit_spread(T11)
    to, _ = best_of(lambda: m2.credit_spread(T11), 5, 20)
    row("2F Merton curve, single (goal <= 100 us)", to)
    rng = np.random.default_rng(0)
    jit = lambda p: np.asarray(p) * rng.uniform(0.9, 1.1, (1000, 1))  # noqa: E731
    dyn = sc.MultiFactorHeston([sc.Heston(*(jit(p) for p in H1[:4]), H1[4]),
                                sc.Heston(*(jit(p) for p in H2[:4]), H2[4])])
    from stochcredit.models.merton import merton_credit_spreads
    merton_credit_spreads(T11, asset, debt, rate, dyn, n_nodes=48)
    tb, _ = best_of(lambda: merton_credit_spreads(T11, asset, debt, rate, dyn, n_nodes=48), 3, 1)
    row("2F Merton curves, 1,000 batched, per curve (goal <= 50 us)", tb / 1000)


DAX_T = [13, 41, 75, 165, 256, 345, 524, 703]
DAX_R = [0.0357, 0.0349, 0.0341, 0.0355, 0.0359, 0.0368, 0.0386, 0.0401]
DAX_V = [0.6625, 0.4875, 0.4204, 0.3667, 0.3431, 0.3267, 0.3121, 0.3121,
         0.6007, 0.4543, 0.3967, 0.3511, 0.3279, 0.3154, 0.2984, 0.2921,
         0.5084, 0.4221, 0.3718, 0.3327, 0.3155, 0.3027, 0.2919, 0.2889,
         0.4541, 0.3869, 0.3492, 0.3149, 0.2963, 0.2926, 0.2819, 0.2800,
         0.4060, 0.3607, 0.3330, 0.2999, 0.2887, 0.2811, 0.2751, 0.2775,
         0.3726, 0.3396, 0.3108, 0.2781, 0.2788, 0.2722, 0.2661, 0.2686,
         0.3550, 0.3277, 0.3012, 0.2781, 0.2781, 0.2661, 0.2661, 0.2681,
         0.3428, 0.3209, 0.2958, 0.2740, 0.2688, 0.2627, 0.2580, 0.2620,
         0.3302, 0.3062, 0.2799, 0.2631, 0.2573, 0.2533, 0.2504, 0.2544,
         0.3343, 0.2959, 0.2705, 0.2540, 0.2504, 0.2464, 0.2448, 0.2462,
         0.3460, 0.2845, 0.2624, 0.2463, 0.2425, 0.2385, 0.2373, 0.2422,
         0.3857, 0.2860, 0.2578, 0.2399, 0.2357, 0.2327, 0.2312, 0.2351,
         0.3976, 0.2860, 0.2607, 0.2356, 0.2297, 0.2268, 0.2241, 0.2320]
DAX_K = [3400, 3600, 3800, 4000, 4200, 4400, 4500, 4600, 4800, 5000, 5200, 5400, 5600]


def quantlib_dax_calibration():
    today = ql.Date(5, 7, 2002)
    ql.Settings.instance().evaluationDate = today
    dc, cal = ql.Actual365Fixed(), ql.TARGET()
    dates = [today] + [today + t for t in DAX_T]
    rts = ql.YieldTermStructureHandle(ql.ZeroCurve(dates, [0.0357] + DAX_R, dc))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc))
    s0 = ql.QuoteHandle(ql.SimpleQuote(4468.17))
    proc = ql.HestonProcess(rts, dts, s0, 0.1, 1.0, 0.1, 0.5, -0.5)
    model = ql.HestonModel(proc)
    engine = ql.AnalyticHestonEngine(model, 64)
    helpers = []
    for s, k in enumerate(DAX_K):
        for m, t in enumerate(DAX_T):
            hlp = ql.HestonModelHelper(ql.Period(int((t + 3) / 7.0), ql.Weeks), cal, 4468.17,
                                       float(k), ql.QuoteHandle(ql.SimpleQuote(DAX_V[s * 8 + m])),
                                       rts, dts, ql.BlackCalibrationHelper.ImpliedVolError)
            hlp.setPricingEngine(engine)
            helpers.append(hlp)
    lm = ql.LevenbergMarquardt(1e-8, 1e-8, 1e-8)
    model.calibrate(helpers, lm, ql.EndCriteria(400, 40, 1e-8, 1e-8, 1e-8))
    sse = sum((100 * h.calibrationError()) ** 2 for h in helpers)
    return sse


def calibration():
    print("-- 5. calibration")
    tables = json.loads(path("paper_tables.json").read_text())[
        "calibrated_parameters_tables_4_1_to_4_3"]["heston2"]
    lev = {"IBM": 0.36, "HP": 0.27, "Chevron": 0.16}
    tq, sse = best_of(quantlib_dax_calibration, 3, 1)
    print(f"QuantLib Heston calibration to 104 DAX vols: {tq * 1e3:8.1f} ms (SSE {sse:.1f}, "
          "test suite expects 177.2)")
    for firm, p in tables.items():
        x = np.array([p[k] for k in ("V1", "alpha1", "Vbar1", "sigma1", "rho1",
                                     "V2", "alpha2", "Vbar2", "sigma2", "rho2")])
        spreads = merton_spreads("heston2", x[None], T10, 1.0, lev[firm], 0.0025)[0]
        for jac in ("analytic", "fd"):
            t, res = best_of(lambda s=spreads, f=firm, j=jac: sc.calibrate_merton(
                "heston2", T10, s, 1.0, lev[f], 0.0025, seed=0, jacobian=j), 1, 1)
            print(f"calibrate_merton('heston2') {firm:<8s} jacobian={jac:<8s} {t * 1e3:8.1f} ms"
                  f"  I = {res.error:.2e}  nfev {res.nfev:6d}   ratio to QuantLib "
                  f"{tq / t:5.2f}x")


if __name__ == "__main__":
    gradients()
    gradients_bates_and_images()
    single_prices()
    calibration()
