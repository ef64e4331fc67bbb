"""Zero curve from bonds (seed 002 §4.2) and from UST par yields."""

import numpy as np
import pytest

import stochcredit as sc


def _price(times, amounts, zero_rate_fn):
    return float(np.sum(amounts * np.exp(-zero_rate_fn(times) * times)))


def test_zero_coupon_bonds_give_zero_rates_directly():
    bonds = [sc.Bond(0.5, 0.0, 0.99), sc.Bond(2.0, 0.0, 0.95)]
    curve = sc.bootstrap_zero_curve(bonds)
    np.testing.assert_allclose(curve.zero_rates, [-np.log(0.99) / 0.5, -np.log(0.95) / 2.0],
                               rtol=1e-14)


def test_recovers_a_known_curve_and_reprices_every_bond(agreement):
    # prices computed by hand from a known ZeroCurve whose pillars are the bond maturities
    mats = np.array([0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 7.25, 10.0, 30.0])
    true_rates = np.array([0.011, 0.014, 0.012, 0.018, 0.02, -0.001, 0.025, 0.03, 0.032])
    truth = sc.ZeroCurve(mats, true_rates)
    coupons = [0.0, 0.02, 0.03, 0.01, 0.05, 0.0, 0.04, 0.06, 0.035]
    bonds = []
    for T, c in zip(mats, coupons, strict=True):
        n = int(np.floor(T * 2 - 1e-9)) + 1
        times = T - np.arange(n)[::-1] / 2
        times = times[times > 0]
        amounts = np.full(times.size, c / 2)
        amounts[-1] += 1
        bonds.append(sc.Bond(T, c, _price(times, amounts, truth.zero_rate)))
    rng = np.random.default_rng(3)
    curve = sc.bootstrap_zero_curve([bonds[i] for i in rng.permutation(len(bonds))])
    np.testing.assert_allclose(curve.zero_rates, true_rates, rtol=1e-12, atol=1e-15)
    for b in bonds:
        assert abs(b.price_from_curve(curve) - b.price) <= 1e-12
    agreement("zero-curve bootstrap from coupon bonds, prices", "repricing every bond",
              max(abs(b.price_from_curve(curve) - b.price) for b in bonds), 1e-12,
              unit="absolute (per 1 face)")


def test_bond_cashflows_and_validation():
    t, a = sc.Bond(1.3, 0.04, 1.0).cashflows()
    np.testing.assert_allclose(t, [0.3, 0.8, 1.3])
    np.testing.assert_allclose(a, [0.02, 0.02, 1.02])
    with pytest.raises(sc.InvalidParameterError, match="price"):
        sc.Bond(1.0, 0.02, -1.0)
    with pytest.raises(sc.InvalidParameterError, match="coupon"):
        sc.Bond(1.0, np.nan, 1.0)
    with pytest.raises(sc.InvalidParameterError, match="maturity"):
        sc.Bond(0.0, 0.02, 1.0)
    with pytest.raises(sc.InvalidParameterError, match="distinct"):
        sc.bootstrap_zero_curve([sc.Bond(1.0, 0.02, 1.0), sc.Bond(1.0, 0.03, 1.0)])
    with pytest.raises(sc.InvalidParameterError, match="bonds"):
        sc.bootstrap_zero_curve([])


def test_treasury_loader_weekend_and_units():
    row = sc.load_treasury_par_yields("2016-05-14")  # Saturday -> Friday 2016-05-13
    assert row.name.date().isoformat() == "2016-05-13"
    assert row["10Y"] == pytest.approx(0.0171)       # percent -> decimal
    table = sc.load_treasury_par_yields()
    assert table.shape[1] == 11 and table.values[np.isfinite(table.values)].max() < 0.1
    with pytest.raises(sc.InvalidParameterError, match="date"):
        sc.load_treasury_par_yields("2030-01-01")
    with pytest.raises(sc.InvalidParameterError, match="date"):
        sc.load_treasury_par_yields("not a date")


def test_treasury_zero_curve_reprices_bills_and_par_bonds():
    row = sc.load_treasury_par_yields("2016-06-10")
    curve = sc.treasury_zero_curve("2016-06-12")   # Sunday -> 2016-06-10
    # 6M bill: P = 1 / (1 + y/2)
    assert curve.discount(0.5) == pytest.approx(1 / (1 + row["6M"] / 2), rel=1e-14)
    # 10Y note at par: semi-annual coupons = par yield, price 1
    y = row["10Y"]
    times = np.arange(1, 21) / 2
    price = y / 2 * np.sum(curve.discount(times)) + curve.discount(10.0)
    assert price == pytest.approx(1.0, abs=1e-12)
    # zero curve close to the par curve in a normal, upward-sloping market
    assert curve.zero_rate(10.0) == pytest.approx(y, abs=5e-4)
    assert np.all(np.diff(curve.discount(np.linspace(0, 30, 61))) < 0)
