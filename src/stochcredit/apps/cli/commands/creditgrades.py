"""``stochcredit creditgrades``: survival probabilities and CDS spreads under CreditGrades."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Survival probabilities and CDS par spreads (bp) under CreditGrades.

Classic model (CG-2, CG-3) by default; with --heston the asset variance is a
zero-correlation Heston/CIR process and survival comes from the method of images
(IM-1), CDS spreads from its survival curve (CDS-1, or --premium quarterly /
quarterly_accrual); --equity-vol then only labels the output, the asset variance is
given by --heston. Units: prices per share, vols and rates as decimals (0.3 = 30 %),
continuously compounded rate, maturities in years, spreads printed in basis points.

Example: stochcredit creditgrades --equity 50 --equity-vol 0.3 --debt-per-share 40
--maturities 1 3 5 10 --heston 0.04,1.5,0.04,0.5
"""


def _floats(text: str, name: str) -> list[float]:
    from ....core.errors import InvalidParameterError

    try:
        return [float(x) for x in text.replace(",", " ").split()]
    except ValueError as exc:
        raise InvalidParameterError(name, text, "numbers separated by spaces or commas") from exc


def register(app: typer.Typer) -> None:
    @app.command("creditgrades", help=HELP,
                 context_settings={"allow_extra_args": True, "ignore_unknown_options": False})
    def creditgrades(
        ctx: typer.Context,
        equity: float = typer.Option(..., "--equity", help="Share price S0 (> 0)."),
        equity_vol: float = typer.Option(..., "--equity-vol",
                                         help="Equity volatility sigma_S, decimal (0.3 = 30 %)."),
        debt_per_share: float = typer.Option(..., "--debt-per-share", help="Debt per share D."),
        maturities: str = typer.Option("1 3 5 7 10", "--maturities", "-m",
                                       help="Maturities in years: '--maturities 1 3 5 10' or "
                                       "'1,3,5,10'."),
        recovery_mean: float = typer.Option(0.5, "--recovery-mean",
                                            help="Mean global recovery on debt Lbar."),
        barrier_std: float = typer.Option(0.3, "--barrier-std",
                                          help="Barrier uncertainty lambda (0 = none)."),
        rate: float = typer.Option(0.0, "--rate", help="Risk-free rate, continuous, decimal."),
        recovery: float = typer.Option(0.5, "--recovery", help="CDS recovery R in [0, 1]."),
        heston: str = typer.Option(None, "--heston",
                                   help="Asset variance 'v0,kappa,theta,eps' (rho = 0); v0 and "
                                   "theta are variances (0.04 = 20 % vol)."),
        premium: str = typer.Option("continuous", "--premium",
                                    help="continuous (CDS-1), quarterly (CDS-2) or "
                                    "quarterly_accrual (CDS-3)."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
        output: Path = typer.Option(None, "--output", "-o", help="Also write to .csv/.json."),
    ) -> int:
        import numpy as np
        import pandas as pd

        from ....core import validation as v
        from ....core.errors import InvalidParameterError
        from ....instruments.structural_cds import structural_cds_spread
        from ....models.creditgrades import CreditGrades
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.vol("--equity-vol", equity_vol)
        inputs.unit_interval("--recovery-mean", recovery_mean)
        v.nonnegative("--barrier-std", barrier_std)
        inputs.rate("--rate", rate)
        inputs.unit_interval("--recovery", recovery)

        mats = np.array(_floats(" ".join([maturities, *ctx.args]), "--maturities"))
        if mats.size == 0:
            raise InvalidParameterError("--maturities", maturities, "at least one maturity")
        v.positive("--maturities", mats)
        premium = v.choice("--premium", premium, ("continuous", "quarterly", "quarterly_accrual"))
        cg = CreditGrades(equity, equity_vol, debt_per_share, recovery_mean, barrier_std, rate)
        if heston is None:
            model = cg
            label = "classic CreditGrades (CG-2/CG-3)"
            spreads = (cg.cds_spread(mats, recovery) if premium == "continuous" else
                       structural_cds_spread(cg, mats, rate, recovery, premium))
        else:
            from ....dynamics.heston import Heston
            from ....models.creditgrades_equity import CreditGradesEquity

            params = _floats(heston, "--heston")
            if len(params) != 4:
                raise InvalidParameterError("--heston", heston, "four numbers v0,kappa,theta,eps")
            v0, kappa, theta, eps = params
            model = CreditGradesEquity(equity, debt_per_share, recovery_mean, rate,
                                       Heston(v0, kappa, theta, eps, 0.0),
                                       barrier_std=barrier_std)
            label = "CreditGrades with Heston asset variance (IM-1, CDS from Q(t))"
            spreads = structural_cds_spread(model, mats, rate, recovery, premium)
        df = pd.DataFrame({"survival": np.atleast_1d(model.survival(mats)),
                           "default_probability": 1.0 - np.atleast_1d(model.survival(mats)),
                           "cds_spread_bp": 1e4 * np.atleast_1d(spreads)},
                          index=pd.Index(mats, name="maturity"))
        if fmt == "table":
            vol = (f"asset vol {cg.asset_vol:.6g}" if heston is None else
                   f"initial asset vol {np.sqrt(params[0]):.6g}")
            typer.echo(f"# {label}; asset value {cg.asset_value:.6g}, {vol}, "
                       f"survival(0) {float(model.survival(0.0)):.6g}")
        emit_table(df, fmt, output)
        return 0
