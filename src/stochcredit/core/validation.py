"""Validation helpers: every public entry point checks its inputs with these.

Each helper returns the validated value (a float for scalars, a float ndarray otherwise) so it
can be used inline: ``vol = positive("vol", vol)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import InvalidParameterError

__all__ = [
    "as_array",
    "as_complex_array",
    "finite",
    "positive",
    "nonnegative",
    "in_range",
    "choice",
    "integer",
]


def _pack(arr: np.ndarray) -> float | np.ndarray:
    return float(arr) if arr.ndim == 0 else arr


def as_array(name: str, x: Any) -> np.ndarray:
    """``x`` as a float ndarray, rejecting non-numeric input, NaN/inf and complex numbers.

    A complex value with a non-zero imaginary part is an :class:`InvalidParameterError` (never
    silently cast to its real part); a complex array whose imaginary parts are all zero is real.
    """
    try:
        raw = np.asarray(x) if not isinstance(x, np.ndarray) else x
    except (TypeError, ValueError) as exc:  # ragged nesting, unconvertible objects
        raise InvalidParameterError(name, x, "a real number or array of real numbers") from exc
    if np.iscomplexobj(raw):
        imag = np.asarray(raw).imag
        if np.any(imag != 0):
            bad = raw.item() if raw.ndim == 0 else raw[imag != 0].ravel()[0].item()
            raise InvalidParameterError(name, bad, "a real number (complex input is not "
                                        "accepted here)")
        x = np.asarray(raw).real
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(name, x, "a real number or array of real numbers") from exc
    if not np.all(np.isfinite(arr)):
        bad = arr.item() if arr.ndim == 0 else arr[~np.isfinite(arr)][0].item()
        raise InvalidParameterError(name, bad, "finite")
    return arr


def as_complex_array(name: str, x: Any) -> np.ndarray:
    """``x`` as a complex ndarray (real input allowed), rejecting non-numeric input and NaN/inf.

    For transform variables such as a characteristic function's ``u``: the imaginary part is kept.
    """
    try:
        arr = np.asarray(x, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(name, x, "a real or complex number or array") from exc
    ok = np.isfinite(arr)
    if not np.all(ok):
        raise InvalidParameterError(name, _first_bad(arr, ok), "finite")
    return arr


def _first_bad(arr: np.ndarray, ok: np.ndarray) -> Any:
    return arr.item() if arr.ndim == 0 else arr[~ok][0].item()


def finite(name: str, x: Any) -> float | np.ndarray:
    """Finite real number(s)."""
    return _pack(as_array(name, x))


def positive(name: str, x: Any) -> float | np.ndarray:
    """Finite and strictly positive."""
    arr = as_array(name, x)
    ok = arr > 0
    if not np.all(ok):
        raise InvalidParameterError(name, _first_bad(arr, ok), "finite and > 0")
    return _pack(arr)


def nonnegative(name: str, x: Any) -> float | np.ndarray:
    """Finite and >= 0."""
    arr = as_array(name, x)
    ok = arr >= 0
    if not np.all(ok):
        raise InvalidParameterError(name, _first_bad(arr, ok), "finite and >= 0")
    return _pack(arr)


def in_range(name: str, x: Any, lo: float = -np.inf, hi: float = np.inf, *,
             lo_open: bool = False, hi_open: bool = False) -> float | np.ndarray:
    """Finite and within ``[lo, hi]`` (ends open when ``lo_open``/``hi_open``)."""
    arr = as_array(name, x)
    ok = (arr > lo if lo_open else arr >= lo) & (arr < hi if hi_open else arr <= hi)
    if not np.all(ok):
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise InvalidParameterError(name, _first_bad(arr, ok), f"in {interval}")
    return _pack(arr)


def choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """One of a fixed set of strings (case-insensitive; returns the canonical lower-case form)."""
    options = tuple(choices)
    key = str(value).lower().replace("-", "_")
    if key not in options:
        raise InvalidParameterError(name, value, "one of " + ", ".join(repr(c) for c in options))
    return key


def integer(name: str, x: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number, optionally ``>= minimum`` and ``<= maximum``."""
    try:
        as_int = int(x)
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: int(inf)
        raise InvalidParameterError(name, x, "a whole number") from exc
    if as_int != x:
        raise InvalidParameterError(name, x, "a whole number")
    if (minimum is not None and as_int < minimum) or (maximum is not None and as_int > maximum):
        lo = "" if minimum is None else f">= {minimum}"
        hi = "" if maximum is None else f"<= {maximum}"
        raise InvalidParameterError(name, x, "an integer " + " and ".join(filter(None, (lo, hi))))
    return as_int


MAX_FREQUENCY = 365
"""Largest payment frequency accepted (daily); bounds the number of periods per year."""

MAX_MATURITY = 200.0
"""Longest maturity in years accepted by instruments with a payment schedule (bounded work)."""


def frequency(name: str, x: Any) -> int:
    """A payment frequency: a whole number in ``[1, MAX_FREQUENCY]`` (1 = annual, 365 = daily)."""
    return integer(name, x, minimum=1, maximum=MAX_FREQUENCY)


def schedule_maturity(name: str, x: Any) -> Any:
    """Raise unless every maturity is <= ``MAX_MATURITY`` years (keeps schedules bounded)."""
    arr = np.asarray(x, dtype=float)
    if np.any(arr > MAX_MATURITY):
        raise InvalidParameterError(name, float(arr[arr > MAX_MATURITY].ravel()[0]),
                                    f"<= {MAX_MATURITY:g} years",
                                    "the payment schedule would be unboundedly long")
    return x
