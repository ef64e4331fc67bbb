"""Batched ISDA CDS legs on a date grid: many hazard curves priced and re-bootstrapped at once.

A *grid* is a valuation date, a discount curve and a set of hazard pillar days shared by a batch of
``B`` piecewise-flat hazard curves (the rows of an array ``h`` of shape ``(B, n)``; ``h[:, k]``
applies on ``(H_{k-1}, H_k]``, the last extends flat). Every contract is turned once into a table
of integration segments (:class:`LegTable`); its legs on all ``B`` curves are then a few numpy
operations, ``ln Q`` at a segment end being ``-h @ W`` with ``W`` the segment's overlap (years)
with each hazard interval.

The formulas are QuantLib's ``IsdaCdsEngine::calculate`` (ql/pricingengines/credit/
isdacdsengine.cpp), i.e. the ISDA CDS Standard Model (JPMorgan C code ``JpmcdsProtectionLegPV``,
``JpmcdsFeeLegPV``): on a segment ``[t0, t1]`` with ``f̂ = ln P0 − ln P1``, ``ĥ = ln Q0 − ln Q1``,
``x = f̂ + ĥ``

- protection: ``ĥ/x (P0 Q0 − P1 Q1)``,
- accrual on default: ``ĥ/x [(t1 − t0)((P0 Q0 − P1 Q1)/x − P1 Q1) + (t0 − t_s)(P0 Q0 − P1 Q1)]``
  with ``t_s`` the accrual start minus one day (minus half a day more with the half-day bias),

and their Taylor series where ``x < 1e-4`` (``numerical_fix="taylor"``); premium coupons pay
``α P(pay) Q(pay − 1 day)``. The bootstrap solves one pillar at a time on all rows, keeping the
segments before the pillar as constants (:mod:`.kernels` does the Newton steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kernels import rows_value, solve_rows

__all__ = ["Contract", "LegTable", "hazard_overlaps", "bootstrap_batch"]

_TINY = 1e-4  # QuantLib's / ISDA's threshold for the Taylor branch


@dataclass(frozen=True)
class Contract:
    """A dated CDS as integer days from the valuation date (day 0).

    ``acc_start``/``acc_end``/``pay`` per coupon, ``frac`` the accrual fractions (ACT/360, last
    period + 1 day), ``protection_start`` the first protected day (step-in, T+1 for a spot trade),
    ``maturity`` the protection end, ``rebate`` the accrual rebate per unit coupon (accrued days /
    360), ``settle`` the cash-settlement day (where the upfront and the rebate are paid).
    """

    acc_start: np.ndarray
    acc_end: np.ndarray
    pay: np.ndarray
    frac: np.ndarray
    protection_start: int
    maturity: int
    rebate: float
    settle: int


def hazard_overlaps(days: np.ndarray, pillars: np.ndarray) -> np.ndarray:
    """``W[i, k]``: years in ``(0, days[i]] ∩ (H_{k-1}, H_k]`` (the last interval unbounded)."""
    left = np.concatenate(([0.0], pillars[:-1].astype(float)))
    right = np.concatenate((pillars[:-1].astype(float), [np.inf]))
    d = np.asarray(days, dtype=float)[:, None]
    return np.clip(np.minimum(d, right) - left, 0.0, None) / 365.0


@dataclass(frozen=True)
class _Segments:
    wa: np.ndarray   # (S, n) overlaps at segment starts
    dw: np.ndarray   # (S, n) overlaps of the segments themselves
    p0: np.ndarray
    p1: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    ts: np.ndarray


def _segments(lo: np.ndarray, hi: np.ndarray, tstart: np.ndarray, nodes: np.ndarray,
              pillars: np.ndarray, discount, split: bool = True) -> _Segments:
    """Segments ``[lo_i, n_1], [n_1, n_2], ..., [n_m, hi_i]`` over the nodes strictly inside."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if split:
        i0 = np.searchsorted(nodes, lo, side="right")
        inner = np.maximum(np.searchsorted(nodes, hi, side="left") - i0, 0)
    else:
        i0 = np.zeros(lo.size, dtype=int)
        inner = np.zeros(lo.size, dtype=int)
    k = inner + 1
    cid = np.repeat(np.arange(lo.size), k)
    pos = np.arange(cid.size) - np.repeat(np.cumsum(k) - k, k)
    a = np.where(pos == 0, lo[cid], np.take(nodes, i0[cid] + pos - 1, mode="clip"))
    b = np.where(pos == k[cid] - 1, hi[cid], np.take(nodes, i0[cid] + pos, mode="clip"))
    wa, wb = hazard_overlaps(a, pillars), hazard_overlaps(b, pillars)
    t0, t1 = a / 365.0, b / 365.0
    return _Segments(wa, wb - wa, np.asarray(discount.discount(np.maximum(t0, 0.0))),
                     np.asarray(discount.discount(np.maximum(t1, 0.0))), t0, t1,
                     np.asarray(tstart, dtype=float)[cid])


