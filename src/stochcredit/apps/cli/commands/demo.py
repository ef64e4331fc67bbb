"""``stochcredit demo``: reproduce the papers' headline results into an HTML report."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Path = typer.Option(Path("report"), "--out", "-o", help="Output folder."),
        quick: bool = typer.Option(False, "--quick", help="Smaller grids and fewer paths."),
        only: str = typer.Option(None, "--only", help="Run only sections whose module name "
                                 "contains this text (e.g. 'heston')."),
        seed: int = typer.Option(0, "--seed", help="Seed for every Monte Carlo and optimiser."),
    ) -> int:
        """Write report/index.html: figures (PNG), tables (CSV) and what they reproduce."""
        from ...report import build_report

        typer.echo(f"building report in {out}/ ...")
        failures = build_report(out, quick=quick, only=only, seed=seed, log=typer.echo)
        typer.echo(f"wrote {out / 'index.html'}")
        if failures:
            for title, err in failures:
                typer.echo(f"section {title!r} failed: {err}", err=True)
            raise typer.Exit(1)
        return 0
