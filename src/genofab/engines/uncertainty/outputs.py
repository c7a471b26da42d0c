"""The results a Monte Carlo follows: every numeric headline figure of ``genofab run``, read
from one vectorised evaluation, with NaN for the samples whose lot or facility cannot deliver.

Each :class:`Output` names where it stands in the run's JSON headline (``doses_per_lot``,
``lots_per_room_year.suite``, ``fair_price_per_patient.components.margin`` ...), its unit,
whether it counts whole things (tallied exactly), and which way is better (for comparing
scenarios sample by sample).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genofab.engines.arrays import Array
from genofab.engines.economics import CATEGORIES, CostArrays, FailedLots, expected_failures
from genofab.engines.lot import NO_ROOM_TIME_REASON, STATUS_REASONS, LotStatus
from genofab.engines.pricing import COMPONENTS, PriceArrays, price_arrays
from genofab.engines.run import RunArrays, run_arrays
from genofab.model.scenario import Scenario

#: A sample's status: the lot statuses, then "a room completes no lot in a year".
NO_ROOM_TIME = max(LotStatus) + 1


class Better(IntEnum):
    """Which way a result improves, to say whether one scenario beats another."""

    LOWER = -1
    HIGHER = 1


@dataclass(frozen=True)
class Evaluation:
    """One vectorised evaluation of samples: the engines' arrays, the fair price, and each
    sample's status (0: it can deliver)."""

    run: RunArrays
    price: PriceArrays | None
    status: NDArray[np.int8]

    @property
    def feasible(self) -> NDArray[np.bool_]:
        return np.asarray(self.status == 0)

    @property
    def counted(self) -> NDArray[np.bool_]:
        """Samples kept in the statistics: those that deliver, and those whose lot cannot
        deliver a dose, which are failed lots (no good dose, the cost of what they consumed).
        Only a facility that completes no lot in a year leaves a sample out."""
        return np.asarray(self.status != NO_ROOM_TIME)


@dataclass(frozen=True)
class Output:
    """A headline result: where it stands in the run's JSON, its unit and how to read it."""

    key: tuple[str, ...]
    unit: str
    whole: bool
    better: Better
    read: Callable[[Evaluation], ArrayLike]

    @property
    def name(self) -> str:
        """Dotted name, e.g. ``lots_per_room_year.suite``."""
        return ".".join(self.key)


