"""``stochcredit spreads``: Merton credit spread term structures under BS / Heston / 2F Heston."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Merton credit spreads (bp), default probabilities and debt values (H-3).

The firm's asset follows Black-Scholes, Heston or the two-factor Heston model of
seed 002; zero-coupon debt of face --debt is due at each maturity. Parameters come
from a JSON file (or inline JSON) in the paper's names (alpha, Vbar, sigma, rho, V;
suffixes 1/2 for heston2) or ours (kappa, theta, sigma, rho, v0; vol for
black_scholes). For black_scholes the paper's 'V' is read as a volatility. Variances
are decimals (0.04 = 20 % vol), rates continuously compounded decimals, maturities in
years, spreads printed in basis points. A params file may also hold 'B' (debt), 'S0'
(asset) and 'r' (rate); options given on the command line win.

Example: stochcredit spreads --model heston2 --params spec1.json --debt 0.43
--rate 0.05 --maturities 1 2 5 10
"""


def _floats(text: str, name: str) -> list[float]:
    from ....core.errors import InvalidParameterError

    try:
        return [float(x) for x in text.replace(",", " ").split()]
    except ValueError as exc:
        raise InvalidParameterError(name, text, "numbers separated by spaces or commas") from exc


def _load_params(text: str) -> dict:
    import json

    from ....core.errors import InvalidParameterError

    src = text.strip()
    if not src.startswith("{"):
        path = Path(src)
        if not path.is_file():
            raise InvalidParameterError("--params", text, "a JSON file or an inline JSON object")
        from .. import inputs

        src = inputs.read_text("--params", path)
    try:
        params = json.loads(src)
    except json.JSONDecodeError as exc:
        where = f"{text}, line {exc.lineno}, column {exc.colno}" if not text.strip().startswith(
            "{") else f"--params, line {exc.lineno}, column {exc.colno}"
        bad = exc.doc[exc.pos:exc.pos + 20].split("\n")[0] or "end of input"
        raise InvalidParameterError(where, bad, "valid JSON", reason=exc.msg) from exc
    if not isinstance(params, dict):
        raise InvalidParameterError("--params", text, "a JSON object of parameter names")
    return params


def register(app: typer.Typer) -> None:
    @app.command("spreads", help=HELP,
                 context_settings={"allow_extra_args": True, "ignore_unknown_options": False})
    def spreads(
        ctx: typer.Context,
        model: str = typer.Option("heston2", "--model",
                                  help="black_scholes, heston or heston2 (two-factor)."),
        params: str = typer.Option(..., "--params", "-p",
                                   help="JSON file (or inline JSON object) with the model "
                                   "parameters."),
        maturities: str = typer.Option("1 2 3 5 7 10", "--maturities", "-m",
                                       help="Debt maturities in years: '--maturities 1 2 5 10' "
                                       "or '1,2,5,10'."),
        debt: float = typer.Option(None, "--debt", "-B",
                                   help="Debt face B (same units as the asset; default: 'B' "
                                   "in the params file, else required)."),
        asset: float = typer.Option(None, "--asset", help="Asset value S0 (default 1)."),
        rate: float = typer.Option(None, "--rate", "-r",
                                   help="Risk-free rate, continuous, decimal (default: 'r' in "
                                   "the params file, else 0)."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
        output: Path = typer.Option(None, "--output", "-o", help="Also write to .csv/.json."),
    ) -> int:
        import numpy as np
        import pandas as pd

        from ....core import validation as v
        from ....core.errors import InvalidParameterError
        from ....models.merton import MODELS, Merton, dynamics_from_params
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.rate("--rate", rate)

        model = v.choice("--model", model, MODELS)
        mats = np.array(_floats(" ".join([maturities, *ctx.args]), "--maturities"))
        if mats.size == 0:
            raise InvalidParameterError("--maturities", maturities, "at least one maturity")
        v.positive("--maturities", mats)
        p = _load_params(params)
        debt = p.pop("B", p.pop("debt", None)) if debt is None else debt
        p.pop("B", None), p.pop("debt", None)
        if debt is None:
            raise InvalidParameterError("--debt", "missing", "given (or 'B' in the params file)")
        asset_ = p.pop("S0", p.pop("asset", 1.0))
        asset = asset_ if asset is None else asset
        rate_ = p.pop("r", p.pop("rate", 0.0))
        rate = rate_ if rate is None else rate
        merton = Merton(asset, debt, rate, dynamics_from_params(model, p))
        df = pd.DataFrame({
            "spread_bp": merton.credit_spread(mats) * 1e4,
            "default_probability": merton.default_probability(mats),
            "debt_value": merton.debt_value(mats),
        }, index=pd.Index(mats, name="maturity"))
        typer.echo(f"# Merton, {model}, S0={asset:g}, B={debt:g}, r={rate:g}", err=True)
        emit_table(df, fmt, output)
        return 0
