"""Suite-wide test configuration: the hypothesis profiles and the ``agreement`` fixture.

The ``agreement`` fixture records reference comparisons for the documentation's validation page
(see ``_validation.py``).

``ci`` (selected by ``CI=true``, by ``HYPOTHESIS_PROFILE=ci``, and by ``make test``) is
deterministic: examples are derived from each test's name (``derandomize``), nothing is read
from or written to the example database, and the run is the same on every machine. ``dev`` is
the random-exploration profile for finding new failures locally
(``HYPOTHESIS_PROFILE=dev pytest``).

The default deadline is explicit and generous (5 s per example: the machine's 2 cores are
shared and no example of ours needs more than ~0.1 s once warm); tests whose first example
JIT-compiles numba kernels set ``deadline=None`` themselves.
"""

import os

from hypothesis import HealthCheck, settings

from _validation import (  # noqa: F401 - pytest finds hooks and fixtures by name here
    agreement,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_sessionfinish,
)

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=5000,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=5000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes")
                          else "dev"))
