"""Numerical engines: Fourier inversion, method of images, Monte Carlo."""
