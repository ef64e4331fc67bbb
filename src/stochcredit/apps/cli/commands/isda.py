"""``stochcredit isda price|convert|bootstrap|risk``: dated ISDA standard CDS on CSV inputs."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Dated ISDA standard CDS (CDS2015 schedules, ISDA Standard Model engine).

Discounting, for every subcommand: --rates FILE (deposit and swap rates: the packaged
layout 'Valuation Date,Tenor,Instrument Type,Rate' with types M/S, or 'tenor,kind,rate'
with kinds deposit/swap; decimals) bootstrapped with the conventions of --currency
(USD, EUR, GBP, JPY, USD-SOFR, EUR-ESTR, GBP-SONIA, JPY-TONA); or a flat continuously
compounded --rate; by default the packaged ISDA curve of the trade date (only USD on
2014-10-16 is packaged). Amounts are per --notional; spreads and coupons in bp.
"""

_RATES = typer.Option(None, "--rates", help="CSV of deposit and swap rates (see isda --help).")
_RATE = typer.Option(None, "--rate", "-r", help="Flat continuously compounded rate (decimal).")
_CCY = typer.Option("USD", "--currency", "-c", help="Rate-curve conventions (USD, EUR-ESTR...).")
_TRADE = typer.Option(None, "--trade-date", "-t", help="Trade date YYYY-MM-DD (default: the "
                                                       "date of --rates, if it has one).")
_FMT = typer.Option("table", "--format", "-f", help="table, csv or json.")
_OUT = typer.Option(None, "--output", "-o", help="Also write the table to this .csv/.json.")


def discount_for(trade_date: str | None, rates: Path | None, rate: float | None,
                 currency: str):
    """``(trade_date, discount curve, description)`` from the common options."""
    from ....core.errors import InvalidParameterError
    from ....core.validation import in_range
    from ....market.calendars import to_date
    from ....market.curves import FlatCurve
    from ....market.isda_discount import isda_discount_curve, load_isda_rates, read_isda_rates

    if rates is not None and rate is not None:
        raise InvalidParameterError("give either --rates or --rate, not both")
    if rates is not None:
        data = read_isda_rates(rates)
        file_date = data.pop("date", None)
        if trade_date is None and file_date is None:
            raise InvalidParameterError("--trade-date", None, f"a date ({rates.name} has none)")
        trade = to_date(trade_date, "--trade-date") if trade_date is not None else file_date
        if file_date is not None and file_date != trade:
            raise InvalidParameterError("--trade-date", trade.isoformat(),
                                        f"the valuation date of {rates.name}, {file_date}")
        return trade, isda_discount_curve(trade, **data, currency=currency), \
            f"ISDA {currency} curve from {rates.name}"
    if trade_date is None:
        raise InvalidParameterError("--trade-date", None, "a date such as 2014-10-16")
    trade = to_date(trade_date, "--trade-date")
    if rate is not None:
        return trade, FlatCurve(in_range("--rate", rate, -0.5, 1.0)), f"flat {rate:g}"
    try:
        data = load_isda_rates(trade, currency)
    except InvalidParameterError as exc:
        raise InvalidParameterError(
            f"no packaged ISDA rates for {currency} on {trade}: give --rates FILE or --rate "
            f"({exc})") from None
    return trade, isda_discount_curve(trade, **data, currency=currency), \
        f"packaged ISDA {currency} curve of {trade}"


def _frame(path: Path):
    import pandas as pd

    if not path.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    df = pd.read_csv(path, dtype=str, skipinitialspace=True).dropna(how="all")
    df.columns = [c.strip().lower() for c in df.columns]
    if df.empty:
        raise ValueError(f"{path}: no rows")
    return df


def _num(df, col: str, where: str, scale: float = 1.0):
    import numpy as np

    from ....core.errors import InvalidParameterError

    out = []
    for i, text in enumerate(df[col], start=2):
        s = str(text).strip()
        try:
            value = float(s.rstrip("%")) / (100.0 if s.endswith("%") else 1.0 / scale)
        except ValueError:
            raise InvalidParameterError(f"{col} ({where}, line {i})", text, "a number") from None
        if not np.isfinite(value):
            raise InvalidParameterError(f"{col} ({where}, line {i})", text, "finite")
        out.append(value)
    return np.array(out)


