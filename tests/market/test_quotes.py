"""Quote loaders: units (bp / percent -> decimals), tenors -> years, tidy layout."""

import numpy as np
import pandas as pd
import pytest

from stochcredit import InvalidParameterError
from stochcredit.market.quotes import (
    curves,
    load_cdx_quotes,
    load_markit_curves,
    percent_to_decimal,
    read_quotes,
    tenor_to_years,
)


def test_cdx_has_125_names_four_tenors_in_decimals():
    q = load_cdx_quotes()
    assert list(q.columns[:4]) == ["name", "maturity", "spread", "recovery"]
    assert q["name"].nunique() == 125 and len(q) == 500
    assert sorted(q["maturity"].unique()) == [3.0, 5.0, 7.0, 10.0]
    ace = q[q["name"] == "ACE"].set_index("maturity")["spread"]
    # file row: ACE,14.44,24.44,34.44,37.78 (bp)
    np.testing.assert_allclose(ace.to_numpy(), [14.44e-4, 24.44e-4, 34.44e-4, 37.78e-4])
    assert (q["recovery"] == 0.4).all()
    assert (q["date"] == pd.Timestamp("2007-08-01")).all()  # from the file name


def test_markit_percent_strings_and_tenors():
    m = load_markit_curves()
    c10 = m[m["name"] == "C10"]
    assert c10["maturity"].tolist() == [0.5, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30]
    # file: "0.11663768128390598%" at 6M
    assert c10["spread"].iloc[0] == pytest.approx(0.0011663768128390598, rel=1e-15)
    c02 = m[m["name"] == "C02"]
    assert len(c02) == 6 and c02["maturity"].max() == 5.0  # blanks dropped
    assert {"C11_SNRFOR", "C11_SUBLT2"} <= set(m["name"])
    assert m.loc[m["name"] == "C11_SUBLT2", "recovery"].iloc[0] == pytest.approx(0.2)
    assert (m["date"] == pd.Timestamp("2014-10-16")).all()


@pytest.mark.parametrize("tenor,years", [("6M", 0.5), ("1y", 1.0), ("Spread30y", 30.0),
                                         ("2W", 14 / 365), ("18m", 1.5)])
def test_tenor_to_years(tenor, years):
    assert tenor_to_years(tenor) == pytest.approx(years)


def test_bad_tenor_and_percent():
    with pytest.raises(InvalidParameterError, match="tenor"):
        tenor_to_years("5 years")
    np.testing.assert_allclose(percent_to_decimal(["1.5%", "", "40%"]).to_numpy(),
                               [0.015, np.nan, 0.4])


def test_read_quotes_detects_formats(tmp_path):
    tidy = tmp_path / "tidy.csv"
    pd.DataFrame({"name": ["X", "X", "Y"], "maturity": [5, 1, 3],
                  "spread": [0.02, 0.01, 0.03]}).to_csv(tidy, index=False)
    df = read_quotes(tidy)
    assert df["maturity"].tolist() == [1.0, 5.0, 3.0] and (df["recovery"] == 0.4).all()
    c = curves(df)
    np.testing.assert_array_equal(c["X"][1], [0.01, 0.02])
    from stochcredit.data import path
    assert read_quotes(path("cdx_na_ig_s7_2007-08-01.csv"))["name"].nunique() == 125
    assert read_quotes(path("markit_style_cds_curves_2014-10-16.csv"))["name"].nunique() == 5


def test_read_quotes_rejects_bad_input(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"name": ["X"], "maturity": [1.0], "spread": [-0.01]}).to_csv(bad, index=False)
    with pytest.raises(InvalidParameterError, match="line 2, column 'spread', value '-0.01'"):
        read_quotes(bad)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidParameterError, match="unknown quote format"):
        read_quotes(other)
    with pytest.raises(FileNotFoundError):
        read_quotes(tmp_path / "missing.csv")
