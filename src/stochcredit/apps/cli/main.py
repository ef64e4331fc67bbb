"""Entry point of the ``stochcredit`` command.

Errors print one line on stderr and exit non-zero, without a traceback: 2 for bad input (invalid
parameters, missing files, malformed quotes), 1 for anything else.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

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
    click.echo(f"stochcredit: error: {message}", err=True)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the process exit code."""
    app = build_app()
    try:
        result = app(args=argv, prog_name="stochcredit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: click's own one-line message
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        return _fail("aborted", 1)
    except InvalidParameterError as exc:
        return _fail(str(exc), 2)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        return _fail(f"{exc.strerror}: {exc.filename}", 2)
    except (ValueError, KeyError) as exc:
        return _fail(str(exc).strip("'\""), 2)
    except Exception as exc:  # noqa: BLE001 - a CLI never shows a traceback
        return _fail(f"{type(exc).__name__}: {exc}", 1)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
