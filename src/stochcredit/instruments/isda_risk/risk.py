"""Risk of dated ISDA CDS (and portfolios of them) by re-bootstrapping from the quotes.

Every measure is *rebuild and reprice*: the quotes (or rates) are bumped, the ISDA credit curve
(piecewise-flat hazard, pillars at each quote's Following-adjusted maturity + 1 day, as QuantLib's
``CdsHelper`` with the ISDA model) and, for IR01, the ISDA discount curve are bootstrapped again,
and the contract is priced with the ISDA Standard Model engine (QuantLib ``IsdaCdsEngine``
defaults: half-day accrual bias, piecewise forwards in a coupon period, Taylor fix). Values are the
contract's mark-to-market ``npv`` (the buyer's value, QuantLib's convention; ``side="sell"``
flips it), in currency. With ``V`` the value on the base curves:

- ``cs01``: ``V(all quotes + spread_bump) − V``; ``bucketed_cs01[k]``: only quote ``k`` bumped
  (one bucket per quoted tenor). Upfront quotes are bumped through their flat-hazard quoted spread
  (the market's converter): quoted spread + ``spread_bump``, back to points upfront, re-bootstrap.
- ``ir01``: all deposit and swap rates + ``rate_bump``; ``ir01_by_instrument``: one at a time.
- ``recovery01``: ``V`` with recovery + ``recovery_bump`` for the curve and the contract (the
  curve re-bootstrapped from the same quotes) minus ``V``.
- ``jtd`` (jump to default): ``side·N·(1 − R) − V``, the change in value if the name defaulted
  now (protection paid at once; accrued premium not counted).
- ``theta``: value one calendar day later minus ``V``: the same contract (maturity, coupon) struck
  at ``trade_date + 1``, on curves re-bootstrapped at that date from unchanged quotes and rates
  (the quote contracts roll to that date's standard maturities; a coupon paid on the new date
  leaves the value, it is not added back).

The bootstrap of all names and scenarios runs as one batch on a common date grid (see
:mod:`.grid`): a bump of quote ``k`` leaves the pillars before ``k`` unchanged, so only pillars
``k, k+1, ...`` are solved again, from the base hazards.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...core.errors import InvalidParameterError
from ...core.validation import choice, in_range
from ...market.calendars import Calendar, to_date
from ...market.tenors import parse_tenor
from .contracts import contract_of, pillar_day, quote_contract, restruck
from .grid import Contract, LegTable, bootstrap_batch

__all__ = ["cds_risk", "CDSRisk", "CreditQuotes"]

MEASURES = ("cs01", "bucketed_cs01", "ir01", "recovery01", "jtd", "theta")


@dataclass(frozen=True, eq=False)
class CreditQuotes:
    """The market quotes of one or more credit curves on one trade date.

    Parameters
    ----------
    tenors : sequence of str
        Quoted tenors, e.g. ``("6M", "1Y", "3Y", "5Y", "7Y", "10Y")``, strictly increasing.
    quotes : array_like
        Shape ``(n,)`` for one name or ``(names, n)``: par spreads (``quote_type="spread"``) or
        clean points upfront as fractions of notional (``"upfront"``).
    recovery : float or array_like
        Recovery rate of each curve, in ``[0, 1)``.
    quote_type : {"spread", "upfront"}
    coupon : float or array_like, optional
        Running coupon of upfront quotes (required for ``"upfront"``).
    arbitrage : {"fail", "zero_hazard", "ignore"}
        Policy for quotes implying a negative forward hazard (as ``isda_credit_curve``).
    names : sequence of str, optional
        One per row (default ``"0", "1", ...``).
    """

    tenors: tuple[str, ...]
    quotes: np.ndarray
    recovery: Any = 0.4
    quote_type: str = "spread"
    coupon: Any = None
    arbitrage: str = "fail"
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        tenors = tuple(str(t).strip().upper() for t in self.tenors)
        if not tenors:
            raise InvalidParameterError("tenors", self.tenors, "at least one tenor")
        months = []
        for t in tenors:
            n, unit = parse_tenor(t)
            if unit not in ("M", "Y"):
                raise InvalidParameterError("tenors", t, "month or year tenors such as '5Y'")
            months.append(n * 12 if unit == "Y" else n)
        bad = np.flatnonzero(np.diff(months) <= 0)
        if bad.size:
            raise InvalidParameterError(f"tenors[{bad[0] + 1}]", tenors[bad[0] + 1],
                                        f"after {tenors[bad[0]]!r} (increasing, no duplicates)")
        q = np.atleast_2d(np.asarray(self.quotes, dtype=float))
        if q.shape[1] != len(tenors) or q.ndim != 2:
            raise InvalidParameterError("quotes", self.quotes,
                                        f"shape (n,) or (names, n) with n = {len(tenors)}")
        if not np.isfinite(q).all():
            raise InvalidParameterError("quotes", q[~np.isfinite(q)][0], "finite")
        kind = choice("quote_type", self.quote_type, ("spread", "upfront"))
        if kind == "spread" and (q <= 0).any():
            raise InvalidParameterError("quotes", q[q <= 0][0], "par spreads > 0")
        rec = np.broadcast_to(np.asarray(in_range("recovery", self.recovery, 0.0, 1.0,
                                                  hi_open=True), dtype=float), q.shape[:1])
        if kind == "upfront":
            if self.coupon is None:
                raise InvalidParameterError("coupon", None, "a running coupon for upfront quotes")
            cpn = np.broadcast_to(np.asarray(in_range("coupon", self.coupon, 0.0), dtype=float),
                                  q.shape[:1])
        else:
            cpn = None
        names = (tuple(str(i) for i in range(q.shape[0])) if self.names is None
                 else tuple(str(n) for n in self.names))
        if len(names) != q.shape[0]:
            raise InvalidParameterError("names", self.names, f"{q.shape[0]} names, one per row")
        for key, value in (("tenors", tenors), ("quotes", q), ("recovery", rec),
                           ("quote_type", kind), ("coupon", cpn), ("names", names),
                           ("arbitrage", choice("arbitrage", self.arbitrage,
                                                ("fail", "zero_hazard", "ignore")))):
            object.__setattr__(self, key, value)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, **kwargs: Any) -> CreditQuotes:
        """Rows = names (the index), columns = tenors."""
        return cls(tuple(frame.columns), frame.to_numpy(dtype=float),
                   names=tuple(map(str, frame.index)), **kwargs)

    @classmethod
    def of(cls, credit: Any) -> CreditQuotes:
        """From a credit curve that keeps its quotes (``isda_credit_curve``'s result)."""
        if isinstance(credit, CreditQuotes):
            return credit
        try:
            return cls(credit.tenors, credit.quotes, recovery=credit.recovery,
                       quote_type=getattr(credit, "quote_type", "spread"),
                       coupon=getattr(credit, "coupon", None),
                       arbitrage=getattr(credit, "arbitrage", "fail"))
        except AttributeError as exc:
            raise InvalidParameterError(
                "credit", type(credit).__name__,
                "CreditQuotes, a quotes DataFrame or a curve from isda_credit_curve "
                "(risk re-bootstraps from the quotes)") from exc


# --------------------------------------------------------------------------------------------
# grid: one valuation date, one discount curve, the quote contracts of one set of tenors


def _knot_days(curve: Any) -> np.ndarray:
    knots = np.asarray(curve.piecewise_flat.knots, dtype=float)
    days = knots[np.isfinite(knots)] * 365.0
    near = np.abs(days - np.round(days)) < 1e-7
    return np.where(near, np.round(days), days)


@dataclass
class _Grid:
    trade: _dt.date
    discount: Any
    calendar: Calendar
    tenors: tuple[str, ...]
    pillars: np.ndarray
    nodes: np.ndarray
    tables: list[LegTable]
    _cache: dict

    @classmethod
    def build(cls, trade: _dt.date, discount: Any, tenors: tuple[str, ...],
              calendar: Calendar) -> _Grid:
        qc = [quote_contract(trade, t, calendar) for t in tenors]
        pillars = np.array([pillar_day(c, trade, calendar) for c in qc], dtype=float)
        bad = np.flatnonzero(np.diff(pillars) <= 0)
        if bad.size:
            raise InvalidParameterError(f"tenors[{bad[0] + 1}]", tenors[bad[0] + 1],
                                        f"a standard maturity after that of {tenors[bad[0]]!r}")
        nodes = np.union1d(np.union1d(_knot_days(discount), pillars), [0.0])
        tables = [LegTable.build(c, discount, pillars, nodes) for c in qc]
        return cls(trade, discount, calendar, tenors, pillars, nodes, tables, {})

    def table(self, contract: Contract) -> LegTable:
        key = (contract.acc_start.tobytes(), contract.pay.tobytes(), contract.frac.tobytes(),
               contract.protection_start, contract.maturity, contract.rebate, contract.settle)
        if key not in self._cache:
            self._cache[key] = LegTable.build(contract, self.discount, self.pillars, self.nodes)
        return self._cache[key]


def _flat_hazard(grid: _Grid, j: int, running: np.ndarray, target: np.ndarray,
                 lgd: np.ndarray) -> np.ndarray:
    """Flat hazard meeting quote ``j`` (the market's quote converter), one per row."""
    c = quote_contract(grid.trade, grid.tenors[j], grid.calendar)
    big = np.array([1e9])
    t = LegTable.build(c, grid.discount, big, np.union1d(_knot_days(grid.discount), [0.0]))
    upfront = (running * t.rebate_pv - target) / t.p_settle  # 0 for a par-spread quote
    years = max(c.maturity / 365.0, 0.25)
    h = np.maximum((running + upfront / years) / lgd, 1e-4)[:, None].copy()
    bootstrap_batch([t], running[:, None], target[:, None], lgd, h, arbitrage="ignore")
    return h[:, 0], t


def _equations(grid: _Grid, q: CreditQuotes, quotes: np.ndarray, recovery: np.ndarray,
               coupon: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``running``, ``target`` and starting hazards of :func:`bootstrap_batch` for each row."""
    rpv = np.array([t.rebate_pv for t in grid.tables])
    pset = np.array([t.p_settle for t in grid.tables])
    lgd = 1.0 - recovery
    if q.quote_type == "spread":
        running = quotes
        target = quotes * rpv
        start = quotes / lgd[:, None]
    else:
        running = np.array(np.broadcast_to(coupon[:, None], quotes.shape), dtype=float)
        target = running * rpv - quotes * pset
        years = np.maximum(grid.pillars / 365.0, 0.25)
        start = np.maximum((running + quotes / years) / lgd[:, None], 1e-4)
    return running, target, start


def _bootstrap(grid: _Grid, q: CreditQuotes, quotes: np.ndarray, recovery: np.ndarray,
               coupon: np.ndarray | None, start: np.ndarray | None = None,
               first: np.ndarray | int = 0) -> np.ndarray:
    running, target, guess = _equations(grid, q, quotes, recovery, coupon)
    h = guess if start is None else start.copy()
    return bootstrap_batch(grid.tables, running, target, 1.0 - recovery, h, first=first,
                           arbitrage=q.arbitrage, tenors=grid.tenors, quotes=quotes)


def _bumped_upfronts(grid: _Grid, q: CreditQuotes, quotes: np.ndarray, recovery: np.ndarray,
                     coupon: np.ndarray, bump: float, which: np.ndarray) -> np.ndarray:
    """Upfront quotes moved by ``bump`` of their flat-hazard quoted spread (where ``which``)."""
    out = quotes.copy()
    lgd = 1.0 - recovery
    for j in range(quotes.shape[1]):
        rows = np.flatnonzero(which[:, j])
        if rows.size == 0:
            continue
        running, target, _ = _equations(grid, q, quotes[rows], recovery[rows], coupon[rows])
        t = grid.tables[j]
        # quoted spread S: flat hazard at par spread S reproduces the upfront with the coupon
        h, flat = _flat_hazard(grid, j, running[:, j], target[:, j], lgd[rows])
        hc = h[:, None]
        prot, ann = flat.legs(hc)
        spread = lgd[rows] * prot / (ann - t.rebate_pv)
        s2 = spread + bump
        h2, _ = _flat_hazard(grid, j, s2, s2 * t.rebate_pv, lgd[rows])
        prot2, ann2 = flat.legs(h2[:, None])
        c = running[:, j]
        out[rows, j] = (lgd[rows] * prot2 - c * ann2 + c * t.rebate_pv) / t.p_settle
    return out


# --------------------------------------------------------------------------------------------
# contracts


def _contracts(cds: Any) -> tuple[list[Any], tuple[str, ...] | None]:
    if isinstance(cds, Mapping):
        return list(cds.values()), tuple(map(str, cds))
    if isinstance(cds, pd.Series):
        return list(cds.to_numpy()), tuple(map(str, cds.index))
    if isinstance(cds, Sequence) and not isinstance(cds, str):
        return list(cds), None
    return [cds], None


def _value(grid: _Grid, dated: tuple[list[Contract], np.ndarray], h: np.ndarray,
           recovery: np.ndarray, terms: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``npv`` of contract ``i`` on curve row ``i`` (currency, side-signed); ``dated`` = unique
    contracts and the index of each row's, ``terms`` = each row's coupon and signed notional."""
    uniq, idx = dated
    coupon, scale = terms
    out = np.empty(idx.size)
    for u, c in enumerate(uniq):
        rows = np.flatnonzero(idx == u)
        t = grid.table(c)
        prot, ann = t.legs(h[rows])
        out[rows] = ((1.0 - recovery[rows]) * prot
                     - coupon[rows] * (ann - t.rebate_pv)) * scale[rows]
    return out


def _dated(items: list[Any]) -> tuple[list[Contract], np.ndarray]:
    """Unique contract dates and each item's index (a standard schedule is fixed by the trade
    date, maturity and calendar)."""
    keys: dict = {}
    idx = np.empty(len(items), dtype=int)
    uniq = []
    for i, c in enumerate(items):
        key = (type(c), str(c.trade_date), str(c.maturity_date),
               repr(getattr(c, "calendar", None)))
        if key not in keys:
            keys[key] = len(uniq)
            uniq.append(contract_of(c))
        idx[i] = keys[key]
    return uniq, idx


def _terms(items: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([float(c.coupon) for c in items]),
            np.array([_sign(c) * float(c.notional) for c in items]))


def _sign(cds: Any) -> float:
    return -1.0 if str(getattr(cds, "side", "buy")).lower() == "sell" else 1.0


# --------------------------------------------------------------------------------------------
# public entry point


@dataclass(frozen=True, eq=False)
class CDSRisk:
    """Risk of a portfolio of dated CDS (see :func:`cds_risk`); every table is a DataFrame with
    one row per contract, values in currency."""

    summary: pd.DataFrame
    bucketed_cs01: pd.DataFrame
    ir01_by_instrument: pd.DataFrame
    bumps: dict

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: ``contract``, ``measure``, ``bucket``, ``value``."""
        parts = [self.summary.drop(columns=["npv"]).rename_axis("contract").reset_index()
                 .melt(id_vars="contract", var_name="measure").assign(bucket="")]
        for name, table in (("bucketed_cs01", self.bucketed_cs01),
                            ("ir01_by_instrument", self.ir01_by_instrument)):
            if table.shape[1]:
                parts.append(table.rename_axis("contract").reset_index()
                             .melt(id_vars="contract", var_name="bucket").assign(measure=name))
        return pd.concat(parts, ignore_index=True)[["contract", "measure", "bucket", "value"]]

    def total(self) -> pd.Series:
        """Portfolio totals of every additive measure."""
        return pd.concat([self.summary.sum(), self.bucketed_cs01.sum().add_prefix("cs01 "),
                          self.ir01_by_instrument.sum().add_prefix("ir01 ")])


def cds_risk(cds: Any, discount: Any, credit: Any, *, measures: Sequence[str] | None = None,
             spread_bump: float = 1e-4, rate_bump: float = 1e-4, recovery_bump: float = 0.01,
             calendar: Calendar | str | None = None) -> CDSRisk:
    """CS01 (parallel and bucketed), IR01 (parallel and per instrument), recovery sensitivity,
    jump-to-default and 1-day theta of dated CDS, by re-bootstrapping (module docstring).

    Parameters
    ----------
    cds : StandardCDS, sequence or mapping of them
        The contracts (one trade date); contract ``i`` is priced on credit curve ``i`` (or on the
        single curve when ``credit`` has one row). A mapping's keys name the rows.
    discount : IsdaDiscountCurve or discount curve
        From :func:`~stochcredit.isda_discount_curve` (IR01 and theta re-bootstrap it from its
        instruments); any other curve gives no IR01 and is kept as it is for theta.
    credit : CreditQuotes, DataFrame, or a curve from ``isda_credit_curve``
        The quotes the credit curves are bootstrapped from (a DataFrame: rows = names, columns
        = tenors, par spreads, recovery 0.4).
    measures : sequence of str, optional
        Subset of ``("cs01", "bucketed_cs01", "ir01", "recovery01", "jtd", "theta")``.
    spread_bump, rate_bump, recovery_bump : float
        Bump sizes (1 bp, 1 bp, 1 %).
    calendar : Calendar or str, optional
        Business days of the quote contracts (default weekends-only, the Standard Model).

    Returns
    -------
    CDSRisk
        ``summary`` (columns ``npv`` and each measure), ``bucketed_cs01`` (one column per quoted
        tenor), ``ir01_by_instrument`` (one column per rate instrument, e.g. ``"swap 5Y"``).

    Examples
    --------
    A 5Y 100 bp protection buyer on the packaged ISDA USD rates of 2014-10-16:

    >>> import stochcredit as sc
    >>> rates = sc.load_isda_rates("2014-10-16")
    >>> disc = sc.isda_discount_curve("2014-10-16", rates["deposits"], rates["swaps"])
    >>> cds = sc.StandardCDS("2014-10-16", "5Y", 0.01, notional=1e7)
    >>> quotes = sc.CreditQuotes(["1Y", "3Y", "5Y", "7Y", "10Y"],
    ...                          [0.004, 0.0065, 0.0095, 0.011, 0.0125])
    >>> risk = sc.cds_risk(cds, disc, quotes, measures=("cs01", "bucketed_cs01", "jtd", "theta"))
    >>> risk.summary.round(2)  # doctest: +NORMALIZE_WHITESPACE
                   npv     cs01         jtd  theta
    contract
    0        -24689.32  4946.29  6024689.32  12.11
    >>> risk.bucketed_cs01[["1Y", "3Y", "5Y"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
                1Y    3Y       5Y
    contract
    0         1.48  4.94  4941.15
    """
    todo = tuple(MEASURES if measures is None else
                 (choice("measures", m, MEASURES) for m in measures))
    q = credit if isinstance(credit, CreditQuotes) else (
        CreditQuotes.from_frame(credit) if isinstance(credit, pd.DataFrame)
        else CreditQuotes.of(credit))
    items, keys = _contracts(cds)
    if not items:
        raise InvalidParameterError("cds", cds, "at least one contract")
    m = len(items)
    if q.quotes.shape[0] not in (1, m):
        raise InvalidParameterError("credit", f"{q.quotes.shape[0]} curves",
                                    f"1 curve or {m}, one per contract")
    trade = to_date(items[0].trade_date, "trade_date")
    for c in items:
        if to_date(c.trade_date) != trade:
            raise InvalidParameterError("cds", str(c.trade_date),
                                        f"contracts of one trade date ({trade})")
    names = keys or (q.names if q.quotes.shape[0] == m else tuple(map(str, range(m))))
    rows = np.arange(m) if q.quotes.shape[0] == m else np.zeros(m, dtype=int)
    quotes, rec_curve = q.quotes[rows], q.recovery[rows]
    cpn = None if q.coupon is None else q.coupon[rows]
    tile = (lambda a, k: None if a is None else np.tile(a, k))  # noqa: E731
    rec = np.array([float(c.recovery) for c in items])
    cal = calendar if isinstance(calendar, Calendar) else Calendar(calendar)
    grid = _Grid.build(trade, discount, q.tenors, cal)
    dated, terms = _dated(items), _terms(items)
    n = len(q.tenors)

    h0 = _bootstrap(grid, q, quotes, rec_curve, cpn)
    v0 = _value(grid, dated, h0, rec, terms)
    summary = pd.DataFrame({"npv": v0}, index=pd.Index(names, name="contract"))
    buckets = pd.DataFrame(index=summary.index)
    ir_table = pd.DataFrame(index=summary.index)

    def bumped_quotes(mask: np.ndarray) -> np.ndarray:
        if q.quote_type == "spread":
            return quotes + spread_bump * mask
        return _bumped_upfronts(grid, q, quotes, rec_curve, cpn, spread_bump, mask.astype(bool))

    if "cs01" in todo:
        h = _bootstrap(grid, q, bumped_quotes(np.ones(quotes.shape)), rec_curve, cpn, start=h0)
        summary["cs01"] = _value(grid, dated, h, rec, terms) - v0
    if "bucketed_cs01" in todo:
        # all buckets in one batch: row block k bumps quote k and re-solves pillars k, k+1, ...
        eye = np.repeat(np.eye(n)[:, None, :], m, axis=1).reshape(n * m, n)
        big_q = np.tile(quotes, (n, 1))
        if q.quote_type == "spread":
            bq = big_q + spread_bump * eye
        else:
            bq = np.tile(quotes, (n, 1))
            for k in range(n):
                bq[k * m:(k + 1) * m] = bumped_quotes(np.eye(n)[k][None, :].repeat(m, 0))
        h = _bootstrap(grid, q, bq, np.tile(rec_curve, n), tile(cpn, n), start=np.tile(h0, (n, 1)),
                       first=np.repeat(np.arange(n), m))
        vb = _value(grid, (dated[0], np.tile(dated[1], n)), h, np.tile(rec, n),
                    (np.tile(terms[0], n), np.tile(terms[1], n))).reshape(n, m)
        buckets = pd.DataFrame((vb - v0).T, index=summary.index, columns=list(q.tenors))
    if "recovery01" in todo:
        r2 = rec_curve + recovery_bump
        if (r2 >= 1).any() or (rec + recovery_bump >= 1).any():
            raise InvalidParameterError("recovery_bump", recovery_bump,
                                        "a bump keeping every recovery below 1")
        h = _bootstrap(grid, q, quotes, r2, cpn, start=h0)
        summary["recovery01"] = _value(grid, dated, h, rec + recovery_bump, terms) - v0
    if "jtd" in todo:
        summary["jtd"] = terms[1] * (1.0 - rec) - v0
    rebuildable = hasattr(discount, "bumped") and hasattr(discount, "instruments")
    if "ir01" in todo and rebuildable:
        def ir_value(curve: Any) -> np.ndarray:
            g = _Grid.build(trade, curve, q.tenors, cal)
            h = _bootstrap(g, q, quotes, rec_curve, cpn, start=h0)
            return _value(g, dated, h, rec, terms) - v0

        summary["ir01"] = ir_value(discount.bumped(rate_bump))
        for kind, tenor in zip(discount.instruments["kind"], discount.instruments["tenor"],
                               strict=True):
            ir_table[f"{kind} {tenor}"] = ir_value(discount.bumped(rate_bump, tenor=tenor,
                                                                   kind=kind))
    if "theta" in todo:
        nxt = trade + _dt.timedelta(days=1)
        if rebuildable:
            from ...market.isda_discount import isda_discount_curve

            curve = isda_discount_curve(nxt, dict(discount.deposits), dict(discount.swaps),
                                        conventions=discount.conventions)
        else:
            curve = discount
        g = _Grid.build(nxt, curve, q.tenors, cal)
        later = [restruck(c, nxt) for c in items]
        h = _bootstrap(g, q, quotes, rec_curve, cpn, start=h0)
        summary["theta"] = _value(g, _dated(later), h, rec, _terms(later)) - v0
    return CDSRisk(summary, buckets, ir_table,
                   {"spread_bump": spread_bump, "rate_bump": rate_bump,
                    "recovery_bump": recovery_bump})
