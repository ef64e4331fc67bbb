"""Risk of dated ISDA CDS by re-bootstrapping (``cds_risk``) and the batched ISDA kernel."""

from .risk import CDSRisk, CreditQuotes, cds_risk

__all__ = ["cds_risk", "CDSRisk", "CreditQuotes"]
