"""Scenario templates (YAML), read with importlib.resources."""
