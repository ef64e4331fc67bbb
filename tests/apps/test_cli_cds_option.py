import io

import numpy as np
import pandas as pd
import pytest

import stochcredit as sc
from stochcredit.apps.cli.main import main

SEED_ARGS = ["cds-option", "--forward", "0.014", "--strike", "0.014", "--expiry", "3",
             "--annuity", "4.56"]


def _csv(capsys):
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_several_models_in_one_call(capsys):
    code = main(SEED_ARGS + ["--model", "black,gamma", "--vol", "0.28,0.00415", "-f", "csv"])
    assert code == 0
    df = _csv(capsys)
    assert list(df["model"]) == ["black", "gamma"]
    expected = [sc.cds_option_price(0.014, 0.014, 3, 4.56, 0.28),
                sc.cds_option_price(0.014, 0.014, 3, 4.56, 0.00415, model="gamma")]
    np.testing.assert_allclose(df["premium"], expected, rtol=1e-12)
    np.testing.assert_allclose(df["premium_bp"], np.array(expected) * 1e4, rtol=1e-12)


def test_greeks_columns_and_strike_list(capsys):
    assert main(SEED_ARGS[:4] + ["0.01,0.014,0.02"] + SEED_ARGS[5:]
                + ["--vol", "0.28", "--greeks", "--kind", "receiver", "-f", "csv"]) == 0
    df = _csv(capsys)
    assert len(df) == 3 and {"delta", "gamma", "vega", "theta"} <= set(df.columns)
    g = sc.cds_option_greeks(0.014, 0.02, 3, 4.56, 0.28, kind="receiver")
    assert df["delta"].iloc[2] == pytest.approx(g["delta"], rel=1e-12)


def test_forward_and_annuity_from_flat_curves(capsys):
    assert main(["cds-option", "--strike", "0.012", "--expiry", "2", "--hazard", "0.02",
                 "--tenor", "3", "--rate", "0.03", "--vol", "0.5", "-f", "csv"]) == 0
    df = _csv(capsys)
    fwd, ann = sc.forward_cds(2.0, 5.0, sc.FlatCurve(0.03), sc.FlatHazardCurve(0.02))
    assert df["forward"].iloc[0] == pytest.approx(fwd, rel=1e-12)
    assert df["premium"].iloc[0] == pytest.approx(sc.cds_option_price(fwd, 0.012, 2, ann, 0.5),
                                                  rel=1e-12)


def test_text_table_output(capsys):
    assert main(SEED_ARGS + ["--vol", "0.28"]) == 0
    out = capsys.readouterr().out
    assert "premium_bp" in out and "black" in out


@pytest.mark.parametrize("extra,needle", [
    (["--model", "gamma_exponential", "--vol", "0.004"], "vol"),
    (["--model", "heston", "--vol", "0.2"], "--model"),
    (["--model", "black,gamma", "--vol", "0.2,0.1,0.3"], "--vol"),
    (["--vol", "abc"], "--vol"),
])
def test_bad_input_is_one_line_error(capsys, extra, needle):
    assert main(SEED_ARGS + extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("stochcredit: error:") and needle in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_missing_market_is_an_error(capsys):
    assert main(["cds-option", "--strike", "0.01", "--expiry", "1", "--vol", "0.3"]) == 2
    assert "--hazard" in capsys.readouterr().err


def test_help_mentions_units(capsys):
    assert main(["cds-option", "--help"]) == 0
    out = capsys.readouterr().out
    assert "lognormal" in out and "sqrt(year)" in out