def read_credit_quotes(path: Path):
    """``(tenors, quotes, quote_type, recovery_or_None)`` from a tenor/spread (or upfront) CSV.

    Columns: ``tenor`` (``6M``, ``5Y`` or a date) and one of ``spread_bp``, ``spread``
    (decimal), ``upfront`` (fraction of notional, or percent with ``%``), ``upfront_pct``;
    optionally ``recovery``.
    """
    df = _frame(path)
    col = next((c for c in ("tenor", "maturity") if c in df.columns), None)
    if col is None:
        raise ValueError(f"{path}: needs a 'tenor' column; found {', '.join(df.columns)}")
    tenors = [str(t).strip() for t in df[col]]
    if "spread_bp" in df.columns:
        quotes, kind = _num(df, "spread_bp", path.name, 1e-4), "spread"
    elif "spread" in df.columns:
        quotes, kind = _num(df, "spread", path.name), "spread"
    elif "upfront" in df.columns:
        quotes, kind = _num(df, "upfront", path.name), "upfront"
    elif "upfront_pct" in df.columns:
        quotes, kind = _num(df, "upfront_pct", path.name, 1e-2), "upfront"
    else:
        raise ValueError(f"{path}: needs a spread_bp, spread, upfront or upfront_pct column")
    rec = None
    if "recovery" in df.columns:
        values = _num(df, "recovery", path.name)
        if len(set(values)) != 1:
            raise ValueError(f"{path}: one recovery for the whole curve, got {sorted(set(values))}")
        rec = float(values[0])
    return tenors, quotes, kind, rec


def _credit_curve(trade, disc, quotes: Path | None, hazard: float | None,
                  spread_bp: float | None, coupon_bp: float | None, recovery: float,
                  arbitrage: str = "fail"):
    from ....core.errors import InvalidParameterError
    from ....market.curves import FlatHazardCurve

    given = [x is not None for x in (quotes, hazard, spread_bp)]
    if sum(given) != 1:
        raise InvalidParameterError("give exactly one of --quotes FILE, --hazard, --spread")
    import stochcredit as sc

    if hazard is not None:
        return FlatHazardCurve(hazard), recovery
    if spread_bp is not None:
        return sc.isda_credit_curve(trade, ["5Y"], [spread_bp * 1e-4], disc,
                                    recovery=recovery), recovery
    tenors, values, kind, rec = read_credit_quotes(quotes)
    rec = recovery if rec is None else rec
    coupon = None if coupon_bp is None else coupon_bp * 1e-4
    if kind == "upfront" and coupon is None:
        raise InvalidParameterError("--coupon", None, "the running coupon (bp) of upfront quotes")
    return sc.isda_credit_curve(trade, tenors, values, disc, recovery=rec, quote_type=kind,
                                coupon=coupon, arbitrage=arbitrage), rec


def _trades(path: Path, recovery: float):
    """Rows of a trades CSV: maturity (date or tenor), coupon_bp, notional, side, recovery."""
    df = _frame(path)
    if "maturity" not in df.columns:
        raise ValueError(f"{path}: needs a 'maturity' column (a date or a tenor such as 5Y)")
    coupon = (_num(df, "coupon_bp", path.name, 1e-4) if "coupon_bp" in df.columns
              else _num(df, "coupon", path.name) if "coupon" in df.columns else None)
    if coupon is None:
        raise ValueError(f"{path}: needs a 'coupon_bp' (or decimal 'coupon') column")
    n = len(df)
    notional = _num(df, "notional", path.name) if "notional" in df.columns else [1.0] * n
    recs = _num(df, "recovery", path.name) if "recovery" in df.columns else [recovery] * n
    sides = [str(s).strip().lower() for s in df["side"]] if "side" in df.columns else ["buy"] * n
    ids = list(df["id"]) if "id" in df.columns else [str(i) for i in range(1, n + 1)]
    return [dict(id=ids[i], maturity=str(df["maturity"].iloc[i]).strip(), coupon=coupon[i],
                 notional=float(notional[i]), side=sides[i], recovery=float(recs[i]))
            for i in range(n)]


