"""CreditGrades timings beside QuantLib on the same inputs (issue 5).

1. Classic survival curve, 100 maturities (CG-2) vs QuantLib AnalyticBinaryBarrierEngine pricing
   the same probability as a down-and-out cash-or-nothing (driftless, r = q = 0), one per maturity.
2. Heston-variant survival curve, 100 maturities (IM-1) vs QuantLib AnalyticHestonEngine pricing
   100 vanillas (rho = 0): QuantLib has no CreditGrades-Heston; a Heston vanilla is the nearest
   "one Fourier integral per value" reference.
3. 1,000 equity option prices under the Heston variant (10 expiries x 100 strikes, IM-2) vs
   QuantLib AnalyticHestonEngine on 1,000 vanillas; accuracy shown in the remote-barrier limit,
   where both price the same option.
Goal for each: ratio (ours / reference) <= 1.
"""

from __future__ import annotations

import time

import numpy as np
import QuantLib as ql
from _timing import best_of, record

import stochcredit as sc

TODAY = ql.Date(2, 1, 2020)
DC = ql.Actual365Fixed()
ql.Settings.instance().evaluationDate = TODAY


def report(name, ours, ref, goal=1.0, extra=""):
    ratio = ours / ref
    record(name.strip(), ours, reference="QuantLib", reference_s=ref, goal=f">= {1 / goal:g}x",
           met=ratio <= goal, note=extra)
    flag = "OK" if ratio <= goal else "SLOWER THAN GOAL"
    print(f"{name:58s} ours {ours * 1e3:9.2f} ms | QuantLib {ref * 1e3:9.2f} ms | ratio "
          f"{ratio:7.3f} (goal <= {goal:g}) {flag} {extra}")


def ql_survival_curve(v0, barrier, vol, days):
    flat = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, 0.0, DC))
    vts = ql.BlackVolTermStructureHandle(ql.BlackConstantVol(TODAY, ql.NullCalendar(), vol, DC))
    proc = ql.BlackScholesMertonProcess(ql.QuoteHandle(ql.SimpleQuote(v0)), flat, flat, vts)
    engine = ql.AnalyticBinaryBarrierEngine(proc)
    out = []
    for d in days:
        opt = ql.BarrierOption(ql.Barrier.DownOut, barrier, 0.0,
                               ql.CashOrNothingPayoff(ql.Option.Call, barrier, 1.0),
                               ql.AmericanExercise(TODAY, TODAY + int(d), True))
        opt.setPricingEngine(engine)
        out.append(opt.NPV())
    return np.array(out)


def ql_heston_prices(spot, strikes, days, rate, v0, kappa, theta, sigma):
    rts = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, rate, DC))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, 0.0, DC))
    proc = ql.HestonProcess(rts, dts, ql.QuoteHandle(ql.SimpleQuote(spot)), v0, kappa, theta,
                            sigma, 0.0)
    engine = ql.AnalyticHestonEngine(ql.HestonModel(proc), 1e-12, 100000)
    ks, ds = (a.ravel() for a in np.broadcast_arrays(strikes, days))
    out = np.empty(np.broadcast(strikes, days).shape)
    for idx, (k, d) in enumerate(zip(ks, ds, strict=True)):
        opt = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, float(k)),
                               ql.EuropeanExercise(TODAY + int(d)))
        opt.setPricingEngine(engine)
        out.flat[idx] = opt.NPV()
    return out


def main() -> None:
    s0, debt, lbar, sig_s, rate = 50.0, 40.0, 0.5, 0.3, 0.03
    days = np.linspace(30, 3650, 100).round()
    mats = days / 365.0

    # 1. classic survival curve
    cg = sc.CreditGrades(s0, sig_s, debt, lbar, barrier_std=0.0, rate=rate)
    t_ours, ours = best_of(lambda: cg.survival(mats))
    t_ref, ref = best_of(lambda: ql_survival_curve(cg.asset_value, cg.barrier, cg.asset_vol, days))
    report("classic survival curve, 100 maturities (CG-2)", t_ours, t_ref,
           extra=f"max |diff| {np.max(np.abs(ours - ref)):.1e}")

    # 2. Heston-variant survival curve
    v0, kappa, theta, eps = 0.045, 1.5, 0.045, 0.6
    heston = sc.Heston(v0, kappa, theta, eps, 0.0)
    m = sc.CreditGradesEquity(s0, debt, lbar, rate, heston, barrier_std=0.3)
    t_ours, _ = best_of(lambda: m.survival(mats))
    t_ref, _ = best_of(lambda: ql_heston_prices(m.asset_value, np.full(100, 60.0), days, rate,
                                                v0, kappa, theta, eps), repeat=1)
    report("Heston survival curve, 100 maturities (IM-1)", t_ours, t_ref)

    # 3. 1,000 option prices (10 expiries x 100 strikes)
    exp_days = np.linspace(73, 1825, 10).round()
    strikes = np.linspace(20.0, 100.0, 100)
    k, d = np.meshgrid(strikes, exp_days)
    m0 = sc.CreditGradesEquity(s0, debt, lbar, rate, heston)
    t_ours, prices = best_of(lambda: m0.call(k, d / 365.0))
    t_ref, _ = best_of(lambda: ql_heston_prices(m0.asset_value, k + m0.barrier * np.exp(
        rate * d / 365.0), d, rate, v0, kappa, theta, eps), repeat=1)
    report("1,000 Heston-variant equity calls (IM-2)", t_ours, t_ref)
    # accuracy where both price the same thing: barrier far away (L D = 4e-5)
    remote = sc.CreditGradesEquity(s0, debt, 1e-6, rate, heston)
    sub_k, sub_d = k[::3, ::10], d[::3, ::10]
    ours_r = remote.call(sub_k, sub_d / 365.0)
    ref_r = ql_heston_prices(remote.asset_value, sub_k + remote.barrier * np.exp(
        rate * sub_d / 365.0), sub_d, rate, v0, kappa, theta, eps)
    print(f"{'':58s} remote-barrier accuracy vs QuantLib Heston: max |diff| "
          f"{np.max(np.abs(ours_r - ref_r)):.1e} on {ours_r.size} prices")

    # 4. Monte Carlo (informational)
    from stochcredit.engines.montecarlo.single_firm import simulate_single_firm

    t0 = time.perf_counter()
    res = simulate_single_firm(s0, debt, lbar, 5.0, heston, rate=rate, strikes=[50.0],
                               n_paths=100_000, seed=0)
    t_mc = time.perf_counter() - t0
    print(f"{'Monte Carlo, 100k paths, T = 5, h = 1/48 (Heston)':58s} {t_mc:.2f} s; survival "
          f"{res.survival()} vs images {m0.survival(5.0):.6f}")


if __name__ == "__main__":
    main()
