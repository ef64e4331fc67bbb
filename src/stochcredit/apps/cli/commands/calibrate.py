"""``stochcredit calibrate``: fit Merton models (BS, Heston, 2-factor Heston) to many CDS curves."""

from __future__ import annotations

import functools
from pathlib import Path

import typer

HELP = """Calibrate Merton credit-spread models to every name of a quote file (seed 002, §4).

QUOTES is a CSV in one of three layouts: tidy 'name,maturity,spread[,recovery,leverage]'
(maturity in years, spread as a decimal, 0.01 = 100 bp), the CDX layout 'Ticker,3Y,5Y,...'
(spreads in bp) or the Markit layout 'Ticker,...,Spread6m,...' (percent strings).
Each name is fitted by differential evolution + least squares to the mean squared relative
spread error I(Omega). A name that fails, or a bad row (non-numeric or negative spread,
recovery outside [0, 1), no usable quote), is reported in the 'error' column naming the
file, line, column and value; the run goes on. For stored, resumable runs see 'batch'.
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
                                   help="Flat risk-free rate, continuously compounded decimal "
                                        "(default: the US Treasury zero curve of each row's "
                                        "date; a file without dates needs --rate or --date)."),
        curve: Path = typer.Option(None, "--curve",
                                   help="Zero curve file (maturity, zero_rate) for every name."),
        date: str = typer.Option(None, "--date",
                                 help="Quote date (YYYY-MM-DD) of rows without one (else a "
                                      "date in the file name is used, and said so)."),
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
        import pandas as pd

        from ....core.errors import InvalidParameterError
        from ....market.quote_rows import read_quote_rows
        from ...batch import run_batch
        from ...universe_tasks import CurveSpec, UniverseTask, resolve_curves
        from .. import inputs
        from ..output import check_format, emit_table

        check_format(fmt, output)
        inputs.positive("--time-limit", time_limit)
        if workers is not None and workers < 1:
            raise InvalidParameterError("--workers", workers, "an integer >= 1")
        if rate is not None:
            inputs.rate("--rate", rate)
        if str(quotes).lower().endswith((".parquet", ".pq")):
            if not Path(quotes).is_file():
                raise InvalidParameterError("QUOTES", str(quotes), "an existing file")
        else:
            inputs.text_file("QUOTES", quotes)
        if not 0.0 < leverage < 1.0:
            raise InvalidParameterError("--leverage", leverage, "in (0, 1)")
        spec = CurveSpec.from_options(rate=rate, curve=curve)
        rows, meta = read_quote_rows(quotes, date=date)
        if names:
            wanted = {n.strip() for n in names.split(",") if n.strip()}
            missing = sorted(wanted - {r.name for r in rows})
            if missing:
                raise InvalidParameterError("--names", missing[:5], "names in the quote file")
            rows = [r for r in rows if r.name in wanted]
        elif limit is not None:
            if limit < 1:
                raise InvalidParameterError("--limit", limit, "an integer >= 1")
            rows = rows[:limit]
        if spec.kind == "treasury" and not any(r.date for r in rows):
            raise InvalidParameterError("--rate", None, "given (or --date / --curve)",
                                        f"{quotes.name} has no quote date (no date column, none "
                                        "in the file name) for the US Treasury curve")
        if meta["date_source"] == "file name":
            typer.echo(f"note: quote date taken from the file name {quotes.name} (no date "
                       "column; pass --date YYYY-MM-DD to set it)", err=True)
        task = UniverseTask("calibrate", models=models,
                            leverage=None if calibrate_leverage else leverage, seed=seed,
                            options={} if time_limit is None else {"time_limit": time_limit})
        curves, curve_errors = resolve_curves(spec, [r.date for r in rows])
        items, failed_rows = {}, []
        for r in rows:
            label = r.name if sum(x.name == r.name for x in rows) == 1 else r.key
            message = r.error or curve_errors.get(r.date or "" if spec.kind == "treasury"
                                                  else "")
            if message:
                failed_rows += [{"name": label, "model": m, "error": message}
                                for m in task.models]
            else:
                items[label] = (r, curves.get(r.date or "" if spec.kind == "treasury" else ""))
        backend, sched = "processes", None
        if use_dask:
            backend, sched = "dask", _scheduler(scheduler)
        n_names = len(rows)
        func = functools.partial(_calibrate_row, task)

        def run(progress=None):
            return run_batch(func, items, backend=backend, workers=workers, scheduler=sched,
                             progress=progress)

        if progress_bar and items:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            with Progress("[progress.description]{task.description}", BarColumn(),
                          MofNCompleteColumn(), TimeElapsedColumn(),
                          console=Console(stderr=True)) as bar:
                bar_task = bar.add_task("calibrating", total=len(items))
                result = run(lambda name, ok: bar.update(
                    bar_task, advance=1,
                    description=f"calibrating {name}{'' if ok else ' (failed)'}"))
        elif items:
            result = run()
        else:
            result = pd.DataFrame(columns=["name", "model", "error", "task_seconds"])
        if failed_rows:
            order = {(r.name if sum(x.name == r.name for x in rows) == 1 else r.key): i
                     for i, r in enumerate(rows)}
            result = pd.concat([result, pd.DataFrame(failed_rows)], ignore_index=True)
            result["error"] = result["error"].fillna("")
            result = result.sort_values("name", key=lambda c: c.map(order), kind="stable")
        result = result.drop(columns=["task_seconds"]).set_index(["name", "model"])
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
                   f"(discounting: {spec.label()})", err=True)
        return 0


def _calibrate_row(task, item) -> list[dict]:
    """One name's rows in the layout of this command (parameters as columns)."""
    row, curve = item
    out = []
    for rec in task(row, curve):
        flat = {"model": rec["model"], **(rec.get("params") or {}),
                "fit_error": rec.get("fit_error", float("nan")), "n_quotes": len(row.spreads)}
        extra = rec.get("extra") or {}
        flat.update({k: extra[k] for k in ("nfev", "nit", "n_flat", "at_bound", "warnings")
                     if k in extra})
        flat["seconds"] = rec.get("seconds")
        flat["error"] = rec.get("error", "")
        out.append(flat)
    return out


def _scheduler(name: str):
    if name in ("processes", "threads", "synchronous"):
        return name
    try:
        from distributed import Client  # optional: dask.distributed
    except ImportError as exc:
        raise ValueError(f"--scheduler {name!r} needs the 'distributed' package "
                         '(pip install "stochcredit[distributed]")') from exc
    return Client(name)
