"""How the report shows numbers, tables and warnings, and what every figure panel must have.

Tables: no pandas RangeIndex column, empty cells instead of ``NaN``, whole numbers and short
decimals as they are (``20``, ``0.25``, not ``2.000e+01``), other floats in the section's format;
units belong in the column names. Figures: every panel has axis labels and, when it draws
several series, a legend (:func:`panel_issues` lists what is missing).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["format_value", "panel_issues", "short_warnings", "table_html"]


def _is_short(x: float) -> bool:
    """Exact data such as 20, 0.25 or 1.4: at most 4 decimals and 6 significant digits."""
    return abs(x) < 1e6 and round(x, 4) == x and len(f"{abs(x):.6g}".replace(".", "")
                                                      .lstrip("0")) <= 6


def format_value(x, float_format: str = "{:.6g}", short: bool = False) -> str:
    """One cell: ``""`` for missing values, integers as integers, and floats in
    ``float_format`` unless ``short`` (the whole column is short data, see :func:`_is_short`)."""
    if x is None or (isinstance(x, float | np.floating) and math.isnan(x)) or x is pd.NA:
        return ""
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, int | np.integer):
        return f"{int(x):,}" if abs(int(x)) >= 10_000 else str(int(x))
    if isinstance(x, float | np.floating):
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if short:
            return f"{x:.6g}"
        return float_format.format(x)
    return str(x)


def _column_cells(col: pd.Series, float_format: str) -> list[str]:
    values = col.to_numpy(dtype=object)
    floats = [float(v) for v in values if isinstance(v, float | np.floating) and math.isfinite(v)]
    short = bool(floats) and all(_is_short(v) for v in floats)
    return [format_value(v, float_format, short) for v in values]


def _header(c) -> str:
    if isinstance(c, tuple):
        return " / ".join(_header(x) for x in c)
    if isinstance(c, str) and c.startswith("_index"):
        return ""  # an unnamed index: its values label the rows
    if isinstance(c, float | np.floating):
        return f"{c:g}"
    return str(c)


def table_html(df: pd.DataFrame, float_format: str | Mapping[str, str] = "{:.6g}") -> str:
    """``df`` as an HTML table: the index only when it means something (named or not a
    0..n-1 RangeIndex), cells formatted by :func:`format_value` per column.

    ``float_format`` is one format for every column or ``{column: format}`` with ``"*"`` for
    the others (default ``"{:.6g}"``).
    """
    show = df.copy()
    keep_index = not (isinstance(show.index, pd.RangeIndex) and show.index.name is None)
    if keep_index:
        names = [n if n is not None else "" for n in show.index.names]
        show.index = show.index.set_names([f"_index{i}" if not n else n
                                           for i, n in enumerate(names)])
        show = show.reset_index()
    show.columns = [_header(c) for c in show.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in show.columns)
    rows = []
    formats = (dict(float_format) if isinstance(float_format, Mapping)
               else {"*": float_format})
    default = formats.get("*", "{:.6g}")
    cells = [_column_cells(show[c], formats.get(c, default)) for c in show.columns]
    for i in range(len(show)):
        rows.append("<tr>" + "".join(f"<td>{html.escape(col[i])}</td>" for col in cells)
                    + "</tr>")
    return (f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>")


_FLAT = re.compile(r"flat direction \(s/s_max=([0-9.e+-]+)\): (.*)")


def short_warnings(warnings: list[str] | str, max_names: int = 3) -> str:
    """Identification warnings of a calibration in a few words.

    Flat directions (``"flat direction (s/s_max=1.2e-04): +0.71*V1 -0.70*V2 +0.01*rho"``) are
    counted, with the parameters of largest weight in each (``"1 flat direction (s/s_max
    down to 1e-04) in V1, V2, rho"``); Feller violations and parameters at bounds are kept;
    the parts are joined by ``"; "``.
    """
    items = [w for w in (warnings.split(" | ") if isinstance(warnings, str) else warnings) if w]
    out, ratios, names = [], [], []
    for w in items:
        m = _FLAT.match(w)
        if m:
            ratios.append(float(m.group(1)))
            terms = []
            for t in m.group(2).split():
                coef, _, name = t.partition("*")
                terms.append((abs(float(coef)), name))
            names += [n for _, n in sorted(terms, reverse=True)[:max_names] if n not in names]
        elif w.startswith("Feller condition violated"):
            factors = w.split(":", 1)[1].replace("feller_", "factor ").replace("feller",
                                                                               "the factor")
            out.append(f"Feller violated ({factors.strip()})")
        else:
            out.append(w)
    if ratios:
        n = len(ratios)
        out.insert(0, f"{n} flat direction{'s' if n > 1 else ''} (s/s_max down to "
                      f"{min(ratios):.0e}) in {', '.join(names)}")
    return "; ".join(out)


def _label(ax, which: str) -> str:
    """The axis label, or that of an Axes sharing the axis (``sharey=True`` panels)."""
    own = ax.get_xlabel() if which == "x" else ax.get_ylabel()
    if own:
        return own
    shared = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    for other in shared.get_siblings(ax):
        text = other.get_xlabel() if which == "x" else other.get_ylabel()
        if text:
            return text
    return ""


def panel_issues(fig, name: str) -> list[str]:
    """What a figure's panels lack: axis labels (a label on a panel sharing the axis counts),
    and a legend where series are labelled (colour bars are exempt)."""
    issues = []
    for k, ax in enumerate(fig.axes):
        if ax.get_label() == "<colorbar>" or not ax.get_visible():
            continue
        where = f"{name} panel {k}"
        for which in ("x", "y"):
            if not _label(ax, which):
                issues.append(f"{where}: no {which}-label")
        legend = ax.get_legend() is not None or bool(fig.legends)
        labelled = [t for t in ax.get_legend_handles_labels()[1] if not t.startswith("_")]
        if labelled and not legend:
            issues.append(f"{where}: labelled series but no legend")
    return issues
