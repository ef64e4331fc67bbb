"""Many ISDA credit curves in one call, from a tidy quote frame or a Markit / CDX / tidy file.

Each name is bootstrapped on its own with :func:`~stochcredit.isda_credit_curve` (par spreads,
recovery of its line) on the discount curve of its currency and trade date. Nothing stops the
run: a bad line of the file (see :mod:`stochcredit.market.isda_quotes`), a name whose quotes
cannot be met, or a name whose currency has no discount curve becomes an *error row* naming the
file and line(s); the other names go on.

Discounting (``discount=``):

- ``None`` (default): the packaged ISDA rate curve of the row's (date, currency) if there is one
  (:func:`~stochcredit.load_isda_rates`: only USD on 2014-10-16), else an error row saying that
  the curve is missing;
- one discount curve for every row (its time origin must be the rows' trade date);
- a mapping ``{currency: curve}`` or ``{(date, currency): curve}``;
- a callable ``(date, currency) -> curve or None``.

Examples
--------
>>> batch = isda_credit_curves(packaged_quote_file("markit"))
>>> batch.summary()
'3 of 5 names bootstrapped; 2 failed (see .errors)'
>>> batch.errors["error"].iloc[0]  # doctest: +ELLIPSIS
'markit_style_cds_curves_2014-10-16.csv, line 5: no discount curve for EUR on 2014-10-16 ...'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from ..market.isda_discount import isda_discount_curve, load_isda_rates, packaged_isda_rate_curves
from ..market.isda_quotes import QUOTE_COLUMNS, packaged_quote_file, read_isda_quotes
from ..market.tenors import parse_tenor

__all__ = ["isda_credit_curves", "IsdaCurveBatch", "packaged_quote_file", "OUTPUT_COLUMNS"]

OUTPUT_COLUMNS = ["file", "line", "name", "date", "currency", "tenor", "spread", "recovery",
                  "maturity_date", "pillar_date", "time", "hazard", "survival", "model_spread",
                  "reprice_error_bp", "status", "error"]


def _months(tenor: str) -> float:
    n, unit = parse_tenor(tenor)
    return n * {"D": 1 / 30.4375, "W": 7 / 30.4375, "M": 1.0, "Y": 12.0}[unit]


@dataclass
class IsdaCurveBatch:
    """The curves of a bulk bootstrap and its tidy frame.

    ``curves``: ``{name: hazard curve}`` of the names that were built; ``frame``: one row per
    quote (``status == "ok"``) and the rows of the names that failed (``status == "error"``,
    ``error`` naming file and line).
    """

    curves: dict[str, Any]
    frame: pd.DataFrame
    discounts: dict[tuple, Any] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> pd.DataFrame:
        """One row per failed line (file, line, name, error)."""
        err = self.frame[self.frame["status"] == "error"]
        return err.drop_duplicates(["file", "line"])[["file", "line", "name", "currency",
                                                      "error"]].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        names = self.frame.drop_duplicates(["file", "line"]) if len(self.frame) else self.frame
        failed = names[names["status"] == "error"]
        n_fail = failed["name"].fillna(failed["line"].astype(str)).nunique()
        total = len(self.curves) + n_fail
        text = f"{len(self.curves)} of {total} names bootstrapped"
        return text + (f"; {n_fail} failed (see .errors)" if n_fail else "")


def _resolver(discount: Any) -> Callable[[_dt.date, str], tuple[Any, str | None]]:
    """``(date, currency) -> (curve or None, reason when None)``."""
    cache: dict[tuple, Any] = {}
    have = ", ".join(f"{c} on {d}" for d, c in packaged_isda_rate_curves())

    def packaged(date: _dt.date, ccy: str):
        key = (date, ccy)
        if key not in cache:
            try:
                cache[key] = isda_discount_curve(date, **load_isda_rates(date, ccy), currency=ccy)
            except InvalidParameterError:
                cache[key] = None
        if cache[key] is None:
            return None, (f"no discount curve for {ccy} on {date} (packaged ISDA rate curves: "
                          f"{have}); pass discount= a curve or {{currency: curve}}")
        return cache[key], None

    if discount is None:
        return packaged
    if callable(discount) and not hasattr(discount, "discount"):
        def call(date, ccy):
            curve = discount(date, ccy)
            return (curve, None) if curve is not None else (
                None, f"no discount curve for {ccy} on {date} (the discount callable gave None)")
        return call
    if isinstance(discount, Mapping):
        def lookup(date, ccy):
            for key in ((date, ccy), (date.isoformat(), ccy), ccy):
                if key in discount:
                    return discount[key], None
            return None, (f"no discount curve for {ccy} on {date} (given for: "
                          f"{', '.join(map(str, discount))})")
        return lookup
    if not hasattr(discount, "discount"):
        raise InvalidParameterError("discount", discount, "a discount curve, a mapping "
                                    "{currency: curve}, a callable or None")
    return lambda date, ccy: (discount, None)


def _fail(quotes: list[dict], message: str) -> list[dict]:
    lines = sorted({int(q["line"]) for q in quotes})
    where = f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(map(str, lines))
    text = f"{quotes[0]['file']}, {where}: {message}"
    return [{**q, "status": "error", "error": text} for q in quotes]


def isda_credit_curves(quotes: pd.DataFrame | str | Path, discount: Any = None, *,
                       trade_date: Any = None, fmt: str = "auto", arbitrage: str = "fail",
                       recovery: float = 0.4, currency: str = "USD") -> IsdaCurveBatch:
    """Bootstrap one ISDA credit curve per name.

    Parameters
    ----------
    quotes : DataFrame or path
        A tidy frame (columns ``name, date, currency, tenor, spread, recovery`` and optionally
        ``file, line, error``, as :func:`~stochcredit.market.isda_quotes.read_isda_quotes`
        returns) or a quote file (Markit, CDX or tidy CSV).
    discount : curve, mapping, callable or None
        See the module docstring.
    trade_date, fmt, recovery, currency
        Passed to the file reader (``trade_date`` is required for CDX files).
    arbitrage : {"fail", "zero_hazard", "ignore"}
        Passed to :func:`~stochcredit.isda_credit_curve`.

    Returns
    -------
    IsdaCurveBatch
        ``.curves`` (name -> hazard curve), ``.frame`` (tidy, one row per quote with its
        pillar, hazard, survival and repricing error, and the error rows), ``.errors``.
    """
    from ..instruments.standard_cds import StandardCDS, price_standard_cds
    from .isda_credit import isda_credit_curve

    if isinstance(quotes, (str, Path)):
        table = read_isda_quotes(quotes, fmt=fmt, trade_date=trade_date, currency=currency,
                                 recovery=recovery)
    elif isinstance(quotes, pd.DataFrame):
        table = quotes.copy()
        missing = {"name", "tenor", "spread"} - set(table.columns)
        if missing:
            raise InvalidParameterError("quotes", sorted(missing),
                                        "a frame with columns name, tenor, spread[, date, "
                                        "currency, recovery]")
        defaults = {"file": "<frame>", "date": trade_date, "currency": currency,
                    "recovery": recovery, "error": ""}
        for col, value in defaults.items():
            if col not in table.columns:
                table[col] = value
        if "line" not in table.columns:
            table["line"] = np.arange(1, len(table) + 1)
        table["error"] = table["error"].fillna("")
        table = table[QUOTE_COLUMNS]
    else:
        raise InvalidParameterError("quotes", type(quotes).__name__, "a DataFrame or a path")

    resolve = _resolver(discount)
    records: list[dict] = []
    curves: dict[str, Any] = {}
    err_mask = (table["error"] != "").to_numpy()
    bad, good = table[err_mask], table[~err_mask]
    # a name with any bad line is not built from its other lines
    bad_lines: dict[str, list[int]] = {}
    for name, line in zip(bad["name"], bad["line"], strict=True):
        if name is not None and not (isinstance(name, float) and np.isnan(name)):
            bad_lines.setdefault(name, []).append(int(line))
    for row in bad.to_dict("records"):
        records.append({**row, "status": "error"})
    groups: dict[str, list[dict]] = {}
    for rec in good.to_dict("records"):
        groups.setdefault(rec["name"], []).append(rec)
    for name, quotes in groups.items():
        quotes.sort(key=lambda r: _months(r["tenor"]))
        if name in bad_lines:
            lines = ", ".join(map(str, sorted(bad_lines[name])))
            records += _fail(quotes, f"name {name!r} has a bad quote on line(s) {lines}")
            continue
        try:
            curve, extra = _build_one(str(name), quotes, resolve, arbitrage, StandardCDS,
                                      price_standard_cds, isda_credit_curve)
        except (InvalidParameterError, ValueError, ArithmeticError) as exc:
            records += _fail(quotes, str(exc))
            continue
        if curve is None:
            records += _fail(quotes, extra)
            continue
        curves[str(name)] = curve
        records += [{**q, **e, "status": "ok"} for q, e in zip(quotes, extra, strict=True)]
    frame = pd.DataFrame(records, columns=OUTPUT_COLUMNS)
    frame = frame.sort_values(["line", "time"], kind="stable",
                              na_position="last").reset_index(drop=True)
    frame["error"] = frame["error"].fillna("")
    return IsdaCurveBatch(curves, frame)


def _build_one(name, quotes, resolve, arbitrage, StandardCDS, price_standard_cds,
               isda_credit_curve):
    """``(curve, per-quote columns)`` of one name, or ``(None, reason)``."""
    for col in ("date", "currency", "recovery"):
        values = {str(q[col]) for q in quotes}
        if len(values) != 1:
            raise InvalidParameterError(f"{col} of {name}", sorted(values),
                                        "one value for all of the name's quotes")
    date = quotes[0]["date"]
    if date is None or (isinstance(date, float) and np.isnan(date)):
        raise InvalidParameterError("date", None, f"a trade date for {name}")
    date = pd.Timestamp(date).date()
    ccy = str(quotes[0]["currency"])
    disc, reason = resolve(date, ccy)
    if disc is None:
        return None, reason
    origin = getattr(disc, "trade_date", None)
    if origin is not None and origin != date:
        raise InvalidParameterError(f"discount curve for {ccy}", origin,
                                    f"a curve dated {date} (the trade date of {name})")
    rec = float(quotes[0]["recovery"])
    tenors = [q["tenor"] for q in quotes]
    spreads = np.array([q["spread"] for q in quotes], dtype=float)
    curve = isda_credit_curve(date, tenors, spreads, disc, recovery=rec, quote_type="spread",
                              arbitrage=arbitrage)
    contracts = [StandardCDS(date, t, coupon=0.01, recovery=rec) for t in tenors]
    model = price_standard_cds(contracts, disc, curve)["par_spread"].to_numpy()
    pillars = getattr(curve, "pillar_dates", None) or [c.maturity_date for c in contracts]
    times = np.array([(d - date).days / 365.0 for d in pillars])
    hazard = np.asarray(curve.hazard(times), dtype=float)
    survival = np.asarray(curve.survival(times), dtype=float)
    extra = [{"maturity_date": c.maturity_date, "pillar_date": d, "time": t, "hazard": h,
              "survival": q, "model_spread": m, "reprice_error_bp": (m - s) * 1e4}
             for c, d, t, h, q, m, s in zip(contracts, pillars, times, hazard, survival, model,
                                            spreads, strict=True)]
    return curve, extra
