"""Instruments priced from a (DiscountCurve, SurvivalCurve) pair: CDS, CDS options, bonds, equity options."""
