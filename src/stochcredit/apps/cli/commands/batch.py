"""``stochcredit batch`` and ``stochcredit runs``: universe runs into a results store."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

HELP = """Run TASK (bootstrap, price or calibrate) over every name and date of UNIVERSE and
store one row per (name, date, model) in a results store (SQLite file, --store).

UNIVERSE is a CSV or Parquet file: the CDX layout 'Ticker,3Y,5Y,...[,Recovery]' (bp), the
Markit layout 'Date,Ticker,...,Spread6m,...,Recovery' (percent strings) or the tidy layout
'name,maturity,spread[,recovery,leverage,date]' (decimals, one line per quote).
A bad row (a non-numeric or negative spread, a recovery outside [0, 1), no usable quote)
becomes an 'error' row naming its file, line, column and value; the run goes on.

Discounting, explicit for every row: the US Treasury zero curve of the row's date (default;
a date column, --date, or - said on stderr - a YYYY-MM-DD in the file name), a curve file
(--curve FILE with columns maturity,zero_rate) or a flat rate (--rate).

The first line printed is 'run: RUN_ID'. A run killed part way is finished by
'stochcredit batch --resume RUN_ID --store PATH' (finished names are not redone).
Read results with 'stochcredit runs show RUN_ID --store PATH'.
"""

RUNS_HELP = """Read a results store: 'runs list' (one line per run) or 'runs show RUN_ID'
(one row per name, date and model: status, error, fit_error, parameters)."""


def _progress_bar(enabled: bool):
    """``(context manager, callback)``: a rich progress bar on stderr, or nothing."""
    import contextlib

    if not enabled:
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True))
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "task" not in state:
            state["task"] = bar.add_task("names", total=total)
        bar.update(state["task"], completed=done, total=total)

    return bar, update


def _announce(run_id: str, meta: dict) -> None:
    sys.stdout.write(f"run: {run_id}\n")
    sys.stdout.flush()
    if meta.get("date_source") == "file name":
        typer.echo(f"note: quote date taken from the file name {meta['source']} (no date column; "
                   "pass --date YYYY-MM-DD to set it)", err=True)
    done = f", {meta['n_done']} already done" if "n_done" in meta else ""
    typer.echo(f"{meta['n_items']} rows ({meta['format']} layout{done}); discounting: "
               f"{meta['curve']}", err=True)


def register(app: typer.Typer) -> None:
    @app.command("batch", help=HELP)
    def batch(
        task: str = typer.Argument(None, help="bootstrap, price or calibrate."),
        universe: Path = typer.Argument(None, help="Universe file (CSV or Parquet)."),
        store: Path = typer.Option(Path("stochcredit-runs.sqlite"), "--store", "-s",
                                   help="Results store (SQLite file, created if missing)."),
        models: str = typer.Option("black_scholes,heston,heston2", "--models", "-m",
                                   help="calibrate: comma-separated black_scholes, heston, "
                                        "heston2 (or bs, 1sv, 2sv)."),
        leverage: float = typer.Option(0.5, "--leverage", "-l",
                                       help="calibrate: debt/asset (0 < L < 1) for rows "
                                            "without a leverage column."),
        calibrate_leverage: bool = typer.Option(False, "--calibrate-leverage",
                                                help="calibrate: fit leverage too."),
        rate: float = typer.Option(None, "--rate", "-r",
                                   help="Flat continuously compounded rate for every row."),
        curve: Path = typer.Option(None, "--curve",
                                   help="Zero curve file (maturity, zero_rate) for every row."),
        date: str = typer.Option(None, "--date",
                                 help="Quote date (YYYY-MM-DD) of rows without one."),
        names: str = typer.Option(None, "--names", help="Comma-separated subset of names."),
        limit: int = typer.Option(None, "--limit", help="Only the first N rows."),
        seed: int = typer.Option(0, "--seed", help="Differential-evolution seed."),
        time_limit: float = typer.Option(None, "--time-limit",
                                         help="calibrate: seconds per name and model "
                                              "(makes results depend on machine load)."),
        coupon: float = typer.Option(0.01, "--coupon", help="price: CDS coupon, decimal."),
        workers: int = typer.Option(None, "--workers", "-w",
                                    help="Processes (default: all CPUs); 1 = this process."),
        dask: str = typer.Option(None, "--dask",
                                 help="'local' (a LocalCluster of --workers processes) or "
                                      "the address of a Dask scheduler (tcp://host:8786)."),
        chunk_size: int = typer.Option(None, "--chunk-size", help="Names per task."),
        resume: str = typer.Option(None, "--resume", help="Finish the run RUN_ID."),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
        progress_bar: bool = typer.Option(True, "--progress/--no-progress",
                                          help="Progress bar on stderr."),
    ) -> int:
        from ....core.errors import InvalidParameterError
        from ...store import ResultsStore
        from ...universe import resume_universe, run_universe
        from ..output import check_format

        check_format(fmt)
        if dask is not None and dask.strip().lower() in ("none", "off", "no"):
            dask = None
        bar, update = _progress_bar(progress_bar)
        if resume:
            if task is not None or universe is not None:
                raise InvalidParameterError("--resume", resume, "given without TASK UNIVERSE "
                                            "(the run's own settings are used)")
            with bar:
                run_id = resume_universe(resume, store, workers=workers, dask=dask,
                                         on_start=_announce, progress=update)
        else:
            if task is None or universe is None:
                raise InvalidParameterError("TASK UNIVERSE", None, "both given (or --resume)")
            if not 0.0 < leverage < 1.0:
                raise InvalidParameterError("--leverage", leverage, "in (0, 1)")
            opts = {} if time_limit is None else {"time_limit": time_limit}
            with bar:
                run_id = run_universe(task, universe, store, models=models,
                                      leverage=None if calibrate_leverage else leverage,
                                      seed=seed, rate=rate, curve=curve, date=date, names=names,
                                      limit=limit, coupon=coupon, workers=workers, dask=dask,
                                      chunk_size=chunk_size, on_start=_announce,
                                      progress=update, **opts)
        df = ResultsStore(store).results(run_id)
        _show(df, fmt)
        n_err = int((df["status"] == "error").sum())
        typer.echo(f"run {run_id}: {len(df) - n_err} ok, {n_err} error rows in {store}", err=True)
        return 0

    runs = typer.Typer(help=RUNS_HELP, no_args_is_help=True, add_completion=False)
    app.add_typer(runs, name="runs")

    @runs.command("list", help="One line per run of the store.")
    def runs_list(
        store: Path = typer.Option(Path("stochcredit-runs.sqlite"), "--store", "-s"),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    ) -> int:
        from ...store import ResultsStore
        from ..output import check_format, emit_table

        check_format(fmt)
        _existing(store)
        emit_table(ResultsStore(store).runs().set_index("run_id"), fmt)
        return 0

    @runs.command("show", help="The rows of RUN_ID.")
    def runs_show(
        run_id: str = typer.Argument(..., help="A run id (see 'runs list')."),
        store: Path = typer.Option(Path("stochcredit-runs.sqlite"), "--store", "-s"),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
        errors_only: bool = typer.Option(False, "--errors", help="Only the error rows."),
    ) -> int:
        from ...store import ResultsStore
        from ..output import check_format

        check_format(fmt)
        _existing(store)
        df = ResultsStore(store).results(run_id)
        if errors_only:
            df = df[df["status"] == "error"]
        _show(df, fmt)
        return 0


def _existing(store: Path) -> None:
    if not Path(store).is_file():
        raise FileNotFoundError(2, "No such results store", str(store))


def _show(df, fmt: str) -> None:
    import json

    from ..output import emit_table

    drop = ["params", "run_id", "written", "item_key", "seq"]
    if fmt == "table":
        drop += ["source", "inputs_hash", "version", "lines", "fitted", "extra", "worker"]
    shown = df.drop(columns=[c for c in drop if c in df.columns]).copy()
    for c in ("fitted", "extra"):
        if c in shown.columns:
            shown[c] = [json.dumps(x, sort_keys=True) for x in shown[c]]
    emit_table(shown.set_index(["name", "date", "model"]), fmt)
