"""Row-by-row reading of CDS quote files for bulk ISDA curve building.

Every data line of a file is parsed and validated on its own: a line with a bad value becomes
an *error row* naming the file, the 1-based line, the column and the value, and the other lines
go on (the loaders of :mod:`stochcredit.market.quotes` stop at the first bad value instead).

Formats (detected from the header, or ``fmt=``):

- ``"markit"``: Markit-style curves, ``Date, Ticker, ..., Tier, Ccy, DocClause, ...,
  Spread6m, ..., Spread30y, Recovery`` with percent strings (``"0.28%"``) and dates such as
  ``16-OCT-14``. A ticker quoted in several tiers is named ``TICKER_TIER`` (as
  :func:`~stochcredit.market.quotes.load_markit_curves`).
- ``"cdx"``: CDX constituents, ``Ticker, 3Y, 5Y, 7Y, 10Y[, Recovery]``, par spreads in bp,
  recovery as a decimal (default 0.4). The file has no date: pass ``trade_date`` (a date in the
  file name is never used silently).
- ``"tidy"``: one quote per line, ``name, tenor, spread`` (decimal; or ``spread_bp``) and
  optionally ``recovery``, ``date``, ``currency``.

The result is a tidy frame with one row per quote: ``file, line, name, date, currency, tenor,
spread, recovery, error`` (``error`` is empty for good rows; an error row has one row per bad
line with ``tenor`` and ``spread`` missing).

Examples
--------
>>> q = read_isda_quotes(packaged_quote_file("markit"))
>>> print(q[q.name == "C10"][["line", "tenor", "spread"]].head(2).to_string(index=False))
 line tenor   spread
    2    6M 0.001166
    2    1Y 0.001507
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from .calendars import to_date
from .tenors import parse_tenor

__all__ = ["read_isda_quotes", "detect_format", "packaged_quote_file", "QUOTE_COLUMNS",
           "PACKAGED_TRADE_DATES"]

QUOTE_COLUMNS = ["file", "line", "name", "date", "currency", "tenor", "spread", "recovery",
                 "error"]
_MARKIT_TENOR = re.compile(r"^spread\s*(\d+)\s*([dwmy])$", re.IGNORECASE)
_PLAIN_TENOR = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)
PACKAGED_FILES = {"markit": "markit_style_cds_curves_2014-10-16.csv",
                  "cdx": "cdx_na_ig_s7_2007-08-01.csv"}
# trade dates of the packaged files (stochcredit/data/SOURCES.md)
PACKAGED_TRADE_DATES = {"markit": _dt.date(2014, 10, 16), "cdx": _dt.date(2007, 8, 1)}


def packaged_quote_file(kind: str) -> Path:
    """Path of a packaged quote file: ``"markit"`` (2014-10-16) or ``"cdx"`` (2007-08-01)."""
    from .. import data

    key = str(kind).lower()
    if key not in PACKAGED_FILES:
        raise InvalidParameterError("packaged", kind, "one of 'markit', 'cdx'")
    return data.path(PACKAGED_FILES[key])


def detect_format(header: list[str]) -> str:
    """``"markit"``, ``"cdx"`` or ``"tidy"`` from a CSV header."""
    cols = [c.strip().lower() for c in header]
    if any(_MARKIT_TENOR.match(c) for c in cols) and "ticker" in cols:
        return "markit"
    if "ticker" in cols and any(_PLAIN_TENOR.match(c) for c in cols):
        return "cdx"
    if "name" in cols and "tenor" in cols and ("spread" in cols or "spread_bp" in cols):
        return "tidy"
    raise InvalidParameterError(
        "header", ",".join(header),
        "a Markit file (Ticker, Spread6m, ..., Recovery), a CDX file (Ticker, 3Y, 5Y, ...) or "
        "a tidy file (name, tenor, spread[, recovery, date, currency])")


class _RowError(Exception):
    pass


def _number(text: str, column: str, percent: bool = False) -> float:
    s = text.strip()
    is_pct = s.endswith("%")
    try:
        value = float(s.rstrip("%").strip())
    except ValueError:
        raise _RowError(f"column {column!r}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise _RowError(f"column {column!r}: {text!r} is not finite")
    return value / 100.0 if (is_pct or percent) else value


def _spread(text: str, column: str, scale: float, percent: bool = False) -> float:
    value = _number(text, column, percent) * scale
    if not value > 0:
        raise _RowError(f"column {column!r}: spread {text!r} must be > 0")
    return value


def _recovery(text: str, column: str, percent: bool) -> float:
    value = _number(text, column, percent=percent)
    if not 0 <= value < 1:
        raise _RowError(f"column {column!r}: recovery {text!r} must be in [0, 1)")
    return value


def _markit_date(text: str) -> _dt.date:
    s = text.strip()
    for fmt in ("%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d"):
        try:
            return _dt.datetime.strptime(s.title() if "-" in s and s[3:6].isalpha() else s,
                                         fmt).date()
        except ValueError:
            continue
    raise _RowError(f"column 'Date': {text!r} is not a date such as 16-OCT-14")


def read_isda_quotes(path: str | Path, fmt: str = "auto", trade_date: Any = None,
                     currency: str = "USD", recovery: float = 0.4) -> pd.DataFrame:
    """A quote file as a tidy frame, one row per quote and one error row per bad line.

    Parameters
    ----------
    path : path
        The CSV file.
    fmt : {"auto", "markit", "cdx", "tidy"}
        File format (``"auto"``: from the header).
    trade_date : date, optional
        Trade date of every row (required for CDX files; for Markit and tidy files it
        overrides a missing ``Date``/``date`` column only).
    currency : str
        Currency of rows without a currency column (CDX files).
    recovery : float
        Recovery of rows without a recovery column.
    """
    src = Path(path)
    if not src.is_file():
        raise FileNotFoundError(2, "No such file", str(src))
    fmt = str(fmt).lower()
    if fmt not in ("auto", "markit", "cdx", "tidy"):
        raise InvalidParameterError("fmt", fmt, "one of 'auto', 'markit', 'cdx', 'tidy'")
    default_date = None if trade_date is None else to_date(trade_date, "trade_date")
    with src.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, skipinitialspace=True)
        header = next(reader, None)
        if not header:
            raise InvalidParameterError("file", str(src), "a CSV file with a header line")
        kind = detect_format(header) if fmt == "auto" else fmt
        if kind == "cdx" and default_date is None \
                and "date" not in [h.strip().lower() for h in header]:
            raise InvalidParameterError(
                "trade_date", None, f"a date for the CDX file {src.name} (it has no date column)")
        cols = {h.strip().lower(): i for i, h in enumerate(header)}
        lines = [(reader.line_num, fields) for fields in reader
                 if fields and any(x.strip() for x in fields)]
    if kind == "markit" and "ticker" in cols:
        counts: dict[str, int] = {}
        for _, fields in lines:
            if len(fields) == len(header):
                t = fields[cols["ticker"]].strip()
                counts[t] = counts.get(t, 0) + 1
        multi_tier = {t for t, c in counts.items() if c > 1}
    else:
        multi_tier = set()
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    for line, fields in lines:
        base = {"file": src.name, "line": line, "name": None, "date": default_date,
                "currency": currency, "tenor": None, "spread": np.nan,
                "recovery": np.nan, "error": ""}
        try:
            if len(fields) != len(header):
                raise _RowError(f"{len(fields)} fields, the header has {len(header)}")
            parsed = _PARSERS[kind](header, cols, fields, base, recovery, multi_tier)
            key = (parsed[0]["name"], parsed[0]["tenor"] if kind == "tidy" else None)
            if key in seen:
                what = f"name {key[0]!r}" + (f" tenor {key[1]}" if kind == "tidy" else "")
                raise _RowError(f"{what} already quoted on line {seen[key]}")
            seen[key] = line
            rows.extend(parsed)
        except (_RowError, InvalidParameterError) as exc:
            rows.append({**base, "tenor": None, "spread": np.nan, "recovery": np.nan,
                         "error": f"{src.name}, line {line}: {exc}"})
    out = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    out["line"] = out["line"].astype(int)
    out["spread"] = out["spread"].astype(float)
    out["recovery"] = out["recovery"].astype(float)
    return out


def _markit(header, cols, fields, base, default_recovery, multi_tier):
    tenors = [(i, h) for i, h in enumerate(header) if _MARKIT_TENOR.match(h.strip())]
    if "ticker" not in cols or not fields[cols["ticker"]].strip():
        raise _RowError("column 'Ticker' is empty")
    ticker = fields[cols["ticker"]].strip()
    tier = fields[cols["tier"]].strip() if "tier" in cols else ""
    base["name"] = f"{ticker}_{tier}" if ticker in multi_tier and tier else ticker
    row = dict(base)
    if "date" in cols:
        row["date"] = _markit_date(fields[cols["date"]])
    elif row["date"] is None:
        raise _RowError("no 'Date' column and no trade_date given")
    if "ccy" in cols and fields[cols["ccy"]].strip():
        row["currency"] = fields[cols["ccy"]].strip().upper()
    if "recovery" in cols and fields[cols["recovery"]].strip():
        row["recovery"] = _recovery(fields[cols["recovery"]], header[cols["recovery"]].strip(),
                                    percent=True)
    else:
        row["recovery"] = default_recovery
    out = []
    for i, h in tenors:
        text = fields[i]
        if not text.strip():
            continue
        m = _MARKIT_TENOR.match(h.strip())
        tenor = f"{int(m.group(1))}{m.group(2).upper()}"
        out.append({**row, "tenor": tenor, "spread": _spread(text, h.strip(), 1.0, True)})
    if not out:
        raise _RowError("no spread quoted (every Spread column is blank)")
    return out


def _cdx(header, cols, fields, base, default_recovery, multi_tier):
    tenors = [(i, h) for i, h in enumerate(header) if _PLAIN_TENOR.match(h.strip())]
    ticker = fields[cols["ticker"]].strip()
    if not ticker:
        raise _RowError("column 'Ticker' is empty")
    base["name"] = ticker
    row = dict(base)
    if "date" in cols:
        try:
            row["date"] = to_date(fields[cols["date"]].strip(), "Date")
        except InvalidParameterError:
            raise _RowError(f"column 'Date': {fields[cols['date']]!r} is not a date") from None
    if "recovery" in cols and fields[cols["recovery"]].strip():
        row["recovery"] = _recovery(fields[cols["recovery"]], header[cols["recovery"]].strip(),
                                    percent=False)
    else:
        row["recovery"] = default_recovery
    out = []
    for i, h in tenors:
        if not fields[i].strip():
            continue
        n, unit = parse_tenor(h.strip())
        out.append({**row, "tenor": f"{n}{unit}", "spread": _spread(fields[i], h.strip(), 1e-4)})
    if not out:
        raise _RowError("no spread quoted (every tenor column is blank)")
    return out


def _tidy(header, cols, fields, base, default_recovery, multi_tier):
    name = fields[cols["name"]].strip()
    if not name:
        raise _RowError("column 'name' is empty")
    base["name"] = name
    tenor_text = fields[cols["tenor"]].strip()
    try:
        n, unit = parse_tenor(tenor_text)
    except InvalidParameterError:
        raise _RowError(f"column 'tenor': {tenor_text!r} is not a tenor such as 5Y") from None
    row = {**base, "name": name, "tenor": f"{n}{unit}"}
    if "spread_bp" in cols:
        row["spread"] = _spread(fields[cols["spread_bp"]], "spread_bp", 1e-4)
    else:
        row["spread"] = _spread(fields[cols["spread"]], "spread", 1.0)
    if "recovery" in cols and fields[cols["recovery"]].strip():
        row["recovery"] = _recovery(fields[cols["recovery"]], "recovery", percent=False)
    else:
        row["recovery"] = default_recovery
    if "date" in cols and fields[cols["date"]].strip():
        try:
            row["date"] = to_date(fields[cols["date"]].strip(), "date")
        except InvalidParameterError:
            raise _RowError(f"column 'date': {fields[cols['date']]!r} is not a date") from None
    elif row["date"] is None:
        raise _RowError("no date (give a 'date' column or trade_date)")
    if "currency" in cols and fields[cols["currency"]].strip():
        row["currency"] = fields[cols["currency"]].strip().upper()
    return [row]


_PARSERS = {"markit": _markit, "cdx": _cdx, "tidy": _tidy}
