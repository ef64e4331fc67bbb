"""Entry point of the ``stochcredit`` command.

Errors print one line ``stochcredit: error: ...`` on stderr and exit non-zero, without a
traceback: 2 for bad input (usage errors, invalid parameters, missing, unreadable or malformed
files), 1 for anything else.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click
import typer

from ...core.errors import InvalidParameterError
from . import commands

HELP = """Price and calibrate credit derivatives.

Curves and CDS (bootstrap, cds), structural models under stochastic volatility
(spreads, creditgrades), stochastic correlation (multifirm), CDS options (cds-option),
calibration of many names (calibrate), and the papers' results (demo).

Units everywhere: years, decimals (0.01 = 100 bp) unless an option says bp,
continuously compounded rates. Run `stochcredit COMMAND --help` for each command.
"""


def build_app() -> typer.Typer:
    """The typer application with every command module of ``commands/`` registered."""
    app = typer.Typer(name="stochcredit", help=HELP, no_args_is_help=True, add_completion=False,
                      pretty_exceptions_enable=False, rich_markup_mode=None)

    @app.callback()
    def _root() -> None:  # makes `stochcredit` a command group even with one command
        pass

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(app)
    return app


def _fail(message: str, code: int) -> int:
    message = " ".join(str(message).split())  # always one line
    click.echo(f"stochcredit: error: {message}", err=True)
    return code


def _param_label(param: Any) -> str:
    """``--expiry`` for an option (its longest spelling), ``QUOTES`` for an argument."""
    opts = [o for o in (getattr(param, "opts", None) or []) if o.startswith("-")]
    if opts:
        return max(opts, key=len)
    return str(getattr(param, "name", "") or "argument").upper()


def _given_value(argv: list[str], param: Any) -> str | None:
    """The text the user gave for an option, read back from the command line."""
    for opt in [o for o in (getattr(param, "opts", None) or []) if o.startswith("-")]:
        for i, arg in enumerate(argv):
            if arg == opt and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(opt + "="):
                return arg[len(opt) + 1:]
    return None


def _usage_message(exc: Exception, argv: list[str]) -> str:
    """One-line, class-name-free text of a command-line usage error (click/typer)."""
    param = getattr(exc, "param", None)
    text = str(getattr(exc, "message", "") or exc).strip()
    name = type(exc).__name__
    if name == "MissingParameter" and param is not None:
        kind = "argument" if getattr(param, "param_type_name", "") == "argument" else "option"
        return f"missing {kind} {_param_label(param)}"
    if param is not None:  # BadParameter and friends: name the option and the value given
        value = _given_value(argv, param)
        shown = f" {value!r}" if value is not None else ""
        return f"invalid value{shown} for {_param_label(param)}: {text.rstrip('.')}"
    return text.rstrip(".")


def _is_usage_error(exc: BaseException) -> bool:
    return isinstance(exc, click.ClickException) or (
        hasattr(exc, "exit_code") and hasattr(exc, "format_message")
        and type(exc).__name__ not in ("Exit", "Abort"))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the process exit code.

    Usage errors (unknown command or option, missing or malformed value, value out of range)
    print ``stochcredit: error: ...`` on one line and exit 2, like file and input errors.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    app = build_app()
    try:
        result = app(args=argv, prog_name="stochcredit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        return _fail("aborted", 1)
    except InvalidParameterError as exc:
        return _fail(str(exc), 2)
    except UnicodeDecodeError as exc:
        return _fail(f"not a text file (UTF-8 expected): byte {exc.start + 1} is "
                     f"0x{exc.object[exc.start]:02x}", 2)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        return _fail(f"{exc.strerror}: {exc.filename}", 2)
    except (ValueError, KeyError) as exc:
        return _fail(str(exc).strip("'\""), 2)
    except Exception as exc:  # noqa: BLE001 - a CLI never shows a traceback
        if type(exc).__name__ in ("Exit",) and hasattr(exc, "exit_code"):
            return int(exc.exit_code)
        if type(exc).__name__ == "Abort":
            return _fail("aborted", 1)
        if _is_usage_error(exc):
            return _fail(_usage_message(exc, argv), 2)
        return _fail(f"{type(exc).__name__}: {exc}", 1)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
