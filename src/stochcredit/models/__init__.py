"""Structural credit models; every model is a SurvivalCurve."""
