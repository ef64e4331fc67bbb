"""Calibration results with fit diagnostics (bounds hit, Feller condition, flat directions).

A calibration that reaches a tiny error can still leave parameters undetermined: the seed-002
paper itself warns about identification (Han and Kuo 2017). :class:`CalibrationResult` therefore
reports, beside the fit, the directions in parameter space along which the fitted values hardly
move — the right singular vectors of the Jacobian (taken w.r.t. each parameter's fraction of its
search interval, so that the columns are comparable) whose singular values are small relative to
the largest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .parameters import ParameterSpace

__all__ = ["CalibrationResult", "flat_directions", "feller_conditions"]


def flat_directions(jacobian, names, threshold: float = 1e-3,
                    min_loading: float = 0.3) -> list[dict[str, Any]]:
    """Poorly identified parameter combinations from a Jacobian's singular value decomposition.

    Parameters
    ----------
    jacobian : array_like (N, k)
        d residual / d scaled parameter.
    names : sequence of str
    threshold : float
        A direction is flat when its singular value is below ``threshold`` times the largest.
        With ``N < k`` quotes, ``k - N`` directions are flat by construction (singular value 0).
    min_loading : float
        Parameters whose weight in the direction's unit vector exceeds this are listed.

    Returns
    -------
    list of dict
        ``{"ratio": s_i / s_max, "parameters": {name: loading}}``, flattest first.
    """
    jac = np.asarray(jacobian, dtype=float)
    n_obs, k = jac.shape
    if not np.all(np.isfinite(jac)):
        return [{"ratio": float("nan"), "parameters": {"<jacobian not finite>": 1.0}}]
    _, s, vt = np.linalg.svd(jac, full_matrices=True)
    s_full = np.zeros(k)
    s_full[: s.size] = s
    s_max = s_full.max() if s_full.max() > 0 else 1.0
    out = []
    for i in np.argsort(s_full):
        ratio = s_full[i] / s_max
        if ratio >= threshold:
            break
        v = vt[i]
        loads = {n: round(float(v[j]), 3) for j, n in enumerate(names) if abs(v[j]) >= min_loading}
        out.append({"ratio": float(ratio), "parameters": loads})
    return out


def feller_conditions(params: dict[str, float]) -> dict[str, bool]:
    """Feller condition ``2 kappa theta >= sigma^2`` for every CIR factor found in ``params``.

    Factor names follow the calibration spaces: ``kappa, theta, sigma`` (one factor) or
    ``kappa_1, theta_1, sigma_1`` ... (several).
    """
    out = {}
    for key in sorted(params):
        if key.startswith("kappa"):
            suffix = key[len("kappa"):]
            th, sg = params.get("theta" + suffix), params.get("sigma" + suffix)
            if th is not None and sg is not None:
                out["feller" + suffix] = bool(2 * params[key] * th >= sg**2)
    return out


@dataclass(frozen=True)
class CalibrationResult:
    """A fitted model and how well (and how identifiably) it fits.

    Attributes
    ----------
    params : dict
        Fitted parameters ``{name: value}``.
    model : object
        The fitted model (e.g. a :class:`stochcredit.Merton`), or None.
    error : float
        Fit error — for credit spreads the paper's mean squared relative error I(Omega) (H-4).
    fitted, market : ndarray
        Model and market values at the quotes.
    quotes : ndarray
        Quote labels (maturities in years for a spread curve).
    nfev, nit : int
        Model evaluations (parameter sets priced) and iterations (DE generations + least-squares
        iterations).
    seconds : float
        Wall time of the calibration.
    model_name : str
    diagnostics : dict
        ``at_bound`` (list of ``"name=lower|upper"``), ``feller`` ({factor: bool}),
        ``flat_directions`` (see :func:`flat_directions`), ``singular_values``, ``message``.
    """

    params: dict
    model: Any
    error: float
    fitted: np.ndarray
    market: np.ndarray
    quotes: np.ndarray
    nfev: int
    nit: int
    seconds: float
    model_name: str = ""
    diagnostics: dict = field(default_factory=dict)

    @property
    def relative_errors(self) -> np.ndarray:
        return (self.fitted - self.market) / self.market

    @property
    def warnings(self) -> list[str]:
        """Identification warnings in words (parameters at bounds, flat directions, Feller)."""
        out = []
        if self.diagnostics.get("at_bound"):
            out.append("at bound: " + ", ".join(self.diagnostics["at_bound"]))
        for d in self.diagnostics.get("flat_directions", []):
            combo = " ".join(f"{v:+.2f}*{n}" for n, v in d["parameters"].items())
            out.append(f"flat direction (s/s_max={d['ratio']:.1e}): {combo}")
        violated = [k for k, ok in self.diagnostics.get("feller", {}).items() if not ok]
        if violated:
            out.append("Feller condition violated: " + ", ".join(violated))
        return out

    @property
    def identified(self) -> bool:
        """True when no parameter is at a bound and no flat direction was found."""
        return not (self.diagnostics.get("at_bound") or self.diagnostics.get("flat_directions"))

    def to_frame(self) -> pd.DataFrame:
        """Fitted vs market, one row per quote: ``market``, ``fitted``, ``relative_error``.

        The parameters, error and diagnostics are in ``df.attrs`` (and in :meth:`summary`).
        """
        df = pd.DataFrame({"market": self.market, "fitted": self.fitted,
                           "relative_error": self.relative_errors},
                          index=pd.Index(self.quotes, name="maturity"))
        df.attrs.update(self.summary().to_dict())
        return df

    def summary(self) -> pd.Series:
        """One row for tables of many calibrations: model, parameters, ``fit_error`` (I(Omega)),
        work (``nfev``, ``nit``, ``seconds``) and identification warnings."""
        row = {"model": self.model_name, **self.params, "fit_error": self.error,
               "nfev": self.nfev, "nit": self.nit, "seconds": self.seconds,
               "n_flat": len(self.diagnostics.get("flat_directions", [])),
               "at_bound": ";".join(self.diagnostics.get("at_bound", [])),
               "warnings": " | ".join(self.warnings)}
        return pd.Series(row)

    def __repr__(self) -> str:
        ps = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return (f"CalibrationResult({self.model_name}: error={self.error:.3e}, {ps}, "
                f"nfev={self.nfev}, {self.seconds:.2f}s)")


def build_diagnostics(space: ParameterSpace, x, jacobian, message: str = "",
                      flat_threshold: float = 1e-3) -> dict:
    """Diagnostics dict of a :class:`CalibrationResult` from the optimiser's outcome."""
    params = space.to_dict(x)
    jac = np.asarray(jacobian, dtype=float)
    sv = np.linalg.svd(jac, compute_uv=False) if np.all(np.isfinite(jac)) else np.array([np.nan])
    return {"at_bound": space.at_bound(x), "feller": feller_conditions(params),
            "flat_directions": flat_directions(jac, space.names, flat_threshold),
            "singular_values": sv, "message": message}
