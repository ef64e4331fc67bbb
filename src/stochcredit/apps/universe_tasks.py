"""The unit of work of a universe run: one (name, date) -> one result row per model.

Tasks (the models and settings of the single-name commands):

- ``bootstrap``: piecewise-flat hazard curve (model ``hazard``); parameters are the hazards per
  pillar, ``fit_error`` the largest absolute repricing error (decimal), ``fitted`` the repriced
  par spreads;
- ``price``: the bootstrapped curve prices a CDS of coupon ``coupon`` at every quoted maturity
  (model ``hazard``); ``fitted`` holds the par spreads, ``extra`` the pv and risky annuity;
- ``calibrate``: Merton models (``black_scholes``, ``heston``, ``heston2``) fitted by
  :func:`stochcredit.calibration.merton.calibrate_merton`; ``fit_error`` is I(Omega) (H-4).

Discount curves are explicit (:class:`CurveSpec`): the US Treasury zero curve of the row's date
(packaged par yields), a curve file (``maturity, zero_rate`` continuously compounded) or a flat
rate. The writer resolves one curve per date and ships the lot once to each worker.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import InvalidParameterError
from ..market.quote_rows import QuoteRow

__all__ = ["TASKS", "CurveSpec", "UniverseTask", "inputs_hash", "resolve_curves"]

TASKS = ("bootstrap", "price", "calibrate")


@dataclass(frozen=True)
class CurveSpec:
    """Where each row's discount curve comes from: ``kind`` in ``treasury``, ``file``, ``flat``."""

    kind: str = "treasury"
    rate: float | None = None
    path: str | None = None

    @classmethod
    def from_options(cls, rate: float | None = None, curve: str | Path | None = None,
                     treasury: bool = False) -> CurveSpec:
        given = [x for x in (rate is not None, curve is not None, treasury) if x]
        if len(given) > 1:
            raise InvalidParameterError("discount curve", "several",
                                        "one of --rate, --curve or --treasury")
        if rate is not None:
            from ..core.validation import in_range

            return cls("flat", rate=float(in_range("--rate", rate, -0.5, 1.0)))
        if curve is not None:
            p = Path(curve)
            if not p.is_file():
                raise FileNotFoundError(2, "No such file", str(p))
            return cls("file", path=str(p.resolve()))
        return cls("treasury")

    def label(self, date: str | None = None) -> str:
        if self.kind == "flat":
            return f"flat {self.rate:g}"
        if self.kind == "file":
            return f"curve file {Path(self.path).name}"
        return f"US Treasury {date}" if date else "US Treasury (row date)"

    def build(self, date: str | None):
        """The discount curve for ``date``; InvalidParameterError when it cannot be built."""
        from ..market.curves import FlatCurve, ZeroCurve

        if self.kind == "flat":
            return FlatCurve(self.rate)
        if self.kind == "file":
            import pandas as pd

            df = pd.read_csv(self.path)
            df.columns = [c.strip().lower() for c in df.columns]
            if not {"maturity", "zero_rate"} <= set(df.columns):
                raise InvalidParameterError(f"curve file {self.path}", list(df.columns),
                                            "columns maturity, zero_rate (continuous, decimal)")
            return ZeroCurve(df["maturity"].to_numpy(float), df["zero_rate"].to_numpy(float))
        if not date:
            raise InvalidParameterError("date", None, "a quote date for the Treasury curve",
                                        "the row has no date: give the file a date column, "
                                        "pass --date, or choose --rate / --curve")
        from ..market.treasury import treasury_zero_curve

        return treasury_zero_curve(date)


def resolve_curves(spec: CurveSpec, dates) -> tuple[dict, dict]:
    """``({date: curve}, {date: error message})`` for the distinct dates of a universe."""
    curves, errors = {}, {}
    keys = sorted({d or "" for d in dates}) if spec.kind == "treasury" else [""]
    for d in keys:
        try:
            curves[d] = spec.build(d or None)
        except (InvalidParameterError, ValueError, OSError) as exc:
            errors[d] = f"discount curve ({spec.label(d or None)}): {exc}"
    return curves, errors


