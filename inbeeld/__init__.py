"""InBeeld's own package: what every layer below the command line shares (the settings)."""
