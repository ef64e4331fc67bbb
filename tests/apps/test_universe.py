"""Universe runs: row-level errors, the results store, resume, the batch/runs commands."""

import io
import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from stochcredit import InvalidParameterError
from stochcredit.apps.cli.main import main
from stochcredit.apps.store import ResultsStore
from stochcredit.apps.universe import plan_chunks, resume_universe, run_universe
from stochcredit.data import path as data_path
from stochcredit.market.quote_rows import read_quote_rows
from stochcredit.market.quotes import load_cdx_quotes, read_quotes

CDX = data_path("cdx_na_ig_s7_2007-08-01.csv")


def bad_cdx(tmp_path, name="cdx_bad.csv"):
    """The CDX file with a non-numeric, a negative, a recovery 1.2 and an all-blank row."""
    lines = CDX.read_text().splitlines()
    lines[2] = lines[2].replace("11.11", "abc", 1)        # AET, line 3
    cells = lines[4].split(",")
    cells[2] = "-3"                                        # AA, line 5, 5Y
    lines[4] = ",".join(cells)
    cells = lines[6].split(",")
    cells[-1] = "1.2"                                      # MO, line 7
    lines[6] = ",".join(cells)
    cells = lines[8].split(",")
    lines[8] = ",".join([cells[0], "", "", "", "", cells[-1]])   # AXP, line 9
    f = tmp_path / name
    f.write_text("\n".join(lines) + "\n")
    return f


def test_bad_cdx_rows_name_file_line_column_value(tmp_path):
    rows, meta = read_quote_rows(bad_cdx(tmp_path), date="2007-08-01")
    assert len(rows) == 125 and meta["format"] == "cdx" and meta["date_source"] == "option"
    bad = {r.name: r.error for r in rows if r.error}
    assert set(bad) == {"AET", "AA", "MO", "AXP"}
    assert "cdx_bad.csv line 3, column '5Y', value 'abc'" in bad["AET"]
    assert "line 5, column '5Y', value '-3'" in bad["AA"] and "> 0" in bad["AA"]
    assert "line 7, column 'Recovery', value '1.2'" in bad["MO"]
    assert "line 9" in bad["AXP"] and "no usable quote" in bad["AXP"]
    with pytest.raises(InvalidParameterError, match="line 3, column '5Y', value 'abc'"):
        read_quotes(bad_cdx(tmp_path))


def test_good_rows_match_the_tidy_loader():
    rows, meta = read_quote_rows(CDX)
    assert meta["date_source"] == "file name" and rows[0].date == "2007-08-01"
    tidy = load_cdx_quotes()
    for r in rows[:10]:
        g = tidy[tidy["name"] == r.name].sort_values("maturity")
        np.testing.assert_array_equal(r.maturities, g["maturity"])
        np.testing.assert_allclose(r.spreads, g["spread"], rtol=1e-15)


def test_markit_and_tidy_and_parquet(tmp_path):
    rows, meta = read_quote_rows(data_path("markit_style_cds_curves_2014-10-16.csv"))
    assert meta == {"format": "markit", "date_source": "column",
                    "source": "markit_style_cds_curves_2014-10-16.csv"}
    assert all(r.ok and r.date == "2014-10-16" for r in rows)
    tidy = pd.DataFrame({"name": ["A", "A", "B", "B", "C", "D"],
                         "maturity": ["1", "5Y", "1", "x", "3", "5"],
                         "spread": ["0.01", "0.012", "0.01", "0.02", "", "0.01"],
                         "date": ["2016-05-13"] * 5 + ["13/05/2016x"]})
    f = tmp_path / "tidy.csv"
    tidy.to_csv(f, index=False)
    got = {r.name: r for r in read_quote_rows(f)[0]}
    assert got["A"].ok and got["A"].maturities == (1.0, 5.0) and got["A"].lines == (2, 3)
    assert "line 5, column 'maturity', value 'x'" in got["B"].error
    assert "C has no usable quote" in got["C"].error
    assert "line 7, column 'date'" in got["D"].error
    pq = tmp_path / "tidy.parquet"
    tidy.to_parquet(pq)
    assert [r.error != "" for r in read_quote_rows(pq)[0]] == [False, True, True, True]


def test_store_never_writes_a_row_twice(tmp_path):
    st = ResultsStore(tmp_path / "s.sqlite")
    st.create_run("r1", "bootstrap", "u.csv", "h", {}, 2, "0")
    row = {"run_id": "r1", "item_key": "A|", "name": "A", "model": "hazard", "status": "ok"}
    assert st.write([row]) == 1
    with pytest.raises(sqlite3.IntegrityError):  # the whole call is rolled back
        st.write([dict(row, item_key="B|", name="B"), row])
    assert st.done_keys("r1") == {"A|"}
    with pytest.raises(InvalidParameterError, match="run_id"):
        st.run("nope")


