"""The ``stochcredit`` command line (typer). Each module of ``commands/`` registers its commands."""
