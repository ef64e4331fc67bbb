"""Universe runs end to end: a real dask.distributed LocalCluster, a real store file, kill -9."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_universe import bad_cdx  # same directory (pytest prepends it to sys.path)

from stochcredit.apps.cli.main import main
from stochcredit.apps.store import ResultsStore
from stochcredit.apps.universe import run_universe

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_125_names_with_bad_rows_on_local_cluster_equal_local_pool(tmp_path):
    pytest.importorskip("distributed")
    u = bad_cdx(tmp_path, "cdx_bad_2007-08-01.csv")
    store = tmp_path / "runs.sqlite"
    r_dask = run_universe("calibrate", u, store, models="bs", dask="local", workers=2)
    r_pool = run_universe("calibrate", u, store, models="bs", workers=2)
    st = ResultsStore(store)
    a, b = st.results(r_dask), st.results(r_pool)
    lines = CDX_LINES(u)
    for df in (a, b):  # one row per input row, in file order; bad rows name their line
        assert df["name"].tolist() == lines and df["name"].is_unique
        bad = df[df["status"] == "error"].set_index("name")["error"]
        assert sorted(bad.index) == ["AA", "AET", "AXP", "MO"]
        for name, line in (("AET", 3), ("AA", 5), ("MO", 7), ("AXP", 9)):
            assert f"cdx_bad_2007-08-01.csv line {line}" in bad[name]
    ok = a["status"] == "ok"
    assert ok.sum() == 121
    np.testing.assert_array_equal(a["fit_error"][ok], b["fit_error"][ok])  # same numbers
    np.testing.assert_array_equal(a["vol"][ok], b["vol"][ok])
    pd.testing.assert_series_equal(a["inputs_hash"], b["inputs_hash"])
    assert a["worker"][ok].nunique() == 2  # two worker processes did the work
    # the paper's fit of ACE on the 2007-08-01 Treasury curve (not a flat 0.25 %)
    assert a.set_index("name").loc["ACE", "fit_error"] == pytest.approx(0.0118, abs=5e-4)


def CDX_LINES(path):
    return [line.split(",")[0] for line in Path(path).read_text().splitlines()[1:]]


def test_kill_9_then_resume_loses_nothing_and_duplicates_nothing(tmp_path):
    u = bad_cdx(tmp_path, "cdx_bad_2007-08-01.csv")
    store = tmp_path / "runs.sqlite"
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-c", "import sys; from stochcredit.apps.cli.main import main; "
           "sys.exit(main(sys.argv[1:]))", "batch", "calibrate", str(u), "--store", str(store),
           "--models", "bs", "--limit", "80", "--workers", "1", "--chunk-size", "1",
           "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    first = proc.stdout.readline().decode()  # printed and flushed before any work
    assert first.startswith("run: ")
    run_id = first.split()[1]
    deadline = time.time() + 120
    n = 0
    while time.time() < deadline and n < 15:
        time.sleep(0.02)
        try:
            con = sqlite3.connect(store)
            n = con.execute("SELECT COUNT(*) FROM results WHERE run_id = ?",
                            (run_id,)).fetchone()[0]
            con.close()
        except sqlite3.OperationalError:
            n = 0
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    partial = ResultsStore(store).results(run_id)
    assert 15 <= len(partial) < 80, "the run was killed part way"
    assert main(["batch", "--resume", run_id, "--store", str(store), "--workers", "1",
                 "--no-progress", "--format", "csv"]) == 0
    full = ResultsStore(store).results(run_id)
    assert full["name"].tolist() == CDX_LINES(u)[:80]  # none missing, none twice
    kept = full.set_index("name").loc[partial["name"], "written"]
    assert kept.tolist() == partial["written"].tolist()  # finished rows were not redone
    fresh = ResultsStore(store).results(run_universe("calibrate", u, store, models="bs",
                                                     limit=80, workers=1))
    np.testing.assert_array_equal(full["fit_error"], fresh["fit_error"])
    assert ResultsStore(store).runs().set_index("run_id").loc[run_id, "status"] == "done"
