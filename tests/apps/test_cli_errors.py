"""CLI error contract: one line ``stochcredit: error: ...``, exit 2, the option or the file's
1-based line and column named; option ranges; output format from the extension; rounding."""

import json
import re

import pandas as pd
import pytest

from stochcredit.apps.cli.main import main

OPT = ["cds-option", "--strike", "0.014", "--forward", "0.014", "--annuity", "4.56"]


def _err(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("stochcredit: error: "), err
    assert not re.search(r"\b(UsageError|NoSuchOption|MissingParameter|BadParameter|"
                         r"Traceback)\b", err)
    return lines[0]


@pytest.mark.parametrize("argv, expect", [
    (["nosuch"], "nosuch"),
    (["cds-option", "--nosuch"], "--nosuch"),
    (["cds-option", "--strike", "0.01"], "missing option --expiry"),
    (["calibrate"], "missing argument QUOTES"),
    (OPT + ["--expiry", "abc", "--vol", "0.2"], "'abc' for --expiry"),
    (OPT + ["--expiry=abc", "--vol", "0.2"], "'abc' for --expiry"),
    (["demo", "--seed", "x"], "--seed"),
    (["cds-option", "--kind"], "--kind"),
])
def test_usage_errors_are_one_line_exit_2(capsys, argv, expect):
    assert expect in _err(capsys, argv)


@pytest.mark.parametrize("argv, expect", [
    (["calibrate", "--time-limit", "-1", "QUOTES.csv"], "--time-limit = -1"),
    (["creditgrades", "--equity", "50", "--equity-vol", "0.3", "--debt-per-share", "40",
      "--recovery-mean", "1.2"], "--recovery-mean = 1.2"),
    (OPT + ["--expiry", "0", "--vol", "0.28"], "--expiry = 0"),
    (OPT + ["--expiry", "1", "--vol", "28"], "--vol = 28"),
    (OPT + ["--expiry", "1", "--vol", "0.28", "--model", "bachelier,black",
            "--vol", "2,0.2"], "--vol = 2"),
    (["cds", "--hazard", "0.02", "--rate", "3"], "--rate = 3"),
    (["cds", "--hazard", "0.02", "--recovery", "1"], "--recovery = 1"),
    (["spreads", "--model", "black_scholes", "--params", '{"vol": 0.2}', "--debt", "0.4",
      "--rate", "3"], "--rate = 3"),
    (["multifirm", "--rate", "-2"], "--rate = -2"),
    (OPT + ["--expiry", "1", "--vol", "0.28", "-o", "out.xlsx"], "--output = 'out.xlsx'"),
])
def test_option_ranges_and_output_suffix_checked(capsys, tmp_path, monkeypatch, argv, expect):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "QUOTES.csv").write_text("name,maturity,spread\nA,1,0.01\n")
    assert expect in _err(capsys, argv)
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("content, expect", [
    ("tenor,spread_bp\n1,100\n\n3,abc\n", "line 4, column 'spread_bp' = 'abc'"),
    ("tenor,spread\n1Y,100\nfoo,120\n", "line 3, column 'tenor' = 'foo'"),
    ("tenor,spread\n1,100,7\n", "line 2, column 3 = '7'"),
    ("tenor,spread,recovery\n1,100,0.4\n2,110,x\n", "line 3, column 'recovery' = 'x'"),
    ("", "the file is empty"),
    (b"tenor,spread\n1,\xff\xfe\n", "line 2, column 3 = 'byte 0xff'"),
])
def test_curve_file_errors_name_line_and_column(capsys, tmp_path, content, expect):
    f = tmp_path / "quotes.csv"
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    msg = _err(capsys, ["bootstrap", str(f)])
    assert expect in msg and ("empty" in expect or str(f) in msg)


def test_missing_and_binary_files_for_every_file_option(capsys, tmp_path):
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x00\x00\x00")
    for argv in (["calibrate", str(binary)], ["bootstrap", str(binary)],
                 ["cds", "--quotes", str(binary)],
                 ["spreads", "--params", str(binary), "--debt", "0.4"]):
        assert "binary" in _err(capsys, argv)
    assert "no such file" in _err(capsys, ["calibrate", str(tmp_path / "nope.csv")])


def test_params_json_error_names_line_and_column(capsys, tmp_path):
    f = tmp_path / "p.json"
    f.write_text('{"V": 0.04,\n "alpha": }')
    msg = _err(capsys, ["spreads", "--model", "heston", "--params", str(f), "--debt", "0.4"])
    assert f"{f}, line 2, column 11 = '}}'" in msg


def test_tables_round_and_files_follow_the_extension(capsys, tmp_path):
    argv = OPT + ["--expiry", "3", "--vol", "0.28", "--strike", "0.0140000000000001"]
    assert main(argv + ["-o", str(tmp_path / "t.json")]) == 0
    out = capsys.readouterr().out
    assert "0.0140000000000001" not in out and "0.014 " in out  # 8 significant digits
    rows = json.loads((tmp_path / "t.json").read_text())
    assert rows[0]["strike"] == 0.0140000000000001 and rows[0]["model"] == "black"
    assert main(argv + ["-o", str(tmp_path / "t.csv"), "--format", "csv"]) == 0
    csv_out = capsys.readouterr().out
    digits = [len(t.replace(".", "").lstrip("0")) for t in re.findall(r"\d+\.\d+", csv_out)]
    assert max(digits) <= 15  # no 17-digit float noise (99.23000000000002)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "t.csv"),
                                  pd.read_csv(__import__("io").StringIO(csv_out)))
