"""Parameter derivatives of a Wishart marginal's transform (WI-2..WI-4), exact for the scheme.

The transform ``Lhat = exp(-Tr(A(t) Sigma0) - c(t))`` of :func:`.wishart.wishart_integrated_laplace`
is built from the Moebius steps ``A <- (E21 + E22 A)(E11 + E12 A)^{-1}``, ``E = exp(h H)``,
``H = [[-M, 2 Q'Q], [Gamma, M']]``, with ``c = (beta/2)[ln det X(t) + t Tr M]`` (``Omega Omega'
= beta Q'Q``) or ``c = int_0^t Tr(Omega Omega' A)`` (composite Gauss-Legendre). Each step is
differentiated forward (tangent-linear) along every parameter direction ``dH``:

    dE    = upper-right block of exp([[h H, h dH], [0, h H]])       (Van Loan 1978; Najfeld and
                                                                    Havel 1995: Frechet derivative)
    dX    = dE11 + dE12 A + E12 dA,    dY = dE21 + dE22 A + E22 dA
    dA'   = (dY - A' dX) X^{-1},       d ln det X = Tr(X^{-1} dX)

so the derivatives are those of the closed form (the Moebius map is exact) to rounding, not finite
differences. Directions: ``dH = [[-E_kl, 0], [0, E_lk]]`` for ``M_kl``; ``dH = [[0, 2 d(Q'Q)],
[0, 0]]``, ``d(Q'Q) = E_lk Q + Q' E_kl`` for ``Q_kl``; ``Sigma0`` (symmetric pairs), ``beta`` and
``Omega`` enter only the final expression: ``d/dSigma0_ij = -(A_ij + A_ji)`` (``-A_ii`` on the
diagonal), ``d/dbeta = -(ln det X + t Tr M)/2`` and ``d/dOmega_kl = -int Tr((E_kl Omega' + Omega
E_lk) A)``.
"""

from __future__ import annotations

import numpy as np

from .wishart import _blocks, _converged, expm_batch

__all__ = ["wishart_log_laplace_gradient", "wishart_gradient_names"]

_UNDERFLOW = -700.0


def wishart_gradient_names(n: int, beta_form: bool) -> tuple[str, ...]:
    """``sigma0_ij`` (i <= j, symmetric pairs), ``m_ij``, ``q_ij`` and ``beta`` or ``omega_ij``
    (1-based indices, row-major)."""
    idx = [(i, j) for i in range(n) for j in range(n)]
    names = [f"sigma0_{i + 1}{j + 1}" for i, j in idx if i <= j]
    names += [f"m_{i + 1}{j + 1}" for i, j in idx] + [f"q_{i + 1}{j + 1}" for i, j in idx]
    names += ["beta"] if beta_form else [f"omega_{i + 1}{j + 1}" for i, j in idx]
    return tuple(names)


def _unit(n: int, k: int, l_: int) -> np.ndarray:
    e = np.zeros((n, n))
    e[k, l_] = 1.0
    return e


def _frechet(h_mat: np.ndarray, dh: list[np.ndarray], scale: np.ndarray, n: int):
    """``exp(scale H)`` blocks and, per direction, the blocks of its Frechet derivative along
    ``scale dH`` (``dh`` items broadcast to ``(big, 2n, 2n)``)."""
    big = h_mat.shape[0]
    hs = h_mat * scale[:, None, None]
    e = expm_batch(hs)
    out = []
    for d in dh:
        blk = np.zeros((big, 4 * n, 4 * n), dtype=h_mat.dtype)
        blk[:, :2 * n, :2 * n] = hs
        blk[:, 2 * n:, 2 * n:] = hs
        blk[:, :2 * n, 2 * n:] = d * scale[:, None, None]
        out.append(expm_batch(blk)[:, :2 * n, 2 * n:])
    return _blocks(e, n), [_blocks(f, n) for f in out]


