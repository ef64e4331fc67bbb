"""`stochcredit spreads` command."""

import json

import numpy as np
import pandas as pd
import pytest

import stochcredit as sc
from stochcredit.apps.cli.main import main

SPEC_I = {"alpha1": 1.2017, "alpha2": 0.3605, "Vbar1": 0.0524, "Vbar2": 0.0157,
          "sigma1": 0.8968, "sigma2": 0.269, "rho1": -0.559, "rho2": -0.1677, "V1": 0.0581,
          "V2": 0.0174, "B": 0.43}


def test_heston2_csv_matches_library(tmp_path, capsys):
    f = tmp_path / "spec.json"
    f.write_text(json.dumps(SPEC_I))
    out = tmp_path / "out.csv"
    code = main(["spreads", "--model", "heston2", "--params", str(f), "--rate", "0.05",
                 "--maturities", "1", "2", "5", "10", "--format", "csv", "--output", str(out)])
    assert code == 0
    df = pd.read_csv(out, index_col=0)
    dyn = sc.MultiFactorHeston([sc.Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559),
                                sc.Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)])
    ref = sc.Merton(1.0, 0.43, 0.05, dyn).credit_spread(np.array([1.0, 2.0, 5.0, 10.0])) * 1e4
    np.testing.assert_allclose(df["spread_bp"].to_numpy(), ref, rtol=1e-12)
    assert "spread_bp" in capsys.readouterr().out


def test_black_scholes_inline_json_is_merton_1974(capsys):
    from scipy.stats import norm
    code = main(["spreads", "--model", "black_scholes", "--params", '{"V": 0.3}', "--debt",
                 "0.36", "--rate", "0.0025", "-m", "5", "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    d1 = (np.log(1 / 0.36) + (0.0025 + 0.045) * 5) / (0.3 * np.sqrt(5))
    debt = norm.cdf(-d1) + 0.36 * np.exp(-0.0125) * norm.cdf(d1 - 0.3 * np.sqrt(5))
    assert rows[0]["maturity"] == 5.0
    np.testing.assert_allclose(rows[0]["spread_bp"], (-np.log(debt / 0.36) / 5 - 0.0025) * 1e4,
                               rtol=1e-10)


@pytest.mark.parametrize("args,needle", [
    (["--model", "heston", "--params", '{"V": 0.04}', "--debt", "0.5"], "kappa"),
    (["--model", "garch", "--params", '{"V": 0.04}', "--debt", "0.5"], "--model"),
    (["--model", "black_scholes", "--params", "/no/such/file.json", "--debt", "0.5"], "--params"),
    (["--model", "black_scholes", "--params", '{"V": 0.3}'], "--debt"),
    (["--model", "black_scholes", "--params", '{"V": 0.3}', "--debt", "0.5", "-m", "-1"],
     "--maturities"),
    (["--model", "heston", "--params", '{"V": 0.04, "alpha": 1, "Vbar": 0.04, "sigma": 0.5, '
      '"rho": 1.5}', "--debt", "0.5"], "rho"),
])
def test_bad_input_is_one_line_exit_2(args, needle, capsys):
    assert main(["spreads", *args]) == 2
    err = capsys.readouterr().err
    line = [ln for ln in err.splitlines() if ln.startswith("stochcredit: error:")]
    assert len(line) == 1 and needle in line[0] and "Traceback" not in err
