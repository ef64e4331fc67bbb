"""Forward-mode differentiation of closed forms: a value with its gradient (dual numbers).

``Dual(value, grad)`` carries ``value`` (array of any shape) and ``grad`` (shape
``(n,) + value.shape``, the derivatives with respect to ``n`` inputs); arithmetic and the
functions below apply the chain rule exactly, so a closed form written with them yields its
closed-form derivatives (no differences, no truncation error). Used for the CreditGrades
sensitivities.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["Dual", "variables", "exp", "log", "sqrt", "ndtr", "log_ndtr", "value", "grad"]

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _g(d: np.ndarray, ndim: int) -> np.ndarray:
    """Gradient ``d`` (``(n,) + shape``) with unit axes so it broadcasts to ``ndim`` value axes."""
    return d.reshape(d.shape[:1] + (1,) * (ndim - d.ndim + 1) + d.shape[1:])


class Dual:
    """A value and its gradient; supports ``+ - * / **`` with numbers, arrays and Duals."""

    __array_priority__ = 1000

    def __init__(self, value, grad) -> None:
        self.value = np.asarray(value, dtype=float)
        self.grad = np.asarray(grad, dtype=float)

    def _lift(self, other) -> Dual:
        if isinstance(other, Dual):
            return other
        val = np.asarray(other, dtype=float)
        return Dual(val, np.zeros(self.grad.shape[:1] + val.shape))

    def __add__(self, other):
        o = self._lift(other)
        val = self.value + o.value
        return Dual(val, _g(self.grad, val.ndim) + _g(o.grad, val.ndim))

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.value, -self.grad)

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) - self

    def __mul__(self, other):
        o = self._lift(other)
        val = self.value * o.value
        n = val.ndim
        return Dual(val, _g(self.grad, n) * o.value[None] + self.value[None] * _g(o.grad, n))

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self._lift(other)
        val = self.value / o.value
        n = val.ndim
        return Dual(val, (_g(self.grad, n) - val[None] * _g(o.grad, n)) / o.value[None])

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __pow__(self, k: float):
        return Dual(self.value ** k, (k * self.value ** (k - 1))[None] * self.grad)


def variables(*values: float) -> list[Dual]:
    """One Dual per input, seeded with the unit gradient of that input."""
    n = len(values)
    return [Dual(v, np.eye(n)[i]) for i, v in enumerate(values)]


def _apply(x, f, df):
    if not isinstance(x, Dual):
        return f(np.asarray(x, dtype=float))
    return Dual(f(x.value), df(x.value)[None] * x.grad)


def exp(x):
    """``e^x``."""
    return _apply(x, np.exp, np.exp)


def log(x):
    """``ln x``."""
    return _apply(x, np.log, lambda v: 1.0 / v)


def sqrt(x):
    """``sqrt x``."""
    return _apply(x, np.sqrt, lambda v: 0.5 / np.sqrt(v))


def ndtr(x):
    """Standard normal cdf ``Phi(x)`` (derivative ``phi(x)``)."""
    return _apply(x, special.ndtr, lambda v: _INV_SQRT_2PI * np.exp(-0.5 * v * v))


def log_ndtr(x):
    """``ln Phi(x)`` (derivative ``phi(x)/Phi(x)``, evaluated in logarithms)."""
    return _apply(x, special.log_ndtr,
                  lambda v: _INV_SQRT_2PI * np.exp(-0.5 * v * v - special.log_ndtr(v)))


def value(x) -> np.ndarray:
    """The value of a Dual (or the number itself)."""
    return x.value if isinstance(x, Dual) else np.asarray(x, dtype=float)


def grad(x, n: int) -> np.ndarray:
    """The gradient of a Dual (zeros for a constant), shape ``(n,) + value.shape``."""
    if isinstance(x, Dual):
        return x.grad
    return np.zeros((n,) + np.shape(x))
