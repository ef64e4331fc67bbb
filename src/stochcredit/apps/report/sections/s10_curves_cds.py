"""Report section: discount curves from UST par yields, bootstrapped hazard curves, CDS spreads."""

from __future__ import annotations

import html
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullLocator

ORDER = 10
TITLE = "Curves and CDS: UST zero curves, hazard bootstrap, CDS term structures"

UST_DATES = ("2007-08-01", "2014-10-16", "2016-05-14")  # CDX date, Markit date, a paper date


def _zero_curves(section) -> dict:
    from ....market.treasury import load_treasury_par_yields, treasury_zero_curve

    fig, ax = plt.subplots(figsize=(7, 4.2))
    t = np.linspace(0.05, 30, 300)
    rows, curves = [], {}
    for date, color in zip(UST_DATES, ("tab:blue", "tab:green", "tab:red"), strict=True):
        par = load_treasury_par_yields(date)
        curve = treasury_zero_curve(date)
        curves[date] = curve
        years = par.attrs["years"]
        used = par.name.date().isoformat()
        ax.plot(years, 100 * par.values, "o", color=color, mfc="none",
                label=f"{used}: par yields (BEY)")
        ax.plot(t, 100 * curve.zero_rate(t), "-", color=color, label=f"{used}: zero rate (cc)")
        ax.step(np.concatenate(([0.0], curve.times)), 100 * np.concatenate(
            (curve.forwards[:1], curve.forwards)), ":", color=color, lw=0.8, where="pre")
        # repricing of every instrument the curve was built from
        bills = [(lab, y, tt) for lab, y, tt in zip(par.index, par.values, years, strict=True)
                 if tt <= 1]
        bill_err = max(abs(curve.discount(tt) * (1 + y * tt if tt <= 0.5 else
                                                 (1 + y / 2) * (1 + y * (tt - 0.5))) - 1)
                       for _, y, tt in bills)
        note_err = 0.0
        for lab, y, tt in zip(par.index, par.values, years, strict=True):
            if tt > 1:
                cpn = np.arange(1, int(round(2 * tt)) + 1) / 2
                note_err = max(note_err, abs(y / 2 * curve.discount(cpn).sum()
                                             + curve.discount(tt) - 1))
            rows.append({"date used": used, "tenor": lab, "maturity (years)": tt,
                         "par yield (%, BEY)": 100 * y,
                         "zero rate (%, cc)": 100 * float(curve.zero_rate(tt))})
        rows.append({"date used": used, "tenor": "max |price error| (per 1 face)",
                     "zero rate (%, cc)": max(bill_err, note_err)})
    ax.set_xlabel("maturity (years)")
    ax.set_ylabel("rate (%)")
    ax.set_title("US Treasury: par yields and bootstrapped zero curves (dotted: forwards)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    section.figure(fig, "ust_zero_curves", "UST par yields (markers) and the continuously "
                   "compounded zero curves bootstrapped from them; dotted steps are the "
                   "piecewise-flat forwards. 2016-05-14 is a Saturday: Friday's curve is used.")
    section.table(pd.DataFrame(rows), "ust_zero_rates",
                  "Par yields and zero rates; the last row per date is the largest repricing "
                  "error of the bills and par notes the curve was built from.",
                  float_format="{:.4g}")
    return curves


