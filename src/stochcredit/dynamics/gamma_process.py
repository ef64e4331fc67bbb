"""Gamma process and the seed's Gamma-process CDS-rate paths (seed 001).

A Gamma process ``G_t`` with shape rate ``α`` and scale ``β`` has independent increments
``G_{t+h} − G_t ~ Gamma(α h, β)``, hence ``G_t ~ Gamma(α t, β)``: mean ``αβt``, variance ``αβ²t``.
It is a pure-jump, increasing Lévy process, which the seed uses for CDS rates ("jumps in the
intensity regime"):

    ListLinePlot[Table[(1 − R) Accumulate[RandomVariate[GammaDistribution[4/50, 0.005], 50]], {20}]]

i.e. ``(1 − R)`` times cumulative sums of i.i.d. ``Gamma(4/50, 0.005)`` increments — a Gamma
process with ``α = 4`` over one year in 50 steps, scaled by the loss given default.

:meth:`GammaProcess.from_moments` matches ``G_T`` to the law of the CDS-option "gamma" model:
``G_T ~ Gamma(m²/s², s²/m)`` with mean ``m`` and st.dev. ``s``, so simulated terminal values can be
checked against (and priced like) :func:`stochcredit.cds_option_price` with ``model="gamma"``.
Simulation is exact (no discretisation error): increments are drawn from their Gamma law with
``numpy.random.Generator.gamma`` and summed, vectorised over paths and steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ..core.errors import InvalidParameterError
from ..core.validation import finite, in_range, integer, nonnegative, positive

__all__ = ["GammaProcess", "GammaPaths", "gamma_cds_rate_paths"]


@dataclass(frozen=True)
class GammaPaths:
    """Simulated paths: ``values[i, j]`` is path ``i`` at ``times[j]`` (``times[0] = 0``)."""

    times: np.ndarray
    values: np.ndarray

    @property
    def terminal(self) -> np.ndarray:
        """Values at the last time, one per path."""
        return self.values[:, -1]

    def to_frame(self):
        """Paths as a DataFrame indexed by time, one column per path."""
        import pandas as pd

        return pd.DataFrame(self.values.T, index=pd.Index(self.times, name="t"))


@dataclass(frozen=True)
class GammaProcess:
    """Gamma process with shape rate ``shape_rate`` (α, per year) and scale ``scale`` (β).

    Parameters
    ----------
    shape_rate : float
        α > 0: ``G_t ~ Gamma(α t, β)``.
    scale : float
        β > 0, in the units of the process (a spread, for CDS rates).

    Examples
    --------
    >>> g = GammaProcess.from_moments(mean=0.014, std=0.00415 * 3 ** 0.5, horizon=3.0)
    >>> paths = g.simulate(horizon=3.0, n_steps=36, n_paths=1000, seed=1)
    >>> paths.values.shape
    (1000, 37)
    """

    shape_rate: float
    scale: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape_rate", float(positive("shape_rate", self.shape_rate)))
        object.__setattr__(self, "scale", float(positive("scale", self.scale)))

    @classmethod
    def from_moments(cls, mean: float, std: float, horizon: float) -> GammaProcess:
        """The process whose value at ``horizon`` has the given mean and st.dev.

        ``α T = m²/s²`` and ``β = s²/m`` — the "gamma" CDS-option model's law of ``F_T``.
        """
        mean = float(positive("mean", mean))
        std = float(positive("std", std))
        horizon = float(positive("horizon", horizon))
        return cls(shape_rate=(mean / std) ** 2 / horizon, scale=std * std / mean)

    def mean(self, t: ArrayLike) -> float | np.ndarray:
        """``E[G_t] = α β t``."""
        return self.shape_rate * self.scale * nonnegative("t", t)

    def std(self, t: ArrayLike) -> float | np.ndarray:
        """``sd(G_t) = β sqrt(α t)``."""
        return self.scale * np.sqrt(self.shape_rate * nonnegative("t", t))

    def distribution(self, t: float):
        """Law of ``G_t`` as a frozen ``scipy.stats.gamma`` (``t > 0``)."""
        return stats.gamma(self.shape_rate * float(positive("t", t)), scale=self.scale)

    def simulate(self, horizon: float, n_steps: int, n_paths: int, seed: int | None = 0,
                 start: float = 0.0, factor: float = 1.0,
                 memory_budget: float | None = None) -> GammaPaths:
        """Exact paths of ``start + factor · G_t`` on ``n_steps`` equal steps up to ``horizon``.

        Parameters
        ----------
        horizon : float
            Last time, years, ``> 0``.
        n_steps, n_paths : int
            Number of time steps and of paths (``>= 1``).
        seed : int or None
            Seed of the path-block streams (``SeedSequence(seed, spawn_key=(block,))``); the same
            seed gives the same paths whatever the memory budget. None: fresh entropy.
        start : float
            Value at time 0.
        factor : float
            Multiplier of the process (``1 − R`` in the seed's CDS-rate paths), ``> 0``.
        memory_budget : float, optional
            Bytes allowed (default 1/8 of the machine's memory): the increments are drawn in
            chunks of paths; the returned paths themselves must fit, else InvalidParameterError
            before any allocation.
        """
        from ..core import chunking

        horizon = float(positive("horizon", horizon))
        n_steps = integer("n_steps", n_steps, minimum=1)
        n_paths = integer("n_paths", n_paths, minimum=1)
        start = float(finite("start", start))
        factor = float(positive("factor", factor))
        seed = np.random.SeedSequence().entropy if seed is None else integer("seed", seed,
                                                                              minimum=0)
        chunks = chunking.plan(n_paths, 8.0 * n_steps, 8.0 * n_paths * (n_steps + 1),
                               memory_budget, "n_paths")
        dt = horizon / n_steps
        values = np.empty((n_paths, n_steps + 1))
        values[:, 0] = start
        for lo, hi in chunks:
            rng = chunking.BlockRNG(seed, lo, hi)
            increments = rng.gamma(self.shape_rate * dt, self.scale, size=(hi - lo, n_steps))
            np.cumsum(increments, axis=1, out=values[lo:hi, 1:])
            values[lo:hi, 1:] = start + factor * values[lo:hi, 1:]
        return GammaPaths(times=np.linspace(0.0, horizon, n_steps + 1), values=values)


def gamma_cds_rate_paths(n_paths: int = 20, n_steps: int = 50, step_shape: float = 4 / 50,
                         step_scale: float = 0.005, recovery: float = 0.4, horizon: float = 1.0,
                         seed: int | None = 0) -> GammaPaths:
    """The seed's CDS-rate paths: ``(1 − R)`` × cumsum of ``Gamma(step_shape, step_scale)`` draws.

    Defaults are the seed's (20 paths of 50 steps, ``GammaDistribution[4/50, 0.005]``, R = 0.4),
    laid out on ``horizon`` years, so the process has ``α = step_shape · n_steps / horizon``.
    """
    recovery = float(in_range("recovery", recovery, 0.0, 1.0, hi_open=True))
    horizon = float(positive("horizon", horizon))
    n_steps = integer("n_steps", n_steps, minimum=1)
    step_shape = float(positive("step_shape", step_shape))
    if not np.isfinite(step_shape * n_steps / horizon):
        raise InvalidParameterError("step_shape", step_shape, "finite")
    process = GammaProcess(shape_rate=step_shape * n_steps / horizon, scale=step_scale)
    return process.simulate(horizon, n_steps, n_paths, seed=seed, factor=1.0 - recovery)
