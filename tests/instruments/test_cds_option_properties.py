"""Property-based invariants of CDS-option prices (hypothesis).

Bounds (Jensen and no-arbitrage): annuity·(m − K)^+ <= payer <= annuity·m for laws on (0, inf)
(annuity·(m − K)^+ <= payer for Bachelier), annuity·(K − m)^+ <= receiver <= annuity·K;
payer non-increasing and convex in strike; parity for every model.
"""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import stochcredit as sc

POSITIVE = ["black", "gamma", "inverse_gaussian", "gamma_exponential"]

forwards = st.floats(0.0005, 0.2)
expiries = st.floats(0.05, 10.0)
annuities = st.floats(0.05, 8.0)
cvs = st.floats(0.02, 3.0)  # coefficient of variation of F_T
models = st.sampled_from(POSITIVE + ["bachelier"])


def _vol(model, f, t, cv):
    if model == "black":
        return float(np.sqrt(np.log1p(cv * cv) / t))
    if model == "gamma_exponential":
        cv = 1.0 + cv
    return cv * f / np.sqrt(t)


@settings(max_examples=80, deadline=None)
@given(model=models, f=forwards, t=expiries, ann=annuities, cv=cvs,
       k_rel=st.lists(st.floats(0.05, 5.0), min_size=2, max_size=8))
def test_bounds_and_monotone_convex_in_strike(model, f, t, ann, cv, k_rel):
    vol = _vol(model, f, t, cv)
    k = np.sort(np.asarray(k_rel)) * f
    pay = sc.cds_option_price(f, k, t, ann, vol, model=model)
    rec = sc.cds_option_price(f, k, t, ann, vol, model=model, kind="receiver")
    tol = 1e-12 * ann * f
    assert np.all(pay >= ann * np.maximum(f - k, 0) - tol)
    assert np.all(rec >= ann * np.maximum(k - f, 0) - tol)
    if model != "bachelier":
        assert np.all(pay <= ann * f + tol)
        assert np.all(rec <= ann * k + tol)
    assert np.all(np.diff(pay) <= tol)  # payer decreases in strike
    assert np.all(np.diff(rec) >= -tol)  # receiver increases in strike
    kk = np.linspace(k[0], k[-1], 7)  # convex in strike: second differences >= 0
    if kk[-1] - kk[0] > 1e-3 * f:
        grid = sc.cds_option_price(f, kk, t, ann, vol, model=model)
        assert np.all(np.diff(grid, 2) >= -1e-10 * ann * f)
    np.testing.assert_allclose(pay - rec, ann * (f - k), rtol=0, atol=1e-12 * ann * k.max())


@settings(max_examples=50, deadline=None)
@given(model=models, f=forwards, t=expiries, cv=cvs, k_rel=st.floats(0.3, 3.0))
def test_payer_increases_with_vol(model, f, t, cv, k_rel):
    vol = _vol(model, f, t, cv)
    lo = sc.cds_option_price(f, k_rel * f, t, 1.0, vol, model=model)
    hi = sc.cds_option_price(f, k_rel * f, t, 1.0, 1.1 * vol, model=model)
    assert hi >= lo - 1e-13 * f


@settings(max_examples=50, deadline=None)
@given(f=forwards, t=expiries, ann=annuities, cv=st.floats(0.05, 2.0), k_rel=st.floats(0.5, 2.0))
def test_implied_vol_inverts_black(f, t, ann, cv, k_rel):
    vol = _vol("black", f, t, cv)
    price = sc.cds_option_price(f, k_rel * f, t, ann, vol)
    time_value = price - ann * max(f - k_rel * f, 0.0)
    assume(time_value > 1e-6 * price)  # below that the vol is not identified in double precision
    assert abs(sc.implied_black_vol(price, f, k_rel * f, t, ann) / vol - 1) < 1e-7
