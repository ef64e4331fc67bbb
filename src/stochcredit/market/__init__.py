"""Market layer: discount and hazard curves, bootstrapping, dates and conventions, data loaders."""
