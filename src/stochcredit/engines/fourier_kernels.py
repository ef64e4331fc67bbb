"""Compiled (numba) kernels of the Fourier engine for the Heston family of dynamics.

Same mathematics and quadrature rules as :mod:`stochcredit.engines.fourier` (Lewis contour,
Black-Scholes control variate, decay scan, two Gauss-Legendre panels), but fused per
(parameter set, maturity): the characteristic function (H-1, stable form, summed over factors)
is evaluated scalar by scalar, each entry gets exactly the node count it needs (no common
maximum), and the strike sum is a plain loop. Used automatically for every dynamics object that
offers the contract's compiled-kernel hook ``heston_factors()`` (a tuple of
``(v0, kappa, theta, sigma, rho)`` factors whose log-CFs add up; see
:class:`stochcredit.core.protocols.HestonFactorKernel`); other dynamics take the numpy path.
"""

from __future__ import annotations

import cmath
import math

import numpy as np

try:  # numba is a dependency, but keep the engine importable without a compiler
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

__all__ = ["AVAILABLE", "affine_factors", "plan_nodes", "fill_integrand", "phase_sums"]

AVAILABLE = njit is not None


def affine_factors(dynamics, cf_shape):
    """``(5, E, J)`` array (v0, kappa, theta, sigma, rho) of the dynamics broadcast to
    ``cf_shape`` (``E`` entries, ``J`` factors), or ``None`` when the dynamics does not offer the
    ``heston_factors()`` hook (or returns ``None`` from it)."""
    hook = getattr(dynamics, "heston_factors", None)
    factors = hook() if callable(hook) else None
    if not factors:
        return None
    size = 1
    for n in cf_shape:
        size *= n
    if all(np.ndim(p) == 0 for f in factors for p in f):
        table = np.array(factors, dtype=float).T              # (5, J)
        return np.ascontiguousarray(np.broadcast_to(table[:, None, :], (5, size, len(factors))))
    out = np.empty((5, size, len(factors)))
    for j, f in enumerate(factors):
        for k in range(5):
            out[k, :, j] = np.broadcast_to(np.asarray(f[k], dtype=float), cf_shape).ravel()
    return out


def _log_cf(u, t, v0, kappa, theta, sigma, rho):  # pragma: no cover - compiled
    """Sum over factors of the stable Heston log-CF (H-1) at one complex u."""
    total = 0j
    iu = 1j * u
    q = iu + u * u
    for j in range(v0.shape[0]):
        beta = kappa[j] - rho[j] * sigma[j] * iu
        # beta^2 + sigma^2 q expanded: no cancellation of the u^2 terms as |rho| -> 1
        d = cmath.sqrt(kappa[j] * kappa[j] + sigma[j] * sigma[j] * (1.0 - rho[j] * rho[j]) * (u * u)
                       + sigma[j] * (sigma[j] - 2.0 * kappa[j] * rho[j]) * iu)
        bpd = beta + d
        q_over_bpd = q / bpd
        e = cmath.exp(-d * t)
        one_minus_e = 1.0 - e if abs(d * t) > 1e-5 else d * t * (1.0 - 0.5 * d * t)
        bmd = -(sigma[j] * sigma[j]) * q_over_bpd
        dd = -q * one_minus_e / (bpd - bmd * e)
        ome_over_d = t if d == 0 else one_minus_e / d
        x = bmd * ome_over_d / 2.0
        if abs(x) < 1e-8:
            l1 = 1.0 - x / 2.0
        else:
            xr, xi = x.real, x.imag
            l1 = complex(0.5 * math.log1p(xr * (2.0 + xr) + xi * xi), math.atan2(xi, 1.0 + xr)) / x
        cc = -(kappa[j] * q_over_bpd) * (t - ome_over_d * l1)
        total += cc * theta[j] + dd * v0[j]
    return total


