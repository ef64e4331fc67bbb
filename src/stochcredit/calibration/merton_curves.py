"""Calibrate several Merton models to one spread curve: the unit of work of a universe run.

:class:`MertonCurveTask` is a small picklable callable, so that a batch runner (a process pool or
Dask, :mod:`stochcredit.apps.batch`) can send it to workers with one curve per name. Each call
returns one row per model: the parameters, the fit error I(Omega) (H-4), the work done and the
identification warnings — the columns of the paper's Tables 4.1-4.4, for many names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import InvalidParameterError
from ..core.validation import choice, in_range, integer
from .merton import MERTON_MODELS, calibrate_merton

__all__ = ["MertonCurveTask", "parse_models"]


def parse_models(models: str | Sequence[str]) -> tuple[str, ...]:
    """``"black_scholes,heston"`` or a sequence -> validated tuple (also accepts ``bs``, ``1sv``,
    ``2sv`` as the paper's abbreviations)."""
    alias = {"bs": "black_scholes", "1sv": "heston", "2sv": "heston2", "heston1": "heston"}
    items = models.split(",") if isinstance(models, str) else list(models)
    out = []
    for m in items:
        m = str(m).strip().lower()
        if not m:
            continue
        out.append(choice("models", alias.get(m, m), MERTON_MODELS))
    if not out:
        raise InvalidParameterError("models", models, "at least one of " + ", ".join(MERTON_MODELS))
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class MertonCurveTask:
    """Fit each of ``models`` to one curve ``(maturities, spreads[, recovery])``.

    Parameters
    ----------
    models : tuple of str
        Among ``"black_scholes"``, ``"heston"``, ``"heston2"``.
    leverage : float or None
        Debt face / asset value, fixed for every name (``asset = 1``); None calibrates it.
    rate : float or curve
        Risk-free rate (or a curve with ``zero_rate``) passed to :func:`calibrate_merton`.
    seed : int
    keep_fits : bool
        Add ``maturities``, ``market`` and ``fitted`` (tuples) to each row, for figures.
    options : dict
        Extra keyword arguments of :func:`calibrate_merton` (``popsize``, ``maxiter`` ...).
    """

    models: tuple[str, ...] = MERTON_MODELS
    leverage: float | None = 0.5
    rate: Any = 0.0025
    seed: int = 0
    keep_fits: bool = False
    options: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", parse_models(self.models))
        if self.leverage is not None:
            object.__setattr__(self, "leverage", in_range("leverage", self.leverage, 0.0, 1.0,
                                                          lo_open=True, hi_open=True))
        object.__setattr__(self, "seed", integer("seed", self.seed, minimum=0))

    def __call__(self, curve) -> list[dict]:
        """Rows for ``curve = (maturities, spreads[, recovery[, leverage]])``; a leverage given
        with the curve (not None) overrides the task's."""
        maturities, spreads = np.asarray(curve[0], float), np.asarray(curve[1], float)
        leverage = self.leverage
        if len(curve) > 3 and curve[3] is not None and np.isfinite(curve[3]):
            leverage = in_range("leverage", curve[3], 0.0, 1.0, lo_open=True, hi_open=True)
        rows = []
        for model in self.models:
            res = calibrate_merton(model, maturities, spreads, asset=1.0,
                                   debt=leverage if leverage is not None else 0.5,
                                   rate=self.rate, seed=self.seed,
                                   calibrate_leverage=leverage is None, **self.options)
            row = res.summary().to_dict()
            row["n_quotes"] = maturities.size
            if leverage is not None:
                row["leverage"] = leverage
            if self.keep_fits:
                row["maturities"] = tuple(maturities)
                row["market"] = tuple(spreads)
                row["fitted"] = tuple(res.fitted)
            rows.append(row)
        return rows
