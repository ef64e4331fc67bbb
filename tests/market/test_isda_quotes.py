"""Row-by-row quote reading: error rows name file and line, the other rows go on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.market.isda_quotes import packaged_quote_file, read_isda_quotes
from stochcredit.market.quotes import load_cdx_quotes, load_markit_curves


def test_packaged_markit_matches_the_existing_loader():
    ours = read_isda_quotes(packaged_quote_file("markit"))
    assert (ours["error"] == "").all()
    ref = load_markit_curves()
    ours = ours.sort_values(["name", "tenor"]).reset_index(drop=True)
    ref = ref.sort_values(["name", "tenor"]).reset_index(drop=True)
    assert list(ours["name"]) == list(ref["name"]) and list(ours["tenor"]) == list(ref["tenor"])
    np.testing.assert_allclose(ours["spread"], ref["spread"], rtol=1e-15)
    np.testing.assert_allclose(ours["recovery"], ref["recovery"], rtol=1e-15)
    assert set(ours["currency"]) == {"USD", "EUR"}
    assert set(ours["date"]) == {dt.date(2014, 10, 16)}
    assert set(ours[ours["name"] == "C10"]["line"]) == {2}


def test_packaged_cdx_matches_the_existing_loader():
    ours = read_isda_quotes(packaged_quote_file("cdx"), trade_date="2007-08-01")
    ref = load_cdx_quotes()
    assert len(ours) == len(ref) == 500 and (ours["error"] == "").all()
    ours = ours.sort_values(["name", "tenor"]).reset_index(drop=True)
    ref = ref.sort_values(["name", "tenor"]).reset_index(drop=True)
    np.testing.assert_allclose(ours["spread"], ref["spread"], rtol=1e-15)
    assert ours["line"].min() == 2 and ours["line"].max() == 126
    with pytest.raises(sc.InvalidParameterError, match="trade_date"):
        read_isda_quotes(packaged_quote_file("cdx"))


def test_bad_cdx_rows_are_error_rows(tmp_path):
    lines = packaged_quote_file("cdx").read_text().splitlines()
    lines[3] = lines[3].split(",")[0] + ",abc,24.44,34.44,37.78,0.40"      # line 4
    lines[5] = lines[5].split(",")[0] + ",-5,24.44,34.44,37.78,0.40"       # line 6
    lines[7] = lines[7].split(",")[0] + ",14,24,34,37,1.2"                 # line 8
    lines[9] = lines[9].split(",")[0] + ",,,,,0.40"                        # line 10
    lines[11] = lines[11] + ",extra"                                        # line 12
    lines.insert(20, "")                                                    # a blank line 21
    f = tmp_path / "cdx.csv"
    f.write_text("\n".join(lines) + "\n")
    q = read_isda_quotes(f, trade_date="2007-08-01")
    err = q[q["error"] != ""]
    assert list(err["line"]) == [4, 6, 8, 10, 12]
    msgs = list(err["error"])
    assert "cdx.csv, line 4: column '3Y': 'abc' is not a number" in msgs[0]
    assert "line 6" in msgs[1] and "> 0" in msgs[1]
    assert "line 8" in msgs[2] and "recovery '1.2'" in msgs[2]
    assert "line 10" in msgs[3] and "no spread" in msgs[3]
    assert "line 12" in msgs[4] and "fields" in msgs[4]
    good = q[q["error"] == ""]
    assert good["name"].nunique() == 120
    # lines after the blank one keep their physical numbers
    assert good["line"].max() == 127
    assert list(err["name"][:4]) == [lines[i].split(",")[0] for i in (3, 5, 7, 9)]


def test_bad_markit_rows(tmp_path):
    lines = packaged_quote_file("markit").read_text().splitlines()
    lines[2] = lines[2].replace('"4.76%","4.76%"', '"4.76%","x%"', 1)
    lines[3] = lines[3].replace('"16-OCT-14"', '"32-OCT-14"', 1)
    f = tmp_path / "markit.csv"
    f.write_text("\n".join(lines) + "\n")
    q = read_isda_quotes(f)
    err = q[q["error"] != ""].set_index("line")["error"]
    assert set(err.index) == {3, 4}
    assert "markit.csv, line 3: column 'Spread1y'" in err[3]
    assert "column 'Date'" in err[4]
    assert set(q[q["error"] == ""]["name"]) == {"C10", "C11_SNRFOR", "C11_SUBLT2"}


def test_tidy_file_and_duplicates(tmp_path):
    f = tmp_path / "tidy.csv"
    f.write_text("name,tenor,spread_bp,recovery,date,currency\n"
                 "AAA,1Y,50,0.4,2014-10-16,USD\n"
                 "AAA,5Y,80,0.4,2014-10-16,USD\n"
                 "AAA,5Y,81,0.4,2014-10-16,USD\n"
                 "BBB,5Q,80,0.4,2014-10-16,EUR\n"
                 "BBB,5Y,80,0.4,2014-10-16,EUR\n")
    q = read_isda_quotes(f)
    err = q[q["error"] != ""].set_index("line")["error"]
    assert "already quoted on line 3" in err[4] and "'5Q'" in err[5]
    assert q.loc[q["line"] == 6, "currency"].item() == "EUR"
    assert q.loc[q["line"] == 2, "spread"].item() == pytest.approx(0.005)
    assert q.loc[q["line"] == 5, "name"].item() == "BBB"   # error rows keep a parsed name


def test_unknown_format_and_missing_file(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(sc.InvalidParameterError, match="header"):
        read_isda_quotes(f)
    with pytest.raises(FileNotFoundError):
        read_isda_quotes(tmp_path / "missing.csv")
    with pytest.raises(sc.InvalidParameterError, match="fmt"):
        read_isda_quotes(packaged_quote_file("markit"), fmt="xml")
