"""Multi-firm CreditGrades timings (issue 6).

1. Two-firm Wishart joint-default simulation: 100,000 paths, 5 years, 48 steps a year (exact OU
   Wishart, integer beta = 3). Goal: <= 5 s on the 2-core machine. Reference in the same run: the
   plain-numpy version of the same engine (``use_numba=False``, symmetric-root factorisation,
   ``bridge_survival``) on 20,000 paths, scaled to 100,000 (no library ships a Wishart
   structural-default simulator; QuantLib has none).
2. Marginal prices per second: 100 equity calls of one firm (5 expiries x 20 strikes) through the
   Wishart marginal (IM-2 on WI-2..WI-4) and through the PC marginal (PC-3), beside QuantLib's
   AnalyticHestonEngine on 100 Heston vanillas (rho = 0): QuantLib has no Wishart or CreditGrades
   pricer; a Heston vanilla is the nearest "one Fourier integral per price" reference.
   Goal: ratio (ours / QuantLib) reported; accuracy of the n = 1 reduction shown beside it.
"""

from __future__ import annotations

import time

import numpy as np
import QuantLib as ql
from _timing import record

import stochcredit as sc
from stochcredit.dynamics.cir import cir_integrated_laplace
from stochcredit.engines.montecarlo.multifirm import simulate_joint_default

SIG0 = np.array([[0.0625, 0.03], [0.03, 0.09]])
M = np.array([[-0.5, 0.0], [0.0, -0.5]])
Q = np.linalg.cholesky(SIG0 / 3.0).T
FIRMS = [sc.Firm(40.0, 50.0, 0.5), sc.Firm(30.0, 45.0, 0.5)]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_simulation() -> None:
    cov = sc.WishartCovariance(SIG0, M, Q, beta=3.0)
    x0 = np.array([f.distance_to_default for f in FIRMS])
    simulate_joint_default(x0, cov, 0.25, 1000)  # JIT warm-up (cached after the first run)
    ours, res = timed(lambda: simulate_joint_default(x0, cov, 5.0, 100_000, 48, seed=1))
    ref20, ref = timed(lambda: simulate_joint_default(x0, cov, 5.0, 20_000, 48, seed=1,
                                                      use_numba=False))
    ref_scaled = ref20 * 5.0
    goal = 5.0
    record("2-firm Wishart MC, 1e5 paths x 240 steps", ours, reference="plain numpy engine",
           reference_s=ref_scaled, goal="<= 5 s", met=ours <= goal)
    print(f"Wishart 2 firms, 100,000 paths x 240 steps: ours {ours:6.2f} s "
          f"({'OK' if ours <= goal else 'SLOWER THAN GOAL'}, goal <= {goal:g} s, "
          f"ratio to goal {ours / goal:.2f}) | plain numpy engine {ref_scaled:6.2f} s "
          f"(20,000 paths x 5) | speed-up {ref_scaled / ours:4.1f}x")
    print(f"   joint survival {res.joint_survival()} (numpy engine: {ref.joint_survival()}), "
          f"default correlation {res.default_correlation()}")


def ql_heston_prices(v0, kappa, theta, eps, spot, strikes, mats):
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    flat = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc))
    proc = ql.HestonProcess(flat, flat, ql.QuoteHandle(ql.SimpleQuote(spot)), v0, kappa, theta,
                            eps, 0.0)
    engine = ql.AnalyticHestonEngine(ql.HestonModel(proc))
    out = []
    for t in mats:
        ex = ql.EuropeanExercise(today + int(round(t * 365)))
        for k in strikes:
            opt = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, k), ex)
            opt.setPricingEngine(engine)
            out.append(opt.NPV())
    return np.array(out)


def bench_marginals() -> None:
    strikes = np.linspace(20.0, 60.0, 20)
    mats = np.array([0.25, 0.5, 1.0, 2.0, 5.0])
    kk, tt = np.meshgrid(strikes, mats)
    wis = sc.MultiFirmCreditGrades(FIRMS, sc.WishartCovariance(SIG0, M, Q, beta=3.0), 0.03)
    pc = sc.MultiFirmCreditGrades(FIRMS, sc.PrincipalComponentCovariance.two_firm(
        0.6, [0.1, 0.05], [1.0, 1.0], [0.1, 0.05], [0.36, 0.26]), 0.03)
    wis.firm(0).call(40.0, 1.0)  # warm-up
    t_wis, _ = timed(lambda: wis.firm(0).call(kk, tt))
    t_pc, _ = timed(lambda: pc.firm(0).call(kk, tt))
    t_ql, _ = timed(lambda: ql_heston_prices(0.0625, 1.0, 0.0625, 0.3, 40.0, strikes, mats))
    for name, t in (("Wishart marginal (IM-2 on WI-2..4)", t_wis), ("PC marginal (PC-3)", t_pc)):
        print(f"{name:36s} 100 calls: {t * 1e3:8.1f} ms = {100 / t:8.0f} prices/s | QuantLib "
              f"Heston analytic {t_ql * 1e3:7.1f} ms = {100 / t_ql:8.0f} prices/s | ratio "
              f"{t / t_ql:6.2f}")
    k, th, eps, v0 = 1.0, 0.0625, 0.3, 0.0625
    w1 = sc.WishartCovariance(v0, -k / 2, eps / 2, beta=4 * k * th / eps**2)
    s = np.linspace(0.0, 500.0, 1000)
    t_tr, val = timed(lambda: w1.marginal(0).variance_laplace(s, 5.0))
    err = np.max(np.abs(val - cir_integrated_laplace(s, 5.0, k, th, eps, v0)))
    print(f"n = 1 Wishart transform, 1000 arguments: {t_tr * 1e3:.1f} ms; max |error| vs CIR HC-1 "
          f"{err:.1e}")


if __name__ == "__main__":
    bench_simulation()
    bench_marginals()
