"""Business-day calendars and date adjustment for the dated (ISDA) contracts.

The ISDA CDS Standard Model adjusts dates on a weekends-only calendar by default
(:meth:`Calendar.weekends_only`). Holiday calendars come from the `holidays` package
(https://pypi.org/project/holidays/, its financial-market and country calendars), never from
hand-typed lists:

===================  ===========================================================================
name                 holidays source
===================  ===========================================================================
NYC, USNY            ``holidays.financial_holidays("USNY")`` (New York Fed banking holidays)
NYSE, XNYS           ``holidays.financial_holidays("XNYS")`` (New York Stock Exchange)
LON, GBLO            ``holidays.UnitedKingdom(subdiv="ENG")`` (England bank holidays)
TARGET, EUTA         ``holidays.financial_holidays("TAR")`` (TARGET2 closing days)
TYO, JPTO            ``holidays.financial_holidays("XJPX")`` (national holidays, 31 Dec-3 Jan)
===================  ===========================================================================

Joint calendars are written with ``+`` (``"NYC+LON"``): a day is a business day when it is one
in every member.

Examples
--------
>>> import datetime as dt
>>> cal = Calendar.named("NYC")
>>> cal.is_business_day(dt.date(2014, 11, 27))          # Thanksgiving
False
>>> cal.adjust(dt.date(2014, 11, 27))
datetime.date(2014, 11, 28)
>>> Calendar().add_business_days(dt.date(2014, 10, 16), 3)
datetime.date(2014, 10, 21)
>>> Calendar().adjust(dt.date(2014, 5, 31), "modified_following")
datetime.date(2014, 5, 30)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Container
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError

__all__ = ["Calendar", "to_date", "CONVENTIONS"]

CONVENTIONS = ("following", "modified_following", "preceding", "modified_preceding",
               "unadjusted")


def to_date(x: Any, name: str = "date") -> _dt.date:
    """``x`` as a ``datetime.date``.

    Accepts ``datetime.date``/``datetime.datetime``, ISO strings (``"2014-10-16"``), numpy
    ``datetime64`` and pandas ``Timestamp``; anything else raises
    :class:`~stochcredit.InvalidParameterError` naming ``name``.

    Examples
    --------
    >>> to_date("2014-10-16")
    datetime.date(2014, 10, 16)
    >>> to_date("tomorrow", "trade_date")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stochcredit.core.errors.InvalidParameterError: trade_date = 'tomorrow' is invalid: ...
    """
    valid = "a date (datetime.date, ISO string 'YYYY-MM-DD', numpy/pandas date)"
    if isinstance(x, _dt.datetime):
        return x.date()
    if isinstance(x, _dt.date):
        return x
    if isinstance(x, (str, np.datetime64, pd.Timestamp)):
        try:
            ts = pd.Timestamp(x)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(name, x, valid) from exc
        if ts is pd.NaT or pd.isna(ts):
            raise InvalidParameterError(name, x, valid)
        return ts.date()
    raise InvalidParameterError(name, x, valid)


def _financial(code: str) -> Callable[[], Container]:
    def make() -> Container:
        import holidays

        return holidays.financial_holidays(code)
    return make


def _england() -> Container:
    import holidays

    return holidays.UnitedKingdom(subdiv="ENG")


_SOURCES: dict[str, Callable[[], Container]] = {
    "USNY": _financial("USNY"),
    "XNYS": _financial("XNYS"),
    "GBLO": _england,
    "EUTA": _financial("TAR"),
    "JPTO": _financial("XJPX"),
}
_ALIASES = {"NYC": "USNY", "USNY": "USNY", "NY": "USNY", "NYSE": "XNYS", "XNYS": "XNYS",
            "LON": "GBLO", "GBLO": "GBLO", "LDN": "GBLO", "TARGET": "EUTA", "EUTA": "EUTA",
            "TAR": "EUTA", "TYO": "JPTO", "JPTO": "JPTO", "TOK": "JPTO"}
_WEEKENDS = ("", "WEEKENDS", "WEEKENDS_ONLY", "NONE", "WE")


class Calendar:
    """A business-day calendar: weekends plus the holidays of zero or more markets.

    Parameters
    ----------
    name : str, optional
        Calendar name (see the module table), joint calendars with ``+``; the default is the
        weekends-only calendar of the ISDA Standard Model.
    """

    def __init__(self, name: str | None = None) -> None:
        text = "" if name is None else str(name)
        codes: list[str] = []
        for part in text.replace(" ", "").upper().split("+"):
            if part in _WEEKENDS:
                continue
            if part not in _ALIASES:
                valid = "'WEEKENDS' or one of " + ", ".join(sorted(_ALIASES)) + " joined by '+'"
                raise InvalidParameterError("calendar", name, valid)
            if _ALIASES[part] not in codes:
                codes.append(_ALIASES[part])
        self.codes: tuple[str, ...] = tuple(codes)
        self.name = "+".join(self.codes) if self.codes else "WEEKENDS"
        self._holidays = [_SOURCES[c]() for c in self.codes]

    @classmethod
    def weekends_only(cls) -> Calendar:
        """Saturdays and Sundays are the only non-business days (the ISDA default)."""
        return cls()

    @classmethod
    def named(cls, name: str) -> Calendar:
        """A market calendar by name: ``"NYC"``, ``"LON"``, ``"TARGET"``, ``"NYC+LON"`` ..."""
        return cls(name)

    def __repr__(self) -> str:
        return f"Calendar({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Calendar) and set(self.codes) == set(other.codes)

    def __hash__(self) -> int:
        return hash(frozenset(self.codes))

    def is_business_day(self, d: Any) -> bool:
        """True unless ``d`` is a Saturday, a Sunday or a holiday of a member calendar."""
        d = to_date(d)
        if d.weekday() >= 5:
            return False
        return not any(d in h for h in self._holidays)

    def is_holiday(self, d: Any) -> bool:
        """Not a business day."""
        return not self.is_business_day(d)

    def _roll(self, d: _dt.date, step: int) -> _dt.date:
        one = _dt.timedelta(days=step)
        while not self.is_business_day(d):
            d += one
        return d

    def adjust(self, d: Any, convention: str = "following") -> _dt.date:
        """``d`` moved to a business day by ``convention``.

        ``"following"`` (next business day), ``"modified_following"`` (next, unless that is in
        the next month: then previous), ``"preceding"``, ``"modified_preceding"``,
        ``"unadjusted"``.
        """
        d = to_date(d)
        conv = str(convention).lower().replace(" ", "_").replace("-", "_")
        if conv not in CONVENTIONS:
            raise InvalidParameterError("convention", convention,
                                        "one of " + ", ".join(repr(c) for c in CONVENTIONS))
        if conv == "unadjusted":
            return d
        if conv in ("following", "modified_following"):
            out = self._roll(d, 1)
            if conv == "modified_following" and out.month != d.month:
                out = self._roll(d, -1)
            return out
        out = self._roll(d, -1)
        if conv == "modified_preceding" and out.month != d.month:
            out = self._roll(d, 1)
        return out

    def add_business_days(self, d: Any, n: int) -> _dt.date:
        """``n`` business days after ``d`` (before it when ``n < 0``).

        ``n = 0`` returns ``d`` adjusted Following; otherwise counting starts from ``d`` itself
        whether or not it is a business day (QuantLib's ``Calendar.advance`` in ``Days``).
        """
        d = to_date(d)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise InvalidParameterError("n", n, "an integer")
        n = int(n)
        if n == 0:
            return self.adjust(d, "following")
        step = 1 if n > 0 else -1
        one = _dt.timedelta(days=step)
        left = abs(n)
        while left:
            d += one
            if self.is_business_day(d):
                left -= 1
        return d

    def business_days_between(self, start: Any, end: Any) -> int:
        """Business days in ``(start, end]``."""
        s, e = to_date(start, "start"), to_date(end, "end")
        sign = 1
        if e < s:
            s, e, sign = e, s, -1
        count = 0
        d = s
        one = _dt.timedelta(days=1)
        while d < e:
            d += one
            count += self.is_business_day(d)
        return sign * count
