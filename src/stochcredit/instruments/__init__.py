"""Instruments priced from a (DiscountCurve, SurvivalCurve) pair.

CDS and forward CDS, CDS options, structural CDS variants, first-to-default baskets, equity options.
"""
