"""``stochcredit cds``: price CDS (par spread, legs, pv) on a flat or bootstrapped credit curve."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Price credit default swaps: par spread (bp), protection leg, risky annuity, pv.

Credit curve: a flat hazard rate (--hazard, decimal per year), a spread curve
(--spreads '1:60,3:85,5:110', tenor in years : par spread in bp) or a quotes CSV
(--quotes FILE, the format of `stochcredit bootstrap`) that is bootstrapped first.
Discounting: a flat continuously compounded rate (--rate) or the US Treasury zero curve
of a date (--treasury-date). Several maturities may be given: --maturity 1,3,5,7,10.
Notional 1; pv is to the protection buyer (protection leg - coupon x risky annuity).

Example: stochcredit cds --maturity 5 --coupon 0.01 --hazard 0.02 --rate 0.03
"""


def _floats(name: str, text: str) -> list[float]:
    try:
        return [float(x) for x in text.replace(";", ",").split(",") if x.strip()]
    except ValueError as exc:
        raise ValueError(f"{name} must be comma-separated numbers, got {text!r}") from exc


def parse_spread_curve(text: str) -> tuple[list[float], list[float]]:
    """``'1:60,3:85'`` -> ([1.0, 3.0], [0.006, 0.0085]) (tenors in years, spreads bp -> decimal)."""
    tenors, spreads = [], []
    for item in text.replace(";", ",").split(","):
        if not item.strip():
            continue
        try:
            t, s = item.split(":")
            tenors.append(float(t))
            spreads.append(float(s) / 1e4)
        except ValueError as exc:
            raise ValueError(f"--spreads items must be TENOR:SPREAD_BP, got {item.strip()!r}"
                             ) from exc
    if not tenors:
        raise ValueError("--spreads is empty")
    return tenors, spreads


def discount_curve(rate: float | None, treasury_date: str | None):
    """Flat curve from ``--rate`` or the UST zero curve of ``--treasury-date`` (not both)."""
    from ....core.errors import InvalidParameterError
    from ....market.curves import FlatCurve
    from ....market.treasury import treasury_zero_curve

    if rate is not None and treasury_date is not None:
        raise InvalidParameterError("give either --rate or --treasury-date, not both")
    if treasury_date is not None:
        return treasury_zero_curve(treasury_date)
    return FlatCurve(0.0 if rate is None else rate)


def register(app: typer.Typer) -> None:
    @app.command("cds", help=HELP)
    def cds(
        maturity: str = typer.Option("5", "--maturity", "-T",
                                     help="Maturity in years; comma-separated for several."),
        coupon: float = typer.Option(0.01, "--coupon", "-c",
                                     help="Running coupon, decimal per year (0.01 = 100 bp)."),
        hazard: float = typer.Option(None, "--hazard",
                                     help="Flat hazard rate, decimal per year."),
        spreads: str = typer.Option(None, "--spreads",
                                    help="Par-spread curve to bootstrap: 'TENOR:BP,...', "
                                         "e.g. '1:60,3:85,5:110'."),
        quotes: Path = typer.Option(None, "--quotes",
                                    help="CSV of tenor, spread to bootstrap (see `stochcredit "
                                         "bootstrap --help` for columns and units)."),
        rate: float = typer.Option(None, "--rate", "-r",
                                   help="Flat continuously compounded rate, decimal "
                                        "(default 0)."),
        treasury_date: str = typer.Option(None, "--treasury-date",
                                          help="Discount on the US Treasury zero curve of this "
                                               "date (YYYY-MM-DD, packaged data)."),
        recovery: float = typer.Option(0.4, "--recovery", "-R", help="Recovery rate in [0, 1)."),
        start: float = typer.Option(0.0, "--start",
                                    help="Protection start in years (> 0: forward start)."),
        frequency: int = typer.Option(4, "--frequency", help="Premium payments per year."),
        output: Path = typer.Option(None, "--output", "-o",
                                    help="Also write the table to this .csv or .json file."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    ) -> int:
        from ....core.errors import InvalidParameterError
        from ....instruments.cds import CDS
        from ....market.curves import FlatHazardCurve
        from ....market.hazard_bootstrap import bootstrap_hazard_curve
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.rate("--rate", rate)
        inputs.unit_interval("--recovery", recovery, closed_right=False)
        if sum(x is not None for x in (hazard, spreads, quotes)) != 1:
            raise InvalidParameterError("give exactly one credit curve: --hazard, --spreads or "
                                        "--quotes")
        disc = discount_curve(rate, treasury_date)
        if hazard is not None:
            credit = FlatHazardCurve(hazard)
        else:
            if spreads is not None:
                tenors, quoted = parse_spread_curve(spreads)
                rec = recovery
            else:
                from .bootstrap import read_spread_quotes

                inputs.text_file("--quotes", quotes)
                tenors, quoted, rec = read_spread_quotes(quotes)
                rec = recovery if rec is None else rec
            credit = bootstrap_hazard_curve(tenors, quoted, disc, recovery=rec,
                                            frequency=frequency)
        contract = CDS(_floats("--maturity", maturity), coupon=coupon, recovery=recovery,
                       start=start, frequency=frequency)
        df = contract.legs(disc, credit).set_index("maturity")
        df.insert(0, "par_spread_bp", df.pop("par_spread") * 1e4)
        df = df.drop(columns=["coupon", "recovery"] + (["start"] if start == 0 else []))
        emit_table(df, fmt, output, float_format="{:.8g}")
        return 0
