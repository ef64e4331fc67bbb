"""Report section: CDS options under five models (seed 001), reproduction of the seed's numbers."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

ORDER = 20
TITLE = "CDS options (credit default swaptions) under five models (seed 001)"

MODELS = ["black", "bachelier", "gamma", "inverse_gaussian", "gamma_exponential"]
COLORS = {"black": "k", "bachelier": "tab:gray", "gamma": "tab:red",
          "inverse_gaussian": "tab:blue", "gamma_exponential": "tab:green"}


def _seed_example() -> dict:
    from ....data import path

    return json.loads(path("paper_tables.json").read_text())["cds_swaption_example"]


def _analytic_continuation(m: float, s: float, k: float) -> complex:
    """The Gamma-exponential Bessel closed form evaluated at the (negative) a, λ that moment
    matching gives when s <= m — what a symbolic system returns; no distribution behind it."""
    from scipy import special

    a = 2 * m * m / (s * s - m * m)
    lam = 2 * m / (s * s - m * m)
    lk = complex(lam * k)
    return 2 * lk ** ((a + 1) / 2) * special.kv(a + 1, 2 * np.sqrt(lk)) / (lam * special.gamma(a))


def _seed_table(section, ex: dict) -> float:
    from ....instruments.cds import forward_cds
    from ....instruments.cds_options import cds_option_price
    from ....market.curves import FlatCurve, FlatHazardCurve

    f, k, t = ex["forward"], ex["strike"], ex["expiry"]
    ann = ex["black"]["premium"] / cds_option_price(f, k, t, 1.0, ex["black"]["vol"])
    rows = []
    for model in ["black", "gamma", "inverse_gaussian", "gamma_exponential"]:
        vol, seed = ex[model]["vol"], ex[model]["premium"]
        try:
            ours = cds_option_price(f, k, t, ann, vol, model=model)
            note = ("defines the annuity A" if model == "black" else
                    "same closed form, vol = st.dev. of F_T per sqrt(year)")
        except ValueError as exc:  # the seed's gamma_exponential point is outside the domain
            ours = np.nan
            cont = ann * _analytic_continuation(f, vol * np.sqrt(t), k)
            note = (f"no such law: s = {vol * np.sqrt(t):.5f} < m = {f}, so a, lambda < 0 "
                    f"({type(exc).__name__}); Re of the analytically continued Bessel formula "
                    f"x A = {cont.real:.7f} (Im {cont.imag:.2e})")
        ok = bool(np.isfinite(ours) and abs(ours - seed) < 5e-8)
        rows.append({"model": model, "vol": vol, "seed premium": seed, "ours": ours,
                     "ours - seed": ours - seed, "reproduced": "yes" if ok else "no",
                     "note": note})
    section.table(pd.DataFrame(rows).set_index("model"), "cds_option_seed_numbers",
                  f"Seed 001: 3Y option on a 2Y CDS, payer, K = x0 = 1.4%, drift 0; annuity "
                  f"backed out of the Black premium: A = {ann:.6f}.", float_format="{:.7g}")
    # what A is: spot 0-5Y annuity vs the forward 3-5Y annuity on flat curves with F = 1.4%
    h = f / 0.6
    rows = []
    for r in (0.0, 0.01, 0.02):
        fwd, fann = forward_cds(t, t + 2.0, FlatCurve(r), FlatHazardCurve(h))
        _, spot5 = forward_cds(1e-9, t + 2.0, FlatCurve(r), FlatHazardCurve(h))
        rows.append({"rate": r, "hazard": h, "forward spread 3y->5y": fwd,
                     "forward annuity 3y->5y": fann, "spot annuity 0->5y": spot5})
    section.table(pd.DataFrame(rows).set_index("rate"), "cds_option_annuity_candidates",
                  "Which annuity is the seed's 'rann'? Flat hazard h = 1.4%/(1 - 0.4) (forward "
                  "spread ~1.4%) and flat rates 0-2%.", float_format="{:.5g}")
    return ann


def _curves_figure(section) -> None:
    from ....data import path
    from ....instruments.cds import CDS, forward_cds
    from ....market.curves import FlatCurve
    from ....market.hazard_bootstrap import bootstrap_hazard_curve

    df = pd.read_csv(path("markit_style_cds_curves_2014-10-16.csv"))
    row = df[df["Ticker"] == "C10"].iloc[0]
    tenors = {"6m": 0.5, "1y": 1, "2y": 2, "3y": 3, "4y": 4, "5y": 5, "7y": 7, "10y": 10}
    mats = np.array(list(tenors.values()), dtype=float)
    quotes = np.array([float(str(row[f"Spread{k}"]).rstrip("%")) / 100 for k in tenors])
    disc = FlatCurve(0.02)
    credit = bootstrap_hazard_curve(mats, quotes, disc, recovery=0.4)
    spot_t = np.linspace(0.25, 10.0, 40)
    spot = CDS(spot_t, recovery=0.4).par_spread(disc, credit)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(spot_t, 1e4 * spot, "b", lw=2, label="spot CDS par spread S(0, T)")
    ax.plot(mats, 1e4 * quotes, "bo", ms=4, label="quotes (Company10, 2014-10-16)")
    for start, color in ((1.0, "tab:red"), (3.0, "tab:orange")):
        tenor = np.linspace(0.25, 10.0 - start, 40)
        fwd, _ = forward_cds(start, start + tenor, disc, credit)
        ax.plot(start + tenor, 1e4 * fwd, color=color,
                label=f"forward CDS F({start:g}y, T), protection from {start:g}y")
    ax.set_xlabel("maturity T (years)")
    ax.set_ylabel("spread (bp)")
    ax.set_title("Spot vs forward CDS spreads from a bootstrapped hazard curve (r = 2%)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    section.figure(fig, "cds_option_spot_forward_curves",
                   "Seed 001's 'Spot CDS' vs 'Forward CDS' plots, on a real upward-sloping curve: "
                   "forward spreads lie above spot spreads because the hazard rises with time.")


def _surface_figure(section, ann: float, quick: bool) -> None:
    from ....instruments.cds_options import cds_option_price
    from ...plot import premium_surface

    n = 25 if quick else 61
    x0 = np.linspace(0.01, 0.018, n)
    sig = np.linspace(0.12, 0.30, n)
    X, S = np.meshgrid(x0, sig)
    V = cds_option_price(X, 0.014, 3.0, ann, S)
    fig = plt.figure(figsize=(12, 4.6))
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    ax.plot_surface(1e4 * X, S, 1e4 * V, cmap="inferno", linewidth=0)
    ax.set_xlabel("forward x0 (bp)")
    ax.set_ylabel("Black vol")
    ax.set_zlabel("premium (bp)")
    ax.set_title("Black premium, K = 140 bp, T = 3y")
    ax.set_yticks([0.15, 0.20, 0.25, 0.30])
    ax.set_box_aspect(None, zoom=0.85)
    ax2 = fig.add_subplot(1, 2, 2)
    fig.subplots_adjust(wspace=0.35)
    premium_surface(x0, sig, 0.014, 3.0, ann, ax=ax2)
    ax2.set(xlabel="forward x0 (bp)", ylabel="Black vol", title="same surface as a heat map")
    section.figure(fig, "cds_option_premium_surface",
                   f"Seed 001's Plot3D: Black payer premium over x0 in [1%, 1.8%] and vol in "
                   f"[12%, 30%], K = 1.4%, T = 3, A = {ann:.4f}.")


def _smile_figure(section, ann: float) -> pd.DataFrame:
    from ....instruments.cds_options import cds_option_greeks, cds_option_price
    from ...plot import cds_option_smile

    f, t = 0.014, 3.0
    k = np.linspace(0.006, 0.03, 49)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, cv in zip(axes, (0.00415 * np.sqrt(t) / f, 1.5), strict=True):
        s = cv * f
        vols = {model: np.sqrt(np.log1p(cv * cv) / t) if model == "black" else s / np.sqrt(t)
                for model in MODELS if not (model == "gamma_exponential" and cv <= 1)}
        cds_option_smile(f, k, t, ann, vols, ax=ax)
        for line, model in zip(ax.get_lines(), vols, strict=False):
            line.set_color(COLORS[model])
        ax.legend(fontsize=8)
        ax.set_title(f"F_T with mean 140 bp, st.dev. {1e4 * s:.0f} bp (s/m = {cv:.2f})")
    section.figure(fig, "cds_option_model_smiles",
                   "Black implied volatility of each model's prices at equal mean and st.dev. of "
                   "F_T (left: the seed's s = 0.00415 sqrt(3); right: s = 1.5 m, where the "
                   "Gamma-exponential law exists). Lognormal: flat; inverse Gaussian: almost "
                   "flat; Gamma: negative skew; normal: strong negative skew; the Gamma "
                   "mixture lies between IG and Gamma.")
    atm = {}
    cv = 1.5
    for model in MODELS:
        vol = np.sqrt(np.log1p(cv * cv) / t) if model == "black" else cv * f / np.sqrt(t)
        atm[model] = cds_option_price(f, f, t, ann, vol, model=model)
    section.text("At-the-money premiums at equal moments s = 1.5 m (A as above): "
                 + ", ".join(f"{m} {v:.5f}" for m, v in sorted(atm.items(), key=lambda x: x[1]))
                 + ". So at equal mean and st.dev. the random-scale Gamma is NOT dearer than "
                 "the Gamma model: the seed's 'even higher premium' for it is not reproduced "
                 "(its printed figure comes from inadmissible parameters, see above).")
    rows = []
    for model in MODELS:
        vol = {"black": 0.28, "gamma_exponential": 0.0125}.get(model, 0.00415)
        g = cds_option_greeks(f, 0.014, t, ann, vol, model=model)
        rows.append({"model": model, "vol": vol,
                     "premium": cds_option_price(f, 0.014, t, ann, vol, model=model),
                     **{key: float(v) for key, v in g.items()}})
    return pd.DataFrame(rows).set_index("model")


def _gamma_paths(section, ex: dict, ann: float, seed: int, quick: bool) -> None:
    from scipy import stats

    from ....dynamics.gamma_process import GammaProcess, gamma_cds_rate_paths
    from ....instruments.cds_options import cds_option_price

    seed_paths = gamma_cds_rate_paths(seed=seed)
    f, t, vol = ex["forward"], ex["expiry"], ex["gamma"]["vol"]
    s = vol * np.sqrt(t)
    process = GammaProcess.from_moments(f, s, t)
    n = 20_000 if quick else 200_000
    sim = process.simulate(t, n_steps=36, n_paths=n, seed=seed)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    axes[0].plot(seed_paths.times * 50, 1e4 * seed_paths.values.T, lw=0.9)
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("CDS rate (bp)")
    axes[0].set_title("seed 001: (1 - R) x cumsum of Gamma(4/50, 0.005)\n20 paths, 50 steps",
                      fontsize=10)
    axes[0].grid(alpha=0.3)
    law = stats.gamma((f / s) ** 2, scale=s * s / f)
    x = np.linspace(0, law.isf(1e-4), 300)
    axes[1].hist(1e4 * sim.terminal, bins=120, density=True, color="tab:red", alpha=0.45,
                 label=f"simulated F_T ({n:,} paths, 36 steps)")
    axes[1].plot(1e4 * x, law.pdf(x) / 1e4, "k", label="Gamma(m²/s², s²/m) of the pricing model")
    axes[1].set_xlabel("F_T (bp)")
    axes[1].set_ylabel("density (per bp)")
    axes[1].set_title("Gamma process matched to the pricing law\nm = 140 bp, "
                      "s = 0.00415 sqrt(3)", fontsize=10)
    axes[1].legend(fontsize=8)
    section.figure(fig, "cds_option_gamma_paths",
                   "Left: the seed's Gamma-process CDS-rate paths (our seeded simulator). Right: "
                   "the terminal law of a Gamma process matched to the pricing model.")
    rows = []
    ks = stats.kstest(sim.terminal, law.cdf)
    for k in (0.010, 0.014, 0.020):
        pay = ann * np.maximum(sim.terminal - k, 0)
        rows.append({"strike": k, "Monte Carlo": pay.mean(),
                     "s.e.": pay.std(ddof=1) / np.sqrt(n),
                     "closed form": cds_option_price(f, k, t, ann, vol, model="gamma")})
    df = pd.DataFrame(rows).set_index("strike")
    df["(MC - closed)/s.e."] = (df["Monte Carlo"] - df["closed form"]) / df["s.e."]
    section.table(df, "cds_option_gamma_mc",
                  f"Gamma-process Monte Carlo vs the Gamma closed form (A = {ann:.4f}); KS test "
                  f"of simulated F_T vs the model law: statistic {ks.statistic:.4f}, p-value "
                  f"{ks.pvalue:.3f}.", float_format="{:.6g}")


def build(ctx, section) -> None:
    ex = _seed_example()
    section.text(
        "Seed 001 prices a payer credit default swaption, V = A0 E[(F_T - K)+], with F_T the "
        "forward CDS spread at expiry, under a lognormal (Black) model and three Levy-type laws "
        "(Gamma, inverse Gaussian, Gamma with exponential random scale), each matched to mean "
        "m = x0 + mu T and st.dev. s = sigma sqrt(T). We implement all of them (plus Bachelier) as "
        "closed forms on numpy arrays: Black, Bachelier, Gamma via regularised incomplete gamma "
        "functions, IG via normal cdfs, and for the Gamma-exponential mixture a Bessel-K closed "
        "form derived here: payer = 2 (lambda K)^((a+1)/2) K_(a+1)(2 sqrt(lambda K)) / "
        "(lambda Gamma(a)). Tests check every model against quadrature of its density to 1e-9, "
        "Black against QuantLib's BlackCdsOptionEngine (exact to rounding at the same forward "
        "and annuity), parity for all models, Greeks against finite differences.")
    ann = _seed_table(section, ex)
    section.text(
        f"Reproduced: the Black premium 0.0122312 fixes the unprinted annuity, A = {ann:.5f}; "
        "with it our Gamma (0.0127924) and inverse Gaussian (0.0123451) premiums match the seed "
        "to all printed digits, which also confirms the seed's parameterisation (vol is the "
        "absolute st.dev. of F_T per sqrt(year): 0.00415 sqrt(3) = 0.0072 (72 bp), the same "
        "st.dev. as Black's lognormal at 28%, 0.014 sqrt(exp(0.28^2 3) - 1) = 0.0072 — the seed "
        "compares models at equal first two moments). "
        "Not reproduced: the Gamma-exponential premium 0.0133833. Moment matching gives "
        "s^2/m^2 = 1 + 2/a, so the mixture exists only for s > m; the seed's vol 0.004 gives "
        "s = 0.0069 < m = 0.014, hence a = -2.65 and lambda = -189: no distribution. Our library "
        "refuses these inputs with an error. Evaluating the Bessel closed form at these negative "
        "parameters (complex Bessel K) gives a real part which, times A, is exactly the seed's "
        "0.0133833: the seed's number is an analytic continuation of the formula outside its "
        "domain, not an option price. "
        "The annuity A = 4.56 is far above any 3y-into-2y forward annuity (~1.7-1.8, second "
        "table) and close to a spot 0-5y annuity: the seed's 'rann' evidently spans the option "
        "and the swap ('covering the entire product time span'), whereas the knock-out forward "
        "annuity is what a CDS option should be discounted with (our CDSOption does that).")
    _curves_figure(section)
    _surface_figure(section, ann, ctx.quick)
    greeks = _smile_figure(section, ann)
    section.table(greeks, "cds_option_greeks",
                  "Premium and Greeks at the seed's point (x0 = K = 1.4%, T = 3, A as above); "
                  "delta and gamma per unit forward spread, vega per unit of each model's vol, "
                  "theta per year. The Gamma-exponential row uses vol 0.0125 (s = 1.55 m), the "
                  "seed's 0.004 being inadmissible.", float_format="{:.6g}")
    _gamma_paths(section, ex, ann, ctx.seed, ctx.quick)
    section.text(
        "The seed's claims, checked: the Gamma model gives a higher premium than Black at equal "
        "moments (yes, 0.01279 vs 0.01223), IG lies between them (yes, 0.01235); an 'even "
        "higher premium' for the random-scale Gamma (no: at equal moments it lies between IG "
        "and Gamma, and the printed number comes from inadmissible parameters). Simulated "
        "Gamma-process terminal values match the Gamma pricing law (KS test and Monte Carlo "
        "prices within 3 standard errors, table above).")
