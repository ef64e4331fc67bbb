"""Row-by-row reading of quote (universe) files: a bad row is reported, never fatal.

:func:`read_quote_rows` turns a CSV or Parquet file in one of the three supported layouts into one
:class:`QuoteRow` per (name, date) — the unit of work of a universe run:

- **CDX** ``Ticker, 3Y, 5Y, 7Y, 10Y[, Recovery][, Date]``: spreads in bp, one line per name;
- **Markit** ``Date, Ticker, Tier, ..., Spread6m, ..., Spread30y, Recovery``: percent strings
  (``"0.28%"``), one line per name and date (``TICKER_TIER`` when a ticker has several tiers);
- **tidy** ``name, maturity, spread[, recovery][, leverage][, date]``: one line per quote,
  maturity in years (or a label such as ``5Y``), spread as a decimal (0.01 = 100 bp), recovery
  as a decimal (default 0.4), leverage = debt/asset (optional), date ``YYYY-MM-DD``.

Every cell is validated on its own. A row with a bad value keeps its key and gets an ``error``
naming the file, the 1-based line (the header is line 1; for Parquet the row number + 1), the
column and the value; a name with no usable quote is an error row too. Callers decide whether
an error is fatal (:func:`stochcredit.market.quotes.read_quotes`) or a result row (batch runs).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import InvalidParameterError

__all__ = ["QuoteRow", "read_quote_rows", "date_from_file_name", "DEFAULT_RECOVERY"]

DEFAULT_RECOVERY = 0.4
_TENOR = re.compile(r"^\s*(?:spread)?\s*(\d+(?:\.\d+)?)\s*([dwmy])\s*$", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UNIT = {"d": 1 / 365.0, "w": 7 / 365.0, "m": 1 / 12.0, "y": 1.0}


@dataclass(frozen=True)
class QuoteRow:
    """The quotes of one name at one date, or the reason they cannot be used (``error``)."""

    name: str
    date: str | None
    source: str
    lines: tuple[int, ...]
    maturities: tuple[float, ...] = ()
    spreads: tuple[float, ...] = ()
    recovery: float = DEFAULT_RECOVERY
    leverage: float | None = None
    error: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """``name|date`` — unique within a universe."""
        return f"{self.name}|{self.date or ''}"

    @property
    def ok(self) -> bool:
        return not self.error


class _RowError(Exception):
    pass


def date_from_file_name(path: str | Path) -> str | None:
    """``"cdx_na_ig_s7_2007-08-01.csv"`` -> ``"2007-08-01"`` (None without a valid date)."""
    m = _DATE.search(Path(path).name)
    if not m:
        return None
    try:
        return pd.Timestamp(m.group(0)).strftime("%Y-%m-%d")
    except ValueError:
        return None


def _where(source: str, line: int, column: str, value: str) -> str:
    return f"{source} line {line}, column {column!r}, value {value!r}"


def _number(text: str, source: str, line: int, column: str, *, percent: bool = False,
            scale: float = 1.0) -> float | None:
    """A cell as a float (None when blank); raises _RowError naming the cell when malformed."""
    raw = str(text).strip()
    if raw == "" or raw.lower() in ("nan", "na", "n/a", "none", "null"):
        return None
    body = raw[:-1].strip() if raw.endswith("%") else raw
    try:
        x = float(body)
    except ValueError:
        raise _RowError(f"{_where(source, line, column, raw)}: not a number") from None
    if not math.isfinite(x):
        raise _RowError(f"{_where(source, line, column, raw)}: not finite")
    return x / 100.0 * scale if (percent or raw.endswith("%")) else x * scale


def _spread(text, source, line, column, **kw) -> float | None:
    x = _number(text, source, line, column, **kw)
    if x is not None and not x > 0:
        raise _RowError(f"{_where(source, line, column, str(text).strip())}: "
                        "a spread must be > 0")
    return x


def _recovery(text, source, line, column, **kw) -> float:
    x = _number(text, source, line, column, **kw)
    if x is None:
        return DEFAULT_RECOVERY
    if not 0.0 <= x < 1.0:
        raise _RowError(f"{_where(source, line, column, str(text).strip())}: "
                        "a recovery must be in [0, 1)")
    return x


def _date(text, source, line, column, fmt: str | None = None) -> str | None:
    raw = str(text).strip()
    if not raw:
        return None
    try:
        return pd.to_datetime(raw, format=fmt).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        raise _RowError(f"{_where(source, line, column, raw)}: not a date "
                        f"({'like 16-OCT-14' if fmt else 'YYYY-MM-DD'})") from None


def _tenor_years(label: str) -> float:
    m = _TENOR.match(str(label))
    return float(m.group(1)) * _UNIT[m.group(2).lower()]


def _read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """All cells as strings (blank for missing) and the line number of the first data row."""
    if path.suffix.lower() in (".parquet", ".pq"):
        df = pd.read_parquet(path)
        df = df.astype(object).where(df.notna(), "").astype(str)
        return df, 2
    return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True), 2


def read_quote_rows(path: str | Path, *, date: str | None = None,
                    date_from_name: bool = True) -> tuple[list[QuoteRow], dict]:
    """Every (name, date) of a quote file as a :class:`QuoteRow`, bad ones with their error.

    Parameters
    ----------
    path : path
        CSV or Parquet (``.parquet``) file in the CDX, Markit or tidy layout (module docstring).
    date : str, optional
        Quote date for rows without one (``YYYY-MM-DD``); a date column in the file wins.
    date_from_name : bool
        When neither the file nor ``date`` gives a date, take a ``YYYY-MM-DD`` in the file name
        (reported in ``meta["date_source"] = "file name"`` so that callers can say so).

    Returns
    -------
    rows, meta
        ``rows`` in file order; ``meta`` has ``format`` (``"cdx"``, ``"markit"``, ``"tidy"``)
        and ``date_source`` (``"column"``, ``"option"``, ``"file name"`` or None).

    Examples
    --------
    >>> from stochcredit.data import path
    >>> rows, meta = read_quote_rows(path("cdx_na_ig_s7_2007-08-01.csv"))
    >>> len(rows), rows[0].name, rows[0].date, rows[0].lines, meta["date_source"]
    (125, 'ACE', '2007-08-01', (2,), 'file name')
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    if date is not None:
        date = _date(date, "--date", 0, "date") if str(date).strip() else None
    table, first = _read_table(path)
    cols = {c.strip().lower(): c for c in table.columns}
    source = path.name
    if {"name", "maturity", "spread"} <= set(cols):
        fmt, rows = "tidy", _tidy_rows(table, cols, source, first)
    elif "ticker" in cols and any(c.startswith("spread") and _TENOR.match(c) for c in cols):
        fmt, rows = "markit", _wide_rows(table, cols, source, first, markit=True)
    elif "ticker" in cols:
        fmt, rows = "cdx", _wide_rows(table, cols, source, first, markit=False)
    else:
        raise InvalidParameterError(f"{source}: unknown quote format; expected columns "
                                    "'name,maturity,spread[,recovery,leverage,date]', a CDX file "
                                    "'Ticker,3Y,5Y,...' or a Markit file 'Ticker,...,Spread5y,...'")
    has_column_date = any(r.date for r in rows)
    fill, date_source = None, "column" if has_column_date else None
    if date is not None:
        fill, date_source = date, date_source or "option"
    elif date_from_name:
        fill = date_from_file_name(path)
        if fill is not None and not all(r.date for r in rows):
            date_source = date_source or "file name"
    if fill is not None:
        rows = [r if r.date else _replace(r, date=fill) for r in rows]
    rows = _dedupe(rows)
    return rows, {"format": fmt, "date_source": date_source, "source": source}


