"""The economics result of one deterministic run: cost of goods with its breakdowns (by
category, cause, step, line, the conventional roll-up and the quality view), capital, a
cohort's campaign, the project's net present cost and the fair price."""

from __future__ import annotations

import numpy as np

from genofab.engines.arrays import Array, Values
from genofab.engines.capacity import COHORT
from genofab.engines.economics.capital import CapitalItem
from genofab.engines.economics.cost_of_goods import (
    CATEGORIES,
    CAUSES,
    CostArrays,
    net_present_cost,
)
from genofab.engines.economics.lines import LineCost
from genofab.model.economics import COST_CATEGORIES, Economics
from genofab.model.scenario import Scenario
from genofab.results.economics import (
    CampaignCost,
    CapitalItemResult,
    CostLine,
    EconomicsResult,
    InputWarning,
    LineResult,
    StepCost,
)

#: The conventional roll-up, in order (categories map to it in COST_CATEGORIES).
ROLL_UP = tuple(dict.fromkeys(category.roll_up for category in COST_CATEGORIES))


def economics_result(scenario: Scenario, values: Values, cost: CostArrays) -> EconomicsResult:
    """The cost of goods (and fair price, when priced) of one scenario."""
    from genofab.engines.pricing import (
        fair_price_result,
        price_arrays,
        priced_as,
        pricing_warnings,
    )

    economics = scenario.economics
    assert economics is not None
    started, delivered = float(cost.lots_started), float(cost.doses_delivered)
    patients = float(cost.patients_treated)

    def line(annual: Array) -> CostLine:
        value = float(annual)
        return CostLine(
            annual=value,
            per_lot=value / started,
            per_dose=value / delivered,
            per_patient=value / patients,
        )

    def with_total(parts: dict[str, Array]) -> dict[str, CostLine]:
        found = {name: line(amount) for name, amount in parts.items()}
        found["total"] = line(sum(parts.values(), start=np.zeros(())))
        return found

    roll_up = {name: np.zeros(()) for name in ROLL_UP}
    for category in COST_CATEGORIES:
        roll_up[category.roll_up] = roll_up[category.roll_up] + cost.annual[category.name]
    warnings = [InputWarning(fields=(path,), message=message) for path, message in cost.warnings]
    fair = None
    if economics.pricing is not None:
        price = price_arrays(scenario, values, cost)
        fair = fair_price_result(
            economics.pricing,
            values,
            price,
            cost.patients_treated,
            priced=priced_as(scenario),
            volume="patients treated a year × commercial life",
        )
        warnings += [
            InputWarning(fields=fields, message=message)
            for fields, message in pricing_warnings(scenario, values, cost)
        ]
    campaign = None
    if cost.campaign is not None:
        c = cost.campaign
        campaign = CampaignCost(
            cohort_patients=float(np.asarray(values[COHORT])),
            lots_started=float(c.lots_started),
            years=float(c.years),
            cost=float(c.cost),
            cost_per_patient=float(c.cost_per_patient),
            cost_per_dose=float(c.cost_per_dose),
        )
    project = None
    if economics.project is not None:
        project = {
            name: float(amount)
            for name, amount in net_present_cost(economics, values, cost).items()
        }
    depreciation = float(cost.depreciation)
    recovery = float(cost.capital_recovery)
    names = [step.name for step in scenario.process.steps]
    capital = cost.capital
    return EconomicsResult(
        currency=economics.currency,
        facility_sizing=economics.facility_sizing,
        lot_failure_probability=float(np.asarray(values["economics.lot_failure_probability"])),
        lots_started_per_year=started,
        good_lots_per_year=float(cost.good_lots),
        doses_made_per_year=float(cost.doses_made),
        doses_delivered_per_year=delivered,
        patients_treated_per_year=patients,
        annual_cost=float(cost.total),
        cost_breakdown=with_total({name: cost.annual[name] for name in CATEGORIES}),
        cost_by_cause=with_total({name: cost.by_cause[name] for name in CAUSES}),
        variable_cost_per_lot={
            **{name: float(amount) for name, amount in cost.variable_per_lot.items()},
            "total": float(sum(cost.variable_per_lot.values(), start=np.zeros(()))),
        },
        fixed_annual_cost=float(cost.fixed_annual),
        cost_by_step=tuple(
            StepCost(index=i, name=step.name, room=step.room, per_lot=float(cost.step_per_lot[i]))
            for i, step in enumerate(scenario.process.steps)
        ),
        site_cost_per_lot=float(cost.site_per_lot),
        cogs_per_lot=float(cost.cost_per_lot),
        cogs_per_dose=float(cost.cost_per_dose),
        cogs_per_patient=float(cost.cost_per_patient),
        running_cost_per_lot=(float(cost.total) - recovery) / started,
        depreciation_per_lot=depreciation / started,
        depreciation_per_year=depreciation,
        capital={
            "building": float(capital.building),
            "equipment": float(capital.equipment_purchase),
            "installation": float(capital.installation),
            "total": float(capital.total),
        },
        capital_charge_per_year=None if economics.cost_of_capital is None else recovery,
        cost_of_capital=None
        if economics.cost_of_capital is None
        else float(np.asarray(values["economics.cost_of_capital"])),
        installation=_installation(economics, values),
        capital_items=tuple(_capital_item(item) for item in capital.items),
        floor_area=float(capital.floor_area),
        staff_fte=float(cost.fte),
        cost_lines=tuple(
            _line_result(item, cost, names)
            for item in cost.lines
            if item.kind != "overhead" or float(cost.line_annual(item)) != 0
        ),
        roll_up=with_total(roll_up),
        quality_view=with_total(cost.quality),
        campaign=campaign,
        project=project,
        warnings=tuple(warnings),
        fair_price=fair,
    )