def evaluate_samples(
    scenario: Scenario,
    values: dict[str, ArrayLike],
    failures: FailedLots = expected_failures,
    samples: int | None = None,
) -> Evaluation:
    """Run the engines on sampled ``values`` (``samples`` of them: values may all be
    constants); a sample that cannot deliver gets a status, and its figures may be NaN or
    infinite without a warning: they are data, marked by the status."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        run = run_arrays(scenario, values, failures)
        price = None
        if run.cost is not None and scenario.economics is not None and scenario.economics.pricing:
            price = price_arrays(scenario, run.values, run.cost)
    shape = np.shape(run.lot.status) if samples is None else (samples,)
    status = np.broadcast_to(run.lot.status, shape).copy()
    for room in run.capacity.rooms:
        no_room_time = (room.lots_per_room_year < 1) & (status == 0)
        status[np.broadcast_to(no_room_time, status.shape)] = NO_ROOM_TIME
    return Evaluation(run=run, price=price, status=status)


def status_reason(code: int) -> str:
    """Why a sample cannot deliver, for people."""
    if code == NO_ROOM_TIME:
        return NO_ROOM_TIME_REASON
    return STATUS_REASONS.get(LotStatus(code), "ok")


def headline_outputs(scenario: Scenario) -> tuple[Output, ...]:
    """The numeric headline results of ``scenario``, in the order of the run's JSON."""
    production = scenario.process.steps[scenario.process.production_index].room
    used = [room.kind for room in scenario.facility.rooms if _uses(scenario, room.kind)]
    room_index = {kind: i for i, kind in enumerate(used)}
    demand = scenario.demand
    outputs = [
        Output(("doses_per_lot",), "doses", True, Better.HIGHER, lambda e: e.run.lot.doses),
        Output(
            ("patients_per_lot",), "patients", True, Better.HIGHER, lambda e: e.run.lot.patients
        ),
        Output(
            ("vials_per_lot",),
            "containers",
            True,
            Better.HIGHER,
            lambda e: e.run.lot.vials_released,
        ),
        Output(("lot_duration_days",), "d", False, Better.LOWER, lambda e: e.run.lot.lot_duration),
        Output(
            ("suite_occupancy_days",),
            "d",
            False,
            Better.LOWER,
            lambda e: e.run.lot.occupancy[production],
        ),
        Output(
            ("suite_cycle_days",),
            "d",
            False,
            Better.LOWER,
            lambda e: e.run.capacity.rooms[room_index[production]].cycle,
        ),
    ]
    for kind, i in room_index.items():
        outputs.append(
            Output(
                ("lots_per_room_year", kind),
                "lots/yr",
                True,
                Better.HIGHER,
                lambda e, i=i: e.run.capacity.rooms[i].lots_per_room_year,  # type: ignore[misc]
            )
        )
    outputs += [
        Output(
            ("lots_per_year",),
            "lots/yr",
            True,
            Better.HIGHER,
            lambda e: e.run.capacity.lots_per_year,
        ),
        Output(
            ("patients_per_year",),
            "patients/yr",
            True,
            Better.HIGHER,
            lambda e: e.run.capacity.patients_per_year,
        ),
    ]
    if demand is not None and demand.cohort_patients is not None:
        outputs += [
            Output(
                ("lots_for_cohort",),
                "lots",
                True,
                Better.LOWER,
                lambda e: _known(e.run.capacity.lots_for_cohort),
            ),
            Output(
                ("years_to_treat_cohort",),
                "yr",
                False,
                Better.LOWER,
                lambda e: _known(e.run.capacity.years_to_treat_cohort),
            ),
            Output(
                ("years_to_release_cohort",),
                "yr",
                False,
                Better.LOWER,
                lambda e: _known(e.run.capacity.years_to_release_cohort),
            ),
        ]
    if demand is not None and demand.patients_per_year is not None:
        for kind, i in room_index.items():
            outputs.append(
                Output(
                    ("rooms_needed", kind),
                    "rooms",
                    True,
                    Better.LOWER,
                    lambda e, i=i: _known(e.run.capacity.rooms[i].rooms_needed),  # type: ignore[misc]
                )
            )
    economics = scenario.economics
    if economics is not None:
        money = economics.currency
        outputs += [
            Output(("cogs_per_lot",), money, False, Better.LOWER, lambda e: _cost(e).cost_per_lot),
            Output(
                ("cogs_per_dose",), money, False, Better.LOWER, lambda e: _cost(e).cost_per_dose
            ),
            Output(
                ("cogs_per_patient",),
                money,
                False,
                Better.LOWER,
                lambda e: _cost(e).cost_per_patient,
            ),
        ]
        for category in (*CATEGORIES, "total"):
            outputs.append(
                Output(
                    ("cost_breakdown", category),
                    f"{money}/yr",
                    False,
                    Better.LOWER,
                    lambda e, c=category: _annual(e, c),  # type: ignore[misc]
                )
            )
        pricing = economics.pricing
        if pricing is not None:
            for component in COMPONENTS:
                outputs.append(
                    Output(
                        ("fair_price_per_patient", "components", component),
                        money,
                        False,
                        Better.LOWER,
                        lambda e, c=component: _price(e).components[c],  # type: ignore[misc]
                    )
                )
            outputs.append(
                Output(
                    ("fair_price_per_patient", "total"),
                    money,
                    False,
                    Better.LOWER,
                    lambda e: _price(e).total,
                )
            )
            if pricing.list_price is not None:
                outputs += [
                    Output(
                        ("fair_price_per_patient", "list_price"),
                        money,
                        False,
                        Better.LOWER,
                        lambda e: e.run.values["economics.pricing.list_price"],
                    ),
                    Output(
                        ("fair_price_per_patient", "list_to_fair_ratio"),
                        "",
                        False,
                        Better.LOWER,
                        lambda e: (
                            np.asarray(e.run.values["economics.pricing.list_price"])
                            / _price(e).total
                        ),
                    ),
                ]
    return tuple(outputs)


def room_kinds(scenario: Scenario) -> list[str]:
    """The room kinds the process uses, in facility order (the bottleneck's candidates)."""
    return [room.kind for room in scenario.facility.rooms if _uses(scenario, room.kind)]


def demand_met(evaluation: Evaluation) -> NDArray[np.bool_] | None:
    """Whether each sample meets the yearly demand: the lots that succeed (failures drawn)
    make the doses it needs; without costs, whether the facility makes the lots it needs."""
    cost = evaluation.run.cost
    if cost is not None and cost.demand_met is not None:
        return np.asarray(cost.demand_met)
    met = evaluation.run.capacity.meets_demand
    return None if met is None else np.asarray(met)


def _uses(scenario: Scenario, kind: str) -> bool:
    return any(step.room == kind for step in scenario.process.steps)


def _known(array: ArrayLike | None) -> ArrayLike:
    assert array is not None
    return array


def _cost(evaluation: Evaluation) -> CostArrays:
    assert evaluation.run.cost is not None
    return evaluation.run.cost


def _annual(evaluation: Evaluation, category: str) -> Array:
    cost = _cost(evaluation)
    return cost.total if category == "total" else cost.annual[category]


def _price(evaluation: Evaluation) -> PriceArrays:
    assert evaluation.price is not None
    return evaluation.price
