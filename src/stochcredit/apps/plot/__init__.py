"""Plotting helpers (``sc.plot``): what users look at before they trust a number.

Every helper draws on the matplotlib ``Axes`` given as ``ax=`` (or on a new figure's) and returns
that ``Axes``, so plots compose::

    import matplotlib.pyplot as plt
    import stochcredit as sc

    fig, (a, b) = plt.subplots(1, 2)
    sc.plot.curve(sc.HazardCurve([1, 3, 5], [0.01, 0.02, 0.015]), ax=a)
    sc.plot.curve(sc.CreditGrades(equity=50, equity_vol=0.3, debt_per_share=40), ax=b)

Matplotlib is imported here, in the apps layer only: ``import stochcredit`` does not load it and
no lower layer imports it (``sc.plot`` is resolved lazily on first use).

- :func:`curve`: any discount or survival curve, structural models included, drawn as its
  natural quantity (zero rate, hazard rate, credit or CDS spread, survival);
- :func:`calibration` and :func:`residuals`: a calibration result's fitted curve against the
  market quotes, and its relative errors per quote;
- :func:`cds_option_smile` and :func:`premium_surface`: Black implied vols of CDS-option prices
  against strike, per model; the premium over a forward-spread x vol grid;
- :func:`equity_smile`: implied equity vols of a structural model's options;
- :func:`joint_default`, :func:`default_correlation` and :func:`correlation_paths`: Monte Carlo
  results of multi-firm models, with confidence bands.
"""

from __future__ import annotations

from .calibration import calibration, residuals
from .curves import curve
from .montecarlo import correlation_paths, default_correlation, joint_default
from .options import cds_option_smile, equity_smile, premium_surface

__all__ = ["calibration", "cds_option_smile", "correlation_paths", "curve",
           "default_correlation", "equity_smile", "joint_default", "premium_surface",
           "residuals"]
