"""siting: plan regional industrial capacity by site, product and year with a MIP."""

__version__ = "0.1.0"
