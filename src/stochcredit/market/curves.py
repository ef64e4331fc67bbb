"""Discount and survival curves in year fractions: flat, zero-rate and piecewise-flat hazard.

All four curves are *piecewise-flat in their instantaneous rate* (forward rate for discount curves,
hazard rate for survival curves), which is what lets the CDS legs be integrated in closed form
(the ISDA standard model's representation, see MODELS.md §2). Every method broadcasts over ``t``.

Conventions
-----------
- ``ZeroCurve(times, zero_rates)``: continuously compounded zero rates r_i at pillars t_i;
  ``r(t) t`` is interpolated linearly between pillars (piecewise-flat forwards), the zero rate is
  flat before the first pillar (so ``r(t) t`` is linear from 0) and the last forward extends flat.
- ``HazardCurve(times, hazards)``: ``hazards[i]`` applies on ``(times[i-1], times[i]]`` with
  ``times[-1] = 0``; the last hazard extends flat. Survival Q(t) = exp(-∫_0^t h(u) du).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..core.errors import InvalidParameterError
from ..core.validation import as_array, finite, nonnegative

__all__ = ["FlatCurve", "ZeroCurve", "FlatHazardCurve", "HazardCurve", "PiecewiseFlatRate"]


def _pack(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def _times(name: str, t: ArrayLike) -> np.ndarray:
    """``t`` as a float array of finite, non-negative year fractions."""
    arr = as_array(name, t)
    if np.any(arr < 0):
        raise InvalidParameterError(name, arr[arr < 0][0] if arr.ndim else arr, "finite and >= 0")
    return arr


@dataclass(frozen=True)
class PiecewiseFlatRate:
    """A rate ``c_j`` constant on ``(k_{j-1}, k_j]`` (``k_{-1} = 0``), the last one extended flat.

    The shared engine of all curves here: ``integral(t)`` = ∫_0^t c(u) du exactly.

    Parameters
    ----------
    knots : array_like
        Right ends ``k_0 < k_1 < ... < k_{n-1}`` of the segments, all > 0 (may be empty when
        ``rates`` has one element: a flat rate).
    rates : array_like
        ``n`` rates (``max(n, 1)`` when ``knots`` is empty).
    """

    knots: np.ndarray
    rates: np.ndarray
    # starts[j] = left end of segment j; cum[j] = ∫_0^{starts[j]} c(u) du
    starts: np.ndarray = field(init=False, repr=False)
    cum: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        knots = np.atleast_1d(np.asarray(self.knots, dtype=float))
        rates = np.atleast_1d(np.asarray(self.rates, dtype=float))
        if knots.size == 0:
            knots = np.array([np.inf])
        if rates.size != knots.size:
            raise InvalidParameterError("rates", rates, f"{knots.size} values, one per pillar")
        starts = np.concatenate(([0.0], knots[:-1]))
        widths = np.diff(np.concatenate(([0.0], knots)))[:-1]
        cum = np.concatenate(([0.0], np.cumsum(rates[:-1] * widths)))
        for name, value in (("knots", knots), ("rates", rates), ("starts", starts),
                            ("cum", cum)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    def segment(self, t: np.ndarray) -> np.ndarray:
        """Index ``j`` of the segment ``(k_{j-1}, k_j]`` holding ``t`` (``t = 0`` -> segment 0)."""
        return np.minimum(np.searchsorted(self.knots, t, side="left"), self.knots.size - 1)

    def rate(self, t: np.ndarray) -> np.ndarray:
        return self.rates[self.segment(t)]

    def integral(self, t: np.ndarray) -> np.ndarray:
        j = self.segment(t)
        return self.cum[j] + self.rates[j] * (t - self.starts[j])

    @property
    def breakpoints(self) -> np.ndarray:
        """Interior points where the rate may jump (finite knots except the last)."""
        return self.knots[:-1]


class _DiscountBase:
    _fwd: PiecewiseFlatRate

    def discount(self, t: ArrayLike) -> float | np.ndarray:
        """Discount factor P(0, t) = exp(-∫_0^t f(u) du); same shape as ``t`` (``t >= 0``)."""
        t = _times("t", t)
        return _pack(np.exp(-self._fwd.integral(t)))

    def zero_rate(self, t: ArrayLike) -> float | np.ndarray:
        """Continuously compounded zero rate r(t) = -ln P(0, t) / t (the short rate at t = 0)."""
        t = _times("t", t)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(t > 0, self._fwd.integral(t) / np.where(t > 0, t, 1.0),
                         self._fwd.rate(t))
        return _pack(r)

    def forward_rate(self, t1: ArrayLike, t2: ArrayLike) -> float | np.ndarray:
        """Continuously compounded forward rate between ``t1 < t2``: ln(P(t1)/P(t2)) / (t2 - t1)."""
        t1, t2 = np.broadcast_arrays(_times("t1", t1), _times("t2", t2))
        if np.any(t2 <= t1):
            raise InvalidParameterError("t2", t2[t2 <= t1][0] if t2.ndim else t2, "> t1")
        return _pack((self._fwd.integral(t2) - self._fwd.integral(t1)) / (t2 - t1))

    def instantaneous_forward(self, t: ArrayLike) -> float | np.ndarray:
        """Instantaneous forward rate f(t) = -d ln P(0, t)/dt (right-continuous at pillars)."""
        t = _times("t", t)
        return _pack(self._fwd.rate(t))

    @property
    def piecewise_flat(self) -> PiecewiseFlatRate:
        """The piecewise-flat forward-rate representation (used by the exact CDS leg integrals)."""
        return self._fwd


@dataclass(frozen=True)
class FlatCurve(_DiscountBase):
    """Flat continuously compounded rate: P(0, t) = exp(-rate t). Negative rates are allowed.

    Examples
    --------
    >>> FlatCurve(0.03).discount([1.0, 5.0])
    array([0.97044553, 0.86070798])
    """

    rate: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", finite("rate", self.rate))
        if np.ndim(self.rate) != 0:
            raise InvalidParameterError("rate", self.rate, "a scalar")
        object.__setattr__(self, "_fwd", PiecewiseFlatRate(np.empty(0), np.array([self.rate])))


def _pillars(name: str, times: ArrayLike) -> np.ndarray:
    t = np.atleast_1d(as_array(name, times))
    if t.ndim != 1 or t.size == 0:
        raise InvalidParameterError(name, times, "a non-empty 1-d sequence")
    if np.any(t <= 0):
        raise InvalidParameterError(name, t[t <= 0][0], "> 0")
    bad = np.flatnonzero(np.diff(t) <= 0)
    if bad.size:
        raise InvalidParameterError(f"{name}[{bad[0] + 1}]", t[bad[0] + 1],
                                    f"> {name}[{bad[0]}] = {t[bad[0]]:g} (strictly increasing)")
    return t


@dataclass(frozen=True, eq=False)
class ZeroCurve(_DiscountBase):
    """Zero curve from continuously compounded zero rates at pillar times.

    ``r(t) t`` is linear between pillars (piecewise-flat forwards
    f_i = (r_i t_i - r_{i-1} t_{i-1}) / (t_i - t_{i-1})), the zero rate is flat before the first
    pillar and the last forward extends flat beyond the last pillar.

    Parameters
    ----------
    times : array_like
        Pillar times in years, strictly increasing and > 0.
    zero_rates : array_like
        Continuously compounded zero rates at the pillars (decimals; negative allowed).
    """

    times: np.ndarray
    zero_rates: np.ndarray

    def __post_init__(self) -> None:
        times = _pillars("times", self.times)
        rates = np.atleast_1d(as_array("zero_rates", self.zero_rates))
        if rates.shape != times.shape:
            raise InvalidParameterError("zero_rates", rates, f"{times.size} values, one per time")
        with np.errstate(over="ignore", invalid="ignore"):
            cum = rates * times
            fwd = np.diff(np.concatenate(([0.0], cum))) / np.diff(np.concatenate(([0.0], times)))
        if not np.all(np.isfinite(fwd)):
            raise InvalidParameterError("zero_rates", rates, "values whose zero_rate * time and "
                                        "implied forward rates are finite")
        times.setflags(write=False)
        rates.setflags(write=False)
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "zero_rates", rates)
        object.__setattr__(self, "_fwd", PiecewiseFlatRate(times, fwd))

    @property
    def forwards(self) -> np.ndarray:
        """Flat forward rates on ``(times[i-1], times[i]]``."""
        return self._fwd.rates


class _SurvivalBase:
    _haz: PiecewiseFlatRate

    def survival(self, t: ArrayLike) -> float | np.ndarray:
        """Survival probability Q(t) = exp(-∫_0^t h(u) du), in [0, 1], non-increasing in ``t``."""
        t = _times("t", t)
        return _pack(np.exp(-self._haz.integral(t)))

    def default_probability(self, t: ArrayLike) -> float | np.ndarray:
        """1 - Q(t), computed without cancellation (``-expm1``)."""
        t = _times("t", t)
        return _pack(-np.expm1(-self._haz.integral(t)))

    def hazard(self, t: ArrayLike) -> float | np.ndarray:
        """Hazard rate h(t) (``hazards[i]`` on ``(times[i-1], times[i]]``)."""
        t = _times("t", t)
        return _pack(self._haz.rate(t))

    @property
    def piecewise_flat(self) -> PiecewiseFlatRate:
        """The piecewise-flat hazard representation (used by the exact CDS leg integrals)."""
        return self._haz


@dataclass(frozen=True, init=False)
class FlatHazardCurve(_SurvivalBase):
    """Constant hazard rate: Q(t) = exp(-hazard t), ``hazard >= 0``.

    The constructor argument is ``hazard``; it is stored as ``hazard_rate`` because ``hazard(t)``
    is the method every survival curve has.
    """

    hazard_rate: float

    def __init__(self, hazard: float) -> None:
        h = nonnegative("hazard", hazard)
        if np.ndim(h) != 0:
            raise InvalidParameterError("hazard", h, "a scalar")
        object.__setattr__(self, "hazard_rate", h)
        object.__setattr__(self, "_haz", PiecewiseFlatRate(np.empty(0), np.array([h])))


@dataclass(frozen=True, eq=False)
class HazardCurve(_SurvivalBase):
    """Piecewise-constant hazard: ``hazards[i]`` on ``(times[i-1], times[i]]``, last extends flat.

    Parameters
    ----------
    times : array_like
        Pillar times in years, strictly increasing and > 0.
    hazards : array_like
        Hazard rates (decimals per year), finite and >= 0.

    Examples
    --------
    >>> HazardCurve([1.0, 5.0], [0.01, 0.02]).survival(3.0)   # exp(-(0.01 + 2 * 0.02))
    0.951229424500714
    """

    times: np.ndarray
    hazards: np.ndarray

    def __post_init__(self) -> None:
        times = _pillars("times", self.times)
        hazards = np.atleast_1d(as_array("hazards", self.hazards))
        if hazards.shape != times.shape:
            raise InvalidParameterError("hazards", hazards, f"{times.size} values, one per time")
        if np.any(hazards < 0):
            i = int(np.flatnonzero(hazards < 0)[0])
            raise InvalidParameterError(f"hazards[{i}]", hazards[i], "finite and >= 0")
        times.setflags(write=False)
        hazards.setflags(write=False)
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "hazards", hazards)
        object.__setattr__(self, "_haz", PiecewiseFlatRate(times, hazards))

    @classmethod
    def _trusted(cls, times: np.ndarray, hazards: np.ndarray) -> HazardCurve:
        """Construct from arrays already validated by the caller (the bootstrap's fast path)."""
        obj = object.__new__(cls)
        times = times.copy()
        times.setflags(write=False)
        hazards.setflags(write=False)  # the caller hands over ownership
        object.__setattr__(obj, "times", times)
        object.__setattr__(obj, "hazards", hazards)
        rate = object.__new__(PiecewiseFlatRate)
        starts = np.concatenate(([0.0], times[:-1]))
        cum = np.concatenate(([0.0], np.cumsum(hazards[:-1] * np.diff(starts))))
        for name, value in (("knots", times), ("rates", hazards), ("starts", starts),
                            ("cum", cum)):
            object.__setattr__(rate, name, value)
        object.__setattr__(obj, "_haz", rate)
        return obj

    def to_frame(self):
        """Pillars as a DataFrame: time, hazard, survival at the pillar."""
        import pandas as pd

        return pd.DataFrame({"time": self.times, "hazard": self.hazards,
                             "survival": self.survival(self.times)})
