"""Engines: pure functions from a validated scenario to results. No I/O, no printing."""
