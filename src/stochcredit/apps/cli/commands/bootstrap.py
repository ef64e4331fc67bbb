"""``stochcredit bootstrap``: hazard curve from a CSV of CDS par spreads."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Bootstrap a piecewise-flat hazard curve from CDS par spreads and print it.

QUOTES.csv has one row per quote with a tenor column and a spread column:

  tenor column : 'tenor', 'maturity' or 'years' - years (2.5) or labels (6M, 5Y);
  spread column: 'spread_bp' (basis points), 'spread_decimal' (0.01 = 100 bp), or
                 'spread' / 'par_spread' / 'quote' - units from --units: 'bp', 'decimal',
                 or 'auto' (default: bp if any value is above 1, i.e. above 10,000 bp as a
                 decimal; values written as '0.83%' are percent);
  optional     : 'recovery' (decimal; overrides --recovery row by row).

Output: one row per pillar with the hazard rate on (previous pillar, pillar], the survival
probability at the pillar and the repricing error of the quote (bp). Discounting: a flat
continuously compounded rate (--rate, default 0) or the US Treasury zero curve of a date
(--treasury-date). Quotes implying a negative forward hazard are rejected, naming the tenor.

Example: stochcredit bootstrap quotes.csv --rate 0.03 --output curve.csv

Bulk ISDA curves: a Markit-style curve file or a CDX constituents file (the formats of
`calibrate`; detected from the header), or a packaged one with --packaged markit|cdx,
gives one dated ISDA credit curve per name (isda_credit_curve on CDS2015 standard
maturities), printed as a tidy table (one row per quote; a bad line or a name that cannot
be fitted is an error row naming file and line, the other names go on). Discounting per
name: --rates FILE (deposit/swap rates, see `stochcredit isda --help`), --rate (flat),
--treasury-date, or by default the packaged ISDA curve of the name's date and currency
(only USD on 2014-10-16; other currencies are error rows saying the curve is missing).
CDX files carry no date: give --trade-date (--packaged cdx uses 2007-08-01).

Example: stochcredit bootstrap --packaged markit
"""

_TENOR_COLUMNS = ("tenor", "maturity", "years")
_SPREAD_COLUMNS = ("spread_bp", "spread_decimal", "spread", "par_spread", "quote")


def _read_csv(path: Path):
    """The CSV as strings plus each data row's 1-based line number in the file."""
    import csv

    import numpy as np
    import pandas as pd

    from ..inputs import read_text

    text = read_text(str(path), path)
    reader = csv.reader(text.splitlines(), skipinitialspace=True)
    header, rows, lines = None, [], []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            continue
        if len(row) > len(header):
            from ..inputs import file_error

            raise file_error(path, reader.line_num, len(header) + 1, row[len(header)],
                             f"at most {len(header)} columns (the header's)")
        rows.append([c.strip() or None for c in row] + [None] * (len(header) - len(row)))
        lines.append(reader.line_num)
    if header is None:
        raise ValueError(f"{path}: no header line")
    return pd.DataFrame(rows, columns=header, dtype=object), np.array(lines, dtype=int)


