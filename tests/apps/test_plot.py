"""sc.plot helpers: each draws on the given Axes, returns it, and draws the right numbers."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import stochcredit as sc  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _line(ax, k=0):
    return ax.get_lines()[k].get_xydata()


def test_import_stochcredit_does_not_load_matplotlib():
    code = ("import sys, stochcredit as sc; sc.CreditGrades(50, 0.3, 40).survival(1.0); "
            "sc.CDS(5).par_spread(sc.FlatCurve(0.03), sc.FlatHazardCurve(0.01)); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib loaded'; sc.plot.curve; "
            "assert 'matplotlib' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_curve_discount_draws_zero_rates_in_percent(ax):
    zc = sc.ZeroCurve([1, 5, 10], [0.01, 0.02, 0.025])
    assert sc.plot.curve(zc, ax=ax) is ax
    xy = _line(ax)
    np.testing.assert_allclose(xy[:, 1], 100 * zc.zero_rate(xy[:, 0]), rtol=1e-12)
    assert "zero rate" in ax.get_ylabel() and ax.get_legend() is not None


def test_curve_hazard_draws_steps_in_bp(ax):
    hc = sc.HazardCurve([1, 3, 5], [0.01, 0.02, 0.015])
    assert sc.plot.curve(hc, ax=ax) is ax
    xy = _line(ax)
    assert set(np.round(xy[:, 1], 9)) == {100.0, 200.0, 150.0}
    assert "hazard" in ax.get_ylabel()


def test_curve_survival_of_a_hazard_curve(ax):
    hc = sc.FlatHazardCurve(0.02)
    assert sc.plot.curve(hc, ax=ax, quantity="survival") is ax
    xy = _line(ax)
    np.testing.assert_allclose(xy[:, 1], np.exp(-0.02 * xy[:, 0]), rtol=1e-12)


def test_curve_merton_draws_its_credit_spread(ax):
    m = sc.Merton(1.0, 0.6, 0.03, sc.BlackScholes(0.25))
    t = np.array([1.0, 2.0, 5.0])
    assert sc.plot.curve(m, ax=ax, t=t) is ax
    np.testing.assert_allclose(_line(ax)[:, 1], 1e4 * m.credit_spread(t), rtol=1e-12)
    assert ax.get_ylabel() == "credit spread (bp)"


def test_curve_creditgrades_draws_its_cds_spread(ax):
    cg = sc.CreditGrades(50, 0.3, 40, rate=0.03)
    t = np.array([1.0, 5.0])
    sc.plot.curve(cg, ax=ax, t=t, recovery=0.4)
    np.testing.assert_allclose(_line(ax)[:, 1], 1e4 * cg.cds_spread(t, recovery=0.4), rtol=1e-12)


def test_curve_creditgrades_equity_draws_the_structural_cds_spread(ax):
    from stochcredit.instruments.structural_cds import structural_cds_spread

    m = sc.CreditGradesEquity(50, 40, 0.5, 0.03, sc.BlackScholes(0.2))
    t = np.array([1.0, 5.0])
    assert sc.plot.curve(m, ax=ax, t=t) is ax
    np.testing.assert_allclose(_line(ax)[:, 1], 1e4 * structural_cds_spread(m, t, 0.03, 0.5),
                               rtol=1e-12)
    assert ax.get_ylabel() == "CDS par spread (bp)"


def test_curve_rejects_what_is_not_a_curve(ax):
    with pytest.raises(sc.InvalidParameterError, match="obj"):
        sc.plot.curve(object(), ax=ax)
    with pytest.raises(sc.InvalidParameterError, match="quantity"):
        sc.plot.curve(sc.FlatCurve(0.01), ax=ax, quantity="colour")
    with pytest.raises(sc.InvalidParameterError, match="ax"):
        sc.plot.curve(sc.FlatCurve(0.01), ax="left")


def test_curve_without_ax_makes_a_figure():
    ax = sc.plot.curve(sc.FlatCurve(0.02), quantity="discount")
    assert ax.figure is not None
    plt.close(ax.figure)


@pytest.fixture(scope="module")
def fit():
    mats = np.array([1.0, 2.0, 3.0, 5.0, 7.0, 10.0])
    market = sc.Merton(1.0, 0.6, 0.03, sc.BlackScholes(0.25)).credit_spread(mats)
    return sc.calibrate_merton("black_scholes", mats, market, 1.0, 0.6, 0.03, seed=0)


def test_calibration_draws_market_and_fit(fit, ax):
    assert sc.plot.calibration(fit, ax=ax) is ax
    labels = ax.get_legend_handles_labels()[1]
    assert "market" in labels and any(lab.startswith("black_scholes") for lab in labels)
    market = [ln for ln in ax.get_lines() if ln.get_label() == "market"][0]
    np.testing.assert_allclose(market.get_ydata(), 1e4 * fit.market)
    assert ax.get_ylabel() == "spread (bp)"


def test_residuals_draws_relative_errors(fit, ax):
    assert sc.plot.residuals(fit, ax=ax) is ax
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, 100 * fit.relative_errors)


def test_cds_option_smile_black_is_flat(ax):
    k = np.linspace(0.008, 0.02, 7)
    assert sc.plot.cds_option_smile(0.014, k, 3.0, 4.56, {"black": 0.28, "gamma": 0.00415},
                                    ax=ax) is ax
    np.testing.assert_allclose(_line(ax, 0)[:, 1], 28.0, rtol=1e-8)
    assert not np.allclose(_line(ax, 1)[:, 1], 28.0, rtol=1e-3)  # gamma has a skew


def test_premium_surface(ax):
    x = np.linspace(0.01, 0.018, 6)
    s = np.linspace(0.12, 0.3, 5)
    assert sc.plot.premium_surface(x, s, 0.014, 3.0, 4.56, ax=ax) is ax
    mesh = ax.collections[0].get_array().reshape(5, 6)
    np.testing.assert_allclose(mesh[2, 3], 1e4 * sc.cds_option_price(x[3], 0.014, 3.0, 4.56,
                                                                     s[2]))


def test_equity_smile(ax):
    m = sc.CreditGradesEquity(50, 40, 0.5, 0.03, sc.BlackScholes(0.2))
    assert sc.plot.equity_smile(m, [40.0, 50.0, 60.0], 1.0, ax=ax) is ax
    xy = _line(ax)
    assert xy[0, 1] > xy[-1, 1]  # default risk gives a downward skew


@pytest.fixture(scope="module")
def sim():
    pc = sc.PrincipalComponentCovariance.two_firm(np.pi / 5, [0.05, 0.02], [1.0, 2.0],
                                                  [0.05, 0.02], [0.3, 0.2])
    model = sc.MultiFirmCreditGrades([sc.Firm(40, 50, 0.5), sc.Firm(30, 45, 0.5)], pc, rate=0.03)
    return model.simulate(T=2.0, n_paths=2_000, seed=1)


def test_joint_default_with_band(sim, ax):
    assert sc.plot.joint_default(sim, ax=ax) is ax
    xy = _line(ax)
    assert xy[-1, 1] == pytest.approx(sim.joint_default_probability(0, 1).value)
    assert len(ax.collections) == 1  # the confidence band


def test_default_correlation_with_band(sim, ax):
    assert sc.plot.default_correlation(sim, ax=ax) is ax
    assert _line(ax)[-1, 1] == pytest.approx(sim.default_correlation(0, 1).value)
    assert len(ax.collections) == 1


def test_correlation_paths(sim, ax):
    assert sc.plot.correlation_paths(sim, ax=ax, n_paths=3, reference=0.4) is ax
    mean = [ln for ln in ax.get_lines() if ln.get_label() == "mean over all paths"][0]
    np.testing.assert_allclose(mean.get_ydata(), sim.mean_correlation[:, 0, 1])
    assert ax.get_legend() is not None
