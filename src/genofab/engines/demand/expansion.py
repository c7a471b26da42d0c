"""What to build when: a mixed-integer programme over the years of an outlook (HiGHS).

Decisions: units of each candidate started in each year (whole units for suites and
facilities; rooms rented for the year for CDMO slots), patients of each indication each
product treats each year, and patients left waiting at each year's end.

- Waiting: w[i, y] = (1 − m[i]) × w[i, y−1] + need[i, y] − Σₚ t[p, i, y] ≥ 0: patients wait
  until treated, except a share m[i] (the indication's waiting loss rate) of those waiting at
  a year's end, who die or become ineligible during the next year: lost[i, y] = m[i] ×
  w[i, y−1].
- Rooms: Σ t[p, i, y] × room-years per patient[p, r] ≤ existing[r] + built rooms of r
  available in year y + rented rooms, for every resource r and year y. A unit started in
  year b is available in year y for the share of that year it is in service: nothing during
  its lead time, a linear ramp-up, full capacity until the end of its lifetime.
- Cost (objective ``cost``, minimised, discounted at the outlook's rate to the start of the
  first year): capital when a unit is started, less its straight-line book value left at the
  end of the horizon (so late builds are not charged for years the horizon does not see);
  running cost while in service; rented rooms; the variable cost of each patient treated;
  the waiting penalty for each patient-year waited; and for each patient lost while
  waiting, the loss penalty (default: the waiting penalty for each year from the loss to the
  horizon's end, so that a loss never costs less than the wait it ends).
- Objective ``patients``: fewest patient-years waited — a patient lost counting as waiting
  from the loss to the horizon's end — with discounted capital within the budget, then the
  cheapest plan that achieves it.

A build plan can be given instead: then only the patients treated are chosen (an LP).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from genofab.engines.arrays import Array

Objective = Literal["cost", "patients"]

#: The most variables the programme may have: a bound on what a file can ask of the solver.
MAX_VARIABLES = 200_000


@dataclass(frozen=True)
class CandidateSpec:
    """One candidate in engine terms (money in one currency, times in years, year indices
    counted from the first year of the horizon)."""

    name: str
    kind: Literal["suite", "facility", "cdmo"]
    adds: dict[str, float]
    capital: float
    fixed_cost: float
    lead_time: float
    ramp_up: float
    lifetime: float
    max_units: float
    first: int
    last: int

    @property
    def rented(self) -> bool:
        """Slots bought from a CDMO: rented year by year, no capital."""
        return self.kind == "cdmo"


@dataclass(frozen=True)
class ProductSpec:
    """One product in engine terms: indications it treats (indices), room-years per patient
    by resource, variable cost and doses per patient, first year index it can be made."""

    name: str
    serves: tuple[int, ...]
    room_years: dict[str, float]
    cost_per_patient: float
    doses_per_patient: float
    first: int = 0


@dataclass(frozen=True)
class ExpansionProblem:
    """Everything the programme needs; ``need`` is patients needing therapy by (indication,
    year); ``builds`` fixes the units started by (candidate index, year index)."""

    years: int
    need: Array
    resources: tuple[str, ...]
    existing: Array
    existing_fixed_cost: Array
    products: tuple[ProductSpec, ...]
    candidates: tuple[CandidateSpec, ...]
    discount_rate: float = 0.0
    objective: Objective = "cost"
    waiting_penalty: float = 0.0
    capital_budget: float | None = None
    builds: dict[tuple[int, int], float] | None = None
    time_limit: float = 60.0
    loss_rate: Array | None = None
    loss_penalty: float | None = None

    def losses(self) -> Array:
        """The waiting loss rate of each indication (zeros when none is given)."""
        if self.loss_rate is None:
            return np.zeros(self.need.shape[0])
        return np.asarray(self.loss_rate, dtype=float)


@dataclass(frozen=True)
class ExpansionSolution:
    """The chosen (or given) plan and what it gives, by year.

    ``units[c, y]``: units of candidate c started (or rented) in year y; ``treated[p, i, y]``;
    ``waiting[i, y]`` at the year's end; ``lost[i, y]`` while waiting during the year;
    ``available[r, y]`` and ``used[r, y]`` in room-years; costs by year in the currency,
    undiscounted."""

    status: Literal["optimal", "feasible", "infeasible"]
    objective_value: float | None
    bound: float | None
    gap: float | None
    seconds: float
    units: Array
    treated: Array
    waiting: Array
    available: Array
    used: Array
    capital_spent: Array
    running_cost: Array
    variable_cost: Array
    capital_charge: Array
    waiting_cost: Array
    discounted_cost: float
    notes: tuple[str, ...] = field(default=())
    lost: Array = field(default_factory=lambda: np.zeros((0, 0)))


def availability(offset: float, lead_time: float, ramp_up: float, lifetime: float) -> float:
    """Share of one year a unit started ``offset`` years before that year's start gives at
    full capacity: 0 during the lead time, a linear ramp over ``ramp_up`` years, 1 until
    ``lifetime`` years after it entered service, then 0."""

    def ramp_integral(x: float) -> float:  # ∫₀ˣ clip((s − L) ÷ R, 0, 1) ds
        if x <= lead_time:
            return 0.0
        if ramp_up > 0 and x <= lead_time + ramp_up:
            return (x - lead_time) ** 2 / (2 * ramp_up)
        return ramp_up / 2 + (x - lead_time - ramp_up)

    end = lead_time + lifetime
    a, b = min(offset, end), min(offset + 1.0, end)
    return max(ramp_integral(b) - ramp_integral(a), 0.0) if b > a else 0.0


def in_service(offset: float, lead_time: float, lifetime: float) -> float:
    """Share of one year a unit started ``offset`` years before it is in service (built, not
    yet retired): it pays its running cost then, ramping up or not."""
    start, end = lead_time, lead_time + lifetime
    return max(min(offset + 1.0, end) - max(offset, start), 0.0)


def capital_recovery(rate: float, lifetime: float) -> float:
    """Annuity factor: the yearly charge that repays 1 over ``lifetime`` years at ``rate``."""
    if lifetime <= 0:
        return 0.0
    if rate == 0:
        return 1.0 / lifetime
    return float(rate / (1.0 - (1.0 + rate) ** -lifetime))


def discount_factors(rate: float, years: int) -> Array:
    """(1 + rate)^−y for the start of each year y = 0 … years − 1."""
    return np.asarray((1.0 + rate) ** -np.arange(years, dtype=float))


class _Columns:
    """Variable indices of the programme, named."""

    def __init__(self, problem: ExpansionProblem) -> None:
        self.units: dict[tuple[int, int], int] = {}
        self.treated: dict[tuple[int, int, int], int] = {}
        self.waiting: dict[tuple[int, int], int] = {}
        count = 0
        for c, candidate in enumerate(problem.candidates):
            first = candidate.first
            if candidate.rented:
                first = max(first, math.ceil(candidate.lead_time - 1e-9))
            for y in range(first, candidate.last + 1):
                self.units[c, y] = count
                count += 1
        for p, product in enumerate(problem.products):
            for i in product.serves:
                for y in range(product.first, problem.years):
                    self.treated[p, i, y] = count
                    count += 1
        for i in range(problem.need.shape[0]):
            for y in range(problem.years):
                self.waiting[i, y] = count
                count += 1
        self.count = count


def solve_expansion(problem: ExpansionProblem) -> ExpansionSolution:
    """Choose (or, with ``problem.builds``, evaluate) what to build when."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    started = time.process_time()
    years = problem.years
    columns = _Columns(problem)
    if columns.count > MAX_VARIABLES:
        raise ValueError(
            f"the outlook needs {columns.count:,} decisions, more than {MAX_VARIABLES:,}:"
            " use fewer years, candidates or products"
        )
    discount = discount_factors(problem.discount_rate, years)
    horizon_discount = (1.0 + problem.discount_rate) ** -years

    # availability and in-service shares by (candidate, offset)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    row = 0

    def add(r: int, c: int, v: float) -> None:
        rows.append(r)
        cols.append(c)
        vals.append(v)

    # waiting balance: w[i,y] − (1 − m[i]) w[i,y−1] + Σ t = need[i,y]
    loss = problem.losses()
    for i in range(problem.need.shape[0]):
        for y in range(years):
            add(row, columns.waiting[i, y], 1.0)
            if y > 0:
                add(row, columns.waiting[i, y - 1], -(1.0 - loss[i]))
            for (_p, j, year), col in columns.treated.items():
                if j == i and year == y:
                    add(row, col, 1.0)
            lower.append(float(problem.need[i, y]))
            upper.append(float(problem.need[i, y]))
            row += 1
    # rooms: use − capacity added ≤ existing
    for r, resource in enumerate(problem.resources):
        for y in range(years):
            touched = False
            for (p, _i, year), col in columns.treated.items():
                rate = problem.products[p].room_years.get(resource)
                if year == y and rate:
                    add(row, col, rate)
                    touched = True
            if not touched:
                continue
            for (c, b), col in columns.units.items():
                candidate = problem.candidates[c]
                rooms = candidate.adds.get(resource, 0.0)
                if not rooms:
                    continue
                if candidate.rented:
                    share = 1.0 if b == y else 0.0
                else:
                    share = availability(
                        y - b, candidate.lead_time, candidate.ramp_up, candidate.lifetime
                    )
                if share:
                    add(row, col, -rooms * share)
            lower.append(-np.inf)
            upper.append(float(problem.existing[r]))
            row += 1
    # units of one candidate: at most max_units started over the horizon
    for c, candidate in enumerate(problem.candidates):
        if candidate.rented:
            continue
        picked = [col for (cc, _b), col in columns.units.items() if cc == c]
        if picked:
            for col in picked:
                add(row, col, 1.0)
            lower.append(-np.inf)
            upper.append(candidate.max_units)
            row += 1

    # cost of each variable, discounted
    cost = np.zeros(columns.count)
    for (c, b), col in columns.units.items():
        candidate = problem.candidates[c]
        if candidate.rented:
            cost[col] = candidate.fixed_cost * discount[b]
            continue
        running = sum(
            discount[y]
            * in_service(y - b, candidate.lead_time, candidate.lifetime)
            * candidate.fixed_cost
            for y in range(b, years)
        )
        book_left = (
            min(
                max((b + candidate.lead_time + candidate.lifetime - years), 0.0), candidate.lifetime
            )
            / candidate.lifetime
        )
        cost[col] = candidate.capital * (discount[b] - book_left * horizon_discount) + running
    for (p, _i, y), col in columns.treated.items():
        cost[col] = problem.products[p].cost_per_patient * discount[y]
    penalty = np.zeros(columns.count)
    for (_i, y), col in columns.waiting.items():
        penalty[col] = discount[y] * problem.waiting_penalty
    # patients lost in year y + 1 are m[i] × w[i, y]: their penalty falls on w[i, y]
    for (i, y), col in columns.waiting.items():
        if loss[i] and y + 1 < years:
            if problem.loss_penalty is not None:
                penalty[col] += loss[i] * discount[y + 1] * problem.loss_penalty
            else:
                penalty[col] += loss[i] * problem.waiting_penalty * float(discount[y + 1 :].sum())

    integrality = np.zeros(columns.count)
    lb = np.zeros(columns.count)
    ub = np.full(columns.count, np.inf)
    for (c, b), col in columns.units.items():
        candidate = problem.candidates[c]
        if problem.builds is not None:
            lb[col] = ub[col] = problem.builds.get((c, b), 0.0)
        else:
            ub[col] = candidate.max_units
            integrality[col] = 0 if candidate.rented else 1
    if problem.builds is not None:
        for c, b in problem.builds:
            if (c, b) not in columns.units:  # the outlook's checks refuse such a row
                raise ValueError(
                    f"candidate '{problem.candidates[c].name}' cannot be started in year index {b}"
                )
    if problem.capital_budget is not None and problem.objective == "patients":
        for (c, b), col in columns.units.items():
            candidate = problem.candidates[c]
            if not candidate.rented and candidate.capital:
                add(row, col, candidate.capital * discount[b])
        lower.append(-np.inf)
        upper.append(problem.capital_budget)
        row += 1

    matrix = coo_array((vals, (rows, cols)), shape=(row, columns.count)).tocsr()
    constraints = [LinearConstraint(matrix, np.asarray(lower), np.asarray(upper))]
    options = {"time_limit": problem.time_limit, "mip_rel_gap": 0.0, "presolve": True}
    notes: list[str] = []

    def run(objective: Array, extra: list[LinearConstraint]) -> Any:
        return milp(
            objective,
            integrality=integrality,
            bounds=Bounds(lb, ub),
            constraints=constraints + extra,
            options=options,
        )

    if problem.objective == "cost":
        result = run(cost + penalty, [])
    else:
        waiting_only = np.zeros(columns.count)
        for (i, y), col in columns.waiting.items():
            # a patient lost in year y + 1 counts as waiting to the horizon's end
            waiting_only[col] = 1.0 + (loss[i] * (years - y - 1) if y + 1 < years else 0.0)
        first = run(waiting_only, [])
        if first.x is None:
            result = first
        else:
            least = float(first.fun)
            cap = LinearConstraint(
                waiting_only.reshape(1, -1), -np.inf, least + 1e-6 * max(1.0, abs(least))
            )
            result = run(cost, [cap])
    seconds = time.process_time() - started
    if result.x is None:
        return _empty(problem, "infeasible", seconds, tuple(notes))
    x = np.asarray(result.x)
    status: Literal["optimal", "feasible"] = "optimal" if result.status == 0 else "feasible"
    bound = getattr(result, "mip_dual_bound", None)
    gap = getattr(result, "mip_gap", None)
    if not np.any(integrality):
        bound, gap = float(result.fun), 0.0
    return _solution(problem, columns, x, status, float(result.fun), bound, gap, seconds, notes)


