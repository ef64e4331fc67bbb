"""Calibration: parameter spaces with bounds, objectives, scipy optimisers, results."""