def _markit_hazards(section, curves: dict) -> None:
    from ....instruments.cds import CDS, forward_cds
    from ....market.hazard_bootstrap import bootstrap_hazard_curve
    from ....market.quotes import load_markit_curves
    from ...plot import curve as plot_curve

    disc = curves["2014-10-16"]
    quotes = load_markit_curves()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    rows = []
    t = np.linspace(0, 30, 601)
    mats = np.linspace(0.25, 30, 120)
    for name, grp in quotes.groupby("name", sort=True):
        tenors = grp["maturity"].to_numpy()
        spreads = grp["spread"].to_numpy()
        rec = float(grp["recovery"].iloc[0])
        try:
            curve = bootstrap_hazard_curve(tenors, spreads, disc, recovery=rec)
        except ValueError as exc:
            rows.append({"name": name, "error": str(exc)})
            continue
        model = CDS(tenors, recovery=rec).par_spread(disc, curve)
        for p, q, h, s, m in zip(tenors, spreads, curve.hazards, curve.survival(tenors), model,
                                 strict=True):
            rows.append({"name": name, "pillar (years)": p, "quote (bp)": 1e4 * q,
                         "hazard (bp)": 1e4 * h, "survival": s,
                         "reprice error (bp)": 1e4 * (m - q)})
        line = plot_curve(curve, ax=axes[0], t=t, label=name).get_lines()[-1]
        plot_curve(curve, ax=axes[1], quantity="survival", t=t, label=name,
                   color=line.get_color())
        axes[2].plot(mats, 1e4 * CDS(mats, recovery=rec).par_spread(disc, curve),
                     color=line.get_color(), label=f"{name} spot")
        fwd, _ = forward_cds(1.0, mats[mats > 1.0], disc, curve, recovery=rec)
        axes[2].plot(mats[mats > 1.0], 1e4 * fwd, "--", color=line.get_color(), lw=0.8)
        axes[2].plot(tenors, 1e4 * spreads, "o", color=line.get_color(), mfc="none", ms=4)
    axes[0].set(title="bootstrapped hazard rates", xlabel="t (years, log scale beyond 1y)")
    axes[1].set(title="survival probability")
    axes[2].set(title="par spreads: quotes o, spot -, 1y-forward --",
                xlabel="maturity (years, log scale beyond 1y)", ylabel="par spread (bp)")
    for ax in axes:
        ax.grid(alpha=0.3)
    for ax in (axes[0], axes[2]):
        ax.set_xscale("symlog", linthresh=1.0, linscale=0.5)
        ax.set_xticks([0, 0.5, 1, 2, 5, 10, 20, 30])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_locator(NullLocator())
    for ax in axes:
        ax.legend(fontsize=7)
    section.figure(fig, "markit_hazard_curves", "Markit-style curves of 2014-10-16 (6M-30Y) "
                   "bootstrapped on that day's UST zero curve with each curve's recovery: "
                   "piecewise-flat hazards, survival, and the spot CDS par-spread term structure "
                   "through the quotes, and the forward CDS spread from 1y to each maturity "
                   "(dashed; knock-out annuity).")
    section.table(pd.DataFrame(rows), "markit_hazard_pillars",
                  "Bootstrapped pillars and repricing errors (exact repricing: ~1e-12 bp).",
                  float_format="{:.4g}", max_rows=60)


def _cdx(section, curves: dict, quick: bool) -> None:
    from ....instruments.cds import CDS
    from ....market.hazard_bootstrap import bootstrap_hazard_curve
    from ....market.quotes import load_cdx_quotes

    disc = curves["2007-08-01"]
    quotes = load_cdx_quotes()
    names = sorted(quotes["name"].unique())
    if quick:
        names = names[:40]
    t0 = time.perf_counter()
    out, failed = {}, []
    for name in names:
        g = quotes[quotes["name"] == name]
        try:
            out[name] = bootstrap_hazard_curve(g["maturity"].to_numpy(), g["spread"].to_numpy(),
                                               disc, recovery=float(g["recovery"].iloc[0]))
        except ValueError as exc:
            failed.append((name, str(exc)))
    elapsed = time.perf_counter() - t0
    errs = []
    for name, curve in out.items():
        g = quotes[quotes["name"] == name]
        m = CDS(g["maturity"].to_numpy(), recovery=float(g["recovery"].iloc[0])).par_spread(
            disc, curve)
        errs.append(np.max(np.abs(m - g["spread"].to_numpy())))
    haz = pd.DataFrame({n: c.hazards for n, c in out.items()}, index=[3, 5, 7, 10]).T
    surv5 = pd.Series({n: float(c.survival(5.0)) for n, c in out.items()})
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].boxplot([1e4 * haz[c] for c in haz.columns], tick_labels=[f"{c}y" for c in
                                                                      haz.columns])
    axes[0].set(title=f"CDX.NA.IG S7 names, 2007-08-01: hazard per pillar, n = {len(out)}",
                xlabel="pillar", ylabel="hazard (bp per year, log scale)")
    axes[0].set_yscale("log")
    axes[1].hist(100 * (1 - surv5), bins=30, color="tab:gray")
    axes[1].set(title="5-year default probability", xlabel="default probability (%)",
                ylabel="number of names")
    for ax in axes:
        ax.grid(alpha=0.3)
    section.figure(fig, "cdx_hazards", "Hazard curves of the CDX.NA.IG series-7 constituents "
                   "(3/5/7/10Y quotes) on the UST zero curve of 2007-08-01.")
    table = haz.copy()
    table = 1e4 * table
    table.columns = [f"hazard {c}y (bp)" for c in table.columns]
    table["survival 5y"] = surv5
    table.index.name = "name"
    section.table(table, "cdx_hazards", "Bootstrapped hazards of every CDX name.",
                  float_format="{:.5g}", max_rows=15)
    msg = (f"{len(out)} of {len(names)} CDX names bootstrapped in {elapsed * 1e3:.0f} ms "
           f"({elapsed / max(len(names), 1) * 1e6:.0f} us per name including data handling); "
           f"largest repricing error {max(errs) * 1e4:.1e} bp.")
    if failed:
        msg += " Rejected (quotes implying a negative forward hazard): " + "; ".join(
            f"{n}: {e}" for n, e in failed[:5])
    section.text(msg)


