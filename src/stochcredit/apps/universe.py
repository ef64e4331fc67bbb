"""Universe runs: a task over every (name, date) of a quote file, stored row by row, resumable.

:func:`run_universe` reads the universe row by row (bad rows become ``error`` rows naming file,
line, column and value), resolves one discount curve per date, registers the run in a
:class:`~stochcredit.apps.store.ResultsStore` and executes the rows in chunks on

- a local process pool (``workers`` processes; ``workers=1`` runs in this process), or
- Dask: ``dask="local"`` starts a ``distributed.LocalCluster`` of ``workers`` processes, any other
  string is the address of an existing scheduler (``tcp://host:8786``), or pass a ``Client``.

The market data (the curves of all dates) is sent once per worker (a pool initializer; a Dask
``scatter(broadcast=True)``), each chunk of names comes back to the one writer (this process),
which commits the rows of each name in one transaction. A run killed with ``kill -9`` has lost only
the chunks in flight; :func:`resume_universe` runs what is missing and never writes a row twice
(the store's primary key). Results do not depend on the executor: every task is seeded.
"""

from __future__ import annotations

import hashlib
import math
import os
import socket
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..core.errors import InvalidParameterError
from ..core.validation import integer
from ..market.quote_rows import QuoteRow, read_quote_rows
from .store import ResultsStore, new_run_id
from .universe_tasks import CurveSpec, UniverseTask, inputs_hash, resolve_curves

__all__ = ["run_universe", "resume_universe", "plan_chunks"]

Progress = Callable[[int, int], None]  # (rows done, rows total)

_MARKET: dict = {}  # the worker's copy of the market data (curves by date), set once


def _init_worker(market: dict) -> None:
    _MARKET.clear()
    _MARKET.update(market)


def _run_chunk(task: UniverseTask, chunk: list[QuoteRow], market: dict | None = None
               ) -> list[tuple[QuoteRow, list[dict], str]]:
    """Run ``task`` on each row of ``chunk`` with the worker's market data."""
    curves = _MARKET if market is None else market
    worker = f"{socket.gethostname()}:{os.getpid()}"
    out = []
    for row in chunk:
        curve = curves.get(row.date or "", curves.get(""))
        out.append((row, task(row, curve), worker))
    return out


def plan_chunks(rows: list, workers: int, chunk_size: int | None = None) -> list[list]:
    """Rows grouped into chunks: about 4 chunks per worker, at most 16 rows each by default."""
    if not rows:
        return []
    if chunk_size is None:
        chunk_size = max(1, min(16, math.ceil(len(rows) / (4 * workers))))
    chunk_size = integer("chunk_size", chunk_size, minimum=1)
    return [rows[i:i + chunk_size] for i in range(0, len(rows), chunk_size)]


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _version() -> str:
    from .. import __version__

    return __version__


class _Writer:
    """Turns task outputs into store rows (inputs hash, version, lines) and commits them."""

    def __init__(self, store: ResultsStore, run_id: str, task: UniverseTask, spec: CurveSpec,
                 order: dict[str, int]) -> None:
        self.store, self.run_id, self.task, self.spec = store, run_id, task, spec
        self.settings, self.version, self.order = task.settings(), _version(), order
        self.done = 0

    def rows(self, row: QuoteRow, results: list[dict], worker: str) -> list[dict]:
        label = self.spec.label(row.date)
        out = []
        for rec in results:
            extra = dict(rec.get("extra") or {})
            extra.update(curve=label, recovery=row.recovery)
            out.append({"run_id": self.run_id, "item_key": row.key, "seq": self.order.get(row.key),
                        "name": row.name,
                        "date": row.date, "model": rec["model"], "source": row.source,
                        "lines": row.lines,
                        "inputs_hash": inputs_hash(self.task.task, rec["model"], self.settings,
                                                   row, label),
                        "status": rec["status"], "error": rec.get("error", ""),
                        "params": rec.get("params") or {}, "fit_error": rec.get("fit_error"),
                        "fitted": rec.get("fitted") or {}, "extra": extra,
                        "seconds": rec.get("seconds"), "worker": worker,
                        "version": self.version})
        return out

    def write_chunk(self, outputs: list[tuple[QuoteRow, list[dict], str]]) -> None:
        for row, results, worker in outputs:  # one transaction per name
            self.store.write(self.rows(row, results, worker))
            self.done += 1


def _error_results(task: UniverseTask, message: str) -> list[dict]:
    return [{"model": m, "status": "error", "error": message, "seconds": 0.0}
            for m in task.models]


