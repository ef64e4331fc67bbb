"""Heston Fourier engine and two-factor Merton spreads: our time vs QuantLib and pyfeng.

Goals (issues 3, 10): >= 20x faster per price than QuantLib's AnalyticHestonEngine on 1,000
strikes x 10 maturities in each layout (broadcast, meshgrid, flat shuffled (strike, maturity)
pairs), each layout within 1.5x of the broadcast time; a two-factor Merton spread curve of 11
maturities in <= 300 us.
Run: .venv/bin/python benchmarks/bench_heston.py
"""

from __future__ import annotations

import time

import numpy as np
import QuantLib as ql
from _timing import best_of, record

import stochcredit as sc
from stochcredit.models.merton import merton_credit_spreads

S, R = 100.0, 0.02
V0, KAPPA, THETA, SIGMA, RHO = 0.04, 1.5, 0.04, 0.5, -0.7
STRIKES = np.exp(np.linspace(np.log(50.0), np.log(200.0), 1000))
DAYS = np.array([7, 30, 91, 182, 365, 730, 1095, 1825, 3650, 10950])
T = DAYS / 365.0


def quantlib_prices(strikes, days, engine_factory):
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, R, ql.Actual365Fixed()))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, ql.Actual365Fixed()))
    proc = ql.HestonProcess(rts, dts, ql.QuoteHandle(ql.SimpleQuote(S)), V0, KAPPA, THETA, SIGMA,
                            RHO)
    engine = engine_factory(ql.HestonModel(proc))
    options = []
    for d in days:
        ex = ql.EuropeanExercise(today + int(d))
        for k in strikes:
            o = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, float(k)), ex)
            o.setPricingEngine(engine)
            options.append(o)
    def npv(o):
        try:
            return o.NPV()
        except RuntimeError:  # "max number of iterations reached" at 1e-14 for 1-week options
            return np.nan

    t0 = time.perf_counter()
    prices = np.array([npv(o) for o in options]).reshape(len(days), len(strikes)).T
    return time.perf_counter() - t0, prices


def import_pyfeng():
    """pyfeng (a dev dependency, with its statsmodels import) or None if it cannot be imported."""
    try:
        import pyfeng
    except ImportError:
        return None
    return pyfeng