def _accuracy(section) -> None:
    from ....instruments.cds import CDS
    from ....market.curves import FlatCurve, FlatHazardCurve, HazardCurve, ZeroCurve

    rows = []
    r, h, R, T = 0.03, 0.02, 0.4, 5.0
    lam = r + h
    prot = (1 - R) * h / lam * (1 - np.exp(-lam * T))
    cds = CDS(T, recovery=R)
    for method in ("auto", "quadrature"):
        v = cds.protection_leg(FlatCurve(r), FlatHazardCurve(h), method=method)
        rows.append({"check": f"flat curves, protection leg vs closed form ({method})",
                     "relative error": abs(v / prot - 1)})
    z = ZeroCurve([0.5, 2, 7], [0.01, -0.005, 0.02])
    hc = HazardCurve([1, 3, 5, 10], [0.01, 0.05, 0.02, 0.03])
    mats = np.linspace(0.25, 12, 48)
    a = CDS(mats).par_spread(z, hc)
    b = CDS(mats).par_spread(z, hc, method="quadrature")
    rows.append({"check": "piecewise curves: closed forms vs adaptive quadrature (48 CDS)",
                 "relative error": float(np.max(np.abs(b / a - 1)))})
    s0 = CDS(mats, recovery=R).par_spread(FlatCurve(0.0), FlatHazardCurve(h))
    rows.append({"check": "r = 0: par spread = (1 - R) h exactly (any frequency)",
                 "relative error": float(np.max(np.abs(s0 / ((1 - R) * h) - 1)))})
    section.table(pd.DataFrame(rows).set_index("check"), "cds_accuracy",
                  "Accuracy checks run while building this report (QuantLib comparisons are in "
                  "the test suite: tests/instruments/test_cds_quantlib.py).",
                  float_format="{:.1e}")


def build(ctx, section) -> None:
    section.text(
        "Discount curves come from US Treasury par yields (packaged daily file): bills are zero "
        "coupon on the bond-equivalent basis, notes and bonds are par bonds with semi-annual "
        "coupons, par yields interpolated linearly onto the semi-annual grid; the zero curve is "
        "piecewise-flat in forwards. Hazard curves are bootstrapped pillar by pillar from CDS "
        "par spreads with the exact ISDA-model leg integrals (accrual on default included, "
        "quarterly premiums in year fractions, no day-count or step-in conventions). "
        "Seed 002 (section 4.2) bootstraps zero yields from coupon bonds: reproduced as "
        "bootstrap_zero_curve (every bond repriced to 1e-12). Seeds 000/001 give the CDS legs "
        "and the forward CDS (knock-out annuity): reproduced exactly; the papers give no CDS "
        "numbers to compare, so accuracy is shown against closed forms here and against "
        "QuantLib (MidPoint and ISDA engines) in the tests.")
    curves = _zero_curves(section)
    _markit_hazards(section, curves)
    _cdx(section, curves, ctx.quick)
    _accuracy(section)
    section.html("<p><small>" + html.escape(
        "Benchmark (benchmarks/bench_curves_cds.py): 10,000 CDS par spreads and an 8-pillar "
        "bootstrap against QuantLib on the same inputs.") + "</small></p>")
