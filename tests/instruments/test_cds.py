"""CDS legs vs closed forms (flat curves), identities and invariants (MODELS.md §2)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stochcredit as sc


def flat_reference(T, r, h, R, freq, start=0.0):
    """Hand-derived closed forms for flat rate r and flat hazard h (lambda = r + h != 0).

    protection = (1-R) h/lam (e^{-lam s} - e^{-lam T});
    premium    = sum_k D_k e^{-lam b_k};
    AoD_k      = int_a^b (u-a) h e^{-lam u} du = h e^{-lam a} (1 - e^{-lam w}(1 + lam w)) / lam^2.
    """
    lam = r + h
    n = int(np.ceil((T - start) * freq - 1e-7))
    ends = T - np.arange(n)[::-1] / freq
    begins = np.concatenate(([start], ends[:-1]))
    w = ends - begins
    prot = (1 - R) * h / lam * (np.exp(-lam * start) - np.exp(-lam * T))
    prem = np.sum(w * np.exp(-lam * ends))
    aod = np.sum(h * np.exp(-lam * begins) * (1 - np.exp(-lam * w) * (1 + lam * w)) / lam**2)
    return prot, prem + aod


@pytest.mark.parametrize("T, r, h, R, freq, start", [
    (5.0, 0.03, 0.02, 0.4, 4, 0.0),
    (1.3, 0.01, 0.5, 0.25, 4, 0.0),      # short first period, distressed
    (10.0, -0.01, 0.003, 0.4, 2, 0.0),   # negative rate
    (7.0, 0.02, 0.05, 0.0, 12, 2.0),     # forward start
    (30.0, 0.05, 0.01, 0.6, 1, 0.0),
])
def test_legs_match_flat_closed_forms(T, r, h, R, freq, start):
    cds = sc.CDS(T, coupon=0.01, recovery=R, start=start, frequency=freq)
    disc, cred = sc.FlatCurve(r), sc.FlatHazardCurve(h)
    prot, ann = flat_reference(T, r, h, R, freq, start)
    for method in ("auto", "quadrature"):
        tol = 1e-12 if method == "auto" else 1e-10
        assert cds.protection_leg(disc, cred, method) == pytest.approx(prot, rel=tol)
        assert cds.risky_annuity(disc, cred, method) == pytest.approx(ann, rel=tol)
        assert cds.par_spread(disc, cred, method) == pytest.approx(prot / ann, rel=tol)
        assert cds.pv(disc, cred, method) == pytest.approx(prot - 0.01 * ann, rel=tol)


class _JumpSurvival:
    """Q(t) = q0 exp(-h t): survival below 1 at t = 0 (like CreditGrades), smooth afterwards."""

    def __init__(self, q0, h):
        self.q0, self.h = q0, h

    def survival(self, t):
        return self.q0 * np.exp(-self.h * np.asarray(t, dtype=float))


def test_jump_at_time_zero_is_protection_paid_at_once():
    q0, h, r, R, T = 0.97, 0.03, 0.02, 0.4, 5.0
    disc = sc.FlatCurve(r)
    cds = sc.CDS(T, recovery=R)
    prot_flat, ann_flat = flat_reference(T, r, h, R, 4)
    expected_prot = (1 - R) * (1 - q0) + q0 * prot_flat
    assert cds.protection_leg(disc, _JumpSurvival(q0, h)) == pytest.approx(expected_prot,
                                                                            rel=1e-10)
    assert cds.risky_annuity(disc, _JumpSurvival(q0, h)) == pytest.approx(q0 * ann_flat,
                                                                           rel=1e-10)
    # a forward-starting CDS does not get the jump
    fwd = sc.CDS(T, recovery=R, start=1.0)
    prot_fwd, _ = flat_reference(T, r, h, R, 4, start=1.0)
    assert fwd.protection_leg(disc, _JumpSurvival(q0, h)) == pytest.approx(q0 * prot_fwd,
                                                                           rel=1e-10)


def test_broadcasting_and_shapes():
    disc, cred = sc.FlatCurve(0.02), sc.FlatHazardCurve(0.01)
    mats = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    s = sc.CDS(mats, recovery=[0.2, 0.4, 0.6]).par_spread(disc, cred)
    assert s.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            one = sc.CDS(mats[i, j], recovery=[0.2, 0.4, 0.6][j]).par_spread(disc, cred)
            assert s[i, j] == pytest.approx(one, rel=1e-14)
    assert isinstance(sc.CDS(5.0).par_spread(disc, cred), float)
    df = sc.CDS([1.0, 5.0]).legs(disc, cred)
    assert len(df) == 2 and {"par_spread", "risky_annuity", "pv"} <= set(df.columns)


def test_large_batch_uses_compiled_path_consistently():
    z = sc.ZeroCurve([0.5, 2, 7], [0.01, -0.005, 0.02])
    h = sc.HazardCurve([1, 3, 5, 10], [0.01, 0.05, 0.02, 0.03])
    mats = np.random.default_rng(0).uniform(0.3, 12, 3000)  # > threshold: compiled kernel
    s = sc.CDS(mats).par_spread(z, h)
    sub = sc.CDS(mats[:5]).par_spread(z, h)                   # numpy closed forms
    np.testing.assert_allclose(s[:5], sub, rtol=1e-13)


@pytest.mark.parametrize("kwargs, match", [
    (dict(maturity=0.0), "maturity"),
    (dict(maturity=2.0, start=3.0), "maturity"),
    (dict(maturity=2.0, start=-1.0), "start"),
    (dict(maturity=5.0, recovery=1.0), "recovery"),
    (dict(maturity=5.0, recovery=-0.1), "recovery"),
    (dict(maturity=5.0, coupon=np.nan), "coupon"),
    (dict(maturity=5.0, frequency=0), "frequency"),
    (dict(maturity=5.0, frequency=2.5), "frequency"),
    (dict(maturity=[1.0, 2.0], recovery=[0.1, 0.2, 0.3]), "broadcast"),
])
def test_invalid_cds_raises(kwargs, match):
    with pytest.raises(sc.InvalidParameterError, match=match):
        sc.CDS(**kwargs)


def test_invalid_curves_raise():
    with pytest.raises(sc.InvalidParameterError, match="credit"):
        sc.CDS(5.0).par_spread(sc.FlatCurve(0.01), object())
    with pytest.raises(sc.InvalidParameterError, match="discount"):
        sc.CDS(5.0).par_spread(object(), sc.FlatHazardCurve(0.01))


def test_forward_cds_additivity_and_knock_out():
    z = sc.ZeroCurve([0.5, 2, 7], [0.01, -0.005, 0.02])
    h = sc.HazardCurve([1, 3, 5, 10], [0.01, 0.05, 0.02, 0.03])
    t1, T = 2.0, 7.0
    spot = sc.CDS(T)
    front = sc.CDS(t1)
    spread, ann = sc.forward_cds(t1, T, z, h)
    # protection and annuity are additive over [0, t1] + [t1, T] when t1 is on the period grid
    assert spot.risky_annuity(z, h) == pytest.approx(front.risky_annuity(z, h) + ann, rel=1e-13)
    assert spot.protection_leg(z, h) == pytest.approx(front.protection_leg(z, h) + spread * ann,
                                                      rel=1e-13)
    # flat curves: the forward annuity is the spot annuity of the same tenor times P(t1) Q(t1)
    d, c = sc.FlatCurve(0.03), sc.FlatHazardCurve(0.02)
    fs, fa = sc.forward_cds(t1, T, d, c)
    ss = sc.CDS(T - t1)
    assert fa == pytest.approx(ss.risky_annuity(d, c) * d.discount(t1) * c.survival(t1),
                               rel=1e-13)
    assert fs == pytest.approx(ss.par_spread(d, c), rel=1e-13)
    # vectorised over start
    s_vec, a_vec = sc.forward_cds(np.array([1.0, 2.0, 3.0]), T, z, h)
    assert s_vec.shape == (3,) and a_vec[1] == pytest.approx(ann, rel=1e-14)


@settings(max_examples=40, deadline=None)
@given(h=st.floats(1e-4, 2.0), R=st.floats(0.0, 0.9), T=st.floats(0.1, 15.0),
       freq=st.sampled_from([1, 2, 4, 12]))
def test_zero_rate_par_spread_is_exactly_one_minus_r_times_h(h, R, T, freq):
    # with r = 0 and accrual on default, premium leg = int Q du exactly, so s = (1 - R) h
    s = sc.CDS(T, recovery=R, frequency=freq).par_spread(sc.FlatCurve(0.0),
                                                         sc.FlatHazardCurve(h))
    assert s == pytest.approx((1 - R) * h, rel=1e-12)


@settings(max_examples=15, deadline=None)
@given(h=st.floats(1e-3, 1.0), r=st.floats(-0.02, 0.1), R=st.floats(0.0, 0.9),
       T=st.floats(0.5, 5.0))
def test_continuous_premium_limit(h, r, R, T):
    # frequency -> infinity: s -> (1 - R) h; the premium lag costs O(r / (2 f))
    s = sc.CDS(T, recovery=R, frequency=365).par_spread(sc.FlatCurve(r),
                                                        sc.FlatHazardCurve(h))
    assert abs(s / ((1 - R) * h) - 1) < abs(r) / 365 + 1e-12


@settings(max_examples=40, deadline=None)
@given(hazards=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=5),
       rates=st.lists(st.floats(-0.03, 0.15), min_size=1, max_size=4),
       T=st.floats(0.05, 20.0), R=st.floats(0.0, 0.95), start=st.floats(0.0, 0.04))
def test_pv_at_par_spread_is_zero(hazards, rates, T, R, start):
    hz = sc.HazardCurve(np.arange(1, len(hazards) + 1) * 1.7, hazards)
    zc = sc.ZeroCurve(np.arange(1, len(rates) + 1) * 2.3, rates)
    cds = sc.CDS(T, recovery=R, start=start)
    if cds.risky_annuity(zc, hz) <= 0:
        return
    par = cds.par_spread(zc, hz)
    pv = sc.CDS(T, coupon=par, recovery=R, start=start).pv(zc, hz)
    assert abs(pv) <= 1e-14 * max(1.0, cds.protection_leg(zc, hz))
    assert par >= 0


class _FirstPassage:
    """Black-Cox first passage of ln V (drift mu, vol s) down to a barrier b below: smooth, steep.

    Q(t) = N((b + mu t)/(s sqrt t)) - exp(-2 mu b / s^2) N((-b + mu t)/(s sqrt t)), b = ln(V/B);
    its density (inverse Gaussian) is used only by the reference, never by the CDS code.
    """

    def __init__(self, b=0.35, mu=-0.02, s=0.25):
        self.b, self.mu, self.s = b, mu, s

    def survival(self, t):
        from scipy.stats import norm

        t = np.asarray(t, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            st_ = self.s * np.sqrt(t)
            q = norm.cdf((self.b + self.mu * t) / st_) - np.exp(
                -2 * self.mu * self.b / self.s**2) * norm.cdf((-self.b + self.mu * t) / st_)
        return np.where(t > 0, q, 1.0)

    def density(self, t):
        return self.b / (self.s * np.sqrt(2 * np.pi * t**3)) * np.exp(
            -(self.b + self.mu * t) ** 2 / (2 * self.s**2 * t))


def test_quadrature_legs_on_a_smooth_structural_curve_vs_density_integrals():
    from scipy.integrate import quad

    model, r, R, T = _FirstPassage(), 0.03, 0.4, 5.0
    disc = sc.FlatCurve(r)
    cds = sc.CDS(T, recovery=R)
    prot_ref = (1 - R) * quad(lambda u: np.exp(-r * u) * model.density(u), 0, T,
                              epsabs=0, epsrel=1e-13, limit=200)[0]
    ends = np.arange(1, 21) / 4
    aod_ref = sum(quad(lambda u, a=b - 0.25: (u - a) * np.exp(-r * u) * model.density(u),
                       b - 0.25, b, epsabs=0, epsrel=1e-13)[0] for b in ends)
    ann_ref = np.sum(0.25 * np.exp(-r * ends) * model.survival(ends)) + aod_ref
    assert cds.protection_leg(disc, model) == pytest.approx(prot_ref, rel=1e-10)
    assert cds.risky_annuity(disc, model) == pytest.approx(ann_ref, rel=1e-10)
    li = cds.leg_integrals(disc, model)
    assert li.error[0] < 1e-10 * prot_ref  # the quadrature reports its own error estimate
