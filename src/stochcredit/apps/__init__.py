"""Applications: command-line interface, HTML report, batch runs (local pool or Dask)."""
