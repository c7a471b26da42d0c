"""The lateness bound over a plan's first steps, by HiGHS's branch and cut at its root.

A stage too large for the whole arc-flow model is cut to its first steps (lots optional,
lateness counted only before the cut: :func:`~genofab.engines.scheduling.campaign.flow_model`
with ``until``); that model's optimum bounds the whole plan's lateness from below and counts
changeovers. CP-SAT proves little on it within a campaign share of the time limit. Its rows
are all linear, and the cutting planes a MIP solver adds at its root close most of the gap
between its linear relaxation and its optimum: measured on the 12-room example (one CPU,
root node only) the cut at 20 weeks bounds 14 lot-weeks in 2.1 s (CP-SAT: 13 with its share of
a 60 s limit), at 30 weeks 20 in 7 s (the linear relaxation alone: 11.0 and 12.4; 900 s of
branch and cut on the 40-week cut reach 23). So this bound runs the same model through HiGHS
(SciPy's ``milp``) with a limit on the nodes it explores, which is deterministic; the time
limit only guards, and a guarded run says so.
"""

from __future__ import annotations

import math
import time

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from genofab.engines.scheduling.campaign import SolverRun, Stage, flow_model
from genofab.engines.scheduling.instance import Instance

#: HiGHS's status when its time limit stopped it (the other stops are counted work).
_TIME_LIMIT = 1
#: Dual bounds this close below a whole number are that number (HiGHS's tolerances).
_ROUNDING = 1e-6


class NotLinearError(ValueError):
    """The model has a constraint a linear program cannot state."""


def linear_program(
    model: cp_model.CpModel,
) -> tuple[np.ndarray, LinearConstraint, Bounds, float]:
    """The CP-SAT ``model`` as a MILP for SciPy: costs, rows, variable bounds and the
    objective's constant. Every variable is an integer. Raises :class:`NotLinearError` for a
    constraint other than a linear one over one interval or a clause."""
    proto = model.proto
    lower = np.array([v.domain[0] for v in proto.variables], dtype=float)
    upper = np.array([v.domain[len(v.domain) - 1] for v in proto.variables], dtype=float)
    if any(len(v.domain) != 2 for v in proto.variables):
        raise NotLinearError("a variable's domain has holes")
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    low: list[float] = []
    high: list[float] = []
    for constraint in proto.constraints:
        if len(constraint.enforcement_literal):
            raise NotLinearError("an enforced constraint")
        row = len(low)
        if constraint.has_bool_or():
            negated = 0
            for literal in constraint.bool_or.literals:
                rows.append(row)
                cols.append(literal if literal >= 0 else -literal - 1)
                values.append(1.0 if literal >= 0 else -1.0)
                negated += literal < 0
            low.append(1.0 - negated)
            high.append(math.inf)
        elif constraint.has_linear() and len(constraint.linear.domain) == 2:
            linear = constraint.linear
            for var, coefficient in zip(linear.vars, linear.coeffs, strict=True):
                if var < 0:
                    raise NotLinearError("a negated variable in a linear row")
                rows.append(row)
                cols.append(var)
                values.append(float(coefficient))
            low.append(float(linear.domain[0]))
            high.append(float(linear.domain[1]))
        else:
            raise NotLinearError(f"a constraint of another kind: {constraint}")
    matrix = csr_matrix((values, (rows, cols)), shape=(len(low), len(lower)))
    low_ = np.array(low)
    high_ = np.array(high)
    low_[low_ <= -(2**62)] = -np.inf
    high_[high_ >= 2**62] = np.inf
    costs = np.zeros(len(lower))
    objective = proto.objective
    for var, coefficient in zip(objective.vars, objective.coeffs, strict=True):
        costs[var] += coefficient
    return costs, LinearConstraint(matrix, low_, high_), Bounds(lower, upper), objective.offset


def cut_bound(
    instance: Instance, stage: Stage, until: int, *, nodes: int, time_limit: float
) -> SolverRun:
    """The least lateness (steps) of ``stage`` up to step ``until`` that HiGHS proves within
    ``nodes`` branch-and-bound nodes (1: the root and its cuts), ``time_limit`` seconds
    guarding; its bound bounds the whole plan's lateness from below."""
    started = time.perf_counter()
    model, _ = flow_model(instance, stage, "lateness", until=until)
    costs, rows, bounds, offset = linear_program(model)
    result = milp(
        costs,
        constraints=rows,
        integrality=np.ones(len(costs)),
        bounds=bounds,
        options={"node_limit": nodes, "time_limit": max(time_limit, 0.01), "presolve": True},
    )
    dual = getattr(result, "mip_dual_bound", None)
    bound = None
    if dual is not None and math.isfinite(dual):
        # the objective is a whole number of lot-steps
        bound = float(max(0, math.ceil(dual + offset - _ROUNDING)))
    value = None if result.x is None else float(result.fun + offset)
    status = "optimal" if result.status == 0 else "feasible" if value is not None else "unknown"
    unit = f"{until / instance.unit_steps:g} {instance.step_unit}"
    return SolverRun(
        model=f"arc-flow lateness bound over the first {unit}, stage '{stage.kind}'"
        f" (changeovers counted; HiGHS branch and cut, {nodes} node{'s' * (nodes != 1)})",
        status=status,
        objective=None,
        bound=bound,
        seconds=time.perf_counter() - started,
        time_limit=time_limit,
        variables=len(costs),
        guarded=result.status == _TIME_LIMIT,
    )
