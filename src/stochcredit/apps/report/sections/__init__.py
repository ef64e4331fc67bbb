"""Report sections. Each module defines ``ORDER`` (int), ``TITLE`` (str) and
``build(ctx: ReportContext, section: Section) -> None``; sections run in ``ORDER``.

Contract: a section writes figures with ``section.figure(fig, name, caption)`` (PNG) and tables
with ``section.table(df, name, caption)`` (CSV beside the HTML), and says in ``section.text``
which of the paper's numbers and claims are reproduced. With ``ctx.quick`` it must finish in
seconds.
"""