def _line_result(item: LineCost, cost: CostArrays, names: list[str]) -> LineResult:
    """One cost line: a year, per lot started and per dose, what it is counted per, and for
    staff the FTE and hours worked a year."""
    annual = float(cost.line_annual(item))
    hours = None if item.hours is None else float(cost.line_annual(item.hours))
    fte = None
    if item.category == "labour" and item.kind == "labour":
        fte = float(item.fte) if hours is None else hours / float(cost.hours_per_fte_year)
        if hours is None:
            hours = fte * float(cost.hours_per_fte_year)
    return LineResult(
        name=item.name,
        category=item.category,
        kind=item.kind,
        annual=annual,
        per_dose=annual / float(cost.doses_delivered),
        step=None if item.step is None else names[item.step],
        per_lot=annual / float(cost.lots_started),
        basis=item.basis or None,
        basis_per_lot=None if item.basis_per_lot is None else float(item.basis_per_lot),
        fte=fte,
        hours_per_year=hours,
    )


def _installation(economics: Economics, values: Values) -> dict[str, float]:
    """The Lang factor, or the itemised installation factors, as stated."""
    if economics.installation is None:
        return {}
    if economics.installation.lang_factor is not None:
        return {"lang_factor": float(np.asarray(values["economics.installation.lang_factor"]))}
    return {
        name: float(np.asarray(values[f"economics.installation.factors.{name}"]))
        for name in economics.installation.factors
    }


def _capital_item(item: CapitalItem) -> CapitalItemResult:
    def shown(amount: Array | None) -> float | None:
        return None if amount is None else float(amount)

    return CapitalItemResult(
        name=item.name,
        path=item.path,
        kind=item.kind,
        units=float(item.units),
        area=shown(item.area),
        reference_cost=shown(item.reference_cost),
        size=shown(item.size),
        reference_size=shown(item.reference_size),
        size_unit=item.size_unit,
        exponent=shown(item.exponent),
        purchase=float(item.purchase),
        installation=float(item.installation),
        installed=float(item.installed),
        years=float(item.years),
        recovery_per_year=float(item.recovery),
        running_per_year=float(item.running),
    )
