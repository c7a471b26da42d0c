"""Scheduling engines: campaign plans and lot schedules for shared rooms, with proven bounds,
a rule-based fallback, and a Monte Carlo of a fixed plan."""
