"""Printing and writing result tables from CLI commands (text table, CSV, JSON)."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

__all__ = ["emit_table", "check_format", "check_output", "FORMATS", "FILE_SUFFIXES"]

FORMATS = ("table", "csv", "json")
#: what ``--output`` may end with; the file's format follows its suffix
FILE_SUFFIXES = {".csv": "csv", ".json": "json"}
#: significant digits written to CSV/JSON: below double precision's noise (no 99.23000000000002)
FILE_DIGITS = 15


def check_format(fmt: str, output: Path | None = None) -> str:
    """Validate ``--format`` (and ``--output``'s suffix) before any work; returns the format."""
    from ...core.errors import InvalidParameterError

    if fmt.lower() not in FORMATS:
        raise InvalidParameterError("--format", fmt, "one of " + ", ".join(FORMATS))
    check_output(output)
    return fmt.lower()


def check_output(output: Path | None) -> Path | None:
    """``--output`` must end in .csv or .json (its format follows the extension)."""
    from ...core.errors import InvalidParameterError

    if output is None:
        return None
    output = Path(output)
    if output.suffix.lower() not in FILE_SUFFIXES:
        raise InvalidParameterError("--output", str(output),
                                    "a file name ending in .csv or .json (the format follows "
                                    "the extension)")
    if output.is_dir():
        raise InvalidParameterError("--output", str(output), "a file name, not a directory")
    return output


def _rounded(df: pd.DataFrame, digits: int) -> pd.DataFrame:
    """Floats (values and index levels) rounded to ``digits`` significant digits."""
    def sig(x):  # shortest repr of the value rounded to ``digits`` significant digits
        return np.array([float(f"{e:.{digits}g}") for e in np.asarray(x, dtype=float).ravel()])

    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = sig(out[c].to_numpy())
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_arrays(
            [pd.Index(sig(lv), name=lv.name) if pd.api.types.is_float_dtype(lv) else lv
             for lv in (out.index.get_level_values(i) for i in range(out.index.nlevels))])
    elif pd.api.types.is_float_dtype(out.index):
        out.index = pd.Index(sig(out.index.to_numpy()), name=out.index.name)
    return out


def _json(df: pd.DataFrame) -> str:
    """Records as JSON with each float's shortest repr (NaN/inf as null)."""
    import json

    def clean(x):
        if isinstance(x, float | np.floating):
            return float(x) if np.isfinite(x) else None
        if isinstance(x, np.integer | np.bool_):
            return x.item()
        return x

    rows = [{str(k): clean(val) for k, val in row.items()}
            for row in df.reset_index().to_dict(orient="records")]
    return json.dumps(rows, indent=2, default=str)


def _digits(float_format: str) -> int:
    try:
        return int(float_format.split(".")[1].rstrip("g}"))
    except (IndexError, ValueError):
        return 6


def emit_table(df: pd.DataFrame, fmt: str = "table", output: Path | None = None,
               float_format: str = "{:.6g}") -> None:
    """Print ``df`` as a text table (default), CSV or JSON; also write it to ``output`` if given.

    The text table shows ``float_format``'s significant digits (index included); CSV and JSON
    carry ``FILE_DIGITS`` significant digits. The file's format follows its suffix (.csv or
    .json; anything else is refused).
    """
    fmt = check_format(fmt, output)
    exact = _rounded(df, FILE_DIGITS)
    if fmt == "csv":
        click.echo(exact.to_csv(), nl=False)
    elif fmt == "json":
        click.echo(_json(exact))
    else:
        shown = _rounded(df, _digits(float_format))
        click.echo(shown.to_string(float_format=lambda x: float_format.format(x)))
    if output is not None:
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if FILE_SUFFIXES[output.suffix.lower()] == "json":
            output.write_text(_json(exact) + "\n")
        else:
            exact.to_csv(output)
        click.echo(f"wrote {output}", err=True)