@dataclass(frozen=True)
class LegTable:
    """A contract's integration segments on a grid (see the module docstring)."""

    prot: _Segments
    accr: _Segments
    frac: np.ndarray      # premium coupons still to pay
    p_pay: np.ndarray
    w_pay: np.ndarray     # (C, n) overlaps at pay - 1
    rebate_pv: float      # rebate per unit coupon times P(settle)
    p_settle: float
    n_pillars: int

    @classmethod
    def build(cls, c: Contract, discount, pillars: np.ndarray, nodes: np.ndarray,
              accrual_bias: str = "half_day", forwards: str = "piecewise") -> LegTable:
        e, m = int(c.protection_start), int(c.maturity)
        prot = _segments(np.array([e - 1]), np.array([m]), np.zeros(1), nodes, pillars, discount)
        on = c.acc_end > e
        bias = 0.5 if accrual_bias == "half_day" else 0.0
        accr = _segments(np.maximum(c.acc_start[on], e) - 1, c.pay[on] - 1,
                         (c.acc_start[on] - 1 - bias) / 365.0, nodes, pillars, discount,
                         split=forwards == "piecewise")
        live = c.pay > e
        pay = c.pay[live]
        p_settle = float(discount.discount(max(c.settle, 0) / 365.0))
        return cls(prot, accr, np.asarray(c.frac, dtype=float)[live],
                   np.asarray(discount.discount(pay / 365.0)),
                   hazard_overlaps(pay - 1, pillars), c.rebate * p_settle, p_settle,
                   len(pillars))

    def legs(self, h: np.ndarray, numerical_fix: str = "taylor") -> tuple[np.ndarray, np.ndarray]:
        """``(protection, annuity)`` per unit notional on each row of ``h`` (shape ``(B, n)``).

        ``protection`` excludes ``1 − R``; ``annuity`` is the full premium leg per unit coupon
        (coupons plus accrual on default, before the rebate).
        """
        prot = _protection(h, self.prot, numerical_fix)
        acc = _accrual(h, self.accr, numerical_fix)
        prem = np.exp(-(h @ self.w_pay.T)) @ (self.frac * self.p_pay)
        return prot, prem + acc * (365.0 / 360.0)


def _pieces(h: np.ndarray, s: _Segments):
    q0 = np.exp(-(h @ s.wa.T))
    hh = h @ s.dw.T
    x = np.log(s.p0) - np.log(s.p1) + hh
    return hh, x, s.p0 * q0, s.p1 * q0 * np.exp(-hh)


def _protection(h: np.ndarray, s: _Segments, fix: str) -> np.ndarray:
    if s.p0.size == 0:
        return np.zeros(h.shape[0], dtype=h.dtype)
    return _combine(*_pieces(h, s), s, False, fix)


def _accrual(h: np.ndarray, s: _Segments, fix: str) -> np.ndarray:
    if s.p0.size == 0:
        return np.zeros(h.shape[0], dtype=h.dtype)
    return _combine(*_pieces(h, s), s, True, fix)


def _split(s: _Segments, j: int) -> tuple[_Segments, _Segments]:
    live = (s.wa[:, j] > 0) | (s.dw[:, j] > 0)
    part = lambda m: _Segments(*(getattr(s, f)[m] for f in  # noqa: E731
                                 ("wa", "dw", "p0", "p1", "t0", "t1", "ts")))
    return part(~live), part(live)


