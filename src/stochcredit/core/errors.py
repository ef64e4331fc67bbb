"""The one exception type users catch for bad input."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["InvalidParameterError"]


def _show(value: Any) -> str:
    try:
        arr = np.asarray(value) if not isinstance(value, str) else None
    except (TypeError, ValueError):  # ragged sequences: show them as given
        return repr(value)
    if arr is not None and arr.ndim > 0:
        if arr.size > 6:
            return f"array(shape={arr.shape})"
        return np.array2string(arr, precision=6, separator=", ")
    if arr is not None and arr.ndim == 0 and arr.dtype.kind in "biufc":
        return repr(arr.item())
    return repr(value)


class InvalidParameterError(ValueError):
    """An input is outside the domain where the model or instrument is defined.

    Raised on construction or on call, never replaced by a silent NaN. The message names the
    parameter, its value and the valid range. Wrong *types* and *shapes* (``FlatCurve("abc")``,
    ``ZeroCurve([1, 2], [0.01])``, ``CDS(5, frequency=float("inf"))``) raise this error too,
    naming the argument, rather than a ``TypeError``: one exception type (a ``ValueError``) covers
    every bad input. Sizes are bounded the same way: inputs that would need unbounded work or
    memory (e.g. ``frequency > 365``, maturities beyond 200 years) are refused up front.

    Parameters
    ----------
    name : str
        Parameter name as the user passed it (``"recovery"``, ``"maturities[3]"`` ...), or a whole
        message when ``value`` and ``valid`` are omitted.
    value : object, optional
        The offending value.
    valid : str, optional
        The valid range in words, e.g. ``"in [0, 1)"`` or ``"finite and > 0"``.
    reason : str, optional
        Why, when it is not obvious (e.g. "the Gamma law needs a positive mean").

    Examples
    --------
    >>> raise InvalidParameterError("recovery", 1.2, "in [0, 1)")
    Traceback (most recent call last):
    ...
    stochcredit.core.errors.InvalidParameterError: recovery = 1.2 is invalid: must be in [0, 1)
    """

    def __init__(self, name: str, value: Any = ..., valid: str | None = None,
                 reason: str | None = None) -> None:
        self.parameter = name
        self.value = None if value is ... else value
        self.valid = valid
        self.reason = reason
        if value is ... and valid is None:
            message = name
        else:
            message = f"{name} = {_show(value)} is invalid"
            if valid:
                message += f": must be {valid}"
            if reason:
                message += f" ({reason})"
        super().__init__(message)
