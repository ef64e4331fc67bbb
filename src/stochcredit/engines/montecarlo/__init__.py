"""Monte Carlo engine: exact CIR transitions, Wishart paths, barrier crossing with bridge correction."""
