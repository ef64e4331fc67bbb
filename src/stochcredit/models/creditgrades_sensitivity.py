"""Closed-form sensitivities of classic CreditGrades (CG-1..CG-4; MODELS_CREDITGRADES.md §A).

The survival ``P(t) = P_GBM(ln d, sigma^2 t + lambda^2)`` and the CDS spread
``c(T) = r (1-R)[1 - P(0) + H(T)] / [P(0) - P(T) e^{-rT} - H(T)]`` are closed forms in
``exp``, ``log``, ``sqrt`` and the normal cdf, with ``sigma = sigma_S_ref S_ref/(S_ref + Lbar D)``,
``V0 = S0 + Lbar D`` and ``d = V0 e^{lambda^2}/(Lbar D)``. They are evaluated here on dual
numbers (:mod:`stochcredit.core.dual`), i.e. differentiated exactly by the chain rule through
the same formulas: CS01-style derivatives with respect to the equity, equity vol, debt per
share, mean recovery, barrier uncertainty, rate and (for the spread) the CDS recovery. For
``|r| < 1e-4`` the spread is CDS-1 with the premium integral by Gauss-Legendre quadrature (as
:meth:`CreditGrades.cds_spread`), differentiated under the same quadrature rule.

When ``reference_equity``/``reference_vol`` were not given they follow ``equity``/
``equity_vol`` (CG-1 then moves the asset vol with them); when given, they are separate keys.
"""

from __future__ import annotations

import numpy as np

from ..core import dual as dl

__all__ = ["survival_gradient", "cds_spread_gradient"]


def _inputs(cg, extra: tuple[str, ...] = ()):
    names = ["equity", "equity_vol", "debt_per_share", "recovery_mean", "barrier_std", "rate"]
    follows_s, follows_v = getattr(cg, "_ref_follows", (True, True))
    if not follows_s:
        names.append("reference_equity")
    if not follows_v:
        names.append("reference_vol")
    names += list(extra)
    vals = [getattr(cg, n) for n in names if n not in extra]
    return names, vals, follows_s, follows_v


def _model(cg, xs, names, follows_s, follows_v):
    p = dict(zip(names, xs, strict=False))
    s_ref = p["equity"] if follows_s else p["reference_equity"]
    v_ref = p["equity_vol"] if follows_v else p["reference_vol"]
    barrier = p["recovery_mean"] * p["debt_per_share"]
    sig = v_ref * s_ref / (s_ref + barrier)
    lam = p["barrier_std"]
    ln_d = dl.log((p["equity"] + barrier) / barrier) + lam * lam
    return sig, lam, ln_d, p["rate"]


def _p_gbm(x0, var):
    sd = dl.sqrt(var)
    return dl.ndtr((x0 - var * 0.5) / sd) - dl.exp(x0 + dl.log_ndtr((-x0 - var * 0.5) / sd))


def _survival(sig, lam, ln_d, t):
    return _p_gbm(ln_d, sig * sig * t + lam * lam)


def survival_gradient(cg, t) -> dict[str, np.ndarray]:
    """``{name: dP(t)/dname}`` (closed form); ``t`` an array of horizons ``>= 0``."""
    names, vals, fs, fv = _inputs(cg)
    xs = dl.variables(*vals)
    sig, lam, ln_d, _ = _model(cg, xs, names, fs, fv)
    t = np.asarray(t, dtype=float)
    live = (t > 0) | (cg.barrier_std > 0)    # P(0) = 1 exactly without barrier uncertainty
    out = np.zeros((len(names),) + t.shape)
    if np.any(live):
        out[:, live] = dl.grad(_survival(sig, lam, ln_d, t[live]), len(names))
    return dict(zip(names, out, strict=True))


def _h(sig, lam, ln_d, r, T):
    """(CG-4) ``H(T) = e^{r xi}[G(T + xi) - G(xi)]``, ``xi = lambda^2/sigma^2``."""
    xi = lam * lam / (sig * sig)
    z = dl.sqrt(0.25 + 2.0 * r / (sig * sig))

    def g(u):
        su = sig * dl.sqrt(u)
        return (dl.exp((z + 0.5) * ln_d) * dl.ndtr(-ln_d / su - z * su)
                + dl.exp((0.5 - z) * ln_d) * dl.ndtr(-ln_d / su + z * su))

    g_xi = g(xi) if dl.value(xi) > 0 else 0.0
    return dl.exp(r * xi) * (g(xi + T) - g_xi)


