"""Demand over the years and the capacity to meet it: adoption curves, patients needing a
therapy, the room-years and cost a patient takes, and the choice of what to build when."""
