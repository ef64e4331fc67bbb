"""Per-share balance sheet shared by the CreditGrades family (MODELS_CREDITGRADES.md §0, CG-1)."""

from __future__ import annotations

import numpy as np

__all__ = ["BalanceSheet"]


class BalanceSheet:
    """Mixin for models with fields ``equity`` (S0), ``debt_per_share`` (D), ``recovery_mean`` (L).

    Gives the default barrier ``B = L D``, the asset value ``V0 = S0 + L D`` and the log-distance
    to default ``x0 = ln(V0 / B)``.
    """

    equity: float
    debt_per_share: float
    recovery_mean: float

    @property
    def barrier(self) -> float:
        """Default barrier ``B = L D`` at t = 0."""
        return self.recovery_mean * self.debt_per_share

    @property
    def asset_value(self) -> float:
        """(CG-1) ``V0 = S0 + L D``."""
        return self.equity + self.barrier

    @property
    def distance_to_default(self) -> float:
        """``x0 = ln(V0 / (L D)) > 0``."""
        return float(np.log(self.asset_value / self.barrier))
