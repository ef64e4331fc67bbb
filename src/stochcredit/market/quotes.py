"""Loaders for packaged and user CDS quote files, returning tidy DataFrames.

Every loader returns one row per (name, maturity) with the columns

    name, maturity (years), spread (decimal, 0.01 = 100 bp), recovery (decimal)

plus source-specific columns (``date``, ``currency``, ``tier``, ``rating``...). ``curves(df)``
groups a tidy frame into ``{name: (maturities, spreads, recovery)}``.

Sources (see ``stochcredit/data/SOURCES.md``):

- ``cdx_na_ig_s7_2007-08-01.csv``: 125 CDX.NA.IG series-7 names, par spreads in bp at 3/5/7/10Y.
- ``markit_style_cds_curves_2014-10-16.csv``: Markit-style curves, spreads and recoveries as
  percent strings (``"0.28%"``), tenors ``Spread6m`` .. ``Spread30y``; missing tenors are blank.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from ..data import path as data_path

__all__ = [
    "load_cdx_quotes",
    "load_markit_curves",
    "read_quotes",
    "curves",
    "tenor_to_years",
    "percent_to_decimal",
]

CDX_FILE = "cdx_na_ig_s7_2007-08-01.csv"
MARKIT_FILE = "markit_style_cds_curves_2014-10-16.csv"
TIDY_COLUMNS = ["name", "maturity", "spread", "recovery"]

_TENOR = re.compile(r"^\s*(?:spread)?\s*(\d+(?:\.\d+)?)\s*([dwmy])\s*$", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNIT = {"d": 1 / 365.0, "w": 7 / 365.0, "m": 1 / 12.0, "y": 1.0}


def tenor_to_years(tenor: str) -> float:
    """``"6M"`` -> 0.5, ``"10Y"`` -> 10.0, ``"Spread7y"`` -> 7.0 (also D and W).

    Examples
    --------
    >>> tenor_to_years("6m"), tenor_to_years("Spread30y")
    (0.5, 30.0)
    """
    m = _TENOR.match(str(tenor))
    if not m:
        raise InvalidParameterError("tenor", tenor, "like '6M', '5Y' or 'Spread10y'")
    return float(m.group(1)) * _UNIT[m.group(2).lower()]


def percent_to_decimal(values) -> pd.Series:
    """``"0.28%"`` -> 0.0028; blanks -> NaN; numbers without ``%`` are taken as percent too."""
    s = pd.Series(values, dtype="object").astype("string").str.strip().str.rstrip("%")
    s = s.replace("", pd.NA)
    return pd.to_numeric(s, errors="raise").astype(float) / 100.0


def _check(df: pd.DataFrame, source: str) -> pd.DataFrame:
    bad = df[~(np.isfinite(df["spread"]) & (df["spread"] > 0))]
    if len(bad):
        row = bad.iloc[0]
        raise InvalidParameterError(f"spread of {row['name']} at {row['maturity']:g}y in {source}",
                                    row["spread"], "finite and > 0")
    bad = df[~((df["recovery"] >= 0) & (df["recovery"] < 1))]
    if len(bad):
        raise InvalidParameterError(f"recovery of {bad.iloc[0]['name']} in {source}",
                                    bad.iloc[0]["recovery"], "in [0, 1)")
    return df.sort_values(["name", "maturity"], kind="stable").reset_index(drop=True)


def _wide_to_tidy(wide: pd.DataFrame, name_col: str, tenor_cols: list[str], scale: float,
                  extra: list[str]) -> pd.DataFrame:
    long = wide.melt(id_vars=[name_col, *extra], value_vars=tenor_cols, var_name="tenor",
                     value_name="spread").dropna(subset=["spread"])
    long["maturity"] = long["tenor"].map(tenor_to_years)
    long["spread"] = long["spread"].astype(float) * scale
    long = long.rename(columns={name_col: "name"})
    return long[TIDY_COLUMNS + [c for c in long.columns if c not in TIDY_COLUMNS]]


def load_cdx_quotes(path: str | Path | None = None) -> pd.DataFrame:
    """CDX.NA.IG S7 par spreads of 2007-08-01 as a tidy DataFrame (bp converted to decimals).

    Parameters
    ----------
    path : path, optional
        A file in the same format (``Ticker,3Y,5Y,...,Recovery``, spreads in bp); default the
        packaged one. The quote date is read from a ``YYYY-MM-DD`` in the file name (else NaT).

    Returns
    -------
    DataFrame
        ``name, maturity, spread, recovery, tenor, date`` — 500 rows for the packaged file.

    Examples
    --------
    >>> q = load_cdx_quotes(); q.name.nunique(), q.maturity.unique().tolist()
    (125, [3.0, 5.0, 7.0, 10.0])
    """
    src = Path(path) if path is not None else data_path(CDX_FILE)
    wide = pd.read_csv(src)
    if "Ticker" not in wide.columns:
        raise InvalidParameterError(f"{src} has no 'Ticker' column (expected CDX format)")
    tenors = [c for c in wide.columns if _TENOR.match(c)]
    if "Recovery" not in wide.columns:
        wide["Recovery"] = 0.4
    wide = wide.rename(columns={"Recovery": "recovery"})
    df = _wide_to_tidy(wide, "Ticker", tenors, 1e-4, ["recovery"])
    found = _DATE.search(src.name)  # e.g. cdx_na_ig_s7_2007-08-01.csv
    df["date"] = pd.Timestamp(found.group(0)) if found else pd.NaT
    return _check(df, str(src.name))


def load_markit_curves(path: str | Path | None = None) -> pd.DataFrame:
    """Markit-style CDS curves (percent strings -> decimals, ``Spread6m`` .. -> years).

    A ticker quoted in several tiers gets the name ``TICKER_TIER`` (e.g. ``C11_SUBLT2``).

    Returns
    -------
    DataFrame
        ``name, maturity, spread, recovery, tenor, date, ticker, tier, currency, doc_clause,
        rating``.
    """
    src = Path(path) if path is not None else data_path(MARKIT_FILE)
    wide = pd.read_csv(src, dtype=str, keep_default_na=False)
    tenors = [c for c in wide.columns if c.lower().startswith("spread") and _TENOR.match(c)]
    if not tenors or "Ticker" not in wide.columns:
        raise InvalidParameterError(f"{src} is not a Markit-style curve file (no Spread<tenor> "
                                    "or Ticker columns)")
    for c in tenors:
        wide[c] = percent_to_decimal(wide[c]).to_numpy()
    wide["recovery"] = percent_to_decimal(wide["Recovery"]).to_numpy()
    dup = wide["Ticker"].duplicated(keep=False)
    wide["name"] = np.where(dup, wide["Ticker"] + "_" + wide["Tier"], wide["Ticker"])
    wide["date"] = pd.to_datetime(wide["Date"], format="%d-%b-%y")
    wide = wide.rename(columns={"Ticker": "ticker", "Tier": "tier", "Ccy": "currency",
                                "DocClause": "doc_clause", "Rating1y": "rating"})
    extra = ["recovery", "date", "ticker", "tier", "currency", "doc_clause", "rating"]
    df = _wide_to_tidy(wide, "name", tenors, 1.0, extra)
    df["tenor"] = df["tenor"].str.replace("Spread", "", case=False).str.upper()
    return _check(df, str(src.name))


def read_quotes(path: str | Path) -> pd.DataFrame:
    """Read a quote file in any supported format into the tidy layout.

    Formats, detected from the header:

    - tidy: columns ``name, maturity, spread`` (decimals) and optionally ``recovery``,
      ``leverage`` (debt/asset) — one row per quote;
    - CDX: ``Ticker, 3Y, 5Y, ..., Recovery`` with spreads in bp;
    - Markit: ``Ticker, ..., Spread6m, ..., Recovery`` with percent strings.

    A malformed cell raises :class:`InvalidParameterError` naming the file, line, column and
    value (:func:`stochcredit.market.quote_rows.read_quote_rows` reports them row by row instead).
    """
    from .quote_rows import read_quote_rows

    path = Path(path)
    rows, _ = read_quote_rows(path, date_from_name=False)  # every cell checked, line by line
    bad = [r for r in rows if r.error]
    if bad:
        more = f" (and {len(bad) - 1} more bad rows)" if len(bad) > 1 else ""
        raise InvalidParameterError(f"quotes: {bad[0].error}{more}")
    header = pd.read_csv(path, nrows=0).columns
    cols = {c.lower() for c in header}
    if {"name", "maturity", "spread"} <= cols:
        df = pd.read_csv(path)
        df.columns = [c.lower() for c in df.columns]
        if "recovery" not in df.columns:
            df["recovery"] = 0.4
        for c in ("maturity", "spread", "recovery"):
            df[c] = pd.to_numeric(df[c], errors="raise").astype(float)
        df["name"] = df["name"].astype(str)
        bad = df[~(df["maturity"] > 0)]
        if len(bad):
            raise InvalidParameterError(f"maturity of {bad.iloc[0]['name']} in {path.name}",
                                        bad.iloc[0]["maturity"], "> 0 (years)")
        return _check(df, path.name)
    if any(c.startswith("spread") and _TENOR.match(c) for c in cols):
        return load_markit_curves(path)
    if "ticker" in cols:
        return load_cdx_quotes(path)
    raise InvalidParameterError(f"{path.name}: unknown quote format; expected columns "
                                "'name,maturity,spread[,recovery,leverage]', a CDX file "
                                "'Ticker,3Y,5Y,...' or a Markit file 'Ticker,...,Spread5y,...'")


def curves(df: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """``{name: (maturities, spreads, recovery)}`` from a tidy quote frame, in order of names."""
    out = {}
    for name, g in df.groupby("name", sort=False):
        g = g.sort_values("maturity")
        out[str(name)] = (g["maturity"].to_numpy(float), g["spread"].to_numpy(float),
                          float(g["recovery"].iloc[0]))
    return out
