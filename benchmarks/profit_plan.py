"""Generated medium-term campaign plans under profit, of the kind campaign-planning studies use:
four products in ``suites`` identical production suites (a changeover of 2 weeks and 50,000
EUR) and a QC lab of 4 places, two years on a weekly grid, each product demanded by one
sponsor at the end of each quarter (lots drawn around ``scale`` × the suites' capacity
shared among the products), sales at delivery, backlog and unmet-demand penalties, shelf
lives for three products, a finished-lot inventory of 10 places at 3,000 EUR per lot-week,
and (``sizes``) campaigns of 2 to 8 lots. Every value is an assumption of the generator.

``tests/engines/scheduling/plans/profit-campaign-sizes.yaml`` is ``plan(2, 0.8, sizes=True)``.
Usage: ``python benchmarks/profit_plan.py SUITES SCALE [--no-sizes] > plan.yaml``.
"""

from __future__ import annotations

import argparse
import random
import sys
from typing import Any

from ruamel.yaml import YAML

SOURCE = "assumption: generated test plan (tests only)"
#: name, weeks to make, weeks of QC release, shelf life in weeks (None: keeps)
PRODUCTS = (("p1", 2, 4, 26), ("p2", 3, 3, 40), ("p3", 2, 5, 20), ("p4", 4, 3, None))


def plan(suites: int, scale: float, *, sizes: bool = True, seed: int = 3) -> dict[str, Any]:
    """The plan as data (``genofab-plan/1``)."""

    def q(value: float, unit: str | None = None) -> dict[str, Any]:
        return (
            {"value": value, "unit": unit, "source": SOURCE}
            if unit
            else {
                "value": value,
                "source": SOURCE,
            }
        )

    rng = random.Random(seed)
    products = []
    for name, make, release, shelf in PRODUCTS:
        product: dict[str, Any] = {
            "name": name,
            "phases": [
                {"name": "make", "room": "suite", "duration": q(make, "wk")},
                {"name": "release", "room": "qc_lab", "duration": q(release, "wk")},
            ],
            "cost_per_lot": q(300000 + 100000 * make, "EUR/lot"),
        }
        if sizes:
            product["min_campaign"], product["max_campaign"] = q(2), q(8)
        if shelf:
            product["shelf_life"] = q(shelf, "wk")
        products.append(product)
    demands = []
    for i, (name, make, _, _) in enumerate(PRODUCTS):
        deliveries = []
        for quarter in range(1, 9):
            share = rng.uniform(0.5, 1.5) * scale * 13 / make / len(PRODUCTS) * suites
            deliveries.append({"lots": q(max(1, round(share))), "due": q(13 * quarter, "wk")})
        demands.append(
            {
                "sponsor": f"s{i}",
                "product": name,
                "deliveries": deliveries,
                "value_per_lot": q(1_500_000 + 200000 * i, "EUR/lot"),
                "lateness_penalty": q(2000 + 1000 * i, "EUR/lot/d"),
                "unmet_penalty": q(400000, "EUR/lot"),
            }
        )
    return {
        "format": "genofab-plan/1",
        "name": f"Four products, {suites} suites, two years (profit"
        + (", campaign sizes)" if sizes else ")"),
        "objective": "profit",
        "time_step": q(1, "wk"),
        "horizon": q(104, "wk"),
        "products": products,
        "rooms": [
            {
                "name": "suite",
                "count": q(suites),
                "changeover": q(2, "wk"),
                "changeover_cost": q(50000, "EUR"),
            },
            {"name": "qc_lab", "capacity": q(4, "lot")},
        ],
        "inventory": {"capacity": q(10, "lot"), "cost": q(3000, "EUR/lot/wk")},
        "demands": demands,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("suites", type=int)
    parser.add_argument("scale", type=float)
    parser.add_argument("--no-sizes", action="store_true")
    args = parser.parse_args()
    YAML().dump(plan(args.suites, args.scale, sizes=not args.no_sizes), sys.stdout)


if __name__ == "__main__":
    main()
