"""``stochcredit creditgrades`` command (called in-process through ``main``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.apps.cli.main import main
from stochcredit.instruments.structural_cds import structural_cds_spread

BASE = ["creditgrades", "--equity", "50", "--equity-vol", "0.3", "--debt-per-share", "40"]


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_classic_spreads_match_the_model(capsys):
    assert main(BASE + ["--maturities", "1", "3", "5", "10", "--rate", "0.02", "-f", "json"]) == 0
    rows = _json(capsys)
    cg = sc.CreditGrades(50.0, 0.3, 40.0, rate=0.02)
    mats = np.array([1.0, 3.0, 5.0, 10.0])
    assert [r["maturity"] for r in rows] == mats.tolist()
    np.testing.assert_allclose([r["cds_spread_bp"] for r in rows], 1e4 * cg.cds_spread(mats),
                               rtol=1e-8)
    np.testing.assert_allclose([r["survival"] for r in rows], cg.survival(mats), rtol=1e-8)


def test_heston_variant_and_comma_maturities(capsys):
    assert main(BASE + ["--maturities", "1,5", "--heston", "0.04,1.5,0.04,0.5", "--premium",
                        "quarterly", "-f", "json"]) == 0
    rows = _json(capsys)
    m = sc.CreditGradesEquity(50.0, 40.0, 0.5, 0.0, sc.Heston(0.04, 1.5, 0.04, 0.5, 0.0),
                              barrier_std=0.3)
    ref = structural_cds_spread(m, np.array([1.0, 5.0]), 0.0, 0.5, premium="quarterly")
    np.testing.assert_allclose([r["cds_spread_bp"] for r in rows], 1e4 * ref, rtol=1e-8)


def test_table_output_and_file(capsys, tmp_path):
    out = tmp_path / "cg.csv"
    assert main(BASE + ["-m", "2", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "cds_spread_bp" in text and "classic CreditGrades" in text
    assert out.read_text().startswith("maturity,survival")


@pytest.mark.parametrize("extra,needle", [
    (["--maturities", "1", "x"], "--maturities"),
    (["--maturities", "-1"], "--maturities"),
    (["--heston", "0.04,1.5"], "--heston"),
    (["--heston", "0.04,-1.5,0.04,0.5"], "kappa"),
    (["--recovery", "1.5"], "recovery"),
    (["--premium", "annual"], "--premium"),
])
def test_bad_input_is_one_line_error(capsys, extra, needle):
    assert main(BASE + extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("stochcredit: error:") and needle in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_bad_firm_data(capsys):
    assert main(["creditgrades", "--equity", "-5", "--equity-vol", "0.3",
                 "--debt-per-share", "40"]) == 2
    assert "equity" in capsys.readouterr().err


def test_help_mentions_units(capsys):
    assert main(["creditgrades", "--help"]) == 0
    out = capsys.readouterr().out
    assert "basis points" in out and "--heston" in out
