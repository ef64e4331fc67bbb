"""Printing and writing result tables from CLI commands (text table, CSV, JSON)."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

__all__ = ["emit_table", "check_format", "FORMATS"]

FORMATS = ("table", "csv", "json")


def check_format(fmt: str) -> str:
    """Validate a ``--format`` value early (before any work); returns it in lower case."""
    from ...core.errors import InvalidParameterError

    if fmt.lower() not in FORMATS:
        raise InvalidParameterError("--format", fmt, "one of " + ", ".join(FORMATS))
    return fmt.lower()


def emit_table(df: pd.DataFrame, fmt: str = "table", output: Path | None = None,
               float_format: str = "{:.6g}") -> None:
    """Print ``df`` as a text table (default), CSV or JSON; also write it to ``output`` if given.

    The file's format follows its suffix (.csv or .json); otherwise ``fmt``.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "csv":
        click.echo(df.to_csv(), nl=False)
    elif fmt == "json":
        click.echo(df.reset_index().to_json(orient="records", indent=2,
                                            double_precision=15))
    else:
        click.echo(df.to_string(float_format=lambda x: float_format.format(x)))
    if output is not None:
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.suffix.lower() == ".json":
            output.write_text(df.reset_index().to_json(orient="records", indent=2,
                                                       double_precision=15))
        else:
            df.to_csv(output)
        click.echo(f"wrote {output}", err=True)
