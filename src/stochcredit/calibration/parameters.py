"""Named model parameters with bounds and search transforms, collected in a :class:`ParameterSpace`.

Optimisers work in *internal* coordinates: a parameter with ``transform="log"`` (a positive scale
such as a mean-reversion speed spanning 1e-3 .. 25) is searched uniformly in ``ln x``, so that
differential evolution samples every order of magnitude equally and the least-squares steps are
relative; ``transform="identity"`` searches ``x`` itself (correlations, leverage). Bounds are
always given and reported in the user's (external) coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..core.errors import InvalidParameterError
from ..core.validation import choice, finite

__all__ = ["Parameter", "ParameterSpace", "TRANSFORMS"]

TRANSFORMS = ("identity", "log")


@dataclass(frozen=True)
class Parameter:
    """One calibrated parameter: a name, closed bounds and how the optimiser searches it.

    Parameters
    ----------
    name : str
        Name used in results (``"kappa"``, ``"rho_2"`` ...).
    lower, upper : float
        Closed bounds in the parameter's own units, ``lower < upper``; ``lower > 0`` for
        ``transform="log"``.
    transform : {"identity", "log"}
        Search coordinate: ``x`` itself or ``ln x``.
    description : str
        One line for tables and ``--help`` texts.

    Examples
    --------
    >>> Parameter("kappa", 1e-3, 25.0, transform="log").to_internal(1.0)
    0.0
    """

    name: str
    lower: float
    upper: float
    transform: str = "identity"
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidParameterError("name", self.name, "a non-empty string")
        object.__setattr__(self, "lower", finite(f"{self.name}.lower", self.lower))
        object.__setattr__(self, "upper", finite(f"{self.name}.upper", self.upper))
        object.__setattr__(self, "transform", choice("transform", self.transform, TRANSFORMS))
        if not self.lower < self.upper:
            raise InvalidParameterError(f"{self.name}.upper", self.upper,
                                        f"> lower = {self.lower:g}")
        if self.transform == "log" and self.lower <= 0:
            raise InvalidParameterError(f"{self.name}.lower", self.lower, "> 0",
                                        "a log-transformed parameter must stay positive")

    def to_internal(self, x):
        """Search coordinate of ``x`` (``ln x`` for ``transform="log"``)."""
        x = np.asarray(x, dtype=float)
        out = np.log(x) if self.transform == "log" else x
        return float(out) if out.ndim == 0 else out

    def to_external(self, y):
        """Parameter value of the search coordinate ``y`` (inverse of :meth:`to_internal`)."""
        y = np.asarray(y, dtype=float)
        out = np.exp(y) if self.transform == "log" else y
        return float(out) if out.ndim == 0 else out

    @property
    def internal_bounds(self) -> tuple[float, float]:
        """Bounds in the search coordinate."""
        return (float(self.to_internal(self.lower)), float(self.to_internal(self.upper)))

    def contains(self, x: float) -> bool:
        """True when ``lower <= x <= upper``."""
        return bool(self.lower <= x <= self.upper)


@dataclass(frozen=True)
class ParameterSpace:
    """An ordered set of :class:`Parameter` — the box an optimiser searches.

    Vectors are ordered as ``names``; every conversion accepts one vector ``(k,)`` or a population
    ``(P, k)`` and keeps the shape.

    Examples
    --------
    >>> space = ParameterSpace([Parameter("vol", 0.01, 3.0, "log"), Parameter("rho", -1, 1)])
    >>> space.to_dict(space.to_external(space.to_internal([0.2, -0.5])))
    {'vol': 0.2, 'rho': -0.5}
    """

    parameters: tuple[Parameter, ...]
    _index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        params = tuple(self.parameters)
        if not params:
            raise InvalidParameterError("parameters", params, "at least one Parameter")
        for p in params:
            if not isinstance(p, Parameter):
                raise InvalidParameterError("parameters", p, "Parameter instances")
        names = [p.name for p in params]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InvalidParameterError("parameters", dupes, "unique names")
        object.__setattr__(self, "parameters", params)
        object.__setattr__(self, "_index", {n: i for i, n in enumerate(names)})

    # -- shape -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.parameters)

    def __iter__(self):
        return iter(self.parameters)

    def __getitem__(self, name: str) -> Parameter:
        return self.parameters[self.index(name)]

    def index(self, name: str) -> int:
        """Position of ``name`` in parameter vectors."""
        try:
            return self._index[name]
        except KeyError:
            raise InvalidParameterError("name", name, "one of " + ", ".join(self.names)) from None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def lower(self) -> np.ndarray:
        return np.array([p.lower for p in self.parameters])

    @property
    def upper(self) -> np.ndarray:
        return np.array([p.upper for p in self.parameters])

    @property
    def internal_bounds(self) -> list[tuple[float, float]]:
        """``[(lo, hi), ...]`` in search coordinates (scipy's ``bounds`` format)."""
        return [p.internal_bounds for p in self.parameters]

    # -- conversions ---------------------------------------------------------------------------
    def _is_log(self) -> np.ndarray:
        return np.array([p.transform == "log" for p in self.parameters])

    def to_internal(self, x) -> np.ndarray:
        """Search coordinates of parameter vector(s) ``x`` with shape ``(..., k)``."""
        x = np.asarray(x, dtype=float)
        self._check_width(x)
        return np.where(self._is_log(), np.log(np.where(self._is_log(), x, 1.0)), x)

    def to_external(self, y) -> np.ndarray:
        """Parameter vector(s) of search coordinates ``y`` with shape ``(..., k)``."""
        y = np.asarray(y, dtype=float)
        self._check_width(y)
        return np.where(self._is_log(), np.exp(np.where(self._is_log(), y, 0.0)), y)

    def clip(self, x) -> np.ndarray:
        """``x`` moved into the box (guards against round-off at the bounds after transforms)."""
        return np.clip(np.asarray(x, dtype=float), self.lower, self.upper)

    def to_dict(self, x) -> dict[str, float]:
        """``{name: value}`` of one parameter vector."""
        x = np.asarray(x, dtype=float).reshape(-1)
        self._check_width(x)
        return {n: float(v) for n, v in zip(self.names, x, strict=True)}

    def from_dict(self, values: Mapping[str, float]) -> np.ndarray:
        """Parameter vector from ``{name: value}``; every name must be present and in bounds."""
        missing = [n for n in self.names if n not in values]
        if missing:
            raise InvalidParameterError("values", sorted(values), "keys " + ", ".join(self.names),
                                        f"missing {', '.join(missing)}")
        x = np.array([float(values[n]) for n in self.names])
        self.check(x)
        return x

    def check(self, x) -> np.ndarray:
        """``x`` if every entry is finite and within its bounds, else ``InvalidParameterError``."""
        x = np.asarray(x, dtype=float).reshape(-1)
        self._check_width(x)
        for p, v in zip(self.parameters, x, strict=True):
            if not (np.isfinite(v) and p.contains(v)):
                raise InvalidParameterError(p.name, v, f"in [{p.lower:g}, {p.upper:g}]")
        return x

    def at_bound(self, x, rtol: float = 1e-3) -> list[str]:
        """``"name=lower|upper"`` for parameters within ``rtol`` x (search width) of a bound."""
        y = self.to_internal(self.clip(np.asarray(x, dtype=float).reshape(-1)))
        out = []
        for p, yi in zip(self.parameters, y, strict=True):
            lo, hi = p.internal_bounds
            tol = rtol * (hi - lo)
            if yi - lo <= tol:
                out.append(f"{p.name}=lower")
            elif hi - yi <= tol:
                out.append(f"{p.name}=upper")
        return out

    def with_bounds(self, bounds: Mapping[str, Sequence[float]]) -> ParameterSpace:
        """A copy with some bounds replaced, ``{"kappa": (0.1, 10)}``."""
        unknown = sorted(set(bounds) - set(self.names))
        if unknown:
            raise InvalidParameterError("bounds", unknown, "names among " + ", ".join(self.names))
        params = []
        for p in self.parameters:
            if p.name in bounds:
                lo, hi = bounds[p.name]
                p = Parameter(p.name, lo, hi, p.transform, p.description)
            params.append(p)
        return ParameterSpace(tuple(params))

    def extended(self, extra: Iterable[Parameter]) -> ParameterSpace:
        """A copy with ``extra`` parameters appended."""
        return ParameterSpace(self.parameters + tuple(extra))

    def _check_width(self, x: np.ndarray) -> None:
        if x.ndim == 0 or x.shape[-1] != len(self):
            raise InvalidParameterError("x", x, f"shape (..., {len(self)}) ordered as "
                                        + ", ".join(self.names))
