"""``stochcredit calibrate``: fit Merton models (BS, Heston, 2-factor Heston) to many CDS curves."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = """Calibrate Merton credit-spread models to every name of a quote file (seed 002, §4).

QUOTES is a CSV in one of three layouts: tidy 'name,maturity,spread[,recovery,leverage]'
(maturity in years, spread as a decimal, 0.01 = 100 bp), the CDX layout 'Ticker,3Y,5Y,...'
(spreads in bp) or the Markit layout 'Ticker,...,Spread6m,...' (percent strings).
Each name is fitted by differential evolution + least squares to the mean squared relative
spread error I(Omega). A name that fails is reported in the 'error' column; the run goes on.
"""


def register(app: typer.Typer) -> None:
    @app.command("calibrate", help=HELP)
    def calibrate(
        quotes: Path = typer.Argument(..., help="Quote file (CSV), see above."),
        models: str = typer.Option("black_scholes,heston,heston2", "--models", "-m",
                                   help="Comma-separated models: black_scholes, heston, heston2."),
        leverage: float = typer.Option(0.5, "--leverage", "-l",
                                       help="Debt face / asset value (0 < L < 1) for every name "
                                            "without a 'leverage' column."),
        calibrate_leverage: bool = typer.Option(False, "--calibrate-leverage",
                                                help="Fit leverage as an extra parameter."),
        rate: float = typer.Option(None, "--rate", "-r",
                                   help="Risk-free rate, continuously compounded decimal "
                                        "(default: the US Treasury zero curve of the quote "
                                        "date when the file has one, else 0.0025)."),
        names: str = typer.Option(None, "--names", help="Comma-separated subset of names."),
        limit: int = typer.Option(None, "--limit", help="Only the first N names."),
        seed: int = typer.Option(0, "--seed", help="Differential-evolution seed."),
        time_limit: float = typer.Option(None, "--time-limit",
                                         help="Seconds per name and model; the best fit so far "
                                              "is kept when it runs out (default: none)."),
        workers: int = typer.Option(None, "--workers", "-w",
                                    help="Worker processes (default: all CPUs)."),
        use_dask: bool = typer.Option(False, "--dask", help="Run the names as Dask tasks."),
        scheduler: str = typer.Option("processes", "--scheduler",
                                      help="Dask scheduler: processes, threads, synchronous, "
                                           "or a distributed scheduler address host:port."),
        output: Path = typer.Option(None, "--output", "-o",
                                    help="Write all columns to this .csv or .json file."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
        progress_bar: bool = typer.Option(True, "--progress/--no-progress",
                                          help="Progress bar on stderr."),
    ) -> int:
        from ....core.errors import InvalidParameterError
        from ....market.quotes import read_quotes
        from ...batch import calibrate_universe
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.positive("--time-limit", time_limit)
        if workers is not None and workers < 1:
            raise InvalidParameterError("--workers", workers, "an integer >= 1")
        inputs.rate("--rate", rate)
        df = read_quotes(inputs.text_file("QUOTES", quotes))
        if not 0.0 < leverage < 1.0:
            raise InvalidParameterError("--leverage", leverage, "in (0, 1)")
        wanted = None
        if names:
            wanted = [n.strip() for n in names.split(",") if n.strip()]
        elif limit is not None:
            if limit < 1:
                raise InvalidParameterError("--limit", limit, "an integer >= 1")
            wanted = list(dict.fromkeys(df["name"]))[:limit]
        rate_used, rate_label = _rate(df, rate)
        backend, sched = "processes", None
        if use_dask:
            backend, sched = "dask", _scheduler(scheduler)
        n_names = len(wanted) if wanted is not None else df["name"].nunique()

        def run(progress=None):
            return calibrate_universe(df, models, leverage=None if calibrate_leverage else leverage,
                                      rate=rate_used, seed=seed, names=wanted, backend=backend,
                                      workers=workers, scheduler=sched, progress=progress,
                                      **({} if time_limit is None else {"time_limit": time_limit}))

        if progress_bar:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            with Progress("[progress.description]{task.description}", BarColumn(),
                          MofNCompleteColumn(), TimeElapsedColumn(),
                          console=Console(stderr=True)) as bar:
                task = bar.add_task("calibrating", total=n_names)
                result = run(lambda name, ok: bar.update(
                    task, advance=1, description=f"calibrating {name}{'' if ok else ' (failed)'}"))
        else:
            result = run()
        result = result.set_index(["name", "model"] if "model" in result.columns else "name")
        shown = result
        if fmt.lower() == "table":
            keep = [c for c in ("fit_error", "n_quotes", "nfev", "seconds", "n_flat", "at_bound",
                                "error") if c in result.columns]
            shown = result[keep]
        emit_table(shown, fmt, None)
        if output is not None:
            emit_table(result, "csv" if output.suffix.lower() != ".json" else "json", output)
        failed = result.index.get_level_values(0)[result["error"] != ""].unique()
        typer.echo(f"{n_names - len(failed)} of {n_names} names calibrated "
                   f"(rate: {rate_label})", err=True)
        return 0


def _rate(df, rate):
    if rate is not None:
        from ....core.validation import in_range

        return in_range("--rate", rate, -0.5, 1.0), f"{rate:g}"
    dates = df["date"].dropna().unique() if "date" in df.columns else []
    if len(dates) == 1:
        from ....market.treasury import treasury_zero_curve

        return treasury_zero_curve(str(dates[0])[:10]), \
            f"US Treasury zero curve of {str(dates[0])[:10]}"
    return 0.0025, "0.0025 (no quote date in the file; the paper's short rate)"


def _scheduler(name: str):
    if name in ("processes", "threads", "synchronous"):
        return name
    try:
        from distributed import Client  # optional: dask.distributed
    except ImportError as exc:
        raise ValueError(f"--scheduler {name!r} needs the 'distributed' package "
                         '(pip install "stochcredit[distributed]")') from exc
    return Client(name)