def _moebius_tangent(e, de, a, da):
    """One Moebius step and its tangents: ``(A', ln det X, dA', d ln det X)``; ``da`` and the
    tangent blocks carry a direction axis 1."""
    e11, e12, e21, e22 = e
    x = e11 + e12 @ a
    y = e21 + e22 @ a
    xinv = np.linalg.inv(x)
    a_new = y @ xinv
    a_new = 0.5 * (a_new + a_new.transpose(0, 2, 1))
    sign, logabs = np.linalg.slogdet(x)
    ld = logabs + np.log(sign)
    d11, d12, d21, d22 = de
    a_b, xinv_b = a[:, None], xinv[:, None]
    dx = d11 + d12 @ a_b + e12[:, None] @ da
    dy = d21 + d22 @ a_b + e22[:, None] @ da
    da_new = (dy - a_new[:, None] @ dx) @ xinv_b
    da_new = 0.5 * (da_new + da_new.transpose(0, 1, 3, 2))
    dld = np.einsum("kdij,kji->kd", dx, xinv)
    return a_new, ld, da_new, dld


def _stack(blocks):
    """A list over directions of 4-tuples of ``(big, n, n)`` -> 4-tuple of ``(big, D, n, n)``."""
    return tuple(np.stack([b[i] for b in blocks], axis=1) for i in range(4))