def read_spread_quotes(path: Path, units: str = "auto"):
    """``(tenors_in_years, spreads_decimal, recovery_or_None)`` from a quotes CSV (see HELP)."""
    import numpy as np

    from ....market.quotes import tenor_to_years
    from ..inputs import file_error

    df, lines = _read_csv(path)
    cols = {c.strip().lower(): c for c in df.columns}
    tenor_col = next((cols[c] for c in _TENOR_COLUMNS if c in cols), None)
    spread_key = next((c for c in _SPREAD_COLUMNS if c in cols), None)
    if tenor_col is None or spread_key is None:
        raise ValueError(f"{path}, line 1: needs a tenor column ({', '.join(_TENOR_COLUMNS)}) "
                         f"and a spread column ({', '.join(_SPREAD_COLUMNS)}); found "
                         f"{', '.join(df.columns)}")
    keep = df[tenor_col].notna().to_numpy()
    df, lines = df[keep], lines[keep]
    if df.empty:
        raise ValueError(f"{path}: no quotes")
    spread_col = cols[spread_key]

    def number(col: str, text, percent_ok: bool = True) -> float:
        row = int(np.flatnonzero(df[col].to_numpy() == text)[0]) if text is not None else 0
        try:
            t = str(text).strip()
            return float(t[:-1]) / 100.0 if percent_ok and t.endswith("%") else float(t)
        except (TypeError, ValueError):
            raise file_error(path, int(lines[row]), col, text, "a number") from None

    def years(i: int, x: str) -> float:
        try:
            return float(x)
        except ValueError:
            try:
                return tenor_to_years(x)
            except ValueError:
                raise file_error(path, int(lines[i]), tenor_col, x,
                                 "a tenor in years or like 6M, 5Y") from None

    tenors = np.array([years(i, x) for i, x in enumerate(df[tenor_col])])
    raw = df[spread_col].to_numpy()
    for i, x in enumerate(raw):
        if x is None or (isinstance(x, float) and np.isnan(x)) or not str(x).strip():
            raise file_error(path, int(lines[i]), spread_col, "", "a finite number")
    percent = np.array([str(x).strip().endswith("%") for x in raw])
    values = np.array([number(spread_col, x, percent_ok=True) for x in raw])
    values = np.where(percent, values * 100.0, values)  # percent handled below
    units = units.lower()
    if units not in ("auto", "bp", "decimal"):
        raise ValueError(f"--units must be auto, bp or decimal, got {units!r}")
    if spread_key == "spread_bp":
        units = "bp"
    elif spread_key == "spread_decimal":
        units = "decimal"
    elif units == "auto":
        units = "bp" if np.nanmax(np.abs(values)) > 1 else "decimal"
    spreads = np.where(percent, values / 100.0, values / 1e4 if units == "bp" else values)
    recovery = None
    if "recovery" in cols:
        recovery = np.array([number(cols["recovery"], x) for x in df[cols["recovery"]]])
    order = np.argsort(tenors, kind="stable")
    return tenors[order], spreads[order], None if recovery is None else recovery[order]


def run_bulk(quotes: Path, trade_date: str | None, rates: Path | None, rate: float | None,
             currency: str, arbitrage: str, fmt: str, output: Path | None,
             treasury_date: str | None = None) -> int:
    """Bulk ISDA credit curves of a Markit / CDX / tidy file (``stochcredit bootstrap``)."""
    import click

    from ....calibration.isda_bulk import isda_credit_curves
    from ....core.errors import InvalidParameterError
    from ....market.calendars import to_date
    from ....market.curves import FlatCurve
    from ....market.isda_discount import isda_discount_curve, read_isda_rates
    from ....market.treasury import treasury_zero_curve
    from ..output import emit_table

    if sum(x is not None for x in (rates, rate, treasury_date)) > 1:
        raise InvalidParameterError("give at most one of --rates, --rate, --treasury-date")
    discount = None
    if rate is not None:
        discount = FlatCurve(rate)
    elif treasury_date is not None:
        discount = treasury_zero_curve(treasury_date)
    elif rates is not None:
        data = read_isda_rates(rates)
        day = data.pop("date", None)
        if day is None:
            if trade_date is None:
                raise InvalidParameterError("--trade-date", None,
                                            f"a date ({rates.name} has none)")
            day = to_date(trade_date, "--trade-date")
        discount = {(day, currency.upper().split("-")[0]):
                    isda_discount_curve(day, **data, currency=currency)}
    batch = isda_credit_curves(quotes, discount, trade_date=trade_date, arbitrage=arbitrage)
    df = batch.frame.copy()
    df["spread_bp"] = df["spread"] * 1e4
    keep = ["name", "tenor", "line", "date", "currency", "maturity_date", "spread_bp",
            "recovery", "hazard", "survival", "reprice_error_bp", "status", "error"]
    emit_table(df[keep].set_index(["name", "tenor"]), fmt, output, float_format="{:.8g}")
    click.echo(batch.summary().replace(" (see .errors)", " (status 'error' rows)"), err=True)
    return 0


