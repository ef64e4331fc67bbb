"""Inputs of the CDS-option models: validation, broadcasting and moment matching (MODELS.md §3).

Every model describes the forward CDS spread at expiry, ``F_T``, by a law with mean
``m = forward + drift * expiry`` and, except Black, standard deviation ``s = vol * sqrt(expiry)``
(``vol`` is then *absolute*, in spread units per sqrt(year)). Black's ``vol`` is the lognormal
volatility of ``F_T``. The laws exist only for some ``(m, s)``:

==================  ======================================  ===============================
model               law of ``F_T`` matched to ``(m, s)``    exists for
==================  ======================================  ===============================
black               lognormal, ``E[F_T] = m``                ``m > 0``
bachelier           normal ``N(m, s^2)``                     every ``m``
gamma               Gamma(shape ``m^2/s^2``, scale ``s^2/m``)  ``m > 0``
inverse_gaussian    IG(mean ``m``, shape ``m^3/s^2``)        ``m > 0``
gamma_exponential   Gamma(``a``, scale ``B``), ``B ~ Exp(λ)``  ``m > 0`` and ``s > m``
==================  ======================================  ===============================

For the Gamma-exponential mixture ``E[F_T] = a/λ`` and ``Var F_T = (a^2 + 2a)/λ^2``, so
``s^2/m^2 = 1 + 2/a``: a coefficient of variation ``s/m > 1`` is required, and then
``a = 2 m^2/(s^2 - m^2)``, ``λ = 2 m/(s^2 - m^2)`` (the seed's ``Solve`` result).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.errors import InvalidParameterError
from ...core.validation import as_array, choice, nonnegative

__all__ = [
    "MODELS",
    "KINDS",
    "OptionInputs",
    "prepare_inputs",
    "gamma_parameters",
    "inverse_gaussian_parameters",
    "gamma_exponential_parameters",
    "check_domain",
]

MODELS = ("black", "bachelier", "gamma", "inverse_gaussian", "gamma_exponential")
KINDS = ("payer", "receiver")
#: models whose law of F_T lives on (0, inf)
POSITIVE_MODELS = ("black", "gamma", "inverse_gaussian", "gamma_exponential")


@dataclass(frozen=True)
class OptionInputs:
    """Validated, broadcast inputs of one pricing call (all float ndarrays of one shape)."""

    forward: np.ndarray
    strike: np.ndarray
    expiry: np.ndarray
    annuity: np.ndarray
    vol: np.ndarray
    drift: np.ndarray
    model: str
    kind: str
    scalar: bool

    @property
    def mean(self) -> np.ndarray:
        """``m = forward + drift * expiry``, the mean of ``F_T``."""
        return self.forward + self.drift * self.expiry

    @property
    def std(self) -> np.ndarray:
        """``vol * sqrt(expiry)``: st.dev. of ``F_T`` (total lognormal vol for Black)."""
        return self.vol * np.sqrt(self.expiry)

    def pack(self, value: np.ndarray) -> float | np.ndarray:
        """``value`` as a float when every input was a scalar."""
        return float(value) if self.scalar else value


def prepare_inputs(forward, strike, expiry, annuity, vol, model, kind, drift) -> OptionInputs:
    """Validate and broadcast the arguments of :func:`cds_option_price`; check the model domain."""
    model = choice("model", model, MODELS)
    kind = choice("kind", kind, KINDS)
    arrays = [as_array("forward", forward), as_array("strike", strike),
              np.asarray(nonnegative("expiry", expiry), dtype=float),
              np.asarray(nonnegative("annuity", annuity), dtype=float),
              np.asarray(nonnegative("vol", vol), dtype=float), as_array("drift", drift)]
    scalar = all(a.ndim == 0 for a in arrays)
    try:
        b = np.broadcast_arrays(*arrays)
    except ValueError as exc:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise InvalidParameterError(
            f"forward, strike, expiry, annuity, vol and drift must broadcast together; "
            f"got shapes {shapes}") from exc
    inputs = OptionInputs(*(np.array(x, dtype=float) for x in b), model=model, kind=kind,
                          scalar=scalar)
    check_domain(model, inputs.mean, inputs.std, drift_given=bool(np.any(inputs.drift != 0)),
                 vol=inputs.vol, expiry=inputs.expiry)
    return inputs


def _first(arr: np.ndarray, bad: np.ndarray):
    return float(arr[bad][0]) if arr.ndim else float(arr)


def check_domain(model: str, mean: np.ndarray, std: np.ndarray, drift_given: bool = False,
                 vol: np.ndarray | None = None, expiry: np.ndarray | None = None) -> None:
    """Raise :class:`InvalidParameterError` where the model's law of ``F_T`` does not exist."""
    mean_name = "forward + drift*expiry" if drift_given else "forward"
    if model in POSITIVE_MODELS:
        bad = ~(mean > 0)
        if np.any(bad):
            law = {"black": "a lognormal", "gamma": "a Gamma", "inverse_gaussian":
                   "an inverse Gaussian", "gamma_exponential": "a Gamma-exponential"}[model]
            raise InvalidParameterError(
                mean_name, _first(mean, bad), "> 0",
                reason=f"model {model!r} describes F_T by {law} law on (0, inf), whose mean "
                       f"must be positive; use model='bachelier' for non-positive forwards")
    if model == "gamma_exponential":
        bad = ~(std > mean)
        if np.any(bad):
            m, s = _first(mean, bad), _first(std, bad)
            if vol is not None and expiry is not None and _first(expiry, bad) > 0:
                name, value = "vol", _first(np.broadcast_to(vol, mean.shape), bad)
                bound = m / np.sqrt(_first(expiry, bad))
                valid = f"> (forward + drift*expiry)/sqrt(expiry) = {bound:.6g}"
            else:
                name, value, valid = "std", s, f"> mean = {m:.6g}"
            raise InvalidParameterError(
                name, value, valid,
                reason=f"st.dev. s = vol*sqrt(expiry) = {s:.6g} <= mean m = {m:.6g}; a Gamma(a, B) "
                       "law with exponential scale B has s^2/m^2 = 1 + 2/a > 1, so it exists "
                       "only for a coefficient of variation s/m > 1")


def gamma_parameters(mean, std) -> tuple[np.ndarray, np.ndarray]:
    """Shape ``a = m^2/s^2`` and scale ``b = s^2/m`` of the Gamma law with mean ``m``, st.dev. ``s``
    (seed 001, ``Solve`` for GammaDistribution)."""
    m, s = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    return (m / s) ** 2, s * s / m


def inverse_gaussian_parameters(mean, std) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``mu = m`` and shape ``lambda = m^3/s^2`` of the inverse Gaussian law (seed 001)."""
    m, s = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    return m, m ** 3 / (s * s)


def gamma_exponential_parameters(mean, std) -> tuple[np.ndarray, np.ndarray]:
    """Shape ``a`` and rate ``λ`` of Gamma(a, B), ``B ~ Exp(λ)``, with mean ``m`` and st.dev. ``s``.

    ``a = 2 m^2/(s^2 - m^2)`` and ``λ = 2 m/(s^2 - m^2)``; both are positive only when ``s > m``
    (see the module docstring).
    """
    m, s = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    excess = s * s - m * m
    return 2 * m * m / excess, 2 * m / excess
