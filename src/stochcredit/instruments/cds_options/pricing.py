"""``cds_option_price``: one entry point for every model of the forward CDS spread (MODELS.md §3).

A payer CDS option (the right to buy protection at spread ``K`` at expiry ``T``) is worth
``V = A_0 E[(F_T − K)^+]`` and a receiver ``A_0 E[(K − F_T)^+]``, ``A_0`` the forward risky annuity
valued today (knock-out on default before expiry; seed 001). Each model's closed form lives in its
own module; this module validates, broadcasts and routes.

Numerics: the out-of-the-money side (payer for ``K ≥ m``, receiver for ``K < m``) is evaluated
from its closed form and the other side from put–call parity
``payer − receiver = A_0 (m − K)``, which avoids cancelling large terms; the Gamma-exponential
model has only a payer closed form and uses parity for its receiver. ``vol * sqrt(expiry) = 0``
gives the intrinsic value (every law tends to the point mass at ``m``; not admissible for
``gamma_exponential``). For the positive laws a strike ``K ≤ 0`` is always exercised (payer
``m − K``, receiver 0).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from . import bachelier, black, gamma, gamma_exponential, inverse_gaussian
from .parameters import POSITIVE_MODELS, OptionInputs, prepare_inputs

__all__ = ["cds_option_price", "undiscounted_price"]

_FORMULAS: dict[str, tuple[Callable, Callable]] = {
    "black": (black.payer, black.receiver),
    "bachelier": (bachelier.payer, bachelier.receiver),
    "gamma": (gamma.payer, gamma.receiver),
    "inverse_gaussian": (inverse_gaussian.payer, inverse_gaussian.receiver),
    "gamma_exponential": (gamma_exponential.payer, gamma_exponential.receiver),
}


def undiscounted_price(model: str, kind: str, m: np.ndarray, s: np.ndarray,
                       k: np.ndarray) -> np.ndarray:
    """``E[(F_T − K)^+]`` (payer) or ``E[(K − F_T)^+]`` (receiver) per unit annuity.

    ``m``, ``s``, ``k`` are broadcast float arrays already checked against the model's domain
    (``s`` is the total lognormal vol for Black, the st.dev. of ``F_T`` otherwise).
    """
    shape = np.broadcast_shapes(np.shape(m), np.shape(s), np.shape(k))
    m, s, k = (np.atleast_1d(np.broadcast_to(x, shape)) for x in (m, s, k))
    intrinsic = np.maximum(m - k, 0.0) if kind == "payer" else np.maximum(k - m, 0.0)
    live = s > 0
    if model in POSITIVE_MODELS:
        live &= k > 0
    every = bool(live.all())
    if every:  # common case: no masking copies
        mm, ss, kk = m, s, k
    elif live.any():
        mm, ss, kk = m[live], s[live], k[live]
    else:
        return intrinsic.reshape(shape)
    call, put = _FORMULAS[model]
    otm_call = kk >= mm
    value = np.empty(mm.shape)
    # parity: payer - receiver = m - K; evaluate the out-of-the-money side by its formula
    for side, formula, direct in ((otm_call, call, "payer"), (~otm_call, put, "receiver")):
        if side.all():
            sm, ss_, sk = mm, ss, kk
        elif side.any():
            sm, ss_, sk = mm[side], ss[side], kk[side]
        else:
            continue
        v = formula(sm, ss_, sk)
        if kind != direct:  # the other side by parity
            v = v + (sm - sk) if kind == "payer" else v - (sm - sk)
        if side.all():
            value = v
        else:
            value[side] = v
    if every:
        out = value
    else:  # intrinsic where no law is needed (s = 0, or K <= 0 for laws on (0, inf))
        out = intrinsic.copy()
        out[live] = value
    # rounding can leave values 1e-20 below the bound where it is attained to machine precision
    return np.maximum(out, intrinsic).reshape(shape)  # E[(F-K)+] >= (m-K)+ (Jensen)


def _price(inputs: OptionInputs) -> np.ndarray:
    return inputs.annuity * undiscounted_price(inputs.model, inputs.kind, inputs.mean,
                                               inputs.std, inputs.strike)


def cds_option_price(forward: ArrayLike, strike: ArrayLike, expiry: ArrayLike,
                     annuity: ArrayLike, vol: ArrayLike, model: str = "black",
                     kind: str = "payer", drift: ArrayLike = 0.0) -> float | np.ndarray:
    """Price of a knock-out CDS option (credit default swaption), per unit notional.

    ``V = annuity · E[(F_T − K)^+]`` for a payer and ``annuity · E[(K − F_T)^+]`` for a receiver
    (seed 001: ``V_0 = A_0 E_Q[max(F_T − K, 0)]``), ``F_T`` the forward CDS spread at expiry with
    mean ``m = forward + drift·expiry`` and

    - ``"black"``: lognormal, ``vol`` = lognormal volatility (``σ``, e.g. 0.28):
      ``A (m Φ(d1) − K Φ(d2))``, ``d1,2 = (ln(m/K) ± σ²T/2)/(σ√T)``;
    - ``"bachelier"``: normal, ``st.dev. = vol·√T``;
    - ``"gamma"``: Gamma with shape ``m²/s²``, scale ``s²/m``, ``s = vol·√T``
      (regularised incomplete gamma closed form);
    - ``"inverse_gaussian"``: IG with mean ``m``, shape ``m³/s²`` (normal-cdf closed form);
    - ``"gamma_exponential"``: Gamma(a, B), ``B ~ Exp(λ)``, ``a = 2m²/(s² − m²)``,
      ``λ = 2m/(s² − m²)`` (Bessel-K closed form; exists only for ``s > m``).

    For the last four ``vol`` is absolute (spread per √year, e.g. 0.00415).

    Parameters
    ----------
    forward : float or array_like
        Forward CDS spread ``x_0`` (decimal; 0.014 = 140 bp).
    strike : float or array_like
        Strike spread ``K`` (decimal).
    expiry : float or array_like
        Option expiry ``T`` in years, ``>= 0``.
    annuity : float or array_like
        Forward risky annuity ``A_0`` valued today (premium leg PV per unit spread), ``>= 0``.
    vol : float or array_like
        Volatility, ``>= 0``: lognormal for Black, absolute for the other models.
    model : {"black", "bachelier", "gamma", "inverse_gaussian", "gamma_exponential"}
    kind : {"payer", "receiver"}
        Payer = right to buy protection at ``K``; receiver = right to sell it.
    drift : float or array_like
        ``μ`` in the mean ``m = forward + μ T`` (0 = martingale forward, the seed's setting).

    Returns
    -------
    float or ndarray
        The broadcast shape of the inputs (a float when all are scalars).

    Raises
    ------
    InvalidParameterError
        Non-finite input, negative expiry/annuity/vol, unknown model/kind, or ``(m, s)`` outside the
        model's domain (``m <= 0`` for the positive laws; ``s <= m`` for ``gamma_exponential``).

    Examples
    --------
    The seed's 3Y option on a 2Y CDS, ATM at 140 bp, with the annuity backed out of its Black
    premium (0.0122312):

    >>> round(cds_option_price(0.014, 0.014, 3.0, 4.55986, 0.28), 7)
    0.0122312
    >>> round(cds_option_price(0.014, 0.014, 3.0, 4.55986, 0.00415, model="gamma"), 7)
    0.0127924
    """
    inputs = prepare_inputs(forward, strike, expiry, annuity, vol, model, kind, drift)
    return inputs.pack(_price(inputs))
