"""Batch runs: every backend gives the same table, failures become rows, order is kept."""

import functools

import pytest

from stochcredit import InvalidParameterError
from stochcredit.apps.batch import run_batch


def square_or_fail(x, fail_on=3):
    if x == fail_on:
        raise ValueError(f"cannot do {x}")
    return {"square": x * x}


def two_rows(x):
    return [{"model": "a", "v": x}, {"model": "b", "v": -x}]


ITEMS = {f"n{i}": i for i in range(6)}


@pytest.mark.parametrize("backend,kwargs", [("serial", {}), ("processes", {"workers": 2}),
                                            ("dask", {"scheduler": "synchronous"}),
                                            ("dask", {"scheduler": "threads", "workers": 2})])
def test_backends_agree_and_failures_are_rows(backend, kwargs):
    seen = []
    df = run_batch(square_or_fail, ITEMS, backend=backend, progress=lambda n, ok: seen.append(
        (n, ok)), **kwargs)
    assert df["name"].tolist() == list(ITEMS)  # input order whatever the completion order
    ok = df[df["error"] == ""]
    assert ok["square"].tolist() == [0, 1, 4, 16, 25]
    bad = df[df["error"] != ""]
    assert bad["name"].tolist() == ["n3"] and "ValueError: cannot do 3" in bad["error"].iloc[0]
    assert sorted(seen) == sorted((n, n != "n3") for n in ITEMS)


def test_dask_process_scheduler_with_partial():
    f = functools.partial(square_or_fail, fail_on=0)
    df = run_batch(f, ITEMS, backend="dask", workers=2)
    assert df.loc[df["name"] == "n0", "error"].iloc[0].startswith("ValueError")
    assert df.loc[df["name"] == "n5", "square"].iloc[0] == 25


def test_several_rows_per_name_and_plain_items():
    df = run_batch(two_rows, [1, 2], backend="serial")
    assert df["name"].tolist() == ["1", "1", "2", "2"]
    assert df["v"].tolist() == [1, -1, 2, -2]


def test_bad_arguments():
    with pytest.raises(InvalidParameterError, match="backend"):
        run_batch(two_rows, [1], backend="spark")
    with pytest.raises(InvalidParameterError, match="unique"):
        run_batch(two_rows, [("a", 1), ("a", 2)], backend="serial")
