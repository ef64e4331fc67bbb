"""Benchmark: Merton calibration (issue 7).

1. Model evaluation, the unit of calibration work: Merton spreads of P Heston parameter sets at
   10 maturities — ours in one vectorised call vs QuantLib's AnalyticHestonEngine pricing the
   same puts one parameter set at a time (D0 = B e^{-rT} - P, CS = -ln(D0/B)/T - r).
2. Time to calibrate the two-factor Heston Merton model to a 10-point curve (goal <= 1 s), with
   the number of model evaluations (parameter sets priced).
3. All three models on CDX.NA.IG S7 names: a sample is timed and the 125-name time extrapolated
   (``--full`` runs all 125 names with 2 worker processes; about 6 minutes here).

Run: ``.venv/bin/python benchmarks/bench_calibration.py [--full]``
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import QuantLib as ql
from _timing import record

from stochcredit.calibration.merton import calibrate_merton, merton_parameter_space, merton_spreads
from stochcredit.data import path

T10 = np.array([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 10.0])
RATE = 0.0025


def ql_spreads(x: np.ndarray, lev: float) -> np.ndarray:
    """Merton spreads of one Heston parameter set with QuantLib (one put per maturity)."""
    today = ql.Date(1, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    r = ql.YieldTermStructureHandle(ql.FlatForward(today, RATE, dc, ql.Continuous))
    q = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc, ql.Continuous))
    v0, kappa, theta, sigma, rho = x
    proc = ql.HestonProcess(r, q, ql.QuoteHandle(ql.SimpleQuote(1.0)), v0, kappa, theta, sigma,
                            rho)
    engine = ql.AnalyticHestonEngine(ql.HestonModel(proc), 1e-12, 100000)
    out = []
    for T in T10:
        days = int(round(T * 365))
        opt = ql.EuropeanOption(ql.PlainVanillaPayoff(ql.Option.Put, lev),
                                ql.EuropeanExercise(today + days))
        opt.setPricingEngine(engine)
        t = days / 365.0
        d0 = lev * np.exp(-RATE * t) - opt.NPV()
        out.append(-np.log(d0 / lev) / t - RATE)
    return np.array(out)


def bench_evaluation(P: int = 64) -> None:
    rng = np.random.default_rng(0)
    space = merton_parameter_space("heston").with_bounds(
        {"v0": (0.01, 0.5), "theta": (0.01, 0.5), "sigma": (0.1, 1.5), "kappa": (0.3, 10)})
    lo, hi = np.array(space.internal_bounds).T
    x = space.to_external(lo + (hi - lo) * rng.random((P, len(space))))
    merton_spreads("heston", x[:2], T10, 1.0, 0.4, RATE)  # warm-up (numba compilation, caches)
    t0 = time.perf_counter()
    ours = merton_spreads("heston", x, T10, 1.0, 0.4, RATE)
    t_ours = time.perf_counter() - t0
    n_ql = 16
    t0 = time.perf_counter()
    ref = np.array([ql_spreads(xi, 0.4) for xi in x[:n_ql]])
    t_ql = (time.perf_counter() - t0) * P / n_ql
    T_days = np.round(T10 * 365) / 365
    ours_days = merton_spreads("heston", x[:n_ql], T_days, 1.0, 0.4, RATE)
    err = np.max(np.abs(ours_days - ref) / np.maximum(ref, 1e-6))
    print(f"[1] Heston Merton spreads, {P} parameter sets x 10 maturities:")
    print(f"    ours {t_ours * 1e3:8.1f} ms   QuantLib {t_ql * 1e3:8.1f} ms (extrapolated from "
          f"{n_ql})   speed-up x{t_ql / t_ours:.1f}   max rel. diff {err:.1e}")
    del ours


def bench_heston2_curve() -> None:
    tables = json.loads(path("paper_tables.json").read_text())
    p = tables["calibrated_parameters_tables_4_1_to_4_3"]["heston2"]["IBM"]
    x = np.array([p[k] for k in ("V1", "alpha1", "Vbar1", "sigma1", "rho1",
                                 "V2", "alpha2", "Vbar2", "sigma2", "rho2")])
    spreads = merton_spreads("heston2", x[None], T10, 1.0, 0.36, RATE)[0]
    t0 = time.perf_counter()
    res = calibrate_merton("heston2", T10, spreads, 1.0, 0.36, RATE, seed=0)
    dt = time.perf_counter() - t0
    per_eval = dt / res.nfev
    record("heston2 calibration, 10-point curve", dt, goal="<= 1 s", met=dt <= 1.0,
           note=f"{res.nfev} model evaluations, I(Omega) = {res.error:.1e}")
    print("[2] heston2 to a 10-point curve (paper Table 4.3, IBM; round trip):")
    print(f"    {dt:6.2f} s, {res.nfev} model evaluations ({per_eval * 1e3:.2f} ms each), "
          f"I(Omega) = {res.error:.1e}; goal <= 1 s -> ratio {dt / 1.0:.1f}x the goal")
    t0 = time.perf_counter()
    fast = calibrate_merton("heston2", T10, spreads, 1.0, 0.36, RATE, seed=0, popsize=3,
                            maxiter=5, n_starts=1, max_nfev=60)
    dt2 = time.perf_counter() - t0
    print(f"    light settings (popsize 3, 5 generations, 1 start): {dt2:6.2f} s, "
          f"{fast.nfev} evaluations, I(Omega) = {fast.error:.1e}")


def bench_cdx(full: bool) -> None:
    from stochcredit.apps.batch import calibrate_universe
    from stochcredit.market.quotes import load_cdx_quotes
    from stochcredit.market.treasury import treasury_zero_curve

    quotes = load_cdx_quotes()
    names = list(dict.fromkeys(quotes["name"]))
    sample = names if full else names[:: len(names) // 4][:4]
    rate = treasury_zero_curve("2007-08-01")
    t0 = time.perf_counter()
    df = calibrate_universe(quotes, "black_scholes,heston,heston2", leverage=0.5, rate=rate,
                            names=sample, backend="processes", workers=2)
    dt = time.perf_counter() - t0
    ok = df[df["error"] == ""]
    print(f"[3] three models on {len(sample)} CDX names (2 processes): {dt:.1f} s wall, "
          f"{int(ok['nfev'].sum())} model evaluations, {len(df) - len(ok)} failures")
    for model, g in ok.groupby("model"):
        print(f"    {model:14s} median {g['seconds'].median():6.2f} s/name, "
              f"median {int(g['nfev'].median())} evaluations, "
              f"median I {g['fit_error'].median():.2e}")
    if not full:
        print(f"    extrapolated to all 125 names: ~{dt * 125 / len(sample) / 60:.1f} min "
              "(run with --full to measure)")


if __name__ == "__main__":
    full = "--full" in sys.argv
    bench_evaluation()
    bench_heston2_curve()
    bench_cdx(full)
