"""Report section: ISDA standard CDS on the Markit curves of 2014-10-16 (dated contracts)."""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

ORDER = 15
TITLE = "ISDA standard CDS: the Markit curves of 2014-10-16 on the ISDA USD rate curve"

TRADE_DATE = "2014-10-16"
NOTIONAL = 10_000_000.0
UPFRONT_TENORS = ("1Y", "3Y", "5Y", "7Y", "10Y")
COUPONS_BP = (100, 500)
CS01_BUMP = 1e-4   # 1 bp on each quoted par spread, curve re-bootstrapped


def _rate_curve(section):
    from ....market.isda_discount import isda_discount_curve, load_isda_rates

    curve = isda_discount_curve(TRADE_DATE, **load_isda_rates(TRADE_DATE))
    table = curve.instruments
    table["zero_rate_cc"] = curve.zero_rate(table["time"].to_numpy())
    table["reprice_error_bp"] = (curve.implied_rates() - table["rate"].to_numpy()) * 1e4
    section.table(table.set_index("tenor"), "isda_usd_rates_2014-10-16",
                  "The packaged ISDA USD rate inputs of 2014-10-16 (deposits ACT/360; swaps "
                  "fixed 6M 30/360 against 3M LIBOR at par; spot T+2 = 2014-10-20, Modified "
                  "Following, weekends only) and the bootstrapped curve: discount factors at "
                  "the pillars (log-linear between them, ACT/365F time from the trade date) and "
                  "each instrument's repricing error.", float_format="{:.10g}")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    t = np.linspace(0.01, 30, 600)
    ax.plot(t, 100 * curve.zero_rate(t), label="zero rate (cc)")
    ax.step(np.concatenate(([0.0], curve.times)),
            100 * np.concatenate((curve.forwards[:1], curve.forwards)), where="pre", lw=0.8,
            label="instantaneous forward")
    ax.plot(table["time"], 100 * table["rate"], "o", mfc="none", label="input rates")
    ax.set_xlabel("years from 2014-10-16 (ACT/365F)")
    ax.set_ylabel("%")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("ISDA USD rate curve of 2014-10-16")
    section.figure(fig, "isda_usd_curve_2014-10-16", "Zero rates and piecewise-flat forwards "
                   "of the ISDA USD curve; markers are the deposit and swap inputs.")
    return curve


def _cs01_ladder(tenors, spreads, recovery, disc, cds) -> dict[str, float]:
    """Bucketed CS01 of ``cds`` (currency per 1 bp on one quote, curve re-bootstrapped)."""
    from .... import CreditQuotes, cds_risk

    risk = cds_risk({"cds": cds}, disc, CreditQuotes(tuple(tenors), spreads, recovery=recovery),
                    measures=("bucketed_cs01",), spread_bump=CS01_BUMP)
    return risk.bucketed_cs01.loc["cds"].to_dict()


