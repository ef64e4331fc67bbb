"""The public names of API.md resolve from ``import stochcredit as sc`` (acceptance contract)."""

import importlib

import pytest

import stochcredit as sc

API_NAMES = [
    "InvalidParameterError", "FlatCurve", "ZeroCurve", "FlatHazardCurve", "HazardCurve",
    "bootstrap_hazard_curve", "Bond", "bootstrap_zero_curve", "CDS", "BlackScholes", "Heston",
    "MultiFactorHeston", "european_option", "Merton", "calibrate_merton",
    "cds_option_price", "cds_option_greeks", "implied_black_vol", "forward_cds", "CreditGrades",
    "CreditGradesEquity", "WishartCovariance", "PrincipalComponentCovariance", "Firm",
    "MultiFirmCreditGrades", "Estimate",
]


@pytest.mark.parametrize("name", API_NAMES)
def test_api_name_resolves(name):
    assert getattr(sc, name) is not None


@pytest.mark.parametrize("name", sorted(sc._EXPORTS))
def test_every_export_points_at_its_defining_module(name):
    module = importlib.import_module(sc._EXPORTS[name])
    assert getattr(module, name) is getattr(sc, name)


def test_invalid_parameter_error_is_a_value_error():
    assert issubclass(sc.InvalidParameterError, ValueError)