def _replace(row: QuoteRow, **changes) -> QuoteRow:
    from dataclasses import replace

    return replace(row, **changes)


def _dedupe(rows: list[QuoteRow]) -> list[QuoteRow]:
    """A (name, date) given twice: the later rows become errors naming the first line."""
    seen: dict[str, QuoteRow] = {}
    out = []
    for r in rows:
        if r.key in seen and r.ok:
            first = seen[r.key]
            r = _replace(r, error=f"{r.source} line {r.lines[0]}: {r.name} on {r.date} "
                                  f"duplicates line {first.lines[0]}")
            r = _replace(r, name=f"{r.name}#line{r.lines[0]}")
        seen.setdefault(r.key, r)
        out.append(r)
    return out


def _wide_rows(table, cols, source, first, *, markit: bool) -> list[QuoteRow]:
    tenor_cols = [c for c in table.columns if _TENOR.match(c)
                  and (not markit or c.strip().lower().startswith("spread"))]
    tenor_cols.sort(key=_tenor_years)
    ticker, tier = cols["ticker"], cols.get("tier")
    rec_col, date_col = cols.get("recovery"), cols.get("date")
    lev_col = cols.get("leverage")
    names = table[ticker].str.strip()
    dup = names.duplicated(keep=False) if markit and tier else pd.Series(False, index=table.index)
    rows = []
    for k, (_, rec) in enumerate(table.iterrows()):
        line = first + k
        name = names.iloc[k] or f"<blank name, line {line}>"
        if dup.iloc[k]:
            name = f"{name}_{rec[tier].strip()}"
        mats, spreads, err = [], [], ""
        row_date, recovery, leverage = None, DEFAULT_RECOVERY, None
        try:
            if not names.iloc[k]:
                raise _RowError(f"{_where(source, line, ticker, '')}: blank name")
            if date_col is not None:
                row_date = _date(rec[date_col], source, line, date_col,
                                 "%d-%b-%y" if markit else None)
            for c in tenor_cols:
                s = _spread(rec[c], source, line, c, percent=markit, scale=1.0 if markit else 1e-4)
                if s is not None:
                    mats.append(_tenor_years(c))
                    spreads.append(s)
            if rec_col is not None:
                recovery = _recovery(rec[rec_col], source, line, rec_col, percent=markit)
            if lev_col is not None:
                leverage = _number(rec[lev_col], source, line, lev_col)
            if not spreads:
                raise _RowError(f"{source} line {line}: {name} has no usable quote (every "
                                f"spread column {', '.join(tenor_cols)} is blank)")
        except _RowError as exc:
            err = str(exc)
        extra = {}
        if markit:
            extra = {k2: rec[cols[k2]].strip() for k2 in ("ccy", "docclause", "tier")
                     if k2 in cols}
        rows.append(QuoteRow(name, row_date, source, (line,), tuple(mats), tuple(spreads),
                             recovery, leverage, err, extra))
    return rows