def _partial(h: np.ndarray, s: _Segments, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Row constants of the live segments: ``ln Q0 = c0 − x a``, ``ĥ = k + x d`` (``x = h_j``)."""
    return (np.ascontiguousarray(-(h[:, :j] @ s.wa[:, :j].T)),
            np.ascontiguousarray(h[:, :j] @ s.dw[:, :j].T))


def _known(h: np.ndarray, s: _Segments, accrual: bool, taylor: bool) -> np.ndarray:
    """Sum of the segments whose hazards are all known (compiled loop, no temporaries)."""
    if s.p0.size == 0:
        return np.zeros(h.shape[0])
    c0 = np.ascontiguousarray(-(h @ s.wa.T))
    k = np.ascontiguousarray(h @ s.dw.T)
    fh = np.log(s.p0) - np.log(s.p1)
    return rows_value(c0, k, fh, *(np.ascontiguousarray(v, dtype=float)
                                   for v in (s.p0, s.p1, s.t0, s.t1, s.ts)), accrual, taylor)


def _columns(s: _Segments, j: int, accrual: bool) -> tuple[np.ndarray, ...]:
    cols = (s.wa[:, j], s.dw[:, j], np.log(s.p0) - np.log(s.p1), s.p0, s.p1)
    if accrual:
        cols += (s.t0, s.t1, s.ts)
    return tuple(np.ascontiguousarray(c, dtype=float) for c in cols)


def _combine(hh, x, pq0, pq1, s: _Segments, accrual: bool, fix: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if fix == "taylor":
            x2 = x * x
            small = x.real < _TINY
            xs = np.where(small, 1.0, x)
            if accrual:
                dt, lag = s.t1 - s.t0, s.t0 - s.ts
                series = hh * pq0 * (lag * (1.0 - 0.5 * x + x2 / 6.0 - x2 * x / 24.0)
                                     + dt * (0.5 - x / 3.0 + x2 / 8.0 - x2 * x / 30.0))
                exact = hh / xs * (dt * ((pq0 - pq1) / xs - pq1) + lag * (pq0 - pq1))
            else:
                series = pq0 * hh * (1.0 - 0.5 * x + x2 / 6.0 - x2 * x / 24.0
                                     + x2 * x2 / 120.0)
                exact = hh / xs * (pq0 - pq1)
            val = np.where(small, series, exact)
        else:
            xn = x + 1e-50
            if accrual:
                dt, lag = s.t1 - s.t0, s.t0 - s.ts
                val = hh / xn * (dt * ((pq0 - pq1) / xn - pq1) + lag * (pq0 - pq1))
            else:
                val = hh / xn * (pq0 - pq1)
    return val.sum(axis=1)


def bootstrap_batch(tables: list[LegTable], running: np.ndarray, target: np.ndarray,
                    lgd: np.ndarray, hazards: np.ndarray, first: np.ndarray | int = 0,
                    numerical_fix: str = "taylor", arbitrage: str = "fail",
                    tenors: tuple[str, ...] | None = None, tol: float = 1e-15,
                    max_iter: int = 50, quotes: np.ndarray | None = None) -> np.ndarray:
    """Solve, on each row ``b`` of ``hazards`` (modified in place), pillars ``first[b], ...``.

    Quote ``j`` is met when ``lgd·prot_j − running_j·annuity_j + target_j = 0`` per unit notional
    (``running``/``target``: shape ``(B, n)``): a par spread ``s`` has ``running = s`` and
    ``target = s·rebate_pv``; a clean upfront ``U`` with coupon ``c`` has ``running = c`` and
    ``target = c·rebate_pv − U·P(settle)`` (QuantLib's ``SpreadCdsHelper``/``UpfrontCdsHelper``
    with ``fairSpread``/``fairUpfront``). Pillars before ``first[b]`` are kept (a bump of quote
    ``k`` leaves them unchanged). The values in ``hazards`` are the Newton starting points; the
    steps (compiled, :func:`.kernels.solve_rows`, exact derivatives) are at most ``max_iter``;
    a quote that cannot be met raises ``InvalidParameterError`` naming its tenor.
    """
    from ...core.errors import InvalidParameterError

    n = hazards.shape[1]
    first = np.broadcast_to(np.asarray(first), hazards.shape[:1])
    lgd = np.broadcast_to(np.asarray(lgd, dtype=float), hazards.shape[:1])
    for j in range(int(first.min()), n):
        rows = np.flatnonzero(first <= j)
        h = hazards[rows]
        t = tables[j]
        name = tenors[j] if tenors else str(j)
        fixed_p, live_p = _split(t.prot, j)
        fixed_a, live_a = _split(t.accr, j)
        lw = t.w_pay[:, j] > 0
        run, tgt, lg = running[rows, j], target[rows, j], lgd[rows]
        taylor = numerical_fix == "taylor"
        const = (lg * _known(h, fixed_p, False, taylor)
                 - run * (np.exp(-(h @ t.w_pay[~lw].T)) @ (t.frac * t.p_pay)[~lw]
                          + _known(h, fixed_a, True, taylor) * (365.0 / 360.0)) + tgt)
        pc0, pk = _partial(h, live_p, j)
        ac0, ak = _partial(h, live_a, j)
        mc0 = np.ascontiguousarray(-(h[:, :j] @ t.w_pay[lw, :j].T))
        x, ok = solve_rows(
            np.ascontiguousarray(h[:, j]), const, np.ascontiguousarray(run),
            np.ascontiguousarray(lg), pc0, pk, *_columns(live_p, j, False), ac0, ak,
            *_columns(live_a, j, True), mc0, np.ascontiguousarray(t.w_pay[lw, j]),
            np.ascontiguousarray((t.frac * t.p_pay)[lw]), taylor, tol, max_iter)
        if not (ok.all() and np.isfinite(x).all()):
            bad = int(np.flatnonzero(~(ok & np.isfinite(x)))[0])
            shown = run if quotes is None else quotes[rows, j]
            raise InvalidParameterError(f"quotes[{name}]", float(shown[bad]),
                                        "a quote the hazard bootstrap can meet",
                                        reason=f"no convergence in {max_iter} Newton steps")
        neg = x < 0
        if neg.any():
            if arbitrage == "fail":
                shown = run if quotes is None else quotes[rows, j]
                raise InvalidParameterError(
                    f"quotes[{name}]", float(shown[np.flatnonzero(neg)[0]]),
                    "quotes implying a non-negative forward hazard",
                    reason=f"the {name} quote implies hazard {x[neg][0]:.3g} < 0; "
                           "pass arbitrage='zero_hazard' or 'ignore'")
            if arbitrage == "zero_hazard":
                x = np.where(neg, 0.0, x)
        hazards[rows, j] = x
    return hazards


def curve_grid(discount, credit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pillars, hazards, nodes)`` in days of a piecewise-flat ``credit`` curve (HazardCurve,
    FlatHazardCurve, an ISDA credit curve) on a piecewise-flat ``discount`` curve."""
    from ...core.errors import InvalidParameterError

    for name, curve in (("discount", discount), ("credit", credit)):
        if not hasattr(curve, "piecewise_flat"):
            kind = "forward rates" if name == "discount" else "hazard rates"
            raise InvalidParameterError(
                name, type(curve).__name__, f"a curve with piecewise-flat {kind}",
                reason="the ISDA engine integrates exactly between curve nodes")
    haz = credit.piecewise_flat

    def days(knots: np.ndarray) -> np.ndarray:
        d = np.asarray(knots, dtype=float)[np.isfinite(knots)] * 365.0
        return np.where(np.abs(d - np.round(d)) < 1e-7, np.round(d), d)

    pillars = days(haz.knots)
    if pillars.size < haz.rates.size:  # a flat curve: one unbounded interval
        pillars = np.append(pillars, 1e12)
    nodes = np.union1d(np.union1d(days(discount.piecewise_flat.knots), pillars[pillars < 1e12]),
                       [0.0])
    return pillars, np.asarray(haz.rates, dtype=float)[None, :], nodes


def contract_legs(contract: Contract, discount, credit, accrual_bias: str = "half_day",
                  forwards: str = "piecewise", numerical_fix: str = "taylor"
                  ) -> tuple[float, float, LegTable]:
    """``(protection, annuity, table)`` of a contract on a discount and a credit curve, per unit
    notional (``protection`` without ``1 − R``; ``annuity`` the full premium leg per unit
    coupon)."""
    pillars, h, nodes = curve_grid(discount, credit)
    table = LegTable.build(contract, discount, pillars, nodes, accrual_bias, forwards)
    prot, ann = table.legs(h, numerical_fix)
    return float(prot[0]), float(ann[0]), table
