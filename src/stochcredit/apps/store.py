"""Results store of universe runs: one SQLite file, one row per (run, name, date, model).

Why SQLite (the standard library's ``sqlite3``) rather than DuckDB: it needs no extra dependency,
its commits are atomic and durable (write-ahead log), so a run killed with ``kill -9`` leaves every
committed name intact and nothing half-written; one writer and any number of readers can use the
file at once (``stochcredit runs show`` during a run); and the tables are small (a few thousand
rows per run), where DuckDB's columnar speed does not matter. Results come back as pandas frames.

Tables
------
``runs``: ``run_id, task, universe, universe_hash, options`` (JSON of every setting needed to
resume), ``n_items, created, finished, status`` (``running``/``done``), ``version``.

``results``: ``run_id, item_key, seq`` (row of the universe), ``name, date, model, source,
lines, inputs_hash, status`` (``ok``/``error``), ``error, params`` (JSON), ``fit_error,
fitted`` (JSON), ``extra`` (JSON), ``seconds, worker, version, written``. The primary key
``(run_id, item_key, model)`` makes a second write of a row impossible; all models of one
name are written in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..core.errors import InvalidParameterError

__all__ = ["ResultsStore", "new_run_id", "RESULT_COLUMNS"]

RESULT_COLUMNS = ("run_id", "item_key", "seq", "name", "date", "model", "source", "lines",
                  "inputs_hash", "status", "error", "params", "fit_error", "fitted", "extra",
                  "seconds", "worker", "version", "written")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, task TEXT NOT NULL, universe TEXT, universe_hash TEXT,
    options TEXT NOT NULL, n_items INTEGER, created TEXT, finished TEXT,
    status TEXT NOT NULL DEFAULT 'running', version TEXT);
CREATE TABLE IF NOT EXISTS results (
    run_id TEXT NOT NULL REFERENCES runs(run_id), item_key TEXT NOT NULL, seq INTEGER,
    name TEXT NOT NULL,
    date TEXT, model TEXT NOT NULL, source TEXT, lines TEXT, inputs_hash TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')), error TEXT NOT NULL DEFAULT '',
    params TEXT, fit_error REAL, fitted TEXT, extra TEXT, seconds REAL, worker TEXT,
    version TEXT, written TEXT,
    PRIMARY KEY (run_id, item_key, model));
"""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_run_id() -> str:
    """``YYYYMMDDTHHMMSS-xxxxxx`` (UTC time and 6 random hex digits): sortable and unique."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


class ResultsStore:
    """A results store file (created on first use).

    Examples
    --------
    >>> import tempfile, os
    >>> store = ResultsStore(os.path.join(tempfile.mkdtemp(), "runs.sqlite"))
    >>> store.runs().columns.tolist()[:4]
    ['run_id', 'task', 'created', 'status']
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise InvalidParameterError("--store", str(path), "a file path, not a directory")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60.0)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        return con

    # -- writing -------------------------------------------------------------------------------
    def create_run(self, run_id: str, task: str, universe: str, universe_hash: str,
                   options: dict, n_items: int, version: str) -> None:
        """Register a new run (fails if ``run_id`` exists)."""
        with self._connect() as con:
            con.execute("INSERT INTO runs (run_id, task, universe, universe_hash, options, n_items,"
                        " created, status, version) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                        (run_id, task, universe, universe_hash, json.dumps(options, sort_keys=True),
                         n_items, _now(), version))

    def finish_run(self, run_id: str) -> None:
        with self._connect() as con:
            con.execute("UPDATE runs SET status = 'done', finished = ? WHERE run_id = ?",
                        (_now(), run_id))

    def reopen_run(self, run_id: str) -> None:
        with self._connect() as con:
            con.execute("UPDATE runs SET status = 'running', finished = NULL WHERE run_id = ?",
                        (run_id,))

    def write(self, rows: Iterable[dict]) -> int:
        """Insert result rows in ONE transaction (all or nothing); returns the number written.

        A row already stored (same run, item and model) raises ``sqlite3.IntegrityError`` and
        nothing of this call is written.
        """
        recs = []
        for r in rows:
            rec = dict(r)
            for k in ("params", "fitted", "extra"):
                if not isinstance(rec.get(k), str | type(None)):
                    rec[k] = json.dumps(rec[k], default=float)
            if isinstance(rec.get("lines"), list | tuple):
                rec["lines"] = ",".join(str(x) for x in rec["lines"])
            rec.setdefault("written", _now())
            rec["error"] = rec.get("error") or ""
            recs.append(tuple(rec.get(c) for c in RESULT_COLUMNS))
        if not recs:
            return 0
        marks = ", ".join("?" * len(RESULT_COLUMNS))
        con = self._connect()
        try:
            with con:  # BEGIN ... COMMIT, or ROLLBACK on any error
                con.executemany(f"INSERT INTO results ({', '.join(RESULT_COLUMNS)}) "
                                f"VALUES ({marks})", recs)
        finally:
            con.close()
        return len(recs)

    # -- reading -------------------------------------------------------------------------------
    def run(self, run_id: str) -> dict:
        """The ``runs`` record of ``run_id`` (options decoded); InvalidParameterError if unknown."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rec = con.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if rec is None:
            raise InvalidParameterError("run_id", run_id, f"a run stored in {self.path}")
        out = dict(rec)
        out["options"] = json.loads(out["options"])
        return out

    def done_keys(self, run_id: str) -> set[str]:
        """Item keys with stored rows (finished names)."""
        with self._connect() as con:
            return {k for (k,) in con.execute(
                "SELECT DISTINCT item_key FROM results WHERE run_id = ?", (run_id,))}

    def runs(self) -> pd.DataFrame:
        """One row per run: ``run_id, task, created, status, n_items, n_ok, n_error, ...``."""
        q = """SELECT r.run_id, r.task, r.created, r.status, r.n_items,
                      COALESCE(SUM(x.status = 'ok'), 0) AS n_ok,
                      COALESCE(SUM(x.status = 'error'), 0) AS n_error,
                      r.finished, r.universe, r.version
               FROM runs r LEFT JOIN results x ON x.run_id = r.run_id
               GROUP BY r.run_id ORDER BY r.created, r.run_id"""
        with self._connect() as con:
            return pd.read_sql_query(q, con)

    def results(self, run_id: str, expand: bool = True) -> pd.DataFrame:
        """The rows of ``run_id`` in universe order; ``expand`` turns the parameters into columns.

        Columns: ``name, date, model, status, error, fit_error``, the parameters (when
        ``expand``), ``seconds, inputs_hash, source, lines, item_key``, ``params/fitted/extra``
        (decoded JSON).
        """
        self.run(run_id)
        with self._connect() as con:
            df = pd.read_sql_query("SELECT * FROM results WHERE run_id = ? "
                                   "ORDER BY seq, rowid", con, params=(run_id,))
        for k in ("params", "fitted", "extra"):
            df[k] = [json.loads(x) if x else {} for x in df[k]]
        front = ["name", "date", "model", "status", "error", "fit_error"]
        if expand and len(df):
            params = pd.DataFrame(list(df["params"]), index=df.index)
            params = params[[c for c in params.columns if c not in df.columns]]
            df = pd.concat([df[front], params, df.drop(columns=front)], axis=1)
        return df
