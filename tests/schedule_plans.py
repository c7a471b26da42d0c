"""Plans for the scheduling tests: the public benchmark as data, and ways to vary it."""

from __future__ import annotations

from typing import Any

from genofab.engines.scheduling.instance import Instance, compile_plan
from genofab.engines.scheduling.timetable import Assessment
from genofab.model.plan import Plan


def benchmark_data(span_weeks: int | None = None, objective: str = "makespan") -> dict[str, Any]:
    """The four-suite benchmark; with ``span_weeks`` lot k of n is due at ⌈span·(k+1)/n⌉."""
    due: dict[str, Any] = (
        {"due": "52 wk"} if span_weeks is None else {"due": f"{span_weeks} wk", "spread": "even"}
    )
    return {
        "format": "genofab-plan/1",
        "name": "benchmark",
        "objective": objective,
        "time_step": "1 wk",
        "horizon": "52 wk",
        "products": [
            {"name": name, "phases": [{"name": "production", "room": "suite", "duration": d}]}
            for name, d in (("a", "2 wk"), ("b", "3 wk"), ("c", "8 wk"))
        ],
        "rooms": [{"name": "suite", "count": 4, "changeover": "1 wk"}],
        "demands": [
            {"sponsor": f"sponsor_{name}", "product": name, "lots": lots, **due}
            for name, lots in (("a", 20), ("b", 10), ("c", 4))
        ],
    }


def two_stage_data() -> dict[str, Any]:
    """Two products made in suites then released by a QC lab of two places, with a maximum
    wait between the phases and one suite shut for two weeks."""
    return {
        "format": "genofab-plan/1",
        "name": "two stages",
        "objective": "lateness",
        "time_step": "1 wk",
        "horizon": "40 wk",
        "products": [
            {
                "name": "vector",
                "phases": [
                    {"name": "make", "room": "suite", "duration": "3 wk", "max_wait": "1 wk"},
                    {"name": "release", "room": "qc_lab", "duration": "2 wk"},
                ],
                "cost_per_lot": "100000 EUR/lot",
            },
            {
                "name": "cells",
                "phases": [
                    {"name": "make", "room": "suite", "duration": "2 wk", "max_wait": "0 wk"},
                    {"name": "release", "room": "qc_lab", "duration": "3 wk"},
                ],
                "cost_per_lot": "50000 EUR/lot",
            },
        ],
        "rooms": [
            {
                "name": "suite",
                "count": 2,
                "changeover": "1 wk",
                "shutdowns": [{"start": "10 wk", "end": "12 wk"}],
            },
            {"name": "qc_lab", "capacity": 2},
        ],
        "demands": [
            {"sponsor": "s1", "product": "vector", "lots": 5, "due": "20 wk", "spread": "even",
             "value_per_lot": "400000 EUR/lot", "lateness_penalty": "1000 EUR/lot/d"},
            {"sponsor": "s2", "product": "cells", "lots": 6, "due": "24 wk", "spread": "even",
             "value_per_lot": "200000 EUR/lot", "lateness_penalty": "2000 EUR/lot/d"},
        ],
    }  # fmt: skip


def instance_of(data: dict[str, Any]) -> Instance:
    """The plan ``data`` validated and compiled."""
    return compile_plan(Plan.model_validate(data))


def accounts_total(assessment: Assessment) -> float:
    """The profit the accounts add up to: sales less every cost and penalty (what
    ``assessment.profit`` must equal)."""
    ledger = assessment.ledger
    return (
        ledger.sales
        - assessment.production_cost
        - assessment.changeover_cost
        - assessment.storage_cost
        - ledger.inventory_cost
        - ledger.backlog_cost
        - ledger.unmet_cost
    )
