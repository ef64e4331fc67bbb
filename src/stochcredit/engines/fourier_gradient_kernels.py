"""Compiled (numba) value-and-gradient kernels of the Lewis integrals for the Heston family.

Same planning as the value kernels (:func:`.fourier_kernels.plan_nodes`, with the probability
integrand's decay ``|phi|/u``), then one fused pass per node: the stable Heston log-CF of every
factor (H-1) with its closed-form derivatives in ``(v0, kappa, theta, sigma, rho)`` (the
forward-mode chain of :mod:`stochcredit.dynamics.heston_gradient`, scalar by scalar), and one
fused phase sum per (strike, maturity) accumulating the price, probability and density
integrals and every parameter's price and probability integrals with one ``cos``/``sin`` per
node.
"""

from __future__ import annotations

import cmath
import math

import numpy as np

from .fourier_kernels import AVAILABLE, njit, plan_nodes

__all__ = ["AVAILABLE", "fill_gradient", "phase_multi"]


def _factor_grad(u, t, v0, kappa, theta, sigma, rho, out, col):  # pragma: no cover - compiled
    """psi of one Heston factor at complex u; writes d psi/d(v0, kappa, theta, sigma, rho) into
    ``out[col:col + 5]``."""
    iu = 1j * u
    q = iu + u * u
    u2 = u * u
    beta = kappa - rho * sigma * iu
    d = cmath.sqrt(kappa * kappa + sigma * sigma * (1.0 - rho * rho) * u2
                   + sigma * (sigma - 2.0 * kappa * rho) * iu)
    bpd = beta + d
    e = cmath.exp(-d * t)
    ome = 1.0 - e if abs(d * t) > 1e-5 else d * t * (1.0 - 0.5 * d * t * (1.0 - d * t / 3.0))
    bmd = -(sigma * sigma) * q / bpd
    den = bpd - bmd * e
    dcoef = -q * ome / den
    ood = ome / d
    x = bmd * ood / 2.0
    if abs(x) < 1e-4:
        lx = 1.0 - x / 2.0 + x * x / 3.0
        dl = -0.5 + 2.0 * x / 3.0 - 0.75 * x * x
    else:
        xr, xi = x.real, x.imag
        lx = complex(0.5 * math.log1p(xr * (2.0 + xr) + xi * xi), math.atan2(xi, 1.0 + xr)) / x
        dl = (1.0 / (1.0 + x) - lx) / x
    big_a = kappa * q / bpd
    big_b = t - ood * lx
    ccoef = -big_a * big_b
    out[col] = dcoef
    out[col + 2] = ccoef
    for k in range(3):    # kappa, sigma, rho
        if k == 0:
            dbeta = 1.0 + 0j
            dd2 = 2.0 * kappa - 2.0 * sigma * rho * iu
        elif k == 1:
            dbeta = -rho * iu
            dd2 = 2.0 * sigma * (1.0 - rho * rho) * u2 + 2.0 * (sigma - kappa * rho) * iu
        else:
            dbeta = -sigma * iu
            dd2 = -2.0 * sigma * sigma * rho * u2 - 2.0 * sigma * kappa * iu
        dd = dd2 / (2.0 * d)
        dbpd = dbeta + dd
        dome = t * e * dd
        dbmd = -bmd * dbpd / bpd
        if k == 1:
            dbmd = dbmd - 2.0 * sigma * q / bpd
        dden = dbpd - dbmd * e + bmd * t * e * dd
        ddcoef = -q * (dome / den - ome * dden / (den * den))
        dood = dome / d - ome * dd / (d * d)
        dx = (dbmd * ood + bmd * dood) / 2.0
        dbig_a = -big_a * dbpd / bpd
        if k == 0:
            dbig_a = dbig_a + q / bpd
        dbig_b = -(dood * lx + ood * dl * dx)
        dccoef = -(dbig_a * big_b + big_a * dbig_b)
        out[col + (1 if k == 0 else k + 2)] = theta * dccoef + v0 * ddcoef
    return ccoef * theta + dcoef * v0


def _fill(t, w, v0, kappa, theta, sigma, rho, panels, counts, offsets, node_y, node_w,
          node_off, u_buf, g_buf):  # pragma: no cover - compiled
    """Per node: ``g_buf[k] = (price, prob, density, d price/dp_0.., d prob/dp_0..)`` weights
    (``5 J`` parameters, factor-major)."""
    n_f = v0.shape[1]
    n_p = 5 * n_f
    grad = np.empty(n_p, dtype=np.complex128)
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
                uc = complex(u, -0.5)
                psi = 0j
                for f in range(n_f):
                    psi += _factor_grad(uc, t[e], v0[e, f], kappa[e, f], theta[e, f],
                                        sigma[e, f], rho[e, f], grad, 5 * f)
                phi = cmath.exp(psi)
                diff = phi - math.exp(-0.5 * w[e] * (u * u + 0.25))
                k_price = du / (u * u + 0.25)
                k_prob = du / complex(0.5, u)
                u_buf[pos] = u
                g_buf[pos, 0] = diff * k_price
                g_buf[pos, 1] = diff * k_prob
                g_buf[pos, 2] = diff * du
                for c in range(n_p):
                    dphi = phi * grad[c]
                    g_buf[pos, 3 + c] = dphi * k_price
                    g_buf[pos, 3 + n_p + c] = dphi * k_prob
                pos += 1