def _execute(task: UniverseTask, rows: list[QuoteRow], market: dict, writer: _Writer, *,
             workers: int, dask: Any, chunk_size: int | None, progress: Progress | None,
             total: int) -> None:
    def tick() -> None:
        if progress is not None:
            progress(writer.done, total)

    chunks = plan_chunks(rows, workers, chunk_size)
    if dask is None and (workers == 1 or len(chunks) <= 1):
        _init_worker(market)
        for chunk in chunks:
            writer.write_chunk(_run_chunk(task, chunk))
            tick()
        return
    if dask is None:
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)),
                                 initializer=_init_worker, initargs=(market,)) as pool:
            futures = {pool.submit(_run_chunk, task, chunk): chunk for chunk in chunks}
            for fut in as_completed(futures):
                writer.write_chunk(_outputs_or_errors(fut, futures[fut], task))
                tick()
        return
    client, cluster = _dask_client(dask, workers)
    try:
        from distributed import as_completed as dask_completed

        market_f = client.scatter(market, broadcast=True)  # once per worker
        futures = {client.submit(_run_chunk, task, chunk, market_f, pure=False): chunk
                   for chunk in chunks}
        for fut in dask_completed(list(futures)):
            writer.write_chunk(_outputs_or_errors(fut, futures[fut], task))
            tick()
    finally:
        if cluster is not None:
            client.close()
            cluster.close()


def _outputs_or_errors(fut, chunk: list[QuoteRow], task: UniverseTask):
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a lost worker: its names become error rows
        msg = f"worker failed: {type(exc).__name__}: {exc}"
        return [(row, _error_results(task, msg), "") for row in chunk]


