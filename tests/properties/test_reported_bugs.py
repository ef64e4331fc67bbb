"""Regression tests for issue 14's validation bugs (each used to hang, overflow or allocate GiB)."""

import numpy as np
import pytest

import stochcredit as sc


def test_cds_frequency_above_daily_is_refused():
    with pytest.raises(sc.InvalidParameterError, match="frequency"):
        sc.CDS(5.0, frequency=1e30)
    assert sc.CDS(5.0, frequency=365).frequency == 365
    with pytest.raises(sc.InvalidParameterError, match="frequency"):
        sc.CDS(5.0, frequency=float("inf"))


def test_cds_absurd_maturity_is_refused_not_hung():
    with pytest.raises(sc.InvalidParameterError, match="maturity"):
        sc.CDS(maturity=1e9)


def test_bond_infinite_frequency_is_invalid_parameter():
    with pytest.raises(sc.InvalidParameterError, match="frequency"):
        sc.Bond(5.0, 0.03, 1.0, frequency=float("inf"))


def test_joint_survival_refuses_before_allocating():
    with pytest.raises(sc.InvalidParameterError, match="cap"):
        sc.joint_survival_constant_correlation(0.5, 10000.0, 0.25, 0.3, 0.4, 5.0)
    # typical input still works and is a probability
    q = sc.joint_survival_constant_correlation(0.5, 0.6, 0.25, 0.3, 0.4, [1.0, 5.0])
    assert np.all((q >= 0) & (q <= 1)) and q[1] <= q[0]
