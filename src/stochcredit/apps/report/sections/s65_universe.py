"""Report section: a universe run over the CDX.NA.IG S7 names, read back from its results store."""

from __future__ import annotations

import os

import pandas as pd

ORDER = 65
TITLE = "Universe run: fit error by model across the CDX.NA.IG S7 names (results store)"

QUICK_NAMES = 4
LIGHT = {"popsize": 3, "maxiter": 5, "n_starts": 1, "max_nfev": 60}  # light optimiser settings


def _summary(df: pd.DataFrame) -> pd.DataFrame:
    ok = df[df["status"] == "ok"]
    g = ok.groupby("model", sort=False)["fit_error"]
    out = pd.DataFrame({"names ok": g.size(), "median I(Omega)": g.median(),
                        "mean I(Omega)": g.mean(), "max I(Omega)": g.max()})
    out["error rows"] = df[df["status"] == "error"].groupby("model", sort=False).size()
    out["error rows"] = out["error rows"].fillna(0).astype(int)
    out["seconds per name"] = df.groupby("model", sort=False)["seconds"].mean()
    return out


def build(ctx, section) -> None:
    from ....data import path
    from ...store import ResultsStore
    from ...universe import run_universe

    store = ctx.outdir / "tables" / "universe_runs.sqlite"
    for suffix in ("", "-wal", "-shm"):
        p = store.with_name(store.name + suffix)
        if p.exists():
            p.unlink()
    models = "black_scholes,heston" if ctx.quick else "black_scholes,heston,heston2"
    limit = QUICK_NAMES if ctx.quick else None
    run_id = run_universe("calibrate", path("cdx_na_ig_s7_2007-08-01.csv"), store,
                          models=models, leverage=0.5, seed=ctx.seed, date="2007-08-01",
                          limit=limit, workers=1 if ctx.quick else min(2, os.cpu_count() or 1),
                          **LIGHT)
    df = ResultsStore(store).results(run_id)  # read back from the store, not from memory
    n_names = df["name"].nunique()
    section.text(
        f"stochcredit batch calibrate on the packaged CDX.NA.IG S7 file of 2007-08-01: "
        f"{n_names} names{' (quick mode: the first ' + str(QUICK_NAMES) + ')' if ctx.quick else ''}"
        f", models {models.replace(',', ', ')}, leverage 0.5, discounting on the US Treasury "
        f"zero curve of 2007-08-01, light optimiser settings ({LIGHT}). Every row below is read "
        f"back from the results store tables/universe_runs.sqlite (run {run_id}); the same "
        f"table comes from 'stochcredit runs show {run_id} --store "
        "tables/universe_runs.sqlite'. One row per (name, date, model); a failing name would "
        "be an error row with its file, line and column, and the run would go on.")
    section.table(_summary(df), "universe_fit_error_by_model",
                  "Fit error I(Omega) (mean squared relative spread error, H-4) by model across "
                  "the names of the run: the paper's ordering (two-factor <= one-factor <= "
                  "Black-Scholes) should hold for the median.", float_format="{:.3g}")
    wide = df.pivot_table(index="name", columns="model", values="fit_error", sort=False)
    section.table(wide.reindex(columns=[m for m in models.split(",") if m in wide.columns]),
                  "universe_fit_error_by_name", "Fit error per name and model (from the store).",
                  float_format="{:.3g}")