def wishart_log_laplace_gradient(index: int, s: np.ndarray, t: np.ndarray, sigma0: np.ndarray,
                                 m: np.ndarray, q: np.ndarray, drift: np.ndarray,
                                 beta: float | None, omega: np.ndarray | None,
                                 growth_per_step: float = 1.0, max_steps: int = 2048
                                 ) -> tuple[np.ndarray, np.ndarray]:
    """``ln E[exp(-s int_0^t Sigma_ii)]`` and its derivatives (leading axis in the order of
    :func:`wishart_gradient_names`) for complex ``s`` (``Re s >= 0``), broadcasting ``s``
    against ``t``; the same steps and balancing as :func:`.wishart.wishart_integrated_laplace`.
    Where the transform underflows (``Re psi < -700``) the derivatives are returned as 0.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _log_laplace_gradient(index, s, t, sigma0, m, q, drift, beta, omega,
                                     growth_per_step, max_steps)


def _log_laplace_gradient(index, s, t, sigma0, m, q, drift, beta, omega, growth_per_step,
                          max_steps):
    s_b, t_b = np.broadcast_arrays(np.asarray(s).astype(complex), np.asarray(t, dtype=float))
    shape = s_b.shape
    s_f, t_f = s_b.ravel(), t_b.ravel()
    n = sigma0.shape[0]
    big = s_f.size
    qtq = q.T @ q
    qnorm = float(np.abs(2.0 * qtq).max())
    bal = np.sqrt(np.maximum(np.abs(s_f), 1e-300) / qnorm) if qnorm > 0 else np.ones(big)
    bal = np.clip(bal, 1e-8, 1e8)
    h_mat = np.zeros((big, 2 * n, 2 * n), dtype=complex)
    h_mat[:, :n, :n] = -m
    h_mat[:, :n, n:] = 2.0 * qtq * bal[:, None, None]
    h_mat[:, n + index, index] = s_f / bal
    h_mat[:, n:, n:] = m.T
    rate = np.abs(np.linalg.eigvals(h_mat)).max(axis=-1)
    growth = t_f * rate
    steps = np.maximum(np.minimum(np.ceil(growth / growth_per_step), max_steps),
                       np.ceil(growth / 30.0))
    steps = np.maximum(1, steps).astype(np.int64)
    h = t_f / steps
    # propagated directions: M_kl then Q_kl
    dh = []
    for k in range(n):
        for l_ in range(n):
            d = np.zeros((2 * n, 2 * n))
            d[:n, :n] = -_unit(n, k, l_)
            d[n:, n:] = _unit(n, l_, k)
            dh.append(np.broadcast_to(d, (big, 2 * n, 2 * n)))
    dqtq = []
    for k in range(n):
        for l_ in range(n):
            dq = _unit(n, k, l_)
            dqtq.append(dq.T @ q + q.T @ dq)
            d = np.zeros((big, 2 * n, 2 * n))
            d[:, :n, n:] = 2.0 * dqtq[-1] * bal[:, None, None]
            dh.append(d)
    n_dir = len(dh)
    e, de = _frechet(h_mat, dh, h, n)
    de = _stack(de)
    gauss = []
    if beta is None:
        nodes, weights = np.polynomial.legendre.leggauss(12)
        for nd, wt in zip(nodes, weights, strict=False):
            f, df = _frechet(h_mat, dh, 0.5 * (nd + 1.0) * h, n)
            gauss.append((0.5 * wt, f, _stack(df)))
        d_drift = [_unit(n, k, l_) @ omega.T + omega @ _unit(n, l_, k)
                   for k in range(n) for l_ in range(n)]
    a = np.zeros((big, n, n), dtype=complex)
    da = np.zeros((big, n_dir, n, n), dtype=complex)
    logdet = np.zeros(big, dtype=complex)
    dlogdet = np.zeros((big, n_dir), dtype=complex)
    c_int = np.zeros(big, dtype=complex)
    dc_int = np.zeros((big, n_dir), dtype=complex)
    dc_om = np.zeros((big, n * n if beta is None else 0), dtype=complex)
    remaining = steps.copy()
    active = np.arange(big)
    # real s > 0 (the image nodes, the Lewis contour Im u = -1/2): Lhat(t) <= exp(-Tr(A(t_k)
    # Sigma0)) with A >= 0 increasing, so an element past e^-800 is dead (as in the value path)
    real = (s_f.imag == 0) & (s_f.real > 0)
    dead = np.zeros(big, dtype=bool)
    sel = lambda blocks, idx: tuple(b[idx] for b in blocks)  # noqa: E731
    while active.size:
        a_old, da_old = a[active], da[active]
        term = np.zeros(active.size, dtype=complex)
        dterm = np.zeros((active.size, n_dir), dtype=complex)
        dterm_om = np.zeros((active.size, dc_om.shape[1]), dtype=complex)
        for wt, f, df in gauss:
            a_mid, _, da_mid, _ = _moebius_tangent(sel(f, active), sel(df, active), a_old, da_old)
            hw = wt * h[active]
            term += hw * np.einsum("ij,kji->k", drift, a_mid)
            dterm += hw[:, None] * np.einsum("ij,kdji->kd", drift, da_mid)
            dterm_om += hw[:, None] * np.stack([np.einsum("ij,kji->k", dd, a_mid)
                                                for dd in d_drift], axis=1)
        a_new, ld, da_new, dld = _moebius_tangent(sel(e, active), sel(de, active), a_old, da_old)
        c_int[active] += term
        dc_int[active] += dterm
        dc_om[active] += dterm_om
        logdet[active] += ld
        dlogdet[active] += dld
        remaining[active] -= 1
        dscale = np.abs(da_new).max(axis=(1, 2, 3))
        conv = _converged(a_new, a_old) & (
            np.abs(da_new - da_old).max(axis=(1, 2, 3)) <= 1e-13 * dscale)
        a[active], da[active] = a_new, da_new
        done = active[conv]
        rem = remaining[done]
        logdet[done] += ld[conv] * rem
        dlogdet[done] += dld[conv] * rem[:, None]
        c_int[done] += term[conv] * rem
        dc_int[done] += dterm[conv] * rem[:, None]
        dc_om[done] += dterm_om[conv] * rem[:, None]
        remaining[done] = 0
        gone = real[active] & (bal[active] * np.einsum("kij,ji->k", a_new.real, sigma0) > 800.0)
        dead[active[gone]] = True
        remaining[active[gone]] = 0
        active = active[remaining[active] > 0]
    tr_m = float(np.trace(m))
    if beta is not None:
        c_t = 0.5 * beta * (logdet + t_f * tr_m)
        dc = 0.5 * beta * dlogdet
        dc[:, :n * n] += 0.5 * beta * t_f[:, None] * np.eye(n).ravel()[None, :]
        d_last = [-0.5 * (logdet + t_f * tr_m)]
    else:
        c_t = bal * c_int
        dc = bal[:, None] * dc_int
        d_last = list(-(bal[:, None] * dc_om).T)
    expo = -bal * np.einsum("kij,ji->k", a, sigma0) - c_t
    d_sig = []
    for i in range(n):
        for j in range(i, n):
            d_sig.append(-bal * (a[:, i, j] if i == j else a[:, i, j] + a[:, j, i]))
    d_prop = -bal[:, None] * np.einsum("kdij,ji->kd", da, sigma0) - dc
    grads = np.stack(d_sig + list(d_prop.T) + d_last)
    zero = s_f == 0
    expo = np.where(zero, 0.0, np.where(dead, -np.inf, expo))
    # where the transform underflows (Lhat < e^-700) its tangents are not needed (phi dpsi is 0
    # in double precision) and the steps' growth of e^30 makes them unreliable: 0 there
    gone = zero | ~(expo.real > _UNDERFLOW)
    grads = np.where(gone[None], 0.0, grads)
    return expo.reshape(shape), grads.reshape((grads.shape[0],) + shape)
