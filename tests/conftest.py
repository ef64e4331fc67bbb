"""Shared test configuration: the ``agreement`` fixture that records reference comparisons for
the documentation's validation page (see ``_validation.py``)."""

from _validation import (  # noqa: F401 - pytest finds hooks and fixtures by name here
    agreement,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_sessionfinish,
)
