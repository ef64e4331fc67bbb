"""A Monte Carlo estimate with its standard error."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Estimate"]


class Estimate(NamedTuple):
    """A simulated value and its standard error (``value ± 3 * stderr`` is the test band)."""

    value: float
    stderr: float

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """Symmetric normal confidence interval ``value ± z * stderr``."""
        return (self.value - z * self.stderr, self.value + z * self.stderr)

    def agrees_with(self, reference: float, n_se: float = 3.0) -> bool:
        """True when ``reference`` lies within ``n_se`` standard errors of the estimate."""
        return abs(self.value - reference) <= n_se * self.stderr

    def __str__(self) -> str:
        return f"{self.value:.6g} ± {self.stderr:.2g}"
