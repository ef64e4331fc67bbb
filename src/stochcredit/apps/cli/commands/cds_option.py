"""``stochcredit cds-option``: CDS-option (credit default swaption) premiums and Greeks."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Price CDS options (credit default swaptions) under one or several models.

A payer is the right to buy protection at the strike spread at expiry; it is worth
annuity x E[(F_T - K)+] (receiver: E[(K - F_T)+]), knocked out by a default before expiry.

Models (--model, comma-separated for several; --vol then takes one value per model, or one
value for all):

\b
  black              lognormal, --vol = lognormal volatility (0.28 = 28%)
  bachelier          normal, --vol absolute: st.dev. of F_T = vol*sqrt(expiry), spread/sqrt(yr)
  gamma              Gamma law with that mean and st.dev. (--vol absolute, e.g. 0.00415)
  inverse_gaussian   inverse Gaussian law (--vol absolute)
  gamma_exponential  Gamma law with exponential random scale (--vol absolute; needs
                     vol*sqrt(expiry) > forward)

Market: give --forward and --annuity directly, or omit them and give a flat hazard rate
(--hazard) and the underlying CDS --tenor: the forward spread and the knock-out forward risky
annuity then come from the flat curves (--rate, --recovery).

Spreads, strikes, rates are decimals (0.014 = 140 bp); times in years. Premiums are per unit
notional (premium_bp = premium x 10,000). --strike takes a comma-separated list.

\b
Example (seed 001: 3Y option on a 2Y CDS, ATM at 140 bp):
  stochcredit cds-option --forward 0.014 --strike 0.014 --expiry 3 --annuity 4.56 \\
      --model black,gamma --vol 0.28,0.00415 --greeks
"""


def _floats(option: str, text: str) -> list[float]:
    from ....core.errors import InvalidParameterError

    try:
        values = [float(x) for x in str(text).split(",") if x.strip()]
    except ValueError as exc:
        raise InvalidParameterError(option, text, "comma-separated numbers") from exc
    if not values:
        raise InvalidParameterError(option, text, "at least one number")
    return values


def register(app: typer.Typer) -> None:
    @app.command("cds-option", help=HELP)
    def cds_option(
        strike: str = typer.Option(..., "--strike", "-K",
                                   help="Strike spread(s), decimal; comma-separated for several."),
        expiry: float = typer.Option(..., "--expiry", "-T", help="Option expiry in years (> 0)."),
        vol: str = typer.Option(..., "--vol", "-v",
                                help="Volatility per model (comma-separated): lognormal for "
                                     "black, absolute (spread/sqrt(year)) for the others."),
        forward: float = typer.Option(None, "--forward", "-F",
                                      help="Forward CDS spread at expiry, decimal."),
        annuity: float = typer.Option(None, "--annuity", "-A",
                                      help="Forward risky annuity valued today (years)."),
        model: str = typer.Option("black", "--model", "-m",
                                  help="black, bachelier, gamma, inverse_gaussian, "
                                       "gamma_exponential; comma-separated for several."),
        kind: str = typer.Option("payer", "--kind", "-k", help="payer or receiver."),
        drift: float = typer.Option(0.0, "--drift",
                                    help="Drift of the forward spread per year (mean of F_T = "
                                         "forward + drift*expiry)."),
        greeks: bool = typer.Option(False, "--greeks", help="Add delta, gamma, vega, theta."),
        hazard: float = typer.Option(None, "--hazard",
                                     help="Flat hazard rate (decimal/year) to derive forward "
                                          "and annuity when they are not given."),
        tenor: float = typer.Option(None, "--tenor",
                                    help="Length of the underlying CDS in years (with --hazard)."),
        rate: float = typer.Option(0.0, "--rate", "-r",
                                   help="Flat continuously compounded rate (with --hazard)."),
        recovery: float = typer.Option(0.4, "--recovery", "-R",
                                       help="Recovery rate in [0, 1) (with --hazard)."),
        output: Path = typer.Option(None, "--output", "-o",
                                    help="Also write the table to this .csv or .json file."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    ) -> int:
        import numpy as np
        import pandas as pd

        from ....core.errors import InvalidParameterError
        from ....instruments.cds_options import cds_option_greeks, cds_option_price
        from ....instruments.cds_options.parameters import MODELS
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.positive("--expiry", expiry)
        inputs.positive("--forward", forward)
        inputs.positive("--annuity", annuity)
        inputs.rate("--rate", rate)
        inputs.unit_interval("--recovery", recovery, closed_right=False)
        if hazard is not None:
            inputs.vol("--hazard", hazard, hi=10.0)
        inputs.positive("--tenor", tenor)
        models = [m.strip().lower().replace("-", "_") for m in model.split(",") if m.strip()]
        for m in models:
            if m not in MODELS:
                raise InvalidParameterError("--model", m, "one of " + ", ".join(MODELS))
        vols = _floats("--vol", vol)
        if len(vols) == 1:
            vols = vols * len(models)
        if len(vols) != len(models):
            raise InvalidParameterError("--vol", vol, f"one value, or one per model "
                                        f"({len(models)}: {', '.join(models)})")
        for m, x in zip(models, vols, strict=True):  # lognormal vol: 0.28 = 28 %; else absolute
            inputs.vol("--vol", x, hi=5.0 if m == "black" else 1.0)
        strikes = np.asarray(_floats("--strike", strike))
        if forward is None or annuity is None:
            if hazard is None or tenor is None:
                raise InvalidParameterError(
                    "give --forward and --annuity, or --hazard and --tenor to derive them")
            from ....instruments.cds import forward_cds
            from ....market.curves import FlatCurve, FlatHazardCurve

            fwd, ann = forward_cds(expiry, expiry + tenor, FlatCurve(rate),
                                   FlatHazardCurve(hazard), recovery=recovery)
            forward = fwd if forward is None else forward
            annuity = ann if annuity is None else annuity
        rows = []
        for m, v in zip(models, vols, strict=True):
            price = np.atleast_1d(cds_option_price(forward, strikes, expiry, annuity, v,
                                                   model=m, kind=kind, drift=drift))
            table = {"model": m, "kind": kind, "strike": strikes, "forward": forward,
                     "expiry": expiry, "annuity": annuity, "vol": v, "premium": price,
                     "premium_bp": price * 1e4}
            if greeks:
                g = cds_option_greeks(forward, strikes, expiry, annuity, v, model=m, kind=kind,
                                      drift=drift)
                table.update({key: np.atleast_1d(val) for key, val in g.items()})
            rows.append(pd.DataFrame(table))
        df = pd.concat(rows, ignore_index=True).set_index(["model", "strike"])
        emit_table(df, fmt, output, float_format="{:.8g}")
        return 0
