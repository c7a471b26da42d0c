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
with a limit on the nodes it explores, which is deterministic; the time
limit only guards, and a guarded run says so. HiGHS runs through its own Python package
(``highspy``): SciPy's ``milp`` drops the dual bound when no plan was found yet.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
import time
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix

from genofab.engines.scheduling.campaign import SolverRun, Stage, flow_model
from genofab.engines.scheduling.instance import Instance

#: HiGHS's solution status of a feasible point (a plan of the cut model was found).
_FEASIBLE_POINT = int(highspy.SolutionStatus.kSolutionStatusFeasible)
#: Dual bounds this close above a whole number (relative to the bound, at least this much
#: absolute) are that number: HiGHS's tolerances must not round a bound up past the optimum.
_ROUNDING = 1e-6


class NotLinearError(ValueError):
    """The model has a constraint a linear program cannot state."""


@dataclass(frozen=True)
class LinearProgram:
    """A MILP whose variables are all integers: minimise ``costs`` · x + ``offset`` with
    ``row_lower`` ≤ ``matrix`` x ≤ ``row_upper`` and ``lower`` ≤ x ≤ ``upper``."""

    costs: np.ndarray
    matrix: csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    offset: float


def linear_program(model: cp_model.CpModel) -> LinearProgram:
    """The CP-SAT ``model`` as a MILP. Raises :class:`NotLinearError` for a constraint other
    than a linear one over one interval or a clause."""
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
    return LinearProgram(costs, matrix, low_, high_, lower, upper, objective.offset)


def cut_bound(
    instance: Instance, stage: Stage, until: int, *, nodes: int, time_limit: float
) -> SolverRun:
    """The least lateness (steps) of ``stage`` up to step ``until`` that HiGHS proves within
    ``nodes`` branch-and-bound nodes (1: the root and its cuts), ``time_limit`` seconds
    guarding; its bound bounds the whole plan's lateness from below. (HiGHS through its own
    Python package: SciPy's ``milp`` drops the dual bound when no plan was found yet.)"""
    started = time.perf_counter()
    model, _ = flow_model(instance, stage, "lateness", until=until)
    program = linear_program(model)
    highs = solve_milp(program, nodes=nodes, time_limit=time_limit)
    info = highs.getInfo()
    status = highs.getModelStatus()
    dual = info.mip_dual_bound
    bound = None
    if math.isfinite(dual) and status != highspy.HighsModelStatus.kInfeasible:
        bound = whole_bound(dual + program.offset)
    found = info.primal_solution_status == _FEASIBLE_POINT
    optimal = status == highspy.HighsModelStatus.kOptimal
    unit = instance.time_text(until)
    return SolverRun(
        model=f"arc-flow lateness bound over the first {unit}, stage '{stage.kind}'"
        f" (changeovers counted; HiGHS root node and cuts)",
        status="optimal" if optimal else "feasible" if found else "unknown",
        objective=None,
        bound=bound,
        seconds=time.perf_counter() - started,
        time_limit=time_limit,
        variables=len(program.costs),
        guarded=status == highspy.HighsModelStatus.kTimeLimit,
    )


def whole_bound(dual: float) -> float:
    """The bound a dual bound gives on an objective that is a whole number of lot-steps
    (never below 0): rounded up, unless only HiGHS's tolerances put it above a whole number."""
    return float(max(0, math.ceil(dual - _ROUNDING * max(1.0, abs(dual)))))


def solve_milp(program: LinearProgram, *, nodes: int, time_limit: float) -> highspy.Highs:
    """HiGHS run on ``program`` within ``nodes`` nodes, ``time_limit`` seconds guarding; the
    solver, to read its info and status."""
    matrix = program.matrix
    rows, columns = matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_ = columns
    lp.num_row_ = rows
    lp.col_cost_ = program.costs
    lp.col_lower_ = program.lower
    lp.col_upper_ = program.upper
    lp.row_lower_ = program.row_lower
    lp.row_upper_ = program.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.a_matrix_.num_col_ = columns
    lp.a_matrix_.num_row_ = rows
    lp.integrality_ = [highspy.HighsVarType.kInteger] * columns
    highs = _quiet_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_max_nodes", nodes)
    highs.setOptionValue("time_limit", max(time_limit, 0.01))
    highs.passModel(lp)
    highs.run()
    return highs


_first_made = threading.Lock()
_banner_written = False


def _quiet_highs() -> highspy.Highs:
    """A new HiGHS solver. The first one a process makes writes HiGHS's banner to the
    process's standard output (its file descriptor, not ``sys.stdout``), which would corrupt
    the JSON of ``genofab schedule -f json``: that one is made with the descriptor pointed
    at the null device (and C's buffers flushed before it is put back)."""
    global _banner_written
    with _first_made:
        if _banner_written:
            return highspy.Highs()  # type: ignore[no-untyped-call]
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
            ctypes.CDLL(None).fflush(None)
        finally:
            os.dup2(saved, 1)
            os.close(null)
            os.close(saved)
        _banner_written = True
        return highs
