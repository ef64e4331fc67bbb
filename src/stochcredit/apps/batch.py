"""Run one function over many names (a local process pool or Dask), losing nothing on failure.

``run_batch(func, items)`` calls ``func(item)`` for every ``(name, item)`` and collects the returned
rows into a DataFrame with a ``name`` and an ``error`` column: a name whose call raises gets a row
with the error message (``"ValueError: ..."``) and the run goes on. Results keep the input order.

Backends
--------
- ``"serial"``: in this process (debugging, tiny batches);
- ``"processes"``: :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes;
- ``"dask"``: ``dask.delayed`` tasks computed by ``scheduler`` — ``"processes"`` (default, local),
  ``"threads"``, ``"synchronous"``, or a ``distributed.Client`` connected to a cluster (then
  ``func`` and the items must be importable/picklable on the workers).

``func`` must be picklable for the process backends (a module-level function or a
``functools.partial`` of one).
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import pandas as pd

from ..core.errors import InvalidParameterError
from ..core.validation import choice, integer

__all__ = ["run_batch", "calibrate_universe", "BACKENDS"]

BACKENDS = ("serial", "processes", "dask")

Progress = Callable[[str, bool], None]


def _rows(name: str, out: Any) -> list[dict]:
    if out is None:
        return [{}]
    if isinstance(out, pd.Series):
        return [out.to_dict()]
    if isinstance(out, pd.DataFrame):
        return out.to_dict("records") or [{}]
    if isinstance(out, Mapping):
        return [dict(out)]
    if isinstance(out, list | tuple) and all(isinstance(o, Mapping | pd.Series) for o in out):
        return [dict(o) for o in out] or [{}]
    return [{"result": out}]


def _safe_call(func: Callable, name: str, item: Any) -> list[dict]:
    """``func(item)`` as rows tagged with ``name``; an exception becomes an ``error`` row."""
    start = time.perf_counter()
    try:
        rows = _rows(name, func(item))
        err = ""
    except Exception as exc:  # noqa: BLE001 - report and continue: nothing is lost
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" [{last[0].name}:{last[0].lineno}]" if last else ""
        rows, err = [{}], f"{type(exc).__name__}: {exc}{where}"
    elapsed = time.perf_counter() - start
    return [{"name": name, **row, "error": row.get("error", "") or err, "task_seconds": elapsed}
            for row in rows]


def _items(items) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        pairs = [(str(k), v) for k, v in items.items()]
    else:
        pairs = []
        for it in items:
            if isinstance(it, tuple) and len(it) == 2:
                pairs.append((str(it[0]), it[1]))
            else:
                pairs.append((str(it), it))
    return pairs


def _dask_progress(progress: Progress | None, results_ok: dict):
    """A dask local-scheduler callback calling ``progress`` as each task finishes."""
    from dask.callbacks import Callback

    class _CB(Callback):
        def _posttask(self, key, result, dsk, state, worker_id):  # noqa: D401
            if progress is not None and isinstance(result, list) and result \
                    and isinstance(result[0], dict) and "name" in result[0]:
                progress(result[0]["name"], not result[0]["error"])

    return _CB()


def run_batch(func: Callable[[Any], Any], items: Mapping[str, Any] | Iterable, *,
              backend: str = "processes", workers: int | None = None,
              scheduler: Any = None, progress: Progress | None = None) -> pd.DataFrame:
    """Apply ``func`` to every item; one or more rows per name, failures kept as ``error`` rows.

    Parameters
    ----------
    func : callable
        ``func(item)`` returns a dict (one row), a list of dicts / a DataFrame (several rows,
        e.g. one per model), a pandas Series, or any value (stored in a ``result`` column).
    items : mapping or iterable
        ``{name: item}``, ``[(name, item), ...]`` or plain items (their ``str`` is the name).
    backend : {"serial", "processes", "dask"}
    workers : int, optional
        Processes (default: the number of CPUs). ``workers=1`` with ``"processes"`` runs serially.
    scheduler : optional
        Dask scheduler: ``"processes"`` (default), ``"threads"``, ``"synchronous"`` or a
        ``distributed.Client``.
    progress : callable, optional
        ``progress(name, ok)`` after each name (called in this process).

    Returns
    -------
    DataFrame
        Columns ``name``, the function's columns, ``error`` (empty string when fine) and
        ``task_seconds``; rows in input order.

    Examples
    --------
    >>> run_batch(lambda x: {"sq": x * x}, {"a": 2, "b": 3}, backend="serial")[["name", "sq"]]
      name  sq
    0    a   4
    1    b   9
    """
    backend = choice("backend", backend, BACKENDS)
    workers = integer("workers", workers if workers is not None else (os.cpu_count() or 1),
                      minimum=1)
    pairs = _items(items)
    names = [n for n, _ in pairs]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise InvalidParameterError("items", dupes[:5], "unique names")
    results: dict[str, list[dict]] = {}

    def done(name: str, rows: list[dict]) -> None:
        results[name] = rows
        if progress is not None and backend != "dask":
            progress(name, not rows[0]["error"])

    if backend == "serial" or (backend == "processes" and (workers == 1 or len(pairs) <= 1)):
        for name, item in pairs:
            done(name, _safe_call(func, name, item))
    elif backend == "processes":
        with ProcessPoolExecutor(max_workers=min(workers, len(pairs))) as pool:
            futures = {pool.submit(_safe_call, func, name, item): name for name, item in pairs}
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    rows = fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. a worker killed or unpicklable
                    rows = [{"name": name, "error": f"{type(exc).__name__}: {exc}",
                             "task_seconds": float("nan")}]
                done(name, rows)
    else:
        import dask

        tasks = [dask.delayed(_safe_call, pure=False)(func, name, item) for name, item in pairs]
        sched = scheduler if scheduler is not None else "processes"
        kwargs: dict[str, Any] = {}
        if isinstance(sched, str):
            kwargs["scheduler"] = sched
            if sched != "synchronous":
                kwargs["num_workers"] = workers
            with _dask_progress(progress, results):
                out = dask.compute(*tasks, **kwargs)
        else:  # a distributed Client (or anything with .compute / .gather)
            futures = sched.compute(tasks)
            out = sched.gather(futures)
            if progress is not None:
                for rows in out:
                    progress(rows[0]["name"], not rows[0]["error"])
        for (name, _), rows in zip(pairs, out, strict=True):
            results[name] = rows
    frame_rows = [row for name in names for row in results[name]]
    df = pd.DataFrame(frame_rows)
    cols = ["name"] + [c for c in df.columns if c not in ("name", "error", "task_seconds")]
    return df[cols + ["error", "task_seconds"]]


def calibrate_universe(quotes: pd.DataFrame, models="black_scholes,heston,heston2", *,
                       leverage: float | None = 0.5, rate: Any = 0.0025, seed: int = 0,
                       names: Iterable[str] | None = None, backend: str = "processes",
                       workers: int | None = None, scheduler: Any = None,
                       progress: Progress | None = None, keep_fits: bool = False,
                       **options: Any) -> pd.DataFrame:
    """Calibrate Merton models to every name of a tidy quote frame (one row per name and model).

    ``quotes`` has the columns ``name, maturity, spread`` (see :mod:`stochcredit.market.quotes`);
    a ``leverage`` column, when present, overrides ``leverage`` per name. Failing names appear with
    their ``error`` and the run goes on. ``options`` go to
    :func:`stochcredit.calibration.merton.calibrate_merton` (``popsize``, ``maxiter`` ...).
    """
    from ..calibration.merton_curves import MertonCurveTask
    from ..market.quotes import curves

    wanted = None if names is None else [str(n) for n in names]
    if wanted is not None:
        missing = sorted(set(wanted) - set(quotes["name"].astype(str)))
        if missing:
            raise InvalidParameterError("names", missing[:5], "names present in the quotes")
        quotes = quotes[quotes["name"].astype(str).isin(wanted)]
    per_name = "leverage" in quotes.columns and quotes["leverage"].notna().any()
    task = MertonCurveTask(models, leverage, rate, seed, keep_fits, dict(options))
    items = {}
    for name, (mats, spreads, recovery) in curves(quotes).items():
        lev = None
        if per_name:
            lev = float(quotes.loc[quotes["name"] == name, "leverage"].iloc[0])
        items[name] = (mats, spreads, recovery, lev)
    return run_batch(task, items, backend=backend, workers=workers, scheduler=scheduler,
                     progress=progress)