def register(app: typer.Typer) -> None:
    @app.command("bootstrap", help=HELP)
    def bootstrap(
        quotes: Path = typer.Argument(None, help="CSV of tenor, spread (see above), or a "
                                                 "Markit / CDX file."),
        packaged: str = typer.Option(None, "--packaged",
                                     help="Bulk curves of a packaged file: markit or cdx."),
        trade_date: str = typer.Option(None, "--trade-date", "-t",
                                       help="Trade date of a CDX file (YYYY-MM-DD)."),
        rates: Path = typer.Option(None, "--rates", help="Bulk mode: deposit/swap rates CSV."),
        currency: str = typer.Option("USD", "--currency", "-c",
                                     help="Bulk mode: conventions of --rates (USD, EUR...)."),
        arbitrage: str = typer.Option("fail", "--arbitrage",
                                      help="Bulk mode: fail, zero_hazard or ignore."),
        rate: float = typer.Option(None, "--rate", "-r",
                                   help="Flat continuously compounded rate, decimal "
                                        "(default 0)."),
        treasury_date: str = typer.Option(None, "--treasury-date",
                                          help="Discount on the US Treasury zero curve of this "
                                               "date (YYYY-MM-DD, packaged data)."),
        recovery: float = typer.Option(0.4, "--recovery", "-R", help="Recovery rate in [0, 1)."),
        frequency: int = typer.Option(4, "--frequency", help="Premium payments per year."),
        units: str = typer.Option("auto", "--units", help="Spread units: auto, bp or decimal."),
        output: Path = typer.Option(None, "--output", "-o",
                                    help="Also write the curve to this .csv or .json file."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    ) -> int:
        import numpy as np
        import pandas as pd

        from ....instruments.cds import CDS
        from ....market.hazard_bootstrap import bootstrap_hazard_curve
        from .. import inputs
        from ..output import check_format, emit_table
        from .cds import discount_curve

        check_format(fmt, output)
        inputs.rate("--rate", rate)
        inputs.unit_interval("--recovery", recovery, closed_right=False)
        from ....core.errors import InvalidParameterError
        from ....market.isda_quotes import (
            PACKAGED_TRADE_DATES,
            detect_format,
            packaged_quote_file,
        )

        if packaged is not None:
            if quotes is not None:
                raise InvalidParameterError("give either QUOTES or --packaged, not both")
            quotes = packaged_quote_file(packaged)
            if packaged.lower() == "cdx" and trade_date is None:
                trade_date = PACKAGED_TRADE_DATES["cdx"].isoformat()
        if quotes is None:
            raise InvalidParameterError("QUOTES", None, "a quotes CSV (or --packaged)")
        inputs.text_file("QUOTES", quotes)
        if not quotes.is_file():
            raise FileNotFoundError(2, "No such file", str(quotes))
        header = list(pd.read_csv(quotes, nrows=0).columns)
        try:
            kind = detect_format(header)
        except InvalidParameterError:
            kind = None
        if kind in ("markit", "cdx"):
            return run_bulk(quotes, trade_date, rates, rate, currency, arbitrage, fmt, output,
                            treasury_date)
        tenors, spreads, rec = read_spread_quotes(quotes, units)
        rec = recovery if rec is None else rec
        disc = discount_curve(rate, treasury_date)
        curve = bootstrap_hazard_curve(tenors, spreads, disc, recovery=rec, frequency=frequency)
        model = CDS(tenors, recovery=rec, frequency=frequency).par_spread(disc, curve)
        df = pd.DataFrame({
            "pillar": tenors,
            "quote_bp": spreads * 1e4,
            "hazard": curve.hazards,
            "survival": curve.survival(tenors),
            "default_probability": curve.default_probability(tenors),
            "reprice_error_bp": (model - spreads) * 1e4,
        }).set_index("pillar")
        if np.isscalar(rec):
            df["recovery"] = rec
        else:
            df["recovery"] = np.asarray(rec, dtype=float)
        emit_table(df, fmt, output, float_format="{:.8g}")
        return 0