def build(ctx, section) -> None:
    from .... import StandardCDS
    from ....calibration.isda_bulk import isda_credit_curves
    from ....market.isda_quotes import packaged_quote_file

    section.text(
        "Dated ISDA standard CDS (CDS2015 quarterly IMM schedules, ACT/360 with the extra last "
        "day, step-in T+1, cash settlement T+3, accrual rebate; the ISDA Standard Model "
        "engine) on the packaged Markit-style curves of 2014-10-16. Every curve is "
        "bootstrapped from its par spreads at the standard maturities on the ISDA USD rate "
        "curve of the same date, which is packaged.")
    disc = _rate_curve(section)
    batch = isda_credit_curves(packaged_quote_file("markit"))
    frame = batch.frame
    ok = frame[frame["status"] == "ok"]
    section.table(ok.set_index(["name", "tenor"])[
        ["currency", "maturity_date", "spread", "recovery", "hazard", "survival",
         "reprice_error_bp"]], "isda_markit_curves",
        "Hazard curves (piecewise flat, pillars at the standard maturities): the quoted par "
        "spread, the hazard rate on the segment ending at the pillar, the survival "
        "probability there, and the repricing error of the quote (bp).",
        float_format="{:.8g}")
    missing = batch.errors
    if len(missing):
        names = ", ".join(sorted(set(missing["name"].dropna())))
        section.html(
            "<p><strong>Curve missing.</strong> " + html.escape(
                f"{names}: quoted in {', '.join(sorted(set(missing['currency'])))}. Only the "
                "USD ISDA rate curve of 2014-10-16 is packaged, so these names are not "
                "bootstrapped and are absent from the tables below: a name is discounted on "
                "its own currency's curve or not at all (discounting a EUR name on the USD "
                "curve would be a wrong number, not an approximation). Supply the EUR "
                "deposits and swaps of that date to isda_discount_curve(..., currency='EUR') "
                "and pass discount={'EUR': curve} to isda_credit_curves.") + "</p>")
        section.table(missing.set_index("line"), "isda_markit_missing_curves",
                      "Names that were not bootstrapped, with the reason.")

    trade = pd.Timestamp(TRADE_DATE).date()
    rows, ladder = [], []
    for name, curve in batch.curves.items():
        quotes = ok[ok["name"] == name]
        rec = float(quotes["recovery"].iloc[0])
        for tenor in UPFRONT_TENORS:
            row = {"name": name, "tenor": tenor}
            for cpn in COUPONS_BP:
                cds = StandardCDS(trade, tenor, coupon=cpn * 1e-4, recovery=rec,
                                  notional=NOTIONAL)
                res = cds.price(disc, curve)
                row["maturity_date"] = cds.maturity_date
                row["par_spread_bp"] = res.par_spread * 1e4
                row[f"clean_upfront_{cpn}bp_pct"] = 100 * res.clean_upfront
                row[f"cash_{cpn}bp"] = res.dirty_upfront * NOTIONAL
            row["accrued_days"] = res.accrued_days
            rows.append(row)
        cds5 = StandardCDS(trade, "5Y", coupon=0.01, recovery=rec, notional=NOTIONAL)
        buckets = _cs01_ladder(list(quotes["tenor"]), quotes["spread"].to_numpy(), rec, disc,
                               cds5)
        ladder.append({"name": name, **buckets, "total": sum(buckets.values())})
    up = pd.DataFrame(rows).set_index(["name", "tenor"])
    if ("C10", "5Y") in up.index:
        section.text(
            "Cross-check (tests/calibration/test_isda_bulk.py): QuantLib, with "
            "PiecewiseFlatHazardRate from ISDA-model SpreadCdsHelpers and IsdaCdsEngine on the "
            "same deposit and swap quotes, gives the same survival probabilities (to 1e-10) and "
            "the same clean upfront of C10's 5Y 100 bp contract, "
            f"{up.loc[('C10', '5Y'), 'clean_upfront_100bp_pct']:.4f} % of notional (to 1e-10 "
            "of notional).")
    section.table(up, "isda_markit_upfronts",
                  f"Standard contracts traded on {TRADE_DATE} (protection buyer; accrual from "
                  "2014-09-22, the Following-adjusted IMM date 2014-09-20): clean points "
                  "upfront (% of notional) for the 100 bp and 500 bp coupons and the cash paid "
                  f"at settlement on {NOTIONAL:,.0f} notional (dirty: clean upfront less the "
                  "accrual rebate).", float_format="{:.6f}")
    # to the cent (buckets after the contract's maturity are zero up to rounding noise)
    lad = pd.DataFrame(ladder).set_index("name").round(2) + 0.0
    section.table(lad, "isda_markit_cs01",
                  "Bucketed CS01 ladder of a 5Y 100 bp protection buyer on "
                  f"{NOTIONAL:,.0f} notional: change of npv (currency) when one quoted par "
                  "spread rises by 1 bp and the curve is re-bootstrapped; columns are the "
                  "quoted tenors (empty: not quoted); 'total' is their sum.",
                  float_format="{:.2f}")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    cols = [c for c in lad.columns if c != "total"]
    width = 0.8 / max(len(lad), 1)
    x = np.arange(len(cols))
    for k, (name, row) in enumerate(lad.iterrows()):
        ax.bar(x + k * width, row[cols].fillna(0.0).to_numpy(), width, label=name)
    ax.set_xticks(x + 0.4 - width / 2, cols)
    ax.set_xlabel("quoted tenor (bucket)")
    ax.set_ylabel("CS01 per 1 bp (USD)")
    ax.set_title("Bucketed CS01: 5Y 100 bp, 10mm, buyer")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    section.figure(fig, "isda_cs01_ladder", "Bucketed CS01 by quoted tenor (re-bootstrap).")
