"""``stochcredit multifirm``: joint default of several firms under constant, Wishart or
principal-component stochastic correlation."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

HELP = """Marginal and joint survival, first-to-default probability and spread, and
default correlation of n firms (multi-firm CreditGrades, seed 000).

Covariance models (all with mean covariance C = rho * vol_i vol_j, see --beta):
constant; wishart (Wishart process, M = -kappa/2 I, Q'Q = kappa C / beta);
pc (principal components: eigenvectors of C, CIR eigenvalues). Marginal survival is
semi-analytic (method of images on the marginal transform); joint quantities come
from Monte Carlo with standard errors (antithetic pairs, bridge-corrected barrier).

Units: prices per share, vols/rates/recoveries as decimals (0.25 = 25 %),
continuously compounded rate, maturity in years, spreads in basis points.

Example: stochcredit multifirm --model wishart --equity 40,30 --debt 50,45
--vols 0.25,0.3 --rho 0.4 --maturity 5 --paths 20000
"""


def _floats(text: str, name: str) -> list[float]:
    from ....core.errors import InvalidParameterError

    try:
        out = [float(x) for x in text.replace(",", " ").split()]
    except ValueError as exc:
        raise InvalidParameterError(name, text, "numbers separated by commas") from exc
    if not out:
        raise InvalidParameterError(name, text, "at least one number")
    return out


def _per_firm(values: list[float], n: int, name: str) -> list[float]:
    from ....core.errors import InvalidParameterError

    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise InvalidParameterError(name, values, f"one value or {n} values (one per firm)")
    return values


@contextlib.contextmanager
def _bar(enabled: bool):
    """A rich progress bar on stderr fed by ``progress(done, total)``, or a no-op callback."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress("simulating", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("pairs", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def register(app: typer.Typer) -> None:
    @app.command("multifirm", help=HELP)
    def multifirm(
        model: str = typer.Option("wishart", "--model", help="constant, wishart or pc."),
        equity: str = typer.Option("40,30", "--equity", help="Share prices S0_i, comma-separated."),
        debt: str = typer.Option("50,45", "--debt", help="Debt per share D_i, comma-separated."),
        recovery_mean: str = typer.Option("0.5", "--recovery-mean",
                                          help="Mean global recovery L_i (barrier L_i D_i)."),
        dividend: str = typer.Option("0", "--dividend", help="Dividend yields q_i, decimal."),
        vols: str = typer.Option("0.25,0.3", "--vols", help="Asset vols sqrt(C_ii), decimal."),
        rho: float = typer.Option(0.4, "--rho", help="Asset correlation C_ij / sqrt(C_ii C_jj)."),
        kappa: float = typer.Option(1.0, "--kappa", help="Covariance mean reversion, per year."),
        beta: float = typer.Option(3.0, "--beta",
                                   help="Degrees of freedom (>= n-1); smaller = more random "
                                   "correlation."),
        rate: float = typer.Option(0.03, "--rate", help="Risk-free rate, continuous, decimal."),
        maturity: float = typer.Option(5.0, "--maturity", "-T", help="Horizon in years."),
        paths: int = typer.Option(20000, "--paths", help="Monte Carlo paths (even)."),
        steps_per_year: int = typer.Option(48, "--steps-per-year", help="Time steps per year."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        cds_recovery: float = typer.Option(0.4, "--cds-recovery",
                                           help="Recovery of the first-to-default CDS."),
        memory: float = typer.Option(None, "--memory-gb",
                                     help="Memory budget in GiB (default: 1/8 of the "
                                          "machine's memory); paths run in chunks."),
        progress_bar: bool = typer.Option(True, "--progress/--no-progress",
                                          help="Progress bar on stderr for long runs."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
        output: Path = typer.Option(None, "--output", "-o", help="Also write to .csv/.json."),
    ) -> int:
        import pandas as pd

        from ....core.errors import InvalidParameterError
        from ....instruments.first_to_default import first_to_default_spread
        from ....models.multifirm import Firm, MultiFirmCreditGrades
        from ....models.multifirm_examples import covariance_from_vols
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.rate("--rate", rate)
        inputs.positive("--maturity", maturity)
        inputs.unit_interval("--cds-recovery", cds_recovery, closed_right=False)
        s0 = _floats(equity, "--equity")
        n = len(s0)
        if n < 2:
            raise InvalidParameterError("--equity", equity, "at least two firms")
        d = _per_firm(_floats(debt, "--debt"), n, "--debt")
        lbar = _per_firm(_floats(recovery_mean, "--recovery-mean"), n, "--recovery-mean")
        q = _per_firm(_floats(dividend, "--dividend"), n, "--dividend")
        sig = _per_firm(_floats(vols, "--vols"), n, "--vols")
        cov = covariance_from_vols(model, sig, rho, kappa=kappa, beta=beta)
        firms = [Firm(s0[i], d[i], lbar[i], q[i]) for i in range(n)]
        mf = MultiFirmCreditGrades(firms, cov, rate)
        budget = None if memory is None else memory * 2**30
        long_run = paths * max(1.0, maturity * steps_per_year) * n >= 2e8  # over a few seconds
        with _bar(progress_bar and long_run) as update:
            res = mf.simulate(maturity, paths, steps_per_year=steps_per_year, seed=seed,
                              memory_budget=budget, progress=update)
        rows = []
        for i in range(n):
            est = res.survival(i)
            rows.append((f"survival_{i}", est.value, est.stderr,
                         float(mf.firm(i).survival(maturity))))
        js = res.joint_survival()
        rows.append(("joint_survival", js.value, js.stderr, float("nan")))
        ftd = res.first_to_default_probability()
        rows.append(("first_to_default_probability", ftd.value, ftd.stderr, float("nan")))
        jd = res.joint_default_probability(0, 1)
        rows.append(("joint_default_probability_01", jd.value, jd.stderr, float("nan")))
        dc = res.default_correlation(0, 1)
        rows.append(("default_correlation_01", dc.value, dc.stderr, float("nan")))
        sp = first_to_default_spread(res, discount=rate, recovery=cds_recovery)
        rows.append(("ftd_spread_bp", 1e4 * sp.value, 1e4 * sp.stderr, float("nan")))
        df = pd.DataFrame(rows, columns=["quantity", "monte_carlo", "stderr", "semi_analytic"])
        typer.echo(f"# {model} covariance, {n} firms, T = {maturity:g} y, {paths} paths, "
                   f"seed {seed}", err=True)
        emit_table(df.set_index("quantity"), fmt, output)
        return 0
