"""Monte Carlo in chunks under a memory budget, with results independent of the chunking.

Paths are numbered and cut into fixed **blocks** of :data:`BLOCK` paths (the last one may be
shorter). Block ``b`` draws its random numbers from its own stream,
``Generator(bit_generator(SeedSequence(seed, spawn_key=(b,))))`` — numpy's recommended way of
making independent parallel streams. A **chunk** is a run of consecutive blocks simulated
together (vectorised); its size follows the memory budget. :class:`BlockRNG` hands out, for a
chunk, exactly the numbers each block would draw alone (every draw is split along the leading,
path axis), so a run in many chunks equals the run in one chunk bit for bit when statistics are
also accumulated block by block (:func:`block_slices`).

The budget defaults to :data:`DEFAULT_FRACTION` of the machine's physical memory; a simulation
whose fixed part (grids, per-time statistics) plus one block does not fit raises
:class:`~stochcredit.InvalidParameterError` before allocating anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

from .errors import InvalidParameterError

__all__ = ["BLOCK", "DEFAULT_FRACTION", "MAX_CHUNK", "BlockRNG", "machine_memory",
           "memory_budget", "plan", "block_slices"]

BLOCK = 1 << 14          # paths (or antithetic pairs) per random stream
MAX_CHUNK = 1 << 20      # no speed gain beyond this many paths per chunk
DEFAULT_FRACTION = 0.125  # default budget: this share of physical memory


def machine_memory() -> int:
    """Physical memory in bytes (8 GiB if the platform does not say)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 8 << 30


def memory_budget(budget: float | None = None) -> int:
    """Bytes allowed: ``budget`` (bytes, ``> 0``) or the default fraction of machine memory."""
    if budget is None:
        return int(DEFAULT_FRACTION * machine_memory())
    try:
        b = float(budget)
    except (TypeError, ValueError):
        b = float("nan")
    if not (np.isfinite(b) and b >= 1 << 20):
        raise InvalidParameterError("memory_budget", budget, "a number of bytes >= 2**20 (1 MiB)")
    return int(b)


def plan(n_items: int, bytes_per_item: float, fixed_bytes: float, budget: float | None,
         what: str = "n_paths") -> list[tuple[int, int]]:
    """Chunks ``[(start, stop), ...]`` of ``n_items``, aligned on blocks, under the budget.

    Raises InvalidParameterError (before any allocation) when ``fixed_bytes`` plus one block
    exceeds the budget.
    """
    cap = memory_budget(budget)
    one_block = min(n_items, BLOCK) * bytes_per_item
    if fixed_bytes + one_block > cap:
        raise InvalidParameterError(
            what, n_items, "a size whose simulation fits the memory budget",
            f"needs {(fixed_bytes + one_block) / 2**30:.3g} GiB for its grid statistics and "
            f"one block of {BLOCK} paths, budget {cap / 2**30:.3g} GiB (memory_budget=...; "
            "fewer steps or record times)")
    per_chunk = int((cap - fixed_bytes) // max(bytes_per_item, 1.0))
    per_chunk = max(BLOCK, min(MAX_CHUNK, per_chunk) // BLOCK * BLOCK)
    return [(s, min(s + per_chunk, n_items)) for s in range(0, n_items, per_chunk)]


def block_slices(start: int, stop: int) -> Iterator[slice]:
    """Slices, relative to ``start``, of the blocks covering ``[start, stop)`` (block-aligned)."""
    for s in range(start, stop, BLOCK):
        yield slice(s - start, min(s + BLOCK, stop) - start)


class BlockRNG:
    """The random numbers of blocks ``start // BLOCK ...`` for paths ``[start, stop)``.

    Supports the ``numpy.random.Generator`` methods the engines use (``standard_normal``,
    ``normal``, ``gamma``, ``poisson``, ``noncentral_chisquare``); array arguments and ``size``
    have the chunk's paths on axis 0.

    Examples
    --------
    >>> a = BlockRNG(7, 0, 2 * BLOCK).standard_normal((2 * BLOCK, 3))
    >>> b = BlockRNG(7, BLOCK, 2 * BLOCK).standard_normal((BLOCK, 3))
    >>> bool((a[BLOCK:] == b).all())
    True
    """

    def __init__(self, seed: int, start: int, stop: int, bit_generator=np.random.PCG64) -> None:
        if start % BLOCK:
            raise InvalidParameterError("start", start, f"a multiple of {BLOCK}")
        self.start, self.stop = start, stop
        self.gens = [np.random.Generator(bit_generator(np.random.SeedSequence(seed,
                                                                              spawn_key=(b,))))
                     for b in range(start // BLOCK, (stop - 1) // BLOCK + 1)]
        self.slices = list(block_slices(start, stop))

    @property
    def n(self) -> int:
        return self.stop - self.start

    def _draw(self, method: str, args: tuple, size) -> np.ndarray:
        n = self.n
        if size is not None:
            size = (size,) if np.isscalar(size) else tuple(size)
            if size[0] != n:
                raise InvalidParameterError("size", size, f"with {n} paths on axis 0")
        arrays = [np.asarray(a) for a in args]
        if size is None and not any(a.ndim for a in arrays):
            raise InvalidParameterError("size", None, "given (or array arguments)")
        parts = []
        for gen, sl in zip(self.gens, self.slices, strict=True):
            part_args = [a[sl] if a.ndim and a.shape[0] == n else a for a in arrays]
            part_size = None if size is None else (sl.stop - sl.start,) + size[1:]
            parts.append(getattr(gen, method)(*part_args, size=part_size))
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)

    def standard_normal(self, size=None) -> np.ndarray:
        size = (size,) if np.isscalar(size) else tuple(size)
        if size[0] != self.n:
            raise InvalidParameterError("size", size, f"with {self.n} paths on axis 0")
        out = np.empty(size)
        for gen, sl in zip(self.gens, self.slices, strict=True):  # written in place, no copy
            gen.standard_normal(out=out[sl])
        return out

    def normal(self, loc=0.0, scale=1.0, size=None) -> np.ndarray:
        return self._draw("normal", (loc, scale), size)

    def gamma(self, shape, scale=1.0, size=None) -> np.ndarray:
        return self._draw("gamma", (shape, scale), size)

    def poisson(self, lam=1.0, size=None) -> np.ndarray:
        return self._draw("poisson", (lam,), size)

    def noncentral_chisquare(self, df, nonc, size=None) -> np.ndarray:
        return self._draw("noncentral_chisquare", (df, nonc), size)
