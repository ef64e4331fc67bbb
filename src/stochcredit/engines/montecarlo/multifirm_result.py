"""Result of a multi-firm joint-default simulation: estimates with standard errors (JS-2, H.6).

Every estimator is a mean over covariance paths of the antithetic pair mean ``(f(+Z) + f(-Z))/2``,
so standard errors are ``std(pair means)/sqrt(n_pairs)``. Ratios (default correlation) use the
delta method on the vector of pair means. The engine accumulates the sums of the pair means and
of their products (``moments``), so memory does not grow with the number of paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from ...core.errors import InvalidParameterError
from ...core.estimate import Estimate

__all__ = ["MultiFirmSimulationResult", "p_gbm"]


def p_gbm(x0: np.ndarray, integrated: np.ndarray) -> np.ndarray:
    """(IM-0) P(min_{s<=I} x0 + W_s - s/2 > 0).

    ``Phi((x0 - I/2)/sqrt I) - e^{x0} Phi((-x0 - I/2)/sqrt I)``.
    """
    x0, integrated = np.broadcast_arrays(np.asarray(x0, float), np.asarray(integrated, float))
    root = np.sqrt(np.where(integrated > 0, integrated, 1.0))
    val = (norm.cdf((x0 - integrated / 2) / root)
           - np.exp(x0) * norm.cdf((-x0 - integrated / 2) / root))
    return np.where(integrated > 0, val, (x0 > 0).astype(float))


def _estimate(samples: np.ndarray) -> Estimate:
    n = samples.size
    se = float(samples.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return Estimate(float(samples.mean()), se)


def _default_corr(q_i, q_j, q_ij):
    p_i, p_j = 1.0 - q_i, 1.0 - q_j
    p_ij = 1.0 - q_i - q_j + q_ij
    with np.errstate(invalid="ignore", divide="ignore"):
        return (p_ij - p_i * p_j) / np.sqrt(p_i * (1 - p_i) * p_j * (1 - p_j))


@dataclass(frozen=True, eq=False)
class MultiFirmSimulationResult:
    """Simulated survival weights of n firms, summarised by their moments.

    Attributes
    ----------
    times : ndarray
        Simulation grid ``0 = t_0 < ... < t_N = T``.
    record_times : ndarray
        Times (a subset of ``times``, always including 0 and T) with moments (and per-path
        weights when kept).
    weights : ndarray, shape (n_record, 2, n_pairs, n), or None
        Bridge-corrected survival weights (axis 1: the antithetic sign), when kept
        (``keep_paths``).
    integrated_variance : ndarray, shape (n_pairs, n), or None
        ``int_0^T Sigma_ii`` per covariance path (trapezoid), when kept.
    mean_survival, mean_joint_survival : ndarray
        Grid means of ``w_i`` and ``prod_i w_i`` at every grid time.
    mean_correlation : ndarray, shape (n_record, n, n)
        E[rho_t] (mean instantaneous correlation matrix) at ``record_times``.
    sample_covariance : ndarray, shape (N + 1, n_sample, n, n)
        The first few simulated covariance paths (for plots).
    x0 : ndarray
        Initial log-distances to default.
    n_pairs : int
        Antithetic pairs simulated.
    moments : (ndarray, ndarray)
        Sums over pairs of the pair-mean features ``f = (w_i, w_i w_j (i<j), prod_i w_i)`` and of
        ``f f'`` at each record time: shapes ``(n_record, m)`` and ``(n_record, m, m)``.
    joint_moments : ndarray, shape (n_record, n_record)
        Sums over pairs of ``g g'``, ``g`` the pair's joint survival at the record times.
    conditional_moments : (ndarray, ndarray)
        Sums of ``P_GBM(x_i0, I_i)`` and of its square over pairs (H.7).
    """

    times: np.ndarray
    record_times: np.ndarray
    weights: np.ndarray | None
    integrated_variance: np.ndarray | None
    mean_survival: np.ndarray
    mean_joint_survival: np.ndarray
    mean_correlation: np.ndarray
    sample_covariance: np.ndarray
    x0: np.ndarray
    n_pairs: int = 0
    moments: tuple = ()
    joint_moments: np.ndarray | None = None
    conditional_moments: tuple = ()

    @property
    def n(self) -> int:
        """Number of firms."""
        return int(np.size(self.x0))

    @property
    def horizon(self) -> float:
        """Last grid time T."""
        return float(self.times[-1])

    @property
    def n_paths(self) -> int:
        """Number of asset paths (2 per covariance path)."""
        return 2 * self.n_pairs

    def _slot(self, t: float | None) -> int:
        if t is None:
            return self.record_times.size - 1
        idx = int(np.argmin(np.abs(self.record_times - t)))
        if abs(self.record_times[idx] - t) > 1e-9:
            raise InvalidParameterError("t", t, "one of the recorded times "
                                        f"{np.round(self.record_times, 6).tolist()}")
        return idx

    def _firm(self, i: int, name: str = "i") -> int:
        if not (isinstance(i, (int, np.integer)) and 0 <= i < self.n):
            raise InvalidParameterError(name, i, f"a firm index in [0, {self.n - 1}]")
        return int(i)

    def _col(self, i: int, j: int | None = None) -> int:
        """Feature column of ``w_i`` (``j`` None), ``w_i w_j`` or (``i = -1``) the product."""
        n = self.n
        if i < 0:
            return n + n * (n - 1) // 2
        if j is None:
            return i
        i, j = min(i, j), max(i, j)
        return n + i * (2 * n - i - 1) // 2 + (j - i - 1)

    def _moments(self, slot: int, cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Mean and covariance (ddof 1) of pair-mean features ``cols`` over the pairs."""
        s1, s2 = self.moments
        n = self.n_pairs
        mean = s1[slot, cols] / n
        cov = (s2[slot][np.ix_(cols, cols)] - n * np.outer(mean, mean)) / max(n - 1, 1)
        return mean, cov

    def _linear(self, slot: int, coef: dict[int, float], const: float = 0.0) -> Estimate:
        cols = list(coef)
        c = np.array([coef[k] for k in cols])
        mean, cov = self._moments(slot, cols)
        n = self.n_pairs
        se = float(np.sqrt(max(c @ cov @ c, 0.0) / n)) if n > 1 else float("nan")
        return Estimate(float(const + c @ mean), se)

    def survival(self, i: int, t: float | None = None) -> Estimate:
        """P(tau_i > t) (default t = T)."""
        return self._linear(self._slot(t), {self._col(self._firm(i)): 1.0})

    def joint_survival(self, t: float | None = None, firms=None) -> Estimate:
        """P(all firms (or ``firms``) survive to t) (JS-2; H.5 product of bridge weights).

        ``firms`` of one, two or all firms come from the recorded moments; other subsets need
        the per-path weights (``keep_paths=True``).
        """
        slot = self._slot(t)
        if firms is None:
            return self._linear(slot, {self._col(-1): 1.0})
        idx = sorted({self._firm(i, "firms") for i in firms})
        if len(idx) == self.n:
            return self._linear(slot, {self._col(-1): 1.0})
        if len(idx) == 1:
            return self._linear(slot, {self._col(idx[0]): 1.0})
        if len(idx) == 2:
            return self._linear(slot, {self._col(idx[0], idx[1]): 1.0})
        w = self._paths("joint_survival of a subset of more than two firms")[slot][:, :, idx]
        return _estimate(w.prod(axis=2).mean(axis=0))

    def _paths(self, what: str) -> np.ndarray:
        if self.weights is None:
            raise InvalidParameterError("keep_paths", False, "True",
                                        f"{what} needs the per-path weights; simulate with "
                                        "keep_paths=True")
        return self.weights

    def first_to_default_probability(self, t: float | None = None) -> Estimate:
        """P(at least one default by t) = 1 - joint survival (JS-2)."""
        js = self.joint_survival(t)
        return Estimate(1.0 - js.value, js.stderr)

    def joint_default_probability(self, i: int = 0, j: int = 1, t: float | None = None) -> Estimate:
        """P(tau_i <= t, tau_j <= t) = 1 - Q_i - Q_j + Q_ij (JS-2)."""
        i, j = self._firm(i), self._firm(j, "j")
        if i == j:
            return Estimate(1.0 - self.survival(i, t).value, self.survival(i, t).stderr)
        return self._linear(self._slot(t), {self._col(i): -1.0, self._col(j): -1.0,
                                            self._col(i, j): 1.0}, const=1.0)

    def default_correlation(self, i: int = 0, j: int = 1, t: float | None = None) -> Estimate:
        """Default correlation (P_ij - P_i P_j)/sqrt(P_i(1-P_i) P_j(1-P_j)) (JS-2).

        Standard error by the delta method.
        """
        i, j = self._firm(i), self._firm(j, "j")
        if i == j:
            raise InvalidParameterError("j", j, f"a firm other than i = {i}")
        mean, cov = self._moments(self._slot(t), [self._col(i), self._col(j), self._col(i, j)])
        value = float(_default_corr(*mean))
        if not np.isfinite(value):
            return Estimate(float("nan"), float("nan"))
        grad = np.empty(3)
        for k in range(3):
            bump = np.zeros(3)
            step = 1e-6 * max(1e-3, min(mean[k], 1 - mean[k]))
            bump[k] = step
            grad[k] = (_default_corr(*(mean + bump)) - _default_corr(*(mean - bump))) / (2 * step)
        return Estimate(value, float(np.sqrt(max(grad @ cov @ grad, 0.0) / self.n_pairs)))

    def conditional_survival(self, i: int) -> Estimate:
        """E[P_GBM(x_i0, int_0^T Sigma_ii)] at T (H.7): checks the Laplace transform alone."""
        i = self._firm(i)
        c1, c2 = self.conditional_moments
        n = self.n_pairs
        mean = c1[i] / n
        var = max((c2[i] - n * mean * mean) / max(n - 1, 1), 0.0)
        return Estimate(float(mean), float(np.sqrt(var / n)) if n > 1 else float("nan"))

    def joint_survival_moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and covariance (ddof 1) over pairs of the joint survival at ``record_times``."""
        n = self.n_pairs
        mean = self.moments[0][:, self._col(-1)] / n
        cov = (self.joint_moments - n * np.outer(mean, mean)) / max(n - 1, 1)
        return mean, cov

    def survival_curve(self, i: int | None = None) -> np.ndarray:
        """Grid means of P(tau_i > t) (or of joint survival when ``i`` is None) at ``times``."""
        if i is None:
            return self.mean_joint_survival.copy()
        return self.mean_survival[:, self._firm(i)].copy()

    def joint_survival_curve(self) -> np.ndarray:
        """Grid means of P(all survive to t) at ``times`` (for first-to-default CDS)."""
        return self.mean_joint_survival.copy()

    def pair_joint_survival(self) -> np.ndarray:
        """Antithetic pair means of the joint survival at ``record_times``; (n_record, n_pairs)
        (needs ``keep_paths``)."""
        return self._paths("pair_joint_survival").prod(axis=3).mean(axis=1)

    def to_frame(self) -> pd.DataFrame:
        """Per recorded time: marginal, joint and first-to-default values with standard errors,
        and the default correlation of firms 0 and 1 (n >= 2)."""
        rows = []
        for t in self.record_times[1:]:
            row = {"t": t}
            for i in range(self.n):
                est = self.survival(i, t)
                row[f"survival_{i}"], row[f"survival_{i}_se"] = est
            js = self.joint_survival(t)
            row["joint_survival"], row["joint_survival_se"] = js
            row["ftd_probability"], row["ftd_probability_se"] = self.first_to_default_probability(t)
            if self.n >= 2:
                row["default_correlation"], row["default_correlation_se"] = \
                    self.default_correlation(0, 1, t)
            rows.append(row)
        return pd.DataFrame(rows).set_index("t")
