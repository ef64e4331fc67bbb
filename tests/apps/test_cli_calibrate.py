"""`stochcredit calibrate`: tables/CSV/JSON, failing names reported, the run goes on."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from stochcredit.apps.cli.main import main

T = np.array([1.0, 3.0, 5.0, 7.0, 10.0])


def bs_spread(vol, T, lev, r):
    d1 = (np.log(1 / lev) + (r + 0.5 * vol**2) * T) / (vol * np.sqrt(T))
    d2 = d1 - vol * np.sqrt(T)
    d0 = lev * np.exp(-r * T) * norm.cdf(d2) + norm.cdf(-d1)
    return -np.log(d0 / lev) / T - r


@pytest.fixture
def quotes(tmp_path):
    rows = []
    for name, vol, lev in (("AAA", 0.25, 0.5), ("BBB", 0.35, 0.5), ("BAD", 0.3, 1.5)):
        for t, s in zip(T, bs_spread(vol, T, min(lev, 0.9), 0.02), strict=True):
            rows.append({"name": name, "maturity": t, "spread": s, "leverage": lev})
    f = tmp_path / "quotes.csv"
    pd.DataFrame(rows).to_csv(f, index=False)
    return f


def test_csv_output_fits_and_reports_failing_name(quotes, capsys, tmp_path):
    out = tmp_path / "res.json"
    code = main(["calibrate", str(quotes), "--models", "black_scholes", "--rate", "0.02",
                 "--workers", "1", "--no-progress", "--format", "csv", "--output", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    df = pd.read_csv(__import__("io").StringIO(captured.out)).set_index("name")
    assert df.loc["AAA", "vol"] == pytest.approx(0.25, rel=1e-6)
    assert df.loc["BBB", "vol"] == pytest.approx(0.35, rel=1e-6)
    assert df.loc["AAA", "fit_error"] < 1e-12
    assert "leverage" in df.loc["BAD", "error"]  # reported, the others still ran
    assert "2 of 3 names calibrated" in captured.err
    records = json.loads(out.read_text())
    assert {r["name"] for r in records} == {"AAA", "BBB", "BAD"}


def test_table_output_with_dask_and_subset(quotes, capsys):
    code = main(["calibrate", str(quotes), "--models", "bs", "--rate", "0.02", "--dask",
                 "--scheduler", "synchronous", "--names", "AAA", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "AAA" in out and "BBB" not in out and "fit_error" in out


def test_bad_options_are_one_line_errors(quotes, capsys):
    assert main(["calibrate", str(quotes), "--models", "cev", "--rate", "0.02",
                 "--no-progress"]) == 2
    assert "models" in capsys.readouterr().err
    assert main(["calibrate", str(quotes), "--leverage", "1.2", "--no-progress"]) == 2
    assert "--leverage" in capsys.readouterr().err
    assert main(["calibrate", "missing.csv", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stochcredit: error:") and "Traceback" not in err


def test_help_mentions_units(capsys):
    assert main(["calibrate", "--help"]) == 0
    out = capsys.readouterr().out
    assert "decimal" in out and "years" in out