def cds_spread_gradient(cg, T, recovery: float) -> dict[str, np.ndarray]:
    """``{name: dc(T)/dname}`` for :meth:`CreditGrades.cds_spread` (keys as
    :func:`survival_gradient` plus ``"recovery"``, the CDS recovery)."""
    from .creditgrades import _GL_W, _GL_X

    names, vals, fs, fv = _inputs(cg, ("recovery",))
    xs = dl.variables(*vals, recovery)
    sig, lam, ln_d, r = _model(cg, xs, names, fs, fv)
    rec = xs[-1]
    T = np.asarray(T, dtype=float)
    p0 = _survival(sig, lam, ln_d, np.zeros(())) if cg.barrier_std > 0 else 1.0
    pt = _survival(sig, lam, ln_d, T)
    if abs(cg.rate) >= 1e-4:
        h = _h(sig, lam, ln_d, r, T)
        out = r * (1.0 - rec) * (1.0 - p0 + h) / (p0 - pt * dl.exp(-r * T) - h)
    else:
        edges = np.linspace(0.0, 1.0, 9)
        a, b = edges[:-1], edges[1:]
        nodes = ((a + b)[:, None] / 2.0 + (b - a)[:, None] / 2.0 * _GL_X[None, :]).ravel()
        weights = ((b - a)[:, None] / 2.0 * _GL_W[None, :]).ravel()
        tt = T[..., None] * nodes
        integrand = dl.exp(-r * tt) * _survival(sig, lam, ln_d, tt) * weights
        ann = Dual_sum(integrand) * T
        out = (1.0 - rec) * (1.0 - dl.exp(-r * T) * pt - r * ann) / ann
    return dict(zip(names, dl.grad(out, len(names)), strict=True))


def Dual_sum(x):  # noqa: N802 - sum over the last axis of a Dual
    """Sum of a Dual over its last axis."""
    return dl.Dual(x.value.sum(-1), x.grad.sum(-1))


def _black(f, k, var):
    sd = dl.sqrt(var)
    d1 = (dl.log(f / k) + var * 0.5) / sd
    return f * dl.ndtr(d1) - k * dl.ndtr(d1 - sd)


_EQUITY_NAMES = ("equity", "vol", "debt_per_share", "recovery_mean", "rate", "dividend")


def equity_option_sensitivities(m, strike, T, kind: str) -> dict[str, np.ndarray]:
    """Price, delta, gamma, vega and parameter sensitivities of a
    :class:`~stochcredit.CreditGradesEquity` option under Black-Scholes asset dynamics (SF-3,
    SF-4, SF-6; MODELS_CREDITGRADES.md §B), all in closed form.

    ``C = e^{-qT} [Black(V0, K*, I) - (V0/B) Black(B^2/V0, K*, I)]`` with ``V0 = S0 + L D``,
    ``B = L D``, ``K* = B + K e^{-(r-q)T}``, ``I = sigma^2 T``; the put by the parity with
    default ``P = C - S0 e^{-qT} + K e^{-rT}``. First derivatives come from the chain rule
    (dual numbers); ``gamma = e^{-qT} [phi(d1)/(V0 sqrt I) - B phi(d1')/(V0^2 sqrt I)]`` with
    ``d1'`` at the reflected forward ``B^2/V0``.
    """
    xs = dl.variables(m.equity, m._vol, m.debt_per_share, m.recovery_mean, m.rate, m.dividend)
    s0, vol, dps, rec, r, q = xs
    k, t = (np.asarray(a, dtype=float) for a in np.broadcast_arrays(strike, T))
    b = rec * dps
    v0 = s0 + b
    var = vol * vol * t
    k_star = b + k * dl.exp(-(r - q) * t)
    call = dl.exp(-q * t) * (_black(v0, k_star, var) - (v0 / b) * _black(b * b / v0, k_star, var))
    out = call if kind == "call" else call - s0 * dl.exp(-q * t) + k * dl.exp(-r * t)
    grads = dict(zip(_EQUITY_NAMES, dl.grad(out, len(_EQUITY_NAMES)), strict=True))
    v0_, b_, ks, var_ = (dl.value(a) for a in (v0, b, k_star, var))
    sd = np.sqrt(var_)
    d1 = (np.log(v0_ / ks) + 0.5 * var_) / sd
    d1r = (np.log(b_ * b_ / v0_ / ks) + 0.5 * var_) / sd
    pdf = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
    gamma = np.exp(-m.dividend * t) * (pdf(d1) / (v0_ * sd) - b_ * pdf(d1r) / (v0_ ** 2 * sd))
    res = {"value": dl.value(out), "delta": grads.pop("equity"), "gamma": gamma,
           "vega": grads.pop("vol")}
    res.update(grads)
    return res


def equity_model_survival_gradient(m, T) -> dict[str, np.ndarray]:
    """``{name: d survival(T)/d name}`` of a Black-Scholes :class:`CreditGradesEquity` (SF-5 with
    the CreditGrades time shift): ``P_GBM(ln(V0/B) + lambda^2, sigma^2 T + lambda^2)``."""
    names = ("equity", "vol", "debt_per_share", "recovery_mean", "barrier_std")
    xs = dl.variables(m.equity, m._vol, m.debt_per_share, m.recovery_mean, m.barrier_std)
    s0, vol, dps, rec, lam = xs
    b = rec * dps
    T = np.asarray(T, dtype=float)
    live = (T > 0) | (m.barrier_std > 0)
    out = np.zeros((len(names),) + T.shape)
    if np.any(live):
        p = _p_gbm(dl.log((s0 + b) / b) + lam * lam, vol * vol * T[live] + lam * lam)
        out[:, live] = dl.grad(p, len(names))
    return dict(zip(names, out, strict=True))