def inputs_hash(task: str, model: str, settings: dict, row: QuoteRow, curve_label: str) -> str:
    """16 hex digits of SHA-256 over everything that determines a result row."""
    payload = json.dumps({"task": task, "model": model, "settings": settings,
                          "name": row.name, "date": row.date, "maturities": row.maturities,
                          "spreads": row.spreads, "recovery": row.recovery,
                          "leverage": row.leverage, "curve": curve_label},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class UniverseTask:
    """Picklable callable: ``task(row, curve) -> [result dict per model]``.

    Parameters
    ----------
    task : {"bootstrap", "price", "calibrate"}
    models : tuple of str
        For ``calibrate``: Merton models; ignored (``("hazard",)``) otherwise.
    leverage : float or None
        Debt/asset for rows without one (None: calibrate it).
    seed : int
        Differential-evolution seed (results do not depend on the executor).
    coupon : float
        CDS coupon of the ``price`` task (decimal).
    frequency : int
        Premium payments per year (``bootstrap`` and ``price``).
    options : dict
        Extra keywords of ``calibrate_merton`` (``popsize``, ``maxiter``, ``time_limit`` ...).
    """

    task: str = "calibrate"
    models: tuple[str, ...] = ("black_scholes", "heston", "heston2")
    leverage: float | None = 0.5
    seed: int = 0
    coupon: float = 0.01
    frequency: int = 4
    options: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        from ..calibration.merton_curves import parse_models
        from ..core.validation import choice

        object.__setattr__(self, "task", choice("task", self.task, TASKS))
        models = parse_models(self.models) if self.task == "calibrate" else ("hazard",)
        object.__setattr__(self, "models", models)

    def settings(self) -> dict:
        """JSON-able settings (stored with the run, part of every inputs hash)."""
        return {"task": self.task, "models": list(self.models), "leverage": self.leverage,
                "seed": self.seed, "coupon": self.coupon, "frequency": self.frequency,
                "options": self.options}

    def __call__(self, row: QuoteRow, curve: Any) -> list[dict]:
        out = []
        for model in self.models:
            start = time.perf_counter()
            try:
                rec = getattr(self, f"_{self.task}")(model, row, curve)
                rec.update(status="ok", error="")
            except Exception as exc:  # noqa: BLE001 - a failing model is a result row
                rec = {"status": "error", "error": _error_text(exc)}
            rec["model"] = model
            rec["seconds"] = time.perf_counter() - start
            out.append(rec)
        return out

    def _curve(self, row: QuoteRow, curve):
        from ..market.hazard_bootstrap import bootstrap_hazard_curve

        mats = np.asarray(row.maturities, float)
        return mats, bootstrap_hazard_curve(mats, np.asarray(row.spreads, float), curve,
                                            recovery=row.recovery, frequency=self.frequency)

    def _bootstrap(self, model: str, row: QuoteRow, curve) -> dict:
        from ..instruments.cds import CDS

        mats, hz = self._curve(row, curve)
        par = np.atleast_1d(CDS(mats, recovery=row.recovery, frequency=self.frequency)
                            .par_spread(curve, hz))
        params = {f"hazard_{t:g}y": float(h) for t, h in zip(mats, hz.hazards, strict=True)}
        return {"params": params, "fitted": {f"{t:g}": float(s) for t, s in zip(mats, par,
                                                                              strict=True)},
                "fit_error": float(np.max(np.abs(par - np.asarray(row.spreads)))),
                "extra": {"survival": [float(x) for x in np.atleast_1d(hz.survival(mats))]}}

    def _price(self, model: str, row: QuoteRow, curve) -> dict:
        from ..instruments.cds import CDS

        mats, hz = self._curve(row, curve)
        cds = CDS(mats, coupon=self.coupon, recovery=row.recovery, frequency=self.frequency)
        par = np.atleast_1d(cds.par_spread(curve, hz))
        out = {"params": {f"hazard_{t:g}y": float(h) for t, h in zip(mats, hz.hazards,
                                                                     strict=True)},
               "fitted": {f"{t:g}": float(s) for t, s in zip(mats, par, strict=True)},
               "fit_error": float(np.max(np.abs(par - np.asarray(row.spreads))))}
        extra = {"coupon": self.coupon}
        for meth in ("pv", "risky_annuity", "protection_leg"):
            if hasattr(cds, meth):
                extra[meth] = [float(x) for x in np.atleast_1d(getattr(cds, meth)(curve, hz))]
        out["extra"] = extra
        return out

    def _calibrate(self, model: str, row: QuoteRow, curve) -> dict:
        from ..calibration.merton import calibrate_merton
        from ..core.validation import in_range

        lev = self.leverage
        if row.leverage is not None:
            lev = in_range("leverage", row.leverage, 0.0, 1.0, lo_open=True, hi_open=True)
        mats = np.asarray(row.maturities, float)
        res = calibrate_merton(model, mats, np.asarray(row.spreads, float), asset=1.0,
                               debt=lev if lev is not None else 0.5, rate=curve, seed=self.seed,
                               calibrate_leverage=lev is None, **self.options)
        params = {k: float(v) for k, v in res.params.items()}
        if lev is not None:
            params.setdefault("leverage", float(lev))
        s = res.summary()
        return {"params": params, "fit_error": float(res.error),
                "fitted": {f"{t:g}": float(x) for t, x in zip(mats, res.fitted, strict=True)},
                "extra": {"nfev": int(res.nfev), "nit": int(res.nit),
                          "n_flat": int(s["n_flat"]), "at_bound": s["at_bound"],
                          "warnings": s["warnings"], "calibration_seconds": float(res.seconds)}}
