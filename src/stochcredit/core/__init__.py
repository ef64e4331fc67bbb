"""Bottom layer: errors, input validation, protocols and small result types shared by all layers."""
