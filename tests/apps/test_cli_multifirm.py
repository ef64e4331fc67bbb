"""``stochcredit multifirm`` through main([...])."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from stochcredit.apps.cli.main import main


@pytest.mark.parametrize("model", ["constant", "wishart", "pc"])
def test_multifirm_csv_output_is_consistent(model, capsys):
    code = main(["multifirm", "--model", model, "--paths", "2000", "--maturity", "2",
                 "--steps-per-year", "12", "-f", "csv"])
    assert code == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    expected = {"survival_0", "joint_survival", "default_correlation_01", "ftd_spread_bp"}
    assert expected <= set(df.index)
    js = df.loc["joint_survival", "monte_carlo"]
    ftd = df.loc["first_to_default_probability", "monte_carlo"]
    assert js + ftd == pytest.approx(1.0)
    for i in range(2):
        row = df.loc[f"survival_{i}"]
        assert abs(row.monte_carlo - row.semi_analytic) < 4 * row.stderr + 1e-3
    assert (df["stderr"] >= 0).all()


def test_multifirm_json_and_file(tmp_path, capsys):
    out = tmp_path / "mf.json"
    code = main(["multifirm", "--paths", "1000", "--maturity", "1", "--equity", "40,30,20",
                 "--debt", "50", "--vols", "0.3", "--rho", "0.2", "-f", "json", "-o", str(out)])
    assert code == 0
    records = json.loads(out.read_text())
    assert {r["quantity"] for r in records} >= {"survival_2", "ftd_spread_bp"}
    capsys.readouterr()


@pytest.mark.parametrize("args", [["--rho", "1.5"], ["--model", "heston"], ["--equity", "40"],
                                  ["--debt", "50,40,30"], ["--paths", "1001"], ["--vols", "a,b"],
                                  ["--beta", "0.5"], ["--maturity", "-1"]])
def test_multifirm_bad_input_exits_2_with_one_line(args, capsys):
    code = main(["multifirm", "--paths", "1000", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert "stochcredit: error:" in err and "Traceback" not in err
