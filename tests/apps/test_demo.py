"""`stochcredit demo --quick` end to end: every section builds and writes its files."""

import re

import pandas as pd
import pytest

from stochcredit.apps.cli.main import main


@pytest.mark.slow
def test_demo_quick_writes_the_report(tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["demo", "--quick", "--out", str(out)]) == 0, capsys.readouterr().err
    page = (out / "index.html").read_text(encoding="utf-8")
    figures = sorted((out / "figures").glob("*.png"))
    tables = sorted((out / "tables").glob("*.csv"))
    assert len(figures) >= 5 and len(tables) >= 5
    for f in figures:  # real PNGs, each shown on the page
        assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f.stat().st_size > 5000
        assert f"figures/{f.name}" in page
    for t in tables:  # non-empty tables of finite or textual values
        df = pd.read_csv(t)
        assert len(df) > 0 and len(df.columns) > 0, t.name
    assert "failed" not in page.lower() and not re.search(r"Traceback|Error:", page)
