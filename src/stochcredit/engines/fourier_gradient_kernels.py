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

from .fourier_kernels import AVAILABLE, njit

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
