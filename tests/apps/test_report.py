"""The HTML report: builds in quick mode with every figure panel labelled, and its tables show
no pandas index, no NaN and no exponent notation for exact data."""

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stochcredit.apps.report.formatting import (  # noqa: E402
    format_value,
    panel_issues,
    short_warnings,
    table_html,
)


def _cells(html_table: str) -> list[list[str]]:
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in
            re.findall(r"<tr>(.*?)</tr>", html_table)]


def test_table_without_range_index_and_nan_and_with_exact_data_as_is():
    df = pd.DataFrame({"D": [20.0, 40.0], "t (years)": [0.25, 5.0],
                       "CG-2": [0.99123456789, np.nan]})
    rows = _cells(table_html(df, "{:.3e}"))
    assert rows[0] == ["D", "t (years)", "CG-2"]          # no index column
    assert rows[1] == ["20", "0.25", "9.912e-01"]
    assert rows[2] == ["40", "5", ""]                      # NaN -> empty cell


def test_table_keeps_a_meaningful_index_and_per_column_formats():
    df = pd.DataFrame({"z": [1.23456], "p": [0.1234567]},
                      index=pd.Index(["black"], name="model"))
    rows = _cells(table_html(df, {"z": "{:.2f}", "*": "{:.3g}"}))
    assert rows == [["model", "z", "p"], ["black", "1.23", "0.123"]]


def test_unnamed_index_gets_an_empty_header_and_float_columns_short_names():
    df = pd.DataFrame([[1.5, 2.25]], index=["IBM heston"], columns=[1.0, 10.0])
    assert _cells(table_html(df))[0] == ["", "1", "10"]


def test_format_value():
    assert format_value(None) == "" and format_value(float("nan")) == ""
    assert format_value(np.int64(123456)) == "123,456"
    assert format_value(True) == "yes"
    assert format_value(1.5e-7, "{:.2e}") == "1.50e-07"


def test_short_warnings():
    w = ["at bound: rho_1=upper",
         "flat direction (s/s_max=4.1e-09): +0.70*rho_2 -0.69*theta_2 +0.01*v0_1",
         "flat direction (s/s_max=1.2e-04): +0.90*v0_2 -0.40*kappa_2",
         "Feller condition violated: feller_1, feller_2"]
    assert short_warnings(w) == ("2 flat directions (s/s_max down to 4e-09) in rho_2, "
                                 "theta_2, v0_1, v0_2, kappa_2; at bound: rho_1=upper; "
                                 "Feller violated (factor 1, factor 2)")
    assert short_warnings(" | ".join(w[:1])) == "at bound: rho_1=upper"
    assert short_warnings([]) == ""


def test_panel_issues_finds_missing_labels_and_legends():
    fig, (a, b) = plt.subplots(1, 2, sharey=True)
    a.plot([0, 1, 2], [0, 1, 4], label="x squared")
    a.set_ylabel("y")
    b.plot([0, 1, 2], [0, 1, 2])
    b.set_xlabel("x")
    assert panel_issues(fig, "f") == ["f panel 0: no x-label",
                                      "f panel 0: labelled series but no legend"]
    a.set_xlabel("x")
    a.legend()
    assert panel_issues(fig, "f") == []  # b shares a's y-label
    plt.close(fig)


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    from stochcredit.apps.report import build_report

    out = tmp_path_factory.mktemp("report")
    log: list[str] = []
    failures = build_report(out, quick=True, log=log.append)
    return out, failures, log


def test_quick_report_builds(quick_report):
    out, failures, _ = quick_report
    assert failures == []
    page = (out / "index.html").read_text(encoding="utf-8")
    assert len(list((out / "figures").glob("*.png"))) >= 10
    assert ">NaN<" not in page and ">nan<" not in page
    # exact data (debt per share, horizons) is not printed in exponent notation
    assert "2.000e+01" not in page


def test_every_figure_panel_has_labels_and_legend(quick_report):
    _, _, log = quick_report
    assert [line for line in log if "figure check" in line] == []