def test_bootstrap_run_one_row_per_name_and_resume(tmp_path):
    store = tmp_path / "runs.sqlite"
    u = bad_cdx(tmp_path, "cdx_2007-08-01.csv")
    seen = []
    rid = run_universe("bootstrap", u, store, workers=1, limit=12,
                       on_start=lambda r, m: seen.append((r, m)))
    assert seen[0][0] == rid and seen[0][1]["date_source"] == "file name"
    df = ResultsStore(store).results(rid)
    assert len(df) == 12 and df["name"].is_unique
    assert (df["status"] == "error").sum() == 4
    ok = df[df["status"] == "ok"]
    assert (ok["fit_error"] < 1e-10).all() and ok["hazard_5y"].gt(0).all()
    assert set(df.loc[df["name"] == "AET", "lines"]) == {"3"}
    # simulate a run killed after 5 names: drop the rest, resume, compare
    con = sqlite3.connect(store)
    with con:
        con.execute("DELETE FROM results WHERE run_id = ? AND seq >= 5", (rid,))
    con.close()
    assert resume_universe(rid, store, workers=1) == rid
    again = ResultsStore(store).results(rid)
    assert len(again) == 12 and again["name"].tolist() == df["name"].tolist()
    pd.testing.assert_series_equal(again["inputs_hash"], df["inputs_hash"])
    np.testing.assert_array_equal(again["fit_error"], df["fit_error"])
    assert ResultsStore(store).runs().set_index("run_id").loc[rid, "status"] == "done"


def test_resume_refuses_a_changed_universe(tmp_path):
    store, u = tmp_path / "s.sqlite", bad_cdx(tmp_path, "u_2007-08-01.csv")
    rid = run_universe("bootstrap", u, store, workers=1, limit=2)
    u.write_text(u.read_text().replace("ACE", "ACF"))
    with pytest.raises(InvalidParameterError, match="changed"):
        resume_universe(rid, store)


def test_curve_choice_is_explicit(tmp_path):
    store = tmp_path / "s.sqlite"
    plain = tmp_path / "cdx.csv"
    plain.write_text(CDX.read_text())
    with pytest.raises(InvalidParameterError, match="--date"):
        run_universe("bootstrap", plain, store, workers=1, limit=2)
    r_flat = run_universe("bootstrap", plain, store, workers=1, limit=2, rate=0.03)
    curve = tmp_path / "zero.csv"
    pd.DataFrame({"maturity": [1, 30], "zero_rate": [0.03, 0.03]}).to_csv(curve, index=False)
    r_file = run_universe("bootstrap", plain, store, workers=1, limit=2, curve=curve)
    a, b = ResultsStore(store).results(r_flat), ResultsStore(store).results(r_file)
    np.testing.assert_allclose(a["hazard_10y"], b["hazard_10y"], rtol=1e-12)
    assert a["extra"][0]["curve"] == "flat 0.03" and b["extra"][0]["curve"] == "curve file zero.csv"
    r_tsy = run_universe("bootstrap", plain, store, workers=1, limit=2, date="2007-08-01")
    assert ResultsStore(store).results(r_tsy)["extra"][0]["curve"] == "US Treasury 2007-08-01"


def test_plan_chunks():
    assert [len(c) for c in plan_chunks(list(range(10)), 2)] == [2, 2, 2, 2, 2]
    assert [len(c) for c in plan_chunks(list(range(5)), 2, chunk_size=3)] == [3, 2]
    assert plan_chunks([], 4) == []


def test_cli_batch_runs_list_show(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    u = bad_cdx(tmp_path, "cdx_2007-08-01.csv")
    assert main(["batch", "price", str(u), "--store", str(store), "--limit", "6",
                 "--workers", "1", "--no-progress", "--format", "csv"]) == 0
    cap = capsys.readouterr()
    first, *rest = cap.out.splitlines()
    assert first.startswith("run: ")
    rid = first.split()[1]
    df = pd.read_csv(io.StringIO("\n".join(rest)))
    assert len(df) == 6 and {"fitted", "error", "fit_error", "hazard_3y"} <= set(df.columns)
    assert "file name" in cap.err
    assert main(["runs", "list", "--store", str(store), "--format", "json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert runs[0]["run_id"] == rid and runs[0]["n_ok"] == 3 and runs[0]["n_error"] == 3
    assert main(["runs", "show", rid, "--store", str(store), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "line 3, column '5Y', value 'abc'" in out and "ACE" not in out
    assert main(["runs", "show", "nope", "--store", str(store)]) == 2
    assert main(["runs", "list", "--store", str(tmp_path / "none.sqlite")]) == 2
    assert main(["batch", "fit", str(u), "--store", str(store)]) == 2
    assert "task" in capsys.readouterr().err
