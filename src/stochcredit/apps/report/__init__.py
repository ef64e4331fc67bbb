"""The HTML report written by ``stochcredit demo``: one section per module of ``sections/``."""

from .builder import ReportContext, Section, build_report

__all__ = ["ReportContext", "Section", "build_report"]