def _plan(t, w, xmax, v0, kappa, theta, sigma, rho, power, shift, tol_log, n_base,
          rate_nodes, rate_tail, sizes, max_sub, u_out, n_out):  # pragma: no cover - compiled
    """Pass 1: cut-off, panels and node counts per entry (``u_out[e] = (U1, U)``)."""
    for e in range(t.shape[0]):
        if w[e] <= 0.0:
            u_out[e, 0] = 0.0
            u_out[e, 1] = 0.0
            for i in range(4):
                n_out[e, i] = 0
            continue
        c = 1.0 / math.sqrt(max(w[e], 1e-14))
        last = -1
        quiet = 0
        prev_u, prev_p, cur_u, cur_p = 0.0, 0.0, 0.0, 0.0
        lo_u, lo_p, hi_u, hi_p = 0.0, 0.0, 0.0, 0.0
        for k in range(64):
            u = c * 2.0 ** (k / 2.0 - 2.0)
            lc = _log_cf(complex(u, shift), t[e], v0[e], kappa[e], theta[e], sigma[e], rho[e])
            cur_u, cur_p = u, lc.imag
            if lc.real - power * math.log(max(u, 1.0)) > tol_log:
                last = k
                lo_u, lo_p, hi_u, hi_p = prev_u, prev_p, cur_u, cur_p
                quiet = 0
            else:
                quiet += 1
                if quiet >= 3:
                    break
            prev_u, prev_p = cur_u, cur_p
        upper = c * 2.0 ** ((min(last + 1, 63)) / 2.0 - 2.0)
        upper = max(upper, 4.0 * c)
        slope = abs(hi_p - lo_p) / (hi_u - lo_u) if hi_u > lo_u else 0.0
        u1 = min(upper, 9.0 * c)
        need_a = rate_nodes * xmax[e] * u1 + 24.0
        need_b = rate_tail * (xmax[e] + slope) * (upper - u1) + 16.0
        u_out[e, 0] = u1
        u_out[e, 1] = upper
        for p in range(2):
            need = need_a if p == 0 else need_b
            base = n_base if p == 0 else max(n_base // 3, 8)
            n, k = base, 1
            if need > base:
                k = min(int(math.ceil(need / sizes[-1])), max_sub)
                per = need / k
                n = sizes[-1]
                for s in sizes:
                    if s >= per:
                        n = s
                        break
            n_out[e, 2 * p] = n
            n_out[e, 2 * p + 1] = k


def _fill(t, w, v0, kappa, theta, sigma, rho, price, panels, counts, offsets, node_y, node_w,
          node_off, u_buf, g_buf):  # pragma: no cover - compiled
    """Pass 2: nodes ``u`` and integrand weights ``g`` (control-variate difference included)."""
    for e in range(t.shape[0]):
        pos = offsets[e]
        for p in range(2):
            n = counts[e, 2 * p]
            n_sub = counts[e, 2 * p + 1]
            if n == 0:
                continue
            a = 0.0 if p == 0 else panels[e, 0]
            b = panels[e, 0] if p == 0 else panels[e, 1]
            width = (b - a) / n_sub
            start = node_off[n]
            for j in range(n_sub * n):
                sub, k = j // n, j % n
                u = a + width * (sub + node_y[start + k])
                du = width * node_w[start + k]
                lc = _log_cf(complex(u, -0.5), t[e], v0[e], kappa[e], theta[e], sigma[e], rho[e])
                diff = cmath.exp(lc) - math.exp(-0.5 * w[e] * (u * u + 0.25))
                if price:
                    g = diff * du / (u * u + 0.25)
                else:
                    g = diff * du / complex(0.5, u)
                u_buf[pos] = u
                g_buf[pos] = g
                pos += 1


def _direct(xo, lo, hi, u_buf, g_buf):  # pragma: no cover - compiled
    s = 0.0
    for k in range(lo, hi):
        arg = u_buf[k] * xo
        g = g_buf[k]
        s += math.cos(arg) * g.real - math.sin(arg) * g.imag
    return s


def _phase(x, idx, offsets, u_buf, g_buf, out):  # pragma: no cover - compiled
    """Pass 3: ``out[o] = sum_k Re[e^{i u_k x_o} g_k]`` over the nodes of entry ``idx[o]``.

    The sum is a band-limited (entire) function of ``x`` with frequencies ``<= U`` (the largest
    node carrying weight above 1e-17 of the largest weight). When an entry has many strikes, it
    is evaluated exactly at ``m = U h + 40``
    Chebyshev points of the strikes' range ``[mid - h, mid + h]`` and interpolated (Chebyshev
    coefficients of such a function decay like Bessel ``J_n(U h)``, i.e. below 1e-16 for
    ``n > U h + 40``); otherwise it is summed directly.
    """
    n_entries = offsets.shape[0] - 1
    lo_x = np.full(n_entries, np.inf)
    hi_x = np.full(n_entries, -np.inf)
    count = np.zeros(n_entries, dtype=np.int64)
    for o in range(x.shape[0]):
        e = idx[o]
        count[e] += 1
        lo_x[e] = min(lo_x[e], x[o])
        hi_x[e] = max(hi_x[e], x[o])
    m_of = np.zeros(n_entries, dtype=np.int64)
    coef_off = np.zeros(n_entries + 1, dtype=np.int64)
    for e in range(n_entries):
        # effective bandwidth: nodes whose weight is below 1e-17 of the largest cannot move
        # the result (sum of |g| bounds the function) - they do not count towards U
        gmax = 0.0
        for k in range(offsets[e], offsets[e + 1]):
            gmax = max(gmax, abs(g_buf[k]))
        umax = 0.0
        for k in range(offsets[e], offsets[e + 1]):
            if abs(g_buf[k]) > 1e-17 * gmax:
                umax = max(umax, u_buf[k])
        h = 0.5 * (hi_x[e] - lo_x[e])
        m = int(umax * h) + 40
        if h > 0.0 and 2 * m < count[e]:
            m_of[e] = m
        coef_off[e + 1] = coef_off[e] + m_of[e]
    coef = np.zeros(coef_off[-1])
    for e in range(n_entries):
        m = m_of[e]
        if m == 0:
            continue
        mid = 0.5 * (hi_x[e] + lo_x[e])
        h = 0.5 * (hi_x[e] - lo_x[e])
        f = np.empty(m)
        tj = np.empty(m)
        for j in range(m):
            tj[j] = math.cos(math.pi * (j + 0.5) / m)
            f[j] = _direct(mid + h * tj[j], offsets[e], offsets[e + 1], u_buf, g_buf)
        c0 = coef_off[e]
        # a_n = (2/m) sum_j f_j T_n(t_j), T_n by the three-term recurrence
        t_prev = np.ones(m)
        t_cur = tj.copy()
        s0 = 0.0
        for j in range(m):
            s0 += f[j]
        coef[c0] = s0 / m
        if m > 1:
            s1 = 0.0
            for j in range(m):
                s1 += f[j] * t_cur[j]
            coef[c0 + 1] = 2.0 * s1 / m
        for n in range(2, m):
            sn = 0.0
            for j in range(m):
                t_next = 2.0 * tj[j] * t_cur[j] - t_prev[j]
                t_prev[j] = t_cur[j]
                t_cur[j] = t_next
                sn += f[j] * t_next
            coef[c0 + n] = 2.0 * sn / m
    for o in range(x.shape[0]):
        e = idx[o]
        m = m_of[e]
        if m == 0:
            out[o] = _direct(x[o], offsets[e], offsets[e + 1], u_buf, g_buf)
            continue
        mid = 0.5 * (hi_x[e] + lo_x[e])
        h = 0.5 * (hi_x[e] - lo_x[e])
        t = (x[o] - mid) / h
        c0 = coef_off[e]
        b1 = 0.0
        b2 = 0.0
        for n in range(m - 1, 0, -1):
            b0 = 2.0 * t * b1 - b2 + coef[c0 + n]
            b2 = b1
            b1 = b0
        out[o] = t * b1 - b2 + coef[c0]


if AVAILABLE:
    _log_cf = njit(cache=True, fastmath=False)(_log_cf)
    _direct = njit(cache=True)(_direct)
    plan_nodes = njit(cache=True)(_plan)
    fill_integrand = njit(cache=True)(_fill)
    phase_sums = njit(cache=True)(_phase)
else:  # pragma: no cover
    plan_nodes = fill_integrand = phase_sums = None