def main() -> None:
    h = sc.Heston(V0, KAPPA, THETA, SIGMA, RHO)
    n_prices = STRIKES.size * T.size
    sc.european_option(S, STRIKES[:, None], T, R, h)              # numba compile / cache load
    ours_t, ours = best_of(lambda: sc.european_option(S, STRIKES[:, None], T, R, h), 3)
    print(f"Heston calls, {STRIKES.size} strikes (50-200) x {T.size} maturities (1w-30y), "
          f"S={S}, r={R}, (v0,kappa,theta,sigma,rho)=({V0},{KAPPA},{THETA},{SIGMA},{RHO})")
    print(f"  stochcredit (Lewis + CV, one call)     : {ours_t * 1e3:9.1f} ms  "
          f"{ours_t / n_prices * 1e6:8.2f} us/price")

    ql_t, ql_p = quantlib_prices(STRIKES, DAYS, lambda m: ql.AnalyticHestonEngine(m))
    err = np.max(np.abs(ours - ql_p)) / S
    ratio = ql_t / ours_t
    record(f"Heston calls, {n_prices:,} prices (1w-30y)", ours_t,
           reference="QuantLib AnalyticHestonEngine", reference_s=ql_t, goal=">= 20x",
           met=ratio >= 20, note=f"max |diff|/S = {err:.1e}")
    print(f"  QuantLib AnalyticHestonEngine (default): {ql_t * 1e3:9.1f} ms  "
          f"{ql_t / n_prices * 1e6:8.2f} us/price   ratio {ratio:6.1f}x (goal >= 20x: "
          f"{'met' if ratio >= 20 else 'NOT met'}); max |diff|/S = {err:.1e}")

    # the same quotes as a meshgrid and as shuffled flat (strike, maturity) pairs (quote table)
    kk, tt = np.meshgrid(STRIKES, T, indexing="ij")
    perm = np.random.default_rng(0).permutation(kk.size)
    kf, tf = kk.ravel()[perm], tt.ravel()[perm]
    layouts = {"meshgrid (1000, 10)": lambda: sc.european_option(S, kk, tt, R, h),
               "flat shuffled pairs (10000,)": lambda: sc.european_option(S, kf, tf, R, h)}
    for name, fn in layouts.items():
        lt, lp = best_of(fn, 3)
        same = np.max(np.abs(lp - (ours if lp.ndim == 2 else ours.ravel()[perm])))
        print(f"  layout {name:28s}: {lt * 1e3:9.1f} ms  {lt / n_prices * 1e6:8.2f} us/price   "
              f"x{lt / ours_t:4.2f} of broadcast (goal <= 1.5: "
              f"{'met' if lt <= 1.5 * ours_t else 'NOT met'}), QuantLib ratio "
              f"{ql_t / lt:6.1f}x (goal >= 20x); max |diff vs broadcast| = {same:.1e}")

    sub_k, sub_d = STRIKES[::50], DAYS
    hp_t, hp_p = quantlib_prices(sub_k, sub_d, lambda m: ql.AnalyticHestonEngine(m, 1e-14,
                                                                                 100000))
    n_sub = sub_k.size * sub_d.size
    err_hp = np.nanmax(np.abs(ours[::50] - hp_p)) / S
    failed = int(np.isnan(hp_p).sum())
    print(f"  QuantLib Gauss-Lobatto 1e-14 ({n_sub} prices): {hp_t / n_sub * 1e6:8.2f} us/price   "
          f"ratio {hp_t / n_sub / (ours_t / n_prices):7.1f}x; max |diff|/S = {err_hp:.1e} "
          f"({failed} QuantLib failures to converge)")

    pf = import_pyfeng()
    if pf is None:
        print("  pyfeng: not importable, skipped")
    else:
        m = pf.HestonFft(V0, vov=SIGMA, rho=RHO, mr=KAPPA, theta=THETA, intr=R)
        def run_pf():
            return np.stack([m.price(STRIKES, S, t) for t in T], axis=1)
        pf_t, pf_p = best_of(run_pf, 3)
        err_pf = np.max(np.abs(pf_p - ours)) / S
        print(f"  pyfeng HestonFft (per maturity, vector): {pf_t * 1e3:9.1f} ms  "
              f"{pf_t / n_prices * 1e6:8.2f} us/price   pyfeng/ours time {pf_t / ours_t:5.2f}; "
              f"max |diff|/S = {err_pf:.1e} (FFT grid + interpolation accuracy)")

    spec = sc.MultiFactorHeston([sc.Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559),
                                 sc.Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)])
    mats = np.array([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0])
    merton_credit_spreads(mats, 1.0, 0.43, 0.05, spec)
    n_rep = 200
    t0 = time.perf_counter()
    for _ in range(n_rep):
        merton_credit_spreads(mats, 1.0, 0.43, 0.05, spec)
    one = (time.perf_counter() - t0) / n_rep
    record("2F Merton spread curve, 11 maturities", one, goal="<= 300 us", met=one <= 300e-6)
    print(f"2F Merton spread curve, 11 maturities (Spec I): {one * 1e6:8.1f} us per curve "
          f"(goal <= 300 us: {'met' if one <= 300e-6 else 'NOT met'})")

    rng = np.random.default_rng(0)
    P = 1000
    f = lambda lo, hi: rng.uniform(lo, hi, (P, 1))  # noqa: E731
    batch = sc.MultiFactorHeston([sc.Heston(f(.01, .3), f(.3, 15), f(.01, .3), f(.1, 1.5),
                                            f(-.99, .99)),
                                  sc.Heston(f(.01, .3), f(.3, 15), f(.01, .3), f(.1, 1.5),
                                            f(-.99, .99))])
    bt, out = best_of(lambda: merton_credit_spreads(mats, 1.0, 0.36, 0.0025, batch), 2)
    print(f"2F Merton, {P} random parameter sets x 11 maturities in one call: "
          f"{bt * 1e3:.1f} ms = {bt / P * 1e6:.1f} us per curve; finite: {np.isfinite(out).all()}")


if __name__ == "__main__":
    main()
