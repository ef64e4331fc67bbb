"""CLI: `stochcredit isda ...` and the bulk mode of `stochcredit bootstrap` vs the library."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import stochcredit as sc
from stochcredit.apps.cli.main import main
from stochcredit.market.isda_quotes import packaged_quote_file

TRADE = dt.date(2014, 10, 16)


@pytest.fixture(scope="module")
def usd():
    return sc.isda_discount_curve(TRADE, **sc.load_isda_rates(TRADE))


@pytest.fixture()
def c10_quotes(tmp_path):
    f = tmp_path / "c10.csv"
    f.write_text("tenor,spread_bp\n6M,11.663768\n1Y,15.065407\n2Y,27.044071\n3Y,44.965467\n"
                 "5Y,83.256106\n7Y,99.228545\n10Y,112.822837\n")
    return f


def _csv(capsys) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_bootstrap_packaged_markit(capsys):
    assert main(["bootstrap", "--packaged", "markit", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    df = pd.read_csv(io.StringIO(captured.out))
    assert "3 of 5 names bootstrapped; 2 failed" in captured.err
    ok = df[df["status"] == "ok"]
    assert set(ok["name"]) == {"C01", "C02", "C10"}
    assert np.max(np.abs(ok["reprice_error_bp"])) < 1e-8
    err = df[df["status"] == "error"]
    assert set(err["line"]) == {5, 6}
    assert err["error"].str.contains("no discount curve for EUR").all()
    # same numbers as the library
    batch = sc.isda_credit_curves(packaged_quote_file("markit"))
    lib = batch.frame[batch.frame["status"] == "ok"]
    np.testing.assert_allclose(ok["hazard"], lib["hazard"], rtol=1e-7)


def test_bootstrap_cdx_copy_with_bad_line(tmp_path, capsys):
    lines = packaged_quote_file("cdx").read_text().splitlines()
    lines[10] = lines[10].split(",")[0] + ",1e,2,3,4,0.4"
    f = tmp_path / "cdx.csv"
    f.write_text("\n".join(lines) + "\n")
    assert main(["bootstrap", str(f), "--trade-date", "2007-08-01", "--rate", "0.05",
                 "--format", "json"]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    bad = [r for r in rows if r["status"] == "error"]
    assert len(bad) == 1 and bad[0]["line"] == 11 and "cdx.csv, line 11" in bad[0]["error"]
    assert "124 of 125 names bootstrapped" in captured.err
    # a CDX file has no date: a one-line error, exit 2
    assert main(["bootstrap", str(f), "--rate", "0.05"]) == 2
    assert "trade_date" in capsys.readouterr().err


def test_bootstrap_packaged_cdx_needs_a_discount_curve(capsys):
    assert main(["bootstrap", "--packaged", "cdx", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "0 of 125 names bootstrapped" in captured.err
    assert main(["bootstrap", "--packaged", "cdx", "--treasury-date", "2007-08-01",
                 "--format", "csv"]) == 0
    assert "125 of 125 names bootstrapped" in capsys.readouterr().err


def test_isda_bootstrap_matches_library(c10_quotes, usd, capsys):
    assert main(["isda", "bootstrap", str(c10_quotes), "--trade-date", "2014-10-16",
                 "--format", "csv"]) == 0
    df = _csv(capsys)
    assert np.max(np.abs(df["reprice_error"])) < 1e-12
    q = pd.read_csv(c10_quotes)
    curve = sc.isda_credit_curve(TRADE, list(q["tenor"]), q["spread_bp"].to_numpy() * 1e-4, usd)
    t = np.array([(dt.date.fromisoformat(d) - TRADE).days / 365 for d in df["maturity_date"]])
    np.testing.assert_allclose(df["survival"], curve.survival(t), rtol=1e-9)


def test_isda_price_matches_library(c10_quotes, usd, tmp_path, capsys):
    trades = tmp_path / "trades.csv"
    trades.write_text("id,maturity,coupon_bp,notional,side\n"
                      "a,5Y,100,10000000,buy\nb,2019-12-20,500,5000000,sell\n"
                      "c,1Y,100,1000000,buy\n")
    assert main(["isda", "price", str(trades), "--trade-date", "2014-10-16", "--quotes",
                 str(c10_quotes), "--format", "csv"]) == 0
    df = _csv(capsys).set_index("id")
    q = pd.read_csv(c10_quotes)
    curve = sc.isda_credit_curve(TRADE, list(q["tenor"]), q["spread_bp"].to_numpy() * 1e-4, usd)
    ref = sc.StandardCDS(TRADE, "2019-12-20", 0.05, notional=5e6, side="sell").price(usd, curve)
    assert df.loc["b", "npv"] == pytest.approx(ref.npv, rel=1e-9)
    assert df.loc["b", "clean_upfront"] == pytest.approx(ref.clean_upfront, rel=1e-9)
    assert df.loc["a", "maturity_date"] == "2019-12-20"
    assert df.loc["a", "accrued_days"] == 25    # 2014-09-22 to the step-in date 2014-10-17


def test_isda_convert_both_directions(usd, tmp_path, capsys):
    f = tmp_path / "q.csv"
    f.write_text("maturity,coupon_bp,quoted_spread_bp\n5Y,100,83.256106\n5Y,500,750\n"
                 "10Y,500,5000\n")
    assert main(["isda", "convert", str(f), "--trade-date", "2014-10-16",
                 "--format", "csv"]) == 0
    df = _csv(capsys)
    for row in df.itertuples():
        ref = sc.upfront_from_spread(TRADE, row.maturity, row.quoted_spread_bp * 1e-4,
                                     row.coupon_bp * 1e-4, usd)
        assert row.upfront == pytest.approx(float(ref), abs=1e-12)
    back = tmp_path / "u.csv"
    pd.DataFrame({"maturity": df["maturity"], "coupon_bp": df["coupon_bp"],
                  "upfront": df["upfront"]}).to_csv(back, index=False)
    assert main(["isda", "convert", str(back), "--trade-date", "2014-10-16",
                 "--format", "csv"]) == 0
    round_trip = _csv(capsys)
    np.testing.assert_allclose(round_trip["quoted_spread_bp"], df["quoted_spread_bp"],
                               rtol=1e-9)


def test_isda_rates_file_and_errors(c10_quotes, tmp_path, capsys):
    rates = tmp_path / "rates.csv"
    rates.write_text("tenor,kind,rate\n1M,deposit,-0.003\n6M,deposit,-0.002\n2Y,swap,-0.001\n"
                     "10Y,swap,0.004\n")
    assert main(["isda", "bootstrap", str(c10_quotes), "--trade-date", "2016-03-10",
                 "--rates", str(rates), "--currency", "EUR", "--format", "csv"]) == 0
    assert np.max(np.abs(_csv(capsys)["reprice_error"])) < 1e-12
    assert main(["isda", "bootstrap", str(c10_quotes), "--trade-date", "2016-03-10",
                 "--rates", str(rates), "--currency", "XYZ"]) == 2
    assert "currency" in capsys.readouterr().err
    # no packaged rates for that date, no --rates / --rate
    assert main(["isda", "bootstrap", str(c10_quotes), "--trade-date", "2016-03-10"]) == 2
    assert "no packaged ISDA rates" in capsys.readouterr().err


def test_isda_subprocess_one_line_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "stochcredit.apps.cli.main", "isda", "price",
                           str(tmp_path / "missing.csv"), "--trade-date", "2014-10-16",
                           "--spread", "100"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "missing.csv" in proc.stderr


def test_isda_risk_matches_library_and_rebootstrap(c10_quotes, usd, tmp_path, capsys):
    trades = tmp_path / "trades.csv"
    trades.write_text("id,maturity,coupon_bp,notional\na,5Y,100,10000000\nb,3Y,500,1000000\n")
    assert main(["isda", "risk", str(trades), "--quotes", str(c10_quotes), "--trade-date",
                 "2014-10-16", "--format", "csv"]) == 0
    df = _csv(capsys).set_index("id")
    q = pd.read_csv(c10_quotes)
    tenors, spreads = list(q["tenor"]), q["spread_bp"].to_numpy() * 1e-4
    cds = sc.StandardCDS(TRADE, "5Y", 0.01, notional=1e7)
    lib = sc.cds_risk({"a": cds}, usd, sc.CreditQuotes(tuple(tenors), spreads))
    assert df.loc["a", "cs01"] == pytest.approx(lib.summary.loc["a", "cs01"], rel=1e-9)
    # the 5Y bucket by hand: bump the 5Y quote 1 bp, re-bootstrap, reprice
    base = cds.price(usd, sc.isda_credit_curve(TRADE, tenors, spreads, usd)).npv
    bumped = spreads.copy()
    bumped[tenors.index("5Y")] += 1e-4
    up = cds.price(usd, sc.isda_credit_curve(TRADE, tenors, bumped, usd)).npv
    assert df.loc["a", "cs01 5Y"] == pytest.approx(up - base, rel=1e-7, abs=1e-6)
    assert "ir01 swap 5Y" in df.columns


def test_bootstrap_bulk_with_rates_file_equals_packaged_default(capsys):
    from stochcredit import data

    assert main(["bootstrap", "--packaged", "markit", "--format", "csv"]) == 0
    default = _csv(capsys)
    assert main(["bootstrap", "--packaged", "markit", "--format", "csv", "--rates",
                 str(data.path("usd_isda_rates_2014-10-16.csv"))]) == 0
    given = _csv(capsys)
    ok = default["status"] == "ok"
    np.testing.assert_array_equal(given["survival"][ok], default["survival"][ok])
    assert (given["status"] == default["status"]).all()