def _dask_client(dask: Any, workers: int):
    """``(client, cluster_to_close_or_None)`` for ``"local"``, an address or a Client."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InvalidParameterError("--dask", dask, "usable with the 'distributed' package",
                                    'pip install "stochcredit[distributed]"') from exc
    if isinstance(dask, str):
        if dask == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            return Client(cluster), cluster
        return Client(dask), None
    return dask, None


def _plan(store: ResultsStore, run_id: str, task: UniverseTask, spec: CurveSpec,
          rows: list[QuoteRow], done: set[str], *, workers: int, dask: Any,
          chunk_size: int | None, progress: Progress | None) -> str:
    order = {r.key: i for i, r in enumerate(rows)}
    writer = _Writer(store, run_id, task, spec, order)
    todo = [r for r in rows if r.key not in done]
    writer.done = len(rows) - len(todo)
    curves, curve_errors = resolve_curves(spec, [r.date for r in todo if r.ok])
    runnable = []
    for r in todo:  # bad rows and rows without a curve are written at once, in file order
        message = r.error or curve_errors.get(r.date or "" if spec.kind == "treasury" else "")
        if message:
            writer.write_chunk([(r, _error_results(task, message), "")])
        else:
            runnable.append(r)
    if progress is not None:
        progress(writer.done, len(rows))
    _execute(task, runnable, curves, writer, workers=workers, dask=dask, chunk_size=chunk_size,
             progress=progress, total=len(rows))
    store.finish_run(run_id)
    return run_id


def run_universe(task: str | UniverseTask, universe: str | Path, store: str | Path, *,
                 models="black_scholes,heston,heston2", leverage: float | None = 0.5,
                 seed: int = 0, rate: float | None = None, curve: str | Path | None = None,
                 date: str | None = None, names=None, limit: int | None = None,
                 coupon: float = 0.01, workers: int | None = None, dask: Any = None,
                 chunk_size: int | None = None, run_id: str | None = None,
                 on_start: Callable[[str, dict], None] | None = None,
                 progress: Progress | None = None, **options: Any) -> str:
    """Run ``task`` over a universe file and store one row per (name, date, model); the run id.

    Parameters
    ----------
    task : {"bootstrap", "price", "calibrate"} or UniverseTask
    universe : path
        CSV or Parquet quote file (CDX, Markit or tidy layout,
        :mod:`stochcredit.market.quote_rows`).
    store : path
        Results store (SQLite file, created if missing).
    models, leverage, seed, coupon, options
        Task settings (see :class:`~stochcredit.apps.universe_tasks.UniverseTask`); ``options``
        go to ``calibrate_merton`` (``popsize``, ``maxiter``, ``time_limit`` ...).
    rate, curve : optional
        A flat rate or a curve file (``maturity, zero_rate``) for every row; default: the US
        Treasury zero curve of each row's date.
    date : str, optional
        Date of rows without one (a date in the file name is used, and reported via
        ``on_start``'s ``meta["date_source"] == "file name"``, only when no date is given).
    names, limit : optional
        A subset: these names, or the first ``limit`` rows.
    workers : int, optional
        Processes (local pool or LocalCluster; default: all CPUs).
    dask : None, "local", an address or a ``distributed.Client``
    chunk_size : int, optional
        Names per task (default: about 4 chunks per worker, at most 16).
    on_start : callable, optional
        ``on_start(run_id, meta)`` once the run is registered, before any work.
    progress : callable, optional
        ``progress(done, total)`` after each chunk (rows counted in names).

    Returns
    -------
    str
        The run id; read the rows with ``ResultsStore(store).results(run_id)``.
    """
    if not isinstance(task, UniverseTask):
        task = UniverseTask(task, models=models, leverage=leverage, seed=seed, coupon=coupon,
                            options=dict(options))
    workers = integer("workers", workers if workers is not None else (os.cpu_count() or 1),
                      minimum=1)
    spec = CurveSpec.from_options(rate=rate, curve=curve)
    path = Path(universe)
    rows, meta = read_quote_rows(path, date=date)
    rows = _subset(rows, names, limit)
    if spec.kind == "treasury" and rows and not any(r.date for r in rows):
        raise InvalidParameterError("date", None, "known for the Treasury discount curve",
                                    f"{path.name} has no date column and no date in its name: "
                                    "pass --date YYYY-MM-DD, --rate or --curve")
    st = ResultsStore(store)
    run_id = run_id or new_run_id()
    options_saved = {"task": asdict(task), "curve": asdict(spec), "date": date,
                     "names": None if names is None else list(_names(names)), "limit": limit,
                     "chunk_size": chunk_size, "date_source": meta["date_source"]}
    st.create_run(run_id, task.task, str(path.resolve()), _file_hash(path), options_saved,
                  len(rows), _version())
    if on_start is not None:
        on_start(run_id, {**meta, "n_items": len(rows), "curve": spec.label()})
    return _plan(st, run_id, task, spec, rows, set(), workers=workers, dask=dask,
                 chunk_size=chunk_size, progress=progress)


def resume_universe(run_id: str, store: str | Path, *, workers: int | None = None,
                    dask: Any = None, on_start: Callable[[str, dict], None] | None = None,
                    progress: Progress | None = None) -> str:
    """Finish run ``run_id``: the rows without stored results, with the run's own settings.

    Raises InvalidParameterError when the universe file changed since the run started.
    """
    st = ResultsStore(store)
    rec = st.run(run_id)
    opts = rec["options"]
    path = Path(rec["universe"])
    if not path.is_file():
        raise FileNotFoundError(2, "universe file of the run is missing", str(path))
    if _file_hash(path) != rec["universe_hash"]:
        raise InvalidParameterError("--resume", run_id, "a run whose universe file is unchanged",
                                    f"{path} changed since the run started; start a new run")
    t = opts["task"]
    task = UniverseTask(t["task"], models=tuple(t["models"]), leverage=t["leverage"],
                        seed=t["seed"], coupon=t["coupon"], frequency=t["frequency"],
                        options=t["options"])
    spec = CurveSpec(**opts["curve"])
    workers = integer("workers", workers if workers is not None else (os.cpu_count() or 1),
                      minimum=1)
    rows, meta = read_quote_rows(path, date=opts["date"])
    rows = _subset(rows, opts["names"], opts["limit"])
    done = st.done_keys(run_id)
    st.reopen_run(run_id)
    if on_start is not None:
        on_start(run_id, {**meta, "n_items": len(rows), "n_done": len(done),
                          "curve": spec.label()})
    return _plan(st, run_id, task, spec, rows, done, workers=workers, dask=dask,
                 chunk_size=opts["chunk_size"], progress=progress)


def _names(names) -> list[str]:
    if isinstance(names, str):
        names = names.split(",")
    return [str(n).strip() for n in names if str(n).strip()]


def _subset(rows: list[QuoteRow], names, limit) -> list[QuoteRow]:
    if names is not None:
        wanted = _names(names)
        missing = sorted(set(wanted) - {r.name for r in rows})
        if missing:
            raise InvalidParameterError("names", missing[:5], "names present in the universe")
        rows = [r for r in rows if r.name in set(wanted)]
    if limit is not None:
        rows = rows[:integer("limit", limit, minimum=1)]
    return rows

