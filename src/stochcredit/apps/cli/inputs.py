"""Checks of the CLI's inputs: files (named with their 1-based line and column on error) and
option ranges, so a bad invocation stops with one clear ``stochcredit: error: ...`` line."""

from __future__ import annotations

from pathlib import Path

from ...core import validation as v
from ...core.errors import InvalidParameterError

__all__ = ["text_file", "read_text", "file_error", "rate", "vol", "unit_interval", "positive"]


def file_error(path: Path | str, line: int, column: int | str, value: object,
               expected: str) -> InvalidParameterError:
    """``file.csv, line 3, column 'spread_bp' = 'abc' is invalid: must be a number``."""
    where = f"{path}, line {line}, column {column!r}" if isinstance(column, str) else \
        f"{path}, line {line}, column {column}"
    return InvalidParameterError(where, value, expected)


def text_file(option: str, path: Path | str) -> Path:
    """``path`` as a readable, non-empty UTF-8 text file, else an error naming the option."""
    path = Path(path)
    if not path.exists():
        raise InvalidParameterError(option, str(path), "an existing file", "no such file")
    if not path.is_file():
        raise InvalidParameterError(option, str(path), "a file", "it is a directory")
    data = path.read_bytes()
    if not data.strip():
        raise InvalidParameterError(option, str(path), "a non-empty text file", "the file is empty")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise file_error(path, line, column, f"byte 0x{data[exc.start]:02x}",
                         "UTF-8 text (is this a binary file?)") from None
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise file_error(path, data.count(b"\n", 0, at) + 1,
                         at - (data.rfind(b"\n", 0, at) + 1) + 1, "byte 0x00",
                         "text (is this a binary file?)")
    return path


def read_text(option: str, path: Path | str) -> str:
    return text_file(option, path).read_text(encoding="utf-8-sig")


def rate(option: str, value: float | None) -> float | None:
    """A continuously compounded rate as a decimal, in [-0.5, 1] (3 would mean 300 %)."""
    if value is None:
        return None
    return v.in_range(option, value, -0.5, 1.0)


def vol(option: str, value: float, hi: float = 5.0) -> float:
    """A volatility as a decimal in [0, hi] (28 would mean 2,800 %: give 0.28)."""
    return v.in_range(option, value, 0.0, hi)


def unit_interval(option: str, value: float, closed_right: bool = True) -> float:
    return v.in_range(option, value, 0.0, 1.0, hi_open=not closed_right)


def positive(option: str, value: float | None) -> float | None:
    return None if value is None else v.positive(option, value)
