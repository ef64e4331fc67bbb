"""stochcredit: credit derivatives under stochastic volatility and stochastic correlation.

``import stochcredit as sc`` gives the public API (see ``docs``/README). Names are imported lazily
(PEP 562) so that ``import stochcredit`` is fast and a heavy engine (numba) loads only when used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (layers: market, dynamics, engines, models, instruments,
# calibration; apps are not re-exported)
_EXPORTS: dict[str, str] = {
    # core
    "InvalidParameterError": "stochcredit.core.errors",
    "Estimate": "stochcredit.core.estimate",
    # market
    "FlatCurve": "stochcredit.market.curves",
    "ZeroCurve": "stochcredit.market.curves",
    "FlatHazardCurve": "stochcredit.market.curves",
    "HazardCurve": "stochcredit.market.curves",
    "bootstrap_hazard_curve": "stochcredit.market.hazard_bootstrap",
    "Bond": "stochcredit.market.bonds",
    "bootstrap_zero_curve": "stochcredit.market.bonds",
    "treasury_zero_curve": "stochcredit.market.treasury",
    "load_treasury_par_yields": "stochcredit.market.treasury",
    "isda_discount_curve": "stochcredit.market.isda_discount",
    "load_isda_rates": "stochcredit.market.isda_discount",
    "read_isda_quotes": "stochcredit.market.isda_quotes",
    "isda_credit_curves": "stochcredit.calibration.isda_bulk",
    # dynamics
    "BlackScholes": "stochcredit.dynamics.black_scholes",
    "Heston": "stochcredit.dynamics.heston",
    "MultiFactorHeston": "stochcredit.dynamics.multifactor_heston",
    "CIR": "stochcredit.dynamics.cir",
    "GammaProcess": "stochcredit.dynamics.gamma_process",
    "WishartCovariance": "stochcredit.dynamics.wishart",
    "PrincipalComponentCovariance": "stochcredit.dynamics.principal_component",
    "ConstantCovariance": "stochcredit.dynamics.constant_covariance",
    # models
    "Merton": "stochcredit.models.merton",
    "merton_credit_spread_gradient": "stochcredit.models.merton",
    "merton_credit_spreads": "stochcredit.models.merton",
    "Bates": "stochcredit.dynamics.bates",
    "CreditGrades": "stochcredit.models.creditgrades",
    "CreditGradesEquity": "stochcredit.models.creditgrades_equity",
    "Firm": "stochcredit.models.multifirm",
    "MultiFirmCreditGrades": "stochcredit.models.multifirm",
    "joint_survival_constant_correlation": "stochcredit.models.joint_survival",
    # instruments
    "CDS": "stochcredit.instruments.cds",
    "forward_cds": "stochcredit.instruments.cds",
    "structural_cds_spread": "stochcredit.instruments.structural_cds",
    "structural_cds_spread_gradient": "stochcredit.instruments.structural_cds",
    "european_option": "stochcredit.instruments.equity_options",
    "european_option_gradient": "stochcredit.instruments.equity_options",
    "gradient_frame": "stochcredit.core.sensitivity",
    "cds_option_price": "stochcredit.instruments.cds_options",
    "cds_option_greeks": "stochcredit.instruments.cds_options",
    "implied_black_vol": "stochcredit.instruments.cds_options",
    "CDSOption": "stochcredit.instruments.cds_options",
    # ISDA dated CDS: risk (issue 12, isda12c)
    "cds_risk": "stochcredit.instruments.isda_risk",
    "CDSRisk": "stochcredit.instruments.isda_risk",
    "CreditQuotes": "stochcredit.instruments.isda_risk",
    "StandardCDSOption": "stochcredit.instruments.standard_cds_option",
    "first_to_default_spread": "stochcredit.instruments.first_to_default",
    "StandardCDS": "stochcredit.instruments.standard_cds",
    "StandardCDSPrice": "stochcredit.instruments.standard_cds",
    "price_standard_cds": "stochcredit.instruments.standard_cds",
    # calibration
    "calibrate_merton": "stochcredit.calibration.merton",
    "isda_credit_curve": "stochcredit.calibration.isda_credit",
    "IsdaCreditCurve": "stochcredit.calibration.isda_credit",
    "upfront_from_spread": "stochcredit.calibration.isda_credit",
    "spread_from_upfront": "stochcredit.calibration.isda_credit",
}

__all__ = sorted(_EXPORTS)

# submodules reachable as attributes (``sc.plot.curve(...)``), imported on first use; not in
# ``__all__`` so that ``from stochcredit import *`` never loads matplotlib
_SUBMODULES: dict[str, str] = {"plot": "stochcredit.apps.plot"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULES[name])
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stochcredit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # cache: later look-ups are plain attribute access
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
