"""CDS options (credit default swaptions) under five models of the forward spread (seed 001).

Public: :func:`cds_option_price`, :func:`cds_option_greeks`, :func:`implied_black_vol`,
:class:`CDSOption` (priced from a discount curve and a survival curve).
"""

from __future__ import annotations

from .greeks import cds_option_greeks
from .implied_vol import implied_black_vol
from .instrument import CDSOption
from .parameters import MODELS
from .pricing import cds_option_price

__all__ = ["MODELS", "CDSOption", "cds_option_greeks", "cds_option_price", "implied_black_vol"]
