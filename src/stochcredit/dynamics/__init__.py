"""Dynamics layer: volatility and covariance processes described by their transforms
(``char_fn`` and ``variance_laplace``)."""
