"""Uncertainty: sampling, Monte Carlo, sensitivity and sweeps (vectorised, reproducible)."""
