"""Monte Carlo engine: exact CIR transitions, Wishart paths, bridge-corrected barrier crossing."""