def register(app: typer.Typer) -> None:
    isda = typer.Typer(help=HELP, no_args_is_help=True)
    app.add_typer(isda, name="isda")

    @isda.command("bootstrap")
    def bootstrap(
        quotes: Path = typer.Argument(..., help="CSV: tenor and spread_bp / spread / upfront "
                                                "[, recovery]; or a Markit / CDX file (bulk)."),
        trade_date: str = _TRADE, rates: Path = _RATES, rate: float = _RATE,
        currency: str = _CCY,
        recovery: float = typer.Option(0.4, "--recovery", "-R", help="Recovery in [0, 1)."),
        coupon: float = typer.Option(None, "--coupon", help="Running coupon (bp) of upfront "
                                                            "quotes."),
        arbitrage: str = typer.Option("fail", "--arbitrage",
                                      help="fail, zero_hazard or ignore."),
        fmt: str = _FMT, output: Path = _OUT,
    ) -> int:
        """Bootstrap an ISDA credit curve (piecewise-flat hazard) that reprices every quote."""
        import numpy as np
        import pandas as pd

        import stochcredit as sc

        from ..output import check_format, emit_table

        check_format(fmt)
        from ....market.isda_quotes import detect_format

        header = list(_frame(quotes).columns) if quotes.is_file() else []
        try:
            bulk = detect_format(header) in ("markit", "cdx")
        except Exception:  # noqa: BLE001 - not a bulk file: read as tenor/spread quotes
            bulk = False
        if bulk:
            from .bootstrap import run_bulk

            return run_bulk(quotes, trade_date, rates, rate, currency, arbitrage, fmt, output)
        trade, disc, _ = discount_for(trade_date, rates, rate, currency)
        tenors, values, kind, rec = read_credit_quotes(quotes)
        rec = recovery if rec is None else rec
        cpn = None if coupon is None else coupon * 1e-4
        curve = sc.isda_credit_curve(trade, tenors, values, disc, recovery=rec,
                                     quote_type=kind, coupon=cpn, arbitrage=arbitrage)
        rows = []
        for tenor, q in zip(tenors, values, strict=True):
            cds = sc.StandardCDS(trade, tenor, coupon=cpn if cpn is not None else 0.01,
                                 recovery=rec)
            res = cds.price(disc, curve)
            t = (cds.maturity_date - trade).days / 365.0
            model = res.par_spread if kind == "spread" else res.clean_upfront
            rows.append({"tenor": tenor, "maturity_date": cds.maturity_date.isoformat(),
                         "quote": q, "hazard": float(curve.hazard(t)),
                         "survival": float(curve.survival(t)),
                         "par_spread_bp": res.par_spread * 1e4,
                         "clean_upfront": res.clean_upfront,
                         "reprice_error": model - q})
        df = pd.DataFrame(rows).set_index("tenor")
        df["recovery"] = rec
        emit_table(df, fmt, output, float_format="{:.10g}")
        del np
        return 0

    @isda.command("price")
    def price(
        trades: Path = typer.Argument(..., help="CSV: maturity (date or tenor), coupon_bp "
                                                "[, notional, side, recovery, id]."),
        trade_date: str = _TRADE, rates: Path = _RATES, rate: float = _RATE,
        currency: str = _CCY,
        quotes: Path = typer.Option(None, "--quotes", "-q", help="Credit quotes CSV "
                                                                 "(as isda bootstrap)."),
        hazard: float = typer.Option(None, "--hazard", help="Flat hazard rate (decimal)."),
        spread: float = typer.Option(None, "--spread", help="Flat quoted spread (bp)."),
        coupon: float = typer.Option(None, "--coupon", help="Running coupon (bp) of upfront "
                                                            "quotes in --quotes."),
        recovery: float = typer.Option(0.4, "--recovery", "-R", help="Recovery in [0, 1)."),
        fmt: str = _FMT, output: Path = _OUT,
    ) -> int:
        """Price dated standard CDS: npv, legs, accrual rebate, par spread, upfronts."""
        import pandas as pd

        import stochcredit as sc

        from ..output import check_format, emit_table

        check_format(fmt)
        trade, disc, _ = discount_for(trade_date, rates, rate, currency)
        credit, rec = _credit_curve(trade, disc, quotes, hazard, spread, coupon, recovery)
        rows = []
        for t in _trades(trades, rec):
            cds = sc.StandardCDS(trade, t["maturity"], coupon=t["coupon"],
                                 recovery=t["recovery"], notional=t["notional"], side=t["side"])
            r = cds.price(disc, credit)
            rows.append({"id": t["id"], "maturity_date": cds.maturity_date.isoformat(),
                         "coupon_bp": t["coupon"] * 1e4, "side": t["side"],
                         "notional": t["notional"], "npv": r.npv,
                         "protection_leg": r.protection_leg, "premium_leg": r.premium_leg,
                         "accrual_rebate": r.accrual_rebate, "accrued_days": r.accrued_days,
                         "par_spread_bp": r.par_spread * 1e4, "risky_annuity": r.risky_annuity,
                         "clean_upfront": r.clean_upfront, "dirty_upfront": r.dirty_upfront})
        emit_table(pd.DataFrame(rows).set_index("id"), fmt, output, float_format="{:.10g}")
        return 0

    @isda.command("convert")
    def convert(
        quotes: Path = typer.Argument(..., help="CSV: maturity (date or tenor), coupon_bp and "
                                                "quoted_spread_bp or upfront [, recovery]."),
        trade_date: str = _TRADE, rates: Path = _RATES, rate: float = _RATE,
        currency: str = _CCY,
        recovery: float = typer.Option(0.4, "--recovery", "-R", help="Recovery in [0, 1)."),
        fmt: str = _FMT, output: Path = _OUT,
    ) -> int:
        """Quote conversion (flat hazard): quoted spread <-> clean points upfront."""
        import numpy as np
        import pandas as pd

        import stochcredit as sc

        from ..output import check_format, emit_table

        check_format(fmt)
        trade, disc, _ = discount_for(trade_date, rates, rate, currency)
        df = _frame(quotes)
        mcol = next((c for c in ("maturity", "tenor") if c in df.columns), None)
        if mcol is None or "coupon_bp" not in df.columns:
            raise ValueError(f"{quotes}: needs 'maturity' (or 'tenor') and 'coupon_bp' columns")
        coupons = _num(df, "coupon_bp", quotes.name, 1e-4)
        recs = (_num(df, "recovery", quotes.name) if "recovery" in df.columns
                else np.full(len(df), recovery))
        has_s, has_u = "quoted_spread_bp" in df.columns, "upfront" in df.columns
        if has_s == has_u:
            raise ValueError(f"{quotes}: needs exactly one of 'quoted_spread_bp', 'upfront'")
        rows = []
        values = _num(df, "quoted_spread_bp", quotes.name, 1e-4) if has_s \
            else _num(df, "upfront", quotes.name)
        for i, mat in enumerate(df[mcol]):
            mat = str(mat).strip()
            if has_s:
                s = values[i]
                u = float(sc.upfront_from_spread(trade, mat, s, coupons[i], disc,
                                                 recovery=recs[i]))
            else:
                u = values[i]
                s = float(sc.spread_from_upfront(trade, mat, u, coupons[i], disc,
                                                 recovery=recs[i]))
            rows.append({"maturity": mat, "coupon_bp": coupons[i] * 1e4, "recovery": recs[i],
                         "quoted_spread_bp": s * 1e4, "upfront": u, "upfront_pct": 100 * u})
        emit_table(pd.DataFrame(rows).set_index("maturity"), fmt, output,
                   float_format="{:.10g}")
        return 0

    @isda.command("risk")
    def risk(
        trades: Path = typer.Argument(..., help="CSV: maturity (date or tenor), coupon_bp "
                                                "[, notional, side, recovery, id]."),
        quotes: Path = typer.Option(..., "--quotes", "-q", help="Credit quotes CSV (as isda "
                                                                "bootstrap): the curve is "
                                                                "re-bootstrapped per bump."),
        trade_date: str = _TRADE, rates: Path = _RATES, rate: float = _RATE,
        currency: str = _CCY,
        coupon: float = typer.Option(None, "--coupon", help="Running coupon (bp) of upfront "
                                                            "quotes in --quotes."),
        recovery: float = typer.Option(0.4, "--recovery", "-R", help="Recovery in [0, 1)."),
        measures: str = typer.Option(None, "--measures", help="Comma-separated subset of cs01,"
                                     "bucketed_cs01,ir01,recovery01,jtd,theta (default all)."),
        spread_bump: float = typer.Option(1.0, "--spread-bump", help="CS01 bump (bp)."),
        rate_bump: float = typer.Option(1.0, "--rate-bump", help="IR01 bump (bp)."),
        long: bool = typer.Option(False, "--long", help="Tidy long table (contract, measure, "
                                                        "bucket, value)."),
        fmt: str = _FMT, output: Path = _OUT,
    ) -> int:
        """Risk of dated CDS by re-bootstrapping: CS01 (parallel, per quoted tenor), IR01 (per
        rate instrument with --rates or the packaged curve), recovery01, jump-to-default, theta.
        Values in currency per contract (the buyer's npv convention; sell flips)."""
        import pandas as pd

        import stochcredit as sc

        from ..output import check_format, emit_table

        check_format(fmt)
        trade, disc, _ = discount_for(trade_date, rates, rate, currency)
        tenors, values, kind, rec = read_credit_quotes(quotes)
        rec = recovery if rec is None else rec
        credit = sc.CreditQuotes(tuple(tenors), values, recovery=rec, quote_type=kind,
                                 coupon=None if coupon is None else coupon * 1e-4)
        rows = _trades(trades, rec)
        book = {t["id"]: sc.StandardCDS(trade, t["maturity"], coupon=t["coupon"],
                                        recovery=t["recovery"], notional=t["notional"],
                                        side=t["side"]) for t in rows}
        todo = None if measures is None else [m.strip() for m in measures.split(",") if m]
        res = sc.cds_risk(book, disc, credit, measures=todo, spread_bump=spread_bump * 1e-4,
                          rate_bump=rate_bump * 1e-4)
        if long:
            df = res.to_frame().set_index(["contract", "measure", "bucket"])
        else:
            df = pd.concat([res.summary, res.bucketed_cs01.add_prefix("cs01 "),
                            res.ir01_by_instrument.add_prefix("ir01 ")], axis=1)
            df.index.name = "id"
        emit_table(df, fmt, output, float_format="{:.10g}")
        return 0
