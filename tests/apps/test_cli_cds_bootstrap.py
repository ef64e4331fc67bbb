"""CLI commands ``cds`` and ``bootstrap``: outputs vs the library and one-line errors."""

import io
import json
import re

import numpy as np
import pandas as pd
import pytest

import stochcredit as sc
from stochcredit.apps.cli.main import main


def test_cds_command_matches_library(capsys):
    assert main(["cds", "--maturity", "1,5", "--coupon", "0.01", "--hazard", "0.02",
                 "--rate", "0.03", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    ref = sc.CDS([1.0, 5.0], coupon=0.01).legs(sc.FlatCurve(0.03), sc.FlatHazardCurve(0.02))
    np.testing.assert_allclose(df["par_spread_bp"], ref["par_spread"] * 1e4, rtol=1e-12)
    np.testing.assert_allclose(df["pv"], ref["pv"], rtol=1e-12)
    np.testing.assert_allclose(df["protection_leg"], ref["protection_leg"], rtol=1e-12)


def test_cds_command_with_spread_curve_reprices_its_quotes(capsys):
    assert main(["cds", "--spreads", "1:60,3:85,5:110", "--maturity", "1,3,5",
                 "--treasury-date", "2016-06-10", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose([r["par_spread_bp"] for r in rows], [60, 85, 110], rtol=1e-12)


def test_bootstrap_command_reprices_and_writes(tmp_path, capsys):
    quotes = tmp_path / "quotes.csv"
    quotes.write_text("tenor,spread_bp\n6M,40\n1Y,50\n2,70\n3Y,90\n5Y,120\n10Y,150\n")
    out = tmp_path / "curve.csv"
    assert main(["bootstrap", str(quotes), "--rate", "0.02", "--recovery", "0.35",
                 "--output", str(out)]) == 0
    assert "hazard" in capsys.readouterr().out
    df = pd.read_csv(out, index_col=0)
    assert list(df.index) == [0.5, 1.0, 2.0, 3.0, 5.0, 10.0]
    assert np.max(np.abs(df["reprice_error_bp"])) < 1e-8
    ref = sc.bootstrap_hazard_curve(df.index, df["quote_bp"] / 1e4, sc.FlatCurve(0.02),
                                    recovery=0.35)
    np.testing.assert_allclose(df["hazard"], ref.hazards, rtol=1e-9)


@pytest.mark.parametrize("header, values, scale", [
    ("maturity,spread", ["0.004", "0.006"], 1.0),      # decimals (auto)
    ("years,spread", ["40", "60"], 1e-4),              # bp (auto)
    ("tenor,par_spread", ["0.4%", "0.6%"], 1.0),       # percent strings
    ("tenor,spread_decimal", ["0.004", "0.006"], 1.0),
])
def test_bootstrap_units(tmp_path, capsys, header, values, scale):  # noqa: ARG001
    q = tmp_path / "q.csv"
    q.write_text(f"{header}\n1,{values[0]}\n3,{values[1]}\n")
    assert main(["bootstrap", str(q), "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    np.testing.assert_allclose(df["quote_bp"], [40, 60], rtol=1e-12)
    del scale


@pytest.mark.parametrize("content, match", [
    ("tenor,spread_bp\n1Y,200\n3Y,20\n", "tenor 3y"),
    ("tenor,spread_bp\n1Y,200\n3Y,nan\n", "no quotes|tenor 3y|finite"),
    ("when,what\n1,2\n", "tenor column"),
    ("tenor,spread_bp\n1Q,200\n", "tenor"),
])
def test_bootstrap_errors_are_one_line(tmp_path, capsys, content, match):
    q = tmp_path / "q.csv"
    q.write_text(content)
    assert main(["bootstrap", str(q)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stochcredit: error:") and err.count("\n") == 1
    assert "Traceback" not in err
    assert re.search(match, err)


@pytest.mark.parametrize("argv", [
    ["cds", "--hazard", "-1"],
    ["cds", "--maturity", "5"],
    ["cds", "--hazard", "0.01", "--recovery", "1.5"],
    ["cds", "--hazard", "0.01", "--rate", "0.01", "--treasury-date", "2016-06-10"],
    ["cds", "--hazard", "0.01", "--maturity", "x"],
    ["bootstrap", "/no/such/file.csv"],
])
def test_cds_errors(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("stochcredit: error:") and "Traceback" not in err


def test_help_mentions_units(capsys):
    assert main(["cds", "--help"]) == 0
    out = capsys.readouterr().out
    assert "bp" in out and "decimal" in out
    assert main(["bootstrap", "--help"]) == 0
    assert "spread_bp" in capsys.readouterr().out


def test_cds_command_with_quotes_file(tmp_path, capsys):
    q = tmp_path / "q.csv"
    q.write_text("tenor,spread_bp\n1Y,60\n3Y,85\n5Y,110\n")
    assert main(["cds", "--quotes", str(q), "--maturity", "3", "--rate", "0.02",
                 "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    assert df["par_spread_bp"].iloc[0] == pytest.approx(85, rel=1e-12)
    assert main(["cds", "--quotes", str(q), "--hazard", "0.01"]) == 2
