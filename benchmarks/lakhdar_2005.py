"""Transcribe a published campaign-planning case into the plan format: example 1 of Lakhdar et
al. 2005 (case Lakhdar2005 in docs/sources.md), three biopharmaceuticals made upstream (USP,
two suites) then downstream (DSP, two suites) over one year of six 60-day periods, under the
profit objective. Published optimum: 490 rmu.

    python benchmarks/lakhdar_2005.py          # writes examples/schedule-lakhdar-2005.yaml

How the study's campaign model becomes lots (1 rmu, the study's relative money unit, is
written as 1,000 EUR):

- a USP campaign of product p makes its first batch after the lead time alpha_p, then one
  every 1 / CR_p days: a crude lot (product ``p_crude``) takes 1 / CR_p days in a USP suite,
  and switching a suite to p takes the rest of the lead time, alpha_p - 1 / CR_p (a
  changeover into p). The study pays the lead time on a suite's first campaign too: the
  USP suites start clean, with p's startup (``startups``) the same alpha_p - 1 / CR_p;
- a DSP lot takes 1 / FR_p = 10 days and is made from one crude lot (``made_from``, the
  study's production factor lambda = 1); the DSP lead time beta_p is the wait for the first
  crude batch (beta ~ alpha + 1 / FR), which the conversion between stages already imposes,
  so DSP suites have no changeover time (beta = alpha + 1 / FR for p1 and p2; for p3 34.5
  against 32.5 days);
- each campaign start costs psi = 1 rmu in the study; here each product switch and each
  suite's first campaign (its startup), not a campaign of the product a suite made last;
- the study's storage costs per batch and period (crude 5, final 1 rmu) become per-day
  inventory costs of each product (``inventory_cost``: 5 / 60 and 1 / 60 rmu a day), its
  storage capacities per product (crude 10, final 40 batches) the products' own
  ``inventory_capacity``; its lifetimes (crude 1 period, final 3) become shelf lives from the
  start of the lot's last phase (60 and 180 days plus the lot's own time on the 1-day grid);
- a demand is due at the end of its period; the backlog penalty of 20 rmu per batch and
  period becomes 20 / 60 rmu a day, and a batch never delivered pays it for every period
  left (the unmet penalty); sales are 20 rmu a batch; each batch costs 2 rmu upstream and 2
  downstream; the crude lots are demanded by the platform itself, with no value;
- the study's waste disposal cost (5 rmu a batch) is not stated: genofab never keeps a
  schedule that makes a lot only to waste it; its periods (one product per suite per
  period, stock counted at the end of each period) do not exist here: time is continuous
  on a 1-day grid; its campaign lengths (at least one batch, at most 60 days a period,
  continued across periods) limit nothing here and are not stated.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "examples" / "schedule-lakhdar-2005.yaml"
CITED = "case Lakhdar2005, example 1"
EUR_PER_RMU = 1_000
PERIOD_DAYS = 60
PERIODS = 6
#: Upstream: production rate (batches a day) and lead time (days), by product.
CR = {"p1": 0.05, "p2": 0.045, "p3": 0.08}
ALPHA = {"p1": 30.0, "p2": 32.0, "p3": 22.5}
#: Downstream production rate (batches a day).
FR = {"p1": 0.1, "p2": 0.1, "p3": 0.1}
#: Demand (batches) by product and period (1 to 6).
DEMAND = {"p1": {4: 6, 6: 6}, "p2": {3: 6}, "p3": {2: 8, 5: 8}}
SALES, MAKING, SWITCH, BACKLOG = (
    20,
    2,
    1,
    20,
)  # rmu: a batch sold, made (each stage), per period late
CRUDE_STORAGE, FINAL_STORAGE = 5, 1  # rmu a batch a period
CRUDE_LIFE, FINAL_LIFE = 1, 3  # periods
CRUDE_CAPACITY, FINAL_CAPACITY = 10, 40  # batches of each product held at once


def _q(value: float, unit: str, what: str) -> dict[str, Any]:
    return {"value": round(value, 4), "unit": unit, "source": f"{CITED}: {what}"}


def _count(value: int, unit: str | None, what: str) -> dict[str, Any]:
    return {"value": value, **({"unit": unit} if unit else {}), "source": f"{CITED}: {what}"}


def _money(rmu: float, unit: str, what: str) -> dict[str, Any]:
    return _q(rmu * EUR_PER_RMU, unit, f"{what} (1 rmu written as {EUR_PER_RMU:,} EUR)")


def _product(
    name: str, room: str, rate: float, rate_name: str, life: int, life_name: str
) -> dict[str, Any]:
    """A product made in ``room`` at ``rate`` batches a day, keeping ``life`` periods."""
    return {
        "name": name,
        "phases": [
            {
                "name": room,
                "room": room,
                "duration": _q(1 / rate, "d", f"a batch every 1/{rate_name} = 1/{rate} days"),
            }
        ],
        "cost_per_lot": _money(MAKING, "EUR/lot", "manufacturing cost eta, per batch"),
        "shelf_life": _q(
            life * PERIOD_DAYS + math.ceil(1 / rate),
            "d",
            f"{life_name}, {life} period{'s' * (life > 1)} after it is made",
        ),
    }


def lakhdar_2005_data() -> dict[str, Any]:
    """The plan as data."""
    crude = [
        _product(f"{p}_crude", "usp", rate, "CR", CRUDE_LIFE, "crude lifetime zeta")
        | {
            "inventory_capacity": _count(CRUDE_CAPACITY, "lot", "crude storage capacity C"),
            "inventory_cost": _money(
                CRUDE_STORAGE / PERIOD_DAYS,
                "EUR/lot/d",
                f"crude storage cost rho, {CRUDE_STORAGE} rmu a batch a period",
            ),
        }
        for p, rate in CR.items()
    ]
    final = [
        _product(p, "dsp", rate, "FR", FINAL_LIFE, "product lifetime sigma")
        | {
            "inventory_capacity": _count(FINAL_CAPACITY, "lot", "storage capacity F"),
            "made_from": {
                "product": f"{p}_crude",
                "lots": _count(1, "lot", "production factor lambda = 1: a crude batch, a batch"),
            },
        }
        for p, rate in FR.items()
    ]
    products = crude + final

    def switch() -> dict[str, Any]:
        return _money(SWITCH, "EUR", "changeover cost psi, per campaign started")

    def lead(p: str, when: str = "") -> dict[str, Any]:
        """Switching a USP suite to ``p``: its lead time alpha less its first batch."""
        what = f"lead time alpha of {p} less a batch, {ALPHA[p]:g} - 1/{CR[p]}{when}"
        return _q(ALPHA[p] - 1 / CR[p], "d", what)

    changeovers = [
        {"from": f"{a}_crude", "to": f"{b}_crude", "time": lead(b), "cost": switch()}
        for a in CR
        for b in CR
        if a != b
    ]
    startups = [
        {"product": f"{p}_crude", "time": lead(p, ", first campaign"), "cost": switch()} for p in CR
    ]
    rooms = [
        {
            "name": "usp",
            "count": _count(2, None, "USP suites i1, i2"),
            "changeover_cost": switch(),
            "changeovers": changeovers,
            "startups": startups,
        },
        {
            "name": "dsp",
            "count": _count(2, None, "DSP suites j1, j2"),
            "changeover_cost": switch(),
            "startup_cost": switch(),
        },
    ]
    demands: list[dict[str, Any]] = []
    horizon = PERIODS * PERIOD_DAYS
    for p, by_period in DEMAND.items():
        demands.append(
            {
                "sponsor": "platform",
                "product": f"{p}_crude",
                "lots": _count(sum(by_period.values()), None, f"a crude lot for each {p} batch"),
                "due": _q(horizon, "d", "crude made for the downstream stage, by the horizon"),
                "value_per_lot": _money(0, "EUR/lot", "an intermediate is not sold"),
            }
        )
        for period, batches in by_period.items():
            left = PERIODS - period + 1
            demands.append(
                {
                    "sponsor": "market",
                    "product": p,
                    "lots": _count(batches, None, f"demand of {p} in period {period}, batches"),
                    "due": _q(
                        period * PERIOD_DAYS, "d", f"period {period}'s demand, due at its end"
                    ),
                    "value_per_lot": _money(SALES, "EUR/lot", "sales price nu, per batch"),
                    "lateness_penalty": _money(
                        BACKLOG / PERIOD_DAYS,
                        "EUR/lot/d",
                        f"backlog penalty d, {BACKLOG} rmu a batch a period",
                    ),
                    "unmet_penalty": _money(
                        BACKLOG * left,
                        "EUR/lot",
                        f"backlog penalty d for each of the {left} periods left, never delivered",
                    ),
                }
            )
    return {
        "format": "genofab-plan/1",
        "name": "Lakhdar et al. 2005, example 1 (transcribed)",
        "description": (
            "Three products, 2 upstream and 2 downstream suites, six 60-day periods, profit."
            " Transcribed by benchmarks/lakhdar_2005.py (see its notes: what the plan format"
            " states differently); published optimum 490 rmu = 490,000 EUR here."
        ),
        "objective": "profit",
        "time_step": _q(1, "d", "the study's times are in days"),
        "horizon": _q(horizon, "d", f"{PERIODS} periods of {PERIOD_DAYS} days"),
        "products": products,
        "rooms": rooms,
        "inventory": {
            "cost": _money(
                FINAL_STORAGE / PERIOD_DAYS,
                "EUR/lot/d",
                f"storage cost omega, {FINAL_STORAGE} rmu a batch a period",
            ),
        },
        "demands": demands,
    }


def main() -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 120
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    with target.open("w", encoding="utf-8") as stream:
        stream.write("# Generated by benchmarks/lakhdar_2005.py; do not edit by hand.\n")
        yaml.dump(lakhdar_2005_data(), stream)


if __name__ == "__main__":
    main()