def _phase_multi(x, idx, offsets, u_buf, g_buf, out):  # pragma: no cover - compiled
    """``out[o, c] = sum_k Re[e^{i u_k x_o} g_buf[k, c]]`` over entry ``idx[o]``'s nodes."""
    n_c = g_buf.shape[1]
    for o in range(x.shape[0]):
        e = idx[o]
        for c in range(n_c):
            out[o, c] = 0.0
        for k in range(offsets[e], offsets[e + 1]):
            arg = u_buf[k] * x[o]
            cs, sn = math.cos(arg), math.sin(arg)
            for c in range(n_c):
                g = g_buf[k, c]
                out[o, c] += cs * g.real - sn * g.imag


if AVAILABLE:
    _factor_grad = njit(cache=True)(_factor_grad)
    fill_gradient = njit(cache=True)(_fill)
    phase_multi = njit(cache=True)(_phase_multi)
else:  # pragma: no cover
    fill_gradient = phase_multi = None


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _ndtr(x):  # pragma: no cover - compiled
    return 0.5 * math.erfc(-x * _SQRT_HALF)


def _small(spot, strike, t, rate, dividend, table, n_base, tol_log, rate_nodes, rate_tail,
           sizes, max_sub, node_y, node_w, node_off, out):  # pragma: no cover - compiled
    """Everything of one small problem in one call: ``out[e] = (put, call, Q(S_T < K),
    density, dput/dp (5 J), dQ/dp (5 J))`` per (strike, maturity) entry."""
    n = t.shape[0]
    n_f = table.shape[1]
    full = np.empty((5, n, n_f))
    for c in range(5):
        for e in range(n):
            for j in range(n_f):
                full[c, e, j] = table[c, j]
    v0, kappa, theta, sigma, rho = full[0], full[1], full[2], full[3], full[4]
    w = np.empty(n)
    x = np.empty(n)
    fwd = np.empty(n)
    for e in range(n):
        acc = 0.0
        for j in range(n_f):
            acc += theta[e, j] * t[e] - (v0[e, j] - theta[e, j]) * math.expm1(
                -kappa[e, j] * t[e]) / kappa[e, j]
        w[e] = acc
        fwd[e] = spot * math.exp((rate[e] - dividend) * t[e])
        x[e] = math.log(fwd[e] / strike[e])
    panels = np.empty((n, 2))
    counts = np.empty((n, 4), dtype=np.int64)
    plan_nodes(t, w, np.abs(x), v0, kappa, theta, sigma, rho, 1.0, -0.5, tol_log, n_base,
         rate_nodes, rate_tail, sizes, max_sub, panels, counts)
    offsets = np.zeros(n + 1, dtype=np.int64)
    for e in range(n):
        offsets[e + 1] = offsets[e] + counts[e, 0] * counts[e, 1] + counts[e, 2] * counts[e, 3]
    n_p = 5 * n_f
    u_buf = np.empty(offsets[n])
    g_buf = np.empty((offsets[n], 3 + 2 * n_p), dtype=np.complex128)
    fill_gradient(t, w, v0, kappa, theta, sigma, rho, panels, counts, offsets, node_y, node_w,
                  node_off, u_buf, g_buf)
    sums = np.empty((n, 3 + 2 * n_p))
    phase_multi(x, np.arange(n), offsets, u_buf, g_buf, sums)
    for e in range(n):
        f, k, ww, xe = fwd[e], strike[e], w[e], x[e]
        if ww > 0.0:
            sw = math.sqrt(ww)
            d1 = (xe + 0.5 * ww) / sw
            d2 = d1 - sw
            put = k * _ndtr(-d2) - f * _ndtr(-d1)
            call = f * _ndtr(d1) - k * _ndtr(d2)
            nd = _ndtr(-d2)
            dens_bs = _INV_SQRT_2PI / sw * math.exp(-0.5 * ((-xe + 0.5 * ww) / sw) ** 2)
        else:
            put = max(k - f, 0.0)
            call = max(f - k, 0.0)
            nd = 1.0 if xe < 0.0 else 0.0
            dens_bs = 0.0
        if xe > 0.0:
            call = f - k + put
        if xe < 0.0:
            put = k - f + call
        disc = math.exp(-rate[e] * t[e])
        root_fk = math.sqrt(f * k) / math.pi
        root_fok = math.sqrt(f / k) / math.pi
        out[e, 0] = disc * (max(put, 0.0) - root_fk * sums[e, 0])
        out[e, 1] = disc * (max(call, 0.0) - root_fk * sums[e, 0])
        out[e, 2] = nd - root_fok * sums[e, 1]
        out[e, 3] = dens_bs + math.exp(0.5 * xe) / math.pi * sums[e, 2]
        for c in range(n_p):
            out[e, 4 + c] = -disc * root_fk * sums[e, 3 + c]
            out[e, 4 + n_p + c] = -root_fok * sums[e, 3 + n_p + c]


if AVAILABLE:
    _ndtr = njit(cache=True)(_ndtr)
    small_gradient = njit(cache=True)(_small)
else:  # pragma: no cover
    small_gradient = None