def _solution(
    problem: ExpansionProblem,
    columns: _Columns,
    x: Array,
    status: Literal["optimal", "feasible"],
    objective: float,
    bound: float | None,
    gap: float | None,
    seconds: float,
    notes: list[str],
) -> ExpansionSolution:
    years = problem.years
    n_ind = problem.need.shape[0]
    units = np.zeros((len(problem.candidates), years))
    for (c, b), col in columns.units.items():
        value = x[col]
        units[c, b] = value if problem.candidates[c].rented else round(value)
    treated = np.zeros((len(problem.products), n_ind, years))
    for (p, i, y), col in columns.treated.items():
        treated[p, i, y] = max(x[col], 0.0)
    waiting = np.zeros((n_ind, years))
    for (i, y), col in columns.waiting.items():
        waiting[i, y] = max(x[col], 0.0)
    lost = np.zeros((n_ind, years))
    lost[:, 1:] = problem.losses()[:, None] * waiting[:, :-1]
    available = np.repeat(problem.existing[:, None], years, axis=1).astype(float)
    used = np.zeros((len(problem.resources), years))
    capital_spent = np.zeros(years)
    running = problem.existing_fixed_cost @ problem.existing * np.ones(years)
    charge = np.zeros(years)
    for c, candidate in enumerate(problem.candidates):
        recovery = capital_recovery(problem.discount_rate, candidate.lifetime)
        for b in range(years):
            if not units[c, b]:
                continue
            if not candidate.rented:
                capital_spent[b] += candidate.capital * units[c, b]
            for y in range(b, years):
                if candidate.rented:
                    share = service = 1.0 if y == b else 0.0
                else:
                    share = availability(
                        y - b, candidate.lead_time, candidate.ramp_up, candidate.lifetime
                    )
                    service = in_service(y - b, candidate.lead_time, candidate.lifetime)
                running[y] += candidate.fixed_cost * service * units[c, b]
                charge[y] += candidate.capital * recovery * service * units[c, b]
                for r, resource in enumerate(problem.resources):
                    available[r, y] += candidate.adds.get(resource, 0.0) * share * units[c, b]
    for p, product in enumerate(problem.products):
        for r, resource in enumerate(problem.resources):
            rate = product.room_years.get(resource, 0.0)
            used[r] += rate * treated[p].sum(axis=0)
    variable = np.einsum("piy,p->y", treated, [p.cost_per_patient for p in problem.products])
    waiting_cost = waiting.sum(axis=0) * problem.waiting_penalty
    discount = discount_factors(problem.discount_rate, years)
    discounted = float(discount @ (running + variable + capital_spent))
    return ExpansionSolution(
        status=status,
        objective_value=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        units=units,
        treated=treated,
        waiting=waiting,
        available=available,
        used=used,
        capital_spent=capital_spent,
        running_cost=running,
        variable_cost=variable,
        capital_charge=charge,
        waiting_cost=waiting_cost,
        discounted_cost=discounted,
        notes=tuple(notes),
        lost=lost,
    )


def _empty(
    problem: ExpansionProblem, status: Literal["infeasible"], seconds: float, notes: tuple[str, ...]
) -> ExpansionSolution:
    years, n_ind = problem.years, problem.need.shape[0]
    zeros = np.zeros(years)
    return ExpansionSolution(
        status=status,
        objective_value=None,
        bound=None,
        gap=None,
        seconds=seconds,
        units=np.zeros((len(problem.candidates), years)),
        treated=np.zeros((len(problem.products), n_ind, years)),
        waiting=np.zeros((n_ind, years)),
        available=np.zeros((len(problem.resources), years)),
        used=np.zeros((len(problem.resources), years)),
        capital_spent=zeros,
        running_cost=zeros,
        variable_cost=zeros,
        capital_charge=zeros,
        waiting_cost=zeros,
        discounted_cost=0.0,
        notes=notes,
        lost=np.zeros((n_ind, years)),
    )