def _tidy_rows(table, cols, source, first) -> list[QuoteRow]:
    name_c, mat_c, spr_c = cols["name"], cols["maturity"], cols["spread"]
    rec_c, lev_c, date_c = cols.get("recovery"), cols.get("leverage"), cols.get("date")
    groups: dict[tuple[str, str | None], dict] = {}
    for k, (_, rec) in enumerate(table.iterrows()):
        line = first + k
        name = str(rec[name_c]).strip()
        g_date, date_err = None, ""
        if date_c is not None:
            try:
                g_date = _date(rec[date_c], source, line, date_c)
            except _RowError as exc:
                date_err = str(exc)
        g = groups.setdefault((name or f"<blank name, line {line}>", g_date),
                              {"lines": [], "quotes": [], "errors": [], "rec": [], "lev": []})
        g["lines"].append(line)
        try:
            if date_err:
                raise _RowError(date_err)
            if not name:
                raise _RowError(f"{_where(source, line, name_c, '')}: blank name")
            raw_m = str(rec[mat_c]).strip()
            if _TENOR.match(raw_m):
                mat = _tenor_years(raw_m)
            else:
                mat = _number(raw_m, source, line, mat_c)
            if mat is None or not mat > 0:
                raise _RowError(f"{_where(source, line, mat_c, raw_m)}: a maturity must be "
                                "> 0 (years, or a label such as 5Y)")
            s = _spread(rec[spr_c], source, line, spr_c)
            if rec_c is not None:
                g["rec"].append(_recovery(rec[rec_c], source, line, rec_c))
            if lev_c is not None:
                lev = _number(rec[lev_c], source, line, lev_c)
                if lev is not None:
                    g["lev"].append(lev)
            if s is not None:
                g["quotes"].append((mat, s, line))
        except _RowError as exc:
            g["errors"].append(str(exc))
    rows = []
    for (name, g_date), g in groups.items():
        quotes = sorted(g["quotes"])
        err = "; ".join(g["errors"][:3]) + (f" (+{len(g['errors']) - 3} more)"
                                            if len(g["errors"]) > 3 else "")
        mats = [q[0] for q in quotes]
        if not err and len(set(mats)) != len(mats):
            dup = next(q for i, q in enumerate(quotes[1:]) if q[0] == quotes[i][0])
            err = f"{source} line {dup[2]}: {name} quotes maturity {dup[0]:g} twice"
        if not err and not quotes:
            err = (f"{source} lines {g['lines'][0]}-{g['lines'][-1]}: {name} has no usable "
                   "quote (every spread is blank)")
        recs = set(g["rec"])
        if not err and len(recs) > 1:
            err = f"{source} lines {g['lines'][0]}-{g['lines'][-1]}: {name} has several recoveries"
        rows.append(QuoteRow(name, g_date, source, tuple(g["lines"]), tuple(mats),
                             tuple(q[1] for q in quotes),
                             recs.pop() if len(recs) == 1 else DEFAULT_RECOVERY,
                             g["lev"][0] if g["lev"] else None, err))
    return rows
