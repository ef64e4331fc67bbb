"""Universe runs and bounded-memory Monte Carlo (issue 13).

1. Universe calibration on 1 vs 2 workers (local process pool): the first ``N_SPEEDUP`` CDX names,
   one-factor Heston, light optimiser settings. Goal: speed-up >= 1.7x.
2. Dask LocalCluster vs the local pool at 125 names (Black-Scholes): overhead per name,
   ``(t_dask - t_pool) / t_pool``, on an already started cluster (start-up reported apart).
   Goal: <= 10 %.
3. Peak memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a subprocess) of a two-firm
   Wishart run with 1e8 paths (1 year, 2 steps: the memory, not the time, is measured).
   Goal: <= 2 GB.

Every run writes to a real results store (a temporary SQLite file).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stochcredit.apps.store import ResultsStore
from stochcredit.apps.universe import run_universe
from stochcredit.data import path

CDX = path("cdx_na_ig_s7_2007-08-01.csv")
LIGHT = {"popsize": 3, "maxiter": 5, "n_starts": 1, "max_nfev": 60}
N_SPEEDUP = int(os.environ.get("BENCH_UNIVERSE_NAMES", "24"))
MC_PATHS = int(float(os.environ.get("BENCH_UNIVERSE_MC_PATHS", "1e8")))


def _run(store: Path, **kw) -> tuple[float, str]:
    t0 = time.perf_counter()
    rid = run_universe("calibrate", CDX, store, date="2007-08-01", seed=0, **kw)
    return time.perf_counter() - t0, rid


def bench_workers(tmp: Path) -> None:
    store = tmp / "speedup.sqlite"
    kw = dict(models="heston", limit=N_SPEEDUP, **LIGHT)
    _run(store, workers=1, limit=2, models="heston", **LIGHT)  # compile/load numba once
    t1, r1 = _run(store, workers=1, **kw)
    t2, r2 = _run(store, workers=2, **kw)
    st = ResultsStore(store)
    same = st.results(r1)["fit_error"].tolist() == st.results(r2)["fit_error"].tolist()
    print(f"calibrate {N_SPEEDUP} names (heston, light): 1 worker {t1:.1f} s, 2 workers "
          f"{t2:.1f} s -> speed-up {t1 / t2:.2f}x (goal >= 1.7x); identical results: {same}")


def bench_dask(tmp: Path) -> None:
    from distributed import Client, LocalCluster

    store = tmp / "dask.sqlite"
    t_pool, r_pool = _run(store, workers=2, models="bs")
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    t_start = time.perf_counter() - t0
    try:
        _run(store, dask=client, workers=2, models="bs", limit=4)  # warm the workers
        t_dask, r_dask = _run(store, dask=client, workers=2, models="bs")
    finally:
        client.close()
        cluster.close()
    st = ResultsStore(store)
    same = st.results(r_pool)["fit_error"].tolist() == st.results(r_dask)["fit_error"].tolist()
    print(f"125 names (bs): pool {t_pool:.2f} s, Dask LocalCluster {t_dask:.2f} s -> overhead "
          f"{100 * (t_dask - t_pool) / t_pool:+.1f} % ({1e3 * (t_dask - t_pool) / 125:+.1f} ms "
          f"per name; goal <= 10 %); cluster start-up {t_start:.1f} s; identical: {same}")


CHILD = """
import time
from stochcredit.engines.montecarlo.multifirm import simulate_joint_default
from stochcredit.models.multifirm_examples import covariance_from_vols
cov = covariance_from_vols("wishart", [0.25, 0.3], 0.4, kappa=1.0, beta=3.0)
t0 = time.perf_counter()
res = simulate_joint_default([0.5, 0.6], cov, 1.0, {paths}, steps_per_year=2, seed=0)
print(f"{{time.perf_counter() - t0:.1f}} s, joint survival {{res.joint_survival()}}")
"""


def bench_memory() -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")
           + os.pathsep + os.environ.get("PYTHONPATH", "")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", CHILD.format(paths=MC_PATHS)], env=env,
                         capture_output=True, text=True, check=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    note = "" if peak_kb > before else " (an earlier child was larger)"
    print(f"multi-firm {MC_PATHS:.0e} paths: {out.stdout.strip()}; peak RSS "
          f"{peak_kb / 2**20:.2f} GiB (goal <= 2 GB){note}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        bench_memory()  # first: the children of the other benchmarks would mask its peak
        bench_workers(Path(d))
        bench_dask(Path(d))
