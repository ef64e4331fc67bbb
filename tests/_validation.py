"""Pytest plugin behind the documentation's validation page.

A reference test asks for the ``agreement`` fixture and calls it once per comparison::

    def test_black_vs_quantlib(agreement):
        ...
        agreement("Black CDS option premium", "QuantLib BlackCdsOptionEngine",
                  measured=abs(ours / ql_price - 1), tolerance=1e-14, unit="relative")

It asserts ``measured <= tolerance`` (so the record is also a check) and keeps the row. With
``--validation-json PATH`` the rows of the session are written to ``PATH`` (merged over
pytest-xdist workers). Tests using the fixture carry the ``validation`` marker, so
``pytest -m validation --validation-json docs/_build/validation.json`` reruns exactly them;
``make docs`` does that when the file is missing. Nothing on the page is typed by hand.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

_KEY = pytest.StashKey[list]()


def pytest_addoption(parser):
    parser.addoption("--validation-json", default=None, metavar="PATH",
                     help="write the reference comparisons recorded with the `agreement` "
                          "fixture to PATH (JSON), for the documentation's validation page")


def pytest_configure(config):
    config.addinivalue_line("markers", "validation: records a reference comparison for the "
                                       "documentation (uses the `agreement` fixture)")
    config.stash[_KEY] = []


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "agreement" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.validation)


@pytest.fixture
def agreement(request):
    """``agreement(quantity, reference, measured, tolerance, unit="relative")``: record one
    comparison with an independent reference and assert ``measured <= tolerance``."""

    def record(quantity: str, reference: str, measured: float, tolerance: float,
               unit: str = "relative") -> None:
        measured, tolerance = float(measured), float(tolerance)
        assert math.isfinite(measured), f"{quantity} vs {reference}: measured {measured}"
        request.config.stash[_KEY].append({
            "quantity": quantity, "reference": reference, "measured": measured,
            "tolerance": tolerance, "unit": unit, "test": request.node.nodeid,
            "passed": measured <= tolerance})
        assert measured <= tolerance, (f"{quantity} vs {reference}: {unit} difference "
                                       f"{measured:.3g} > tolerance {tolerance:.3g}")

    return record


def _path(config) -> Path | None:
    opt = config.getoption("--validation-json")
    return Path(opt) if opt else None


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    path = _path(config)
    if path is None:
        return
    rows = list(config.stash[_KEY])
    worker = getattr(config, "workerinput", None)
    if worker is not None:  # an xdist worker: leave a part file for the controller
        part = path.with_name(f"{path.name}.{worker['workerid']}.part")
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_text(json.dumps(rows), encoding="utf-8")
        return
    for part in sorted(path.parent.glob(f"{path.name}.*.part")):
        rows += json.loads(part.read_text(encoding="utf-8"))
        part.unlink()
    rows.sort(key=lambda r: (r["quantity"], r["reference"], r["test"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"records": rows}, indent=1) + "\n", encoding="utf-8")
