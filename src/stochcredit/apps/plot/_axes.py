"""Shared plumbing of the plotting helpers: the target Axes and a common finish."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ...core.errors import InvalidParameterError


def target(ax: Axes | None, figsize: tuple[float, float] = (6.4, 4.0)) -> Axes:
    """``ax`` itself, or the Axes of a new figure when ``ax`` is None (helpers never show)."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    if not isinstance(ax, Axes):
        raise InvalidParameterError("ax", ax, "a matplotlib Axes or None")
    return ax


def finish(ax: Axes, xlabel: str, ylabel: str, title: str | None = None,
           legend: bool = True) -> Axes:
    """Axis labels, a light grid, and a legend when something on ``ax`` is labelled."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    if legend and handles:
        ax.legend(fontsize=8)
    return ax
