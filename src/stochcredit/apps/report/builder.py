"""Collects report sections into ``index.html`` with PNG figures and CSV tables.

A section that fails is shown in the report with its error and the others still run (nothing is
lost); ``build_report`` returns the failures so the CLI can exit non-zero.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from . import sections as _sections  # noqa: E402
from .formatting import panel_issues, table_html  # noqa: E402

__all__ = ["ReportContext", "Section", "build_report"]


@dataclass
class ReportContext:
    """Where the report goes and how much work it may do."""

    outdir: Path
    quick: bool = False
    seed: int = 0
    #: figure panels without axis labels or legend (see ``formatting.panel_issues``)
    figure_issues: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outdir = Path(self.outdir)
        (self.outdir / "figures").mkdir(parents=True, exist_ok=True)
        (self.outdir / "tables").mkdir(parents=True, exist_ok=True)


@dataclass
class Section:
    """One section of the report: a title and a sequence of HTML blocks."""

    title: str
    ctx: ReportContext
    blocks: list[str] = field(default_factory=list)

    def text(self, paragraph: str) -> None:
        """A paragraph of plain text (escaped); blank lines split paragraphs."""
        for para in paragraph.strip().split("\n\n"):
            self.blocks.append(f"<p>{html.escape(para.strip())}</p>")

    def html(self, raw: str) -> None:
        """A raw HTML block (lists, emphasis) — the caller escapes user data."""
        self.blocks.append(raw)

    def figure(self, fig: plt.Figure, name: str, caption: str = "") -> Path:
        """Save ``fig`` as ``figures/<name>.png``, close it and show it with ``caption``."""
        path = self.ctx.outdir / "figures" / f"{name}.png"
        self.ctx.figure_issues += panel_issues(fig, name)
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        rel = path.relative_to(self.ctx.outdir).as_posix()
        self.blocks.append(f'<figure><img src="{rel}" alt="{html.escape(name)}">'
                           f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        return path

    def table(self, df: pd.DataFrame, name: str, caption: str = "",
              float_format: str | dict[str, str] = "{:.6g}", max_rows: int = 40) -> Path:
        """Write ``tables/<name>.csv`` and show (up to ``max_rows`` rows of) ``df``.

        Shown without a 0..n-1 index, with empty cells for missing values, exact data (20,
        0.25) as it is and other floats in ``float_format`` (see ``formatting.table_html``);
        the CSV keeps full precision.
        """
        path = self.ctx.outdir / "tables" / f"{name}.csv"
        plain = isinstance(df.index, pd.RangeIndex) and df.index.name is None
        df.to_csv(path, index=not plain)
        rel = path.relative_to(self.ctx.outdir).as_posix()
        shown = df if len(df) <= max_rows else df.head(max_rows)
        body = table_html(shown, float_format)
        more = f" (first {max_rows} of {len(df)} rows)" if len(df) > max_rows else ""
        self.blocks.append(f"<div class='table'><p class='caption'>{html.escape(caption)}{more} "
                           f"— <a href='{rel}'>CSV</a></p>{body}</div>")
        return path


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #345}h2{border-bottom:1px solid #ccc;margin-top:2em}
figure{margin:1em 0}img{max-width:100%}figcaption,.caption{color:#555;font-size:.9em}
table.data{border-collapse:collapse;font-size:.85em}table.data td,table.data th{padding:2px 8px;
border-bottom:1px solid #eee;text-align:right}table.data th{border-bottom:1px solid #999;
vertical-align:bottom}table.data td:first-child,table.data th:first-child{text-align:left}
.error{background:#fee;border:1px solid #c00;padding:.5em}
.ok{color:#060}.meta{color:#777;font-size:.85em}
"""


def _discover() -> list:
    mods = [importlib.import_module(f"{_sections.__name__}.{m.name}")
            for m in pkgutil.iter_modules(_sections.__path__)]
    return sorted(mods, key=lambda m: getattr(m, "ORDER", 100))


def build_report(outdir: str | Path = "report", quick: bool = False, only: str | None = None,
                 seed: int = 0, log=print) -> list[tuple[str, str]]:
    """Run every section into ``outdir/index.html``; returns ``[(section title, error), ...]``."""
    ctx = ReportContext(Path(outdir), quick=quick, seed=seed)
    parts: list[str] = []
    toc: list[str] = []
    failures: list[tuple[str, str]] = []
    n_issues = 0
    for i, module in enumerate(_discover()):
        name = module.__name__.rsplit(".", 1)[-1]
        if only and only not in name:
            continue
        title = getattr(module, "TITLE", name)
        section = Section(title, ctx)
        start = time.perf_counter()
        try:
            module.build(ctx, section)
            status = ""
        except Exception as exc:  # noqa: BLE001 - report the failure, keep the other sections
            failures.append((title, f"{type(exc).__name__}: {exc}"))
            section.blocks.append("<pre class='error'>" + html.escape(traceback.format_exc())
                                  + "</pre>")
            status = " (FAILED)"
        elapsed = time.perf_counter() - start
        log(f"  section {title!r}: {elapsed:.1f} s{status}")
        for issue in ctx.figure_issues[n_issues:]:
            log(f"    figure check: {issue}")
        n_issues = len(ctx.figure_issues)
        anchor = f"s{i}"
        toc.append(f"<li><a href='#{anchor}'>{html.escape(title)}</a>{status}</li>")
        parts.append(f"<h2 id='{anchor}'>{html.escape(title)}</h2>" + "\n".join(section.blocks)
                     + f"<p class='meta'>computed in {elapsed:.1f} s</p>")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>stochcredit report</title>"
            f"<style>{_CSS}</style></head><body><h1>stochcredit — reproducing the papers</h1>"
            f"<p class='meta'>Generated {time.strftime('%Y-%m-%d %H:%M')} by "
            f"<code>stochcredit demo{' --quick' if quick else ''}</code>.</p>"
            f"<ul>{''.join(toc)}</ul>{''.join(parts)}</body></html>")
    (ctx.outdir / "index.html").write_text(page, encoding="utf-8")
    return failures
