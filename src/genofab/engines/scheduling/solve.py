"""Plan a facility: rule-based schedules, the campaign level's bound and plan, then the lot
level while a gap remains. The best schedule found is judged by :func:`assess`; it is called
optimal only when its value equals a proven bound.

Order of work, within one time limit (CP-SAT work counted in deterministic seconds, each
stage guarded by the wall clock):

1. earliest-due-date and campaign-order schedules (milliseconds; they always complete, lots
   that do not fit the horizon left out with the reason);
2. the campaign level on the busiest stage: the aggregate bound (makespan) and the arc-flow
   model, seeded with the best rule-based schedule; its plan is decoded into lots;
3. while a gap remains: the order search (annealing over the rule-based order), the
   lot-level CP-SAT model on plans small enough for it (seeded with the campaign bound and
   the best schedule), then the large-neighbourhood search on the best complete schedule.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from genofab.engines.scheduling.aggregate import STEPS_PER_SECOND as AGGREGATE_STEPS_PER_SECOND
from genofab.engines.scheduling.aggregate import aggregate_plan, decode_aggregate
from genofab.engines.scheduling.campaign import (
    CampaignPlan,
    SolverRun,
    Stage,
    arc_flow,
    decode,
    flow_arcs,
    stages,
)
from genofab.engines.scheduling.campaign_rules import campaign_sized, has_campaign_sizes
from genofab.engines.scheduling.cut_bound import cut_bound
from genofab.engines.scheduling.delivery_rules import profit_schedules
from genofab.engines.scheduling.delivery_search import search_deliveries
from genofab.engines.scheduling.improve import improve
from genofab.engines.scheduling.instance import Instance, LotSpec
from genofab.engines.scheduling.leave_out import fit_by_leaving_out
from genofab.engines.scheduling.lot_model import (
    BUILD_CHARGE_PER_ARC,
    MAX_ARCS,
    MIN_WORK,
    arc_count,
    solve_lot_model,
)
from genofab.engines.scheduling.order_search import score, search_orders
from genofab.engines.scheduling.other_process import Beside
from genofab.engines.scheduling.rules import campaign_order, due_order, earliest_due_date
from genofab.engines.scheduling.sequence_search import (
    SequenceSearch,
    Shape,
    search_sequences,
    sequence_shape,
)
from genofab.engines.scheduling.timetable import (
    MONEY_OBJECTIVES,
    Assessment,
    Objective,
    Timetable,
    assess,
)

#: Share of the time limit the campaign level may use.
CAMPAIGN_SHARE = 0.4
#: Share of the time limit after which the campaign level stops whatever its work (a guard).
CAMPAIGN_GUARD = 0.45
#: Share of the time limit the lot-level model may use (deterministic seconds).
LOT_MODEL_SHARE = 0.25
#: Shares of the time limit after which the order search and the lot model stop whatever
#: their work (guards: each later stage keeps some time on a loaded machine; a stage that no
#: counted stage follows has the whole guard).
ORDER_GUARD = 0.65
LOT_MODEL_GUARD = 0.85
#: Share of the time limit counted as deterministic work in all (the rest is left to model
#: building, rule-based schedules and checks, which are not counted).
WORK_SHARE = 0.8
#: CP-SAT deterministic seconds per second of time limit. Measured (benchmarks/stage_work.py,
#: 2026-12-07, the generated family and the issue's plans): one deterministic second of the
#: arc-flow models (one worker) takes 1-3 CPU seconds, of the lot model (two workers,
#: building included) 2.5-4.5; at 0.1, the campaign level's share (0.4) takes at most about
#: 12 % of the time limit in CPU time and the lot model's (0.25) about 10 %, so that with
#: the searches the counted work of a time limit ends within half of it on an idle machine
#: and before the guard on one twice as loaded.
DETERMINISTIC_PER_SECOND = 0.1
#: Seconds kept at the end of the time limit to assess and report the schedule.
FINISHING = 0.6
#: Share of the time limit for the order search, and lot phases it decodes per second.
ORDER_SHARE = 0.25
PLACEMENTS_PER_SECOND = 25_000
#: Weights of a product switch in the rule-based variants (× the changeover time).
SWITCH_PENALTIES = (1.0, 2.0, 4.0, 8.0)
#: Arc-flow models larger than this (lot arcs) are not built: they would not solve in time.
MAX_FLOW_ARCS = 12_000
#: A lateness model too large to build is cut to its first steps, this many lot arcs: its
#: value is a lower bound that counts changeovers (CP-SAT, within the campaign level's work).
TRUNCATED_ARCS = 4_000
#: From this time limit on, HiGHS's root node bounds the cut model as well (cut_bound.py),
#: on a cut of 100 lot arcs per second of time limit, at least TRUNCATED_ARCS, at most
#: 6,000. Measured (one CPU, root only, HiGHS 1.12 in SciPy): on the 12-room example, 4,000
#: arcs (20 weeks) bound 14 lot-weeks in 2.1 s, 5,000 19 in 8.1 s, 6,000 20 in 7.0 s, 8,000
#: 18 in 20 s (CP-SAT at 4,000: 13; highspy 1.16 at 6,000: 18-19 in 8-13 s by its random
#: seed, at 7,000 21 in 19 s); on the generated family (seeds 5, 8, 10, 16, 19; 4,000
#: arcs) 8.6-12.9 s for bounds 9-71 % above CP-SAT's (e.g. 502 -> 858 lot-days), at 2,000
#: arcs the same as CP-SAT's. So it runs where the campaign level's share can hold its root.
HIGHS_FROM = 30.0
CUT_ARCS_PER_SECOND = 100
MAX_CUT_ARCS = 6_000
#: Share of the time limit after which HiGHS's cut bound stops (a guard: its root's work is
#: not counted; on the family's larger plans a 6,000-arc cut takes 19-28 CPU s, so at 60 s
#: it is stopped with the bound its root had reached, and its run says so).
HIGHS_GUARD = 0.25
#: Branch-and-bound nodes of HiGHS's cut bound: the root (its cutting planes do the work; on
#: the 30-week cut 90 s of nodes after it raise the bound from 19.5 to 20.2).
CUT_NODES = 1
#: Share of the time limit for the sequence search (plans of its shape), its counted work per
#: second (lots timed and moved, see ``sequence_search.LOT_WORK``: measured at 10-12 million
#: a CPU second on the 12-room example and the generated family, so this much takes 16-20 %
#: of the time limit in CPU, 28-32 % with the lot model's share), and the order search's
#: share when the sequence search runs. When the plan is too large for the exact lot model,
#: the sequence search also takes the lot model's share.
SEQUENCE_SHARE = 0.35
SEQUENCE_WORK_PER_SECOND = 6_000_000
ORDER_SHARE_BESIDE_SEQUENCES = 0.1
#: Share of the time limit moved from the sequence search to the lot model when the lot
#: model is small (at most EXACT_SHIFT_ARCS circuit arcs): there it is what proves a
#: schedule optimal. Measured at 10 s: issue 12's 25-lot plan (2,500 arcs) with the lot
#: model's own share (0.25, 0.24 deterministic seconds after building) ends `feasible` (20
#: lot-days, bound 19), with 0.5 it proves 20 optimal; family seeds 0-2 (882-5,043 arcs)
#: keep their values. On larger lot models the sequence search needs the work: family seeds
#: 3, 5 and 6 (7,500-51,000 arcs) got worse with the shift (303 -> 306, 209 -> 243, 556 ->
#: 570 lot-days). Work moves, so the total counted stays the same.
EXACT_SHIFT = 0.25
EXACT_SHIFT_ARCS = 5_500
#: Share of the time limit for a sequence search of the shortest makespan when lots are
#: still left out under lateness (the rest of the lot model's share then searches lateness).
REPAIR_SHARE = 0.15
#: With two workers or more, a sequence search whose share of the time limit is at least this
#: many seconds runs a second chain in another process (solve._sequence_search), its seed
#: this much above the first's: the second core is otherwise idle while the search runs,
#: and on the 12-room example at 60 s one chain ends at 76, 89 or 89 lot-weeks for seeds 0,
#: 1 and 2. Below it, starting the process would cost more than the chain brings.
SECOND_CHAIN_FROM = 15.0
SECOND_CHAIN_SEED = 7_919
#: Share of the time limit for the delivery search (margin and profit: which lots are made,
#: in what order, how early), its counted work per second of that share (lot phases
#: decoded), and the share after which it stops whatever its work when the lot model
#: follows (a guard).
DELIVERY_SHARE = 0.35
DELIVERY_WORK_PER_SECOND = 25_000
DELIVERY_GUARD = 0.7
#: A delivery search of a longer time limit first does the work of this one's, then goes on
#: from its best (see delivery_search.search_deliveries): it never ends below it.
DELIVERY_CHAIN_SECONDS = 10.0
#: Moves the sequence search may make at most (its counted work ends it first).
MAX_MOVES = 100_000_000
#: Share of the time limit after which the sequence search stops whatever its work, when the
#: lot model follows it (a guard).
SEQUENCE_GUARD = 0.9


@dataclass(frozen=True)
class Progress:
    """How a solve stands after one of its stages: the best value and bound so far (steps or
    money, or the plan's unit once converted: ``unit``), seconds since it started."""

    stage: str
    value: float | None
    bound: float | None
    seconds: float
    time_limit: float
    unit: str = ""


@dataclass(frozen=True)
class Solution:
    """The outcome of planning: the best schedule, its assessment, the bound and how it was
    obtained. Objective and bound are in steps (makespan, lateness) or money (margin)."""

    objective: Objective
    status: str
    timetable: Timetable | None
    assessment: Assessment | None
    value: float | None
    bound: float | None
    source: str
    runs: tuple[SolverRun, ...]
    campaign: CampaignPlan | None
    infeasibility: tuple[str, ...]
    seconds: float
    time_limit: float

    @property
    def gap(self) -> float | None:
        """Relative gap between the schedule's value and the bound (0 when proven optimal)."""
        if self.value is None or self.bound is None:
            return None
        difference = abs(self.value - self.bound)
        if difference < 1e-9:
            return 0.0
        return difference / max(abs(self.value), abs(self.bound), 1e-9)


def plan_schedule(
    instance: Instance,
    objective: Objective,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    lot_model: str = "auto",
    campaign_level: bool = True,
    search: bool = True,
    progress: Callable[[Progress], None] | None = None,
    guard: float | None = None,
) -> Solution:
    """Best schedule of ``instance`` for ``objective`` within ``time_limit`` seconds.
    ``lot_model`` is ``auto`` (only while a gap remains), ``always`` or ``never``;
    without ``campaign_level`` and ``search`` (the order and neighbourhood searches) only the
    rule-based schedules and trivial bounds are used. ``progress`` is told the best value and
    bound after each stage. The work done is what ``time_limit`` buys (counted, not timed);
    ``guard`` (by default ``time_limit``) is the wall-clock time after which each stage stops
    whatever its work (a benchmark on a loaded machine may give a longer guard to measure the
    counted work's result)."""
    started = time.perf_counter()
    wall = time_limit if guard is None else guard
    all_lots = objective not in MONEY_OBJECTIVES
    inventory = objective == "profit"
    # the campaign level optimises the margin for the profit objective (the lot model the
    # profit itself): what they find is judged by its profit, and their bound holds for the
    # profit (see _profit_bound)
    solved: Objective = "margin" if objective == "profit" else objective
    runs: list[SolverRun] = []
    best: tuple[Timetable, Assessment, str] | None = None
    partial: tuple[Timetable, Assessment, str] | None = None

    def consider(timetable: Timetable | None, source: str) -> None:
        nonlocal best, partial
        if timetable is None:
            return
        if not all_lots:
            # a lot is optional: a schedule breaking campaign sizes or the inventory's
            # capacity, or making lots that only cost, is fitted by leaving lots out
            fitted = fit_by_leaving_out(instance, timetable, inventory=inventory)
            if fitted is None:
                return
            if len(fitted[0].left_out) > len(timetable.left_out):
                source += ", lots left out to fit"
            timetable, assessment = fitted
            if best is None or _better(objective, assessment, best[1]):
                best = (timetable, assessment, source)
            return
        assessment = assess(instance, timetable)
        if not assessment.feasible:
            if not timetable.left_out:
                return
            # a schedule that leaves lots out: the floor when no schedule of every lot is found
            assessment = assess(instance, timetable, all_lots=False)
            if assessment.feasible and (
                partial is None or _fuller(objective, assessment, partial[1])
            ):
                partial = (timetable, assessment, source)
            return
        if best is None or _better(objective, assessment, best[1]):
            best = (timetable, assessment, source)

    by_due = {penalty: earliest_due_date(instance, penalty) for penalty in (0.0, *SWITCH_PENALTIES)}
    rule_schedules = {"earliest due date": by_due[0.0], "campaign order": campaign_order(instance)}
    for penalty in SWITCH_PENALTIES:
        rule_schedules[f"earliest due date, switches weighted ×{penalty:g}"] = by_due[penalty]
    if objective == "profit":
        rule_schedules.update(profit_schedules(instance))
    if has_campaign_sizes(instance):
        rule_schedules["campaigns of the plan's sizes"] = campaign_sized(instance)
        rule_schedules["campaigns of the plan's sizes, switches weighted ×2"] = campaign_sized(
            instance, 2.0
        )
    if objective in MONEY_OBJECTIVES:
        reason = f"not made: the {objective} is higher without it"
        rule_schedules["nothing made"] = Timetable(
            (), tuple((lot.index, reason) for lot in instance.lots)
        )
    for name, timetable in rule_schedules.items():
        consider(timetable, f"rule: {name}")
    bound = _trivial_bound(instance, objective)

    def report(stage: str) -> None:
        if progress is not None:
            value = None if best is None else best[1].objective(objective)
            seconds = time.perf_counter() - started
            progress(Progress(stage, value, bound, seconds, time_limit))

    report("rule-based schedules")
    campaign: CampaignPlan | None = None
    rooted: Beside[SolverRun] | None = None  # HiGHS's root, running beside the order search
    rooted_at = 0
    proven_infeasible = False
    found = stages(instance)
    if found and campaign_level:
        hint = best[0] if best is not None else rule_schedules["earliest due date"]
        deadline = started + wall * CAMPAIGN_GUARD
        level = _campaign_level(
            instance,
            solved,
            found,
            bound,
            hint,
            deadline,
            seed,
            time_limit * CAMPAIGN_SHARE * DETERMINISTIC_PER_SECOND,
            time_limit,
            workers,
        )
        runs += level.runs
        rooted, rooted_at = level.rooted, len(runs)
        bound, campaign = _profit_bound(instance, objective, level.bound), level.plan
        proven_infeasible = level.infeasible
        if level.aggregated is not None:
            consider(level.aggregated, "aggregate campaign plan decoded")
        if level.decoded is not None:
            consider(level.decoded, "campaign plan (arc-flow) decoded")
        report("campaign level")
    closed = best is not None and _closed(instance, objective, best[1], bound)
    guard = started + wall - FINISHING
    work_left = time_limit * WORK_SHARE - (time_limit * CAMPAIGN_SHARE if found else 0.0)
    order_share = ORDER_SHARE
    if search and objective not in MONEY_OBJECTIVES and sequence_shape(instance) is not None:
        order_share = ORDER_SHARE_BESIDE_SEQUENCES
    if (
        search
        and objective not in MONEY_OBJECTIVES
        and (best is None or not _closed(instance, objective, best[1], bound))
    ):
        searched = search_orders(
            instance,
            objective,
            due_order(instance),
            min(by_due, key=lambda penalty: score(instance, objective, by_due[penalty])),
            placements=int(time_limit * order_share * PLACEMENTS_PER_SECOND),
            deadline=min(guard, started + wall * ORDER_GUARD),
            seed=seed,
        )
        work_left -= time_limit * order_share
        runs.append(
            _search_run(
                f"order search (simulated annealing over the rule-based order),"
                f" {searched.decoded} orders decoded",
                time_limit * order_share,
                searched.guarded,
                status="feasible" if not searched.timetable.left_out else "partial",
                objective=None if searched.timetable.left_out else searched.value,
            )
        )
        consider(searched.timetable, "order search (simulated annealing)")
        report("order search")
        closed = best is not None and _closed(instance, objective, best[1], bound)
    if rooted is not None:
        highs = rooted.result(guard)
        if rooted.fallback is not None:
            highs = replace(highs, note=rooted.fallback)
        runs.insert(rooted_at, highs)  # where it would be, had it run in the campaign level
        if highs.bound is not None:
            bound = _tighter(objective, bound, highs.bound)
            closed = best is not None and _closed(instance, objective, best[1], bound)
            report("cut bound (HiGHS)")
    lot_arcs = arc_count(instance)  # the lot model's size
    exact = lot_arcs <= MAX_ARCS
    # the searches keep time for the lot model only when it is to run after them
    lot_model_follows = lot_model == "always" or (lot_model == "auto" and exact)
    if search and objective in MONEY_OBJECTIVES and not closed:
        # the lot model's share too when it will not run (too large for the exact model)
        share = DELIVERY_SHARE + (0.0 if lot_model_follows else LOT_MODEL_SHARE)
        delivered = search_deliveries(
            instance,
            objective,
            work=int(time_limit * share * DELIVERY_WORK_PER_SECOND),
            deadline=min(guard, started + wall * DELIVERY_GUARD) if lot_model_follows else guard,
            seed=seed,
            chain=int(DELIVERY_CHAIN_SECONDS * share * DELIVERY_WORK_PER_SECOND),
        )
        work_left -= time_limit * share
        if delivered is not None:
            runs.append(
                _search_run(
                    "delivery search (simulated annealing over which lots are made,"
                    f" their order and how early), {delivered.decoded:,} schedules decoded",
                    time_limit * share,
                    delivered.guarded,
                    objective=delivered.value,
                )
            )
            consider(delivered.timetable, "delivery search (simulated annealing)")
            report("delivery search")
            closed = best is not None and _closed(instance, objective, best[1], bound)
    shape = sequence_shape(instance) if search and objective not in MONEY_OBJECTIVES else None
    sequence_stop = min(guard, started + wall * SEQUENCE_GUARD) if lot_model_follows else guard
    shifted = 0.0  # work the sequence search leaves to the lot model
    if shape is not None and (best is None or not _closed(instance, objective, best[1], bound)):
        seeded = best or partial
        start = seeded[0] if seeded is not None else rule_schedules["earliest due date"]
        # the lot model's share too when it will not run (too large, and a schedule known)
        share = SEQUENCE_SHARE + (
            LOT_MODEL_SHARE if lot_model == "auto" and not exact and best is not None else 0.0
        )
        if lot_model == "auto" and best is not None and lot_arcs <= EXACT_SHIFT_ARCS:
            # a schedule of every lot is known: the exact lot model may prove it or better it
            shifted = EXACT_SHIFT
            share -= shifted
        chains = 2 if workers >= 2 and time_limit * share >= SECOND_CHAIN_FROM else 1
        sequenced = _sequence_search(
            instance, objective, start, time_limit * share, sequence_stop, seed, shape, chains
        )
        if sequenced is not None:
            work_left -= time_limit * share
            runs.append(
                _search_run(
                    f"sequence search (simulated annealing over the '{shape.kind}'"
                    f" rooms' lot sequences), {sequenced.moves:,} moves",
                    time_limit * share,
                    sequenced.guarded,
                    status="feasible" if not sequenced.timetable.left_out else "partial",
                    note=sequenced.note,
                )
            )
            consider(sequenced.timetable, "sequence search (simulated annealing)")
            report("sequence search")
            closed = best is not None and _closed(instance, objective, best[1], bound)
    repaired = False
    if shape is not None and best is None and objective == "lateness" and lot_model == "auto":
        # lots are still left out: the shortest makespan packs the bottleneck (a QC lab kept
        # busy to the end) where lateness does not look; its schedule, if complete, is then
        # searched for lateness. This takes the lot model's share (which found nothing on the
        # plans where this happens, e.g. issue 12's 60-lot plan).
        seeded = partial
        start = seeded[0] if seeded is not None else rule_schedules["earliest due date"]
        goals: tuple[tuple[Objective, float], ...] = (
            ("makespan", REPAIR_SHARE),
            ("lateness", LOT_MODEL_SHARE - REPAIR_SHARE),
        )
        for goal, part in goals:
            found_ = _sequence_search(
                instance, goal, start, time_limit * part, sequence_stop, seed, shape
            )
            if found_ is None or found_.timetable.left_out:
                break
            runs.append(
                _search_run(
                    f"sequence search for the {goal} (no schedule of every lot known"
                    f" yet), {found_.moves:,} moves",
                    time_limit * part,
                    found_.guarded,
                )
            )
            consider(found_.timetable, f"sequence search for the {goal}")
            start = found_.timetable
        repaired = best is not None
        work_left -= time_limit * LOT_MODEL_SHARE
        if repaired:
            report("sequence search for a schedule of every lot")
            closed = best is not None and _closed(instance, objective, best[1], bound)
    wanted = lot_model == "always" or (lot_model == "auto" and not closed and not repaired)
    if not proven_infeasible and wanted and (exact or best is None or lot_model == "always"):
        forced = lot_model == "always"  # asked for: it has the time the searches would have
        # asked for, it has what the searches left, and never less than its own share
        own = LOT_MODEL_SHARE + shifted
        share = max(work_left, own * time_limit) if forced else own * time_limit
        improve_follows = search and objective not in MONEY_OBJECTIVES and work_left - share > 0.05
        stop = min(guard, started + wall * LOT_MODEL_GUARD) if improve_follows else guard
        left = stop - time.perf_counter()
        # building the exact model is counted too: a charge per circuit arc (see lot_model)
        arcs = lot_arcs if exact else 0
        build = arcs * BUILD_CHARGE_PER_ARC
        lot_work = share * DETERMINISTIC_PER_SECOND - build
        if forced:
            lot_work = max(lot_work, MIN_WORK)
        if lot_work < MIN_WORK:
            work_left -= share
            why = (
                f"building its {arcs:,} circuit arcs would take its share of the time limit"
                if build >= MIN_WORK
                else "its share of the time limit is below the least work it needs"
            )
            runs.append(_skipped_run(f"lot-level interval model (CP-SAT): not built, {why}", share))
        elif left > 0.05:
            seeded = best or partial
            lot = solve_lot_model(
                instance,
                objective if objective == "profit" else solved,
                time_limit=left,
                work=lot_work,
                hint=seeded[0] if seeded is not None else None,
                bound=None if objective == "profit" else bound,  # a profit bound is no margin's
                workers=workers,
                seed=seed,
            )
            work_left -= share
            runs.append(lot.run)
            consider(lot.timetable, "lot-level model (CP-SAT)")
            if lot.run.status == "infeasible" and not lot.restricted:
                proven_infeasible = True
            elif lot.run.bound is not None:
                bound = _tighter(
                    objective, bound, _profit_bound(instance, objective, lot.run.bound)
                )
            report("lot-level model")
        else:
            work_left -= share
            runs.append(
                _skipped_run(
                    "lot-level interval model (CP-SAT): not built, the stages before it took"
                    " the time limit's wall clock",
                    share,
                    guarded=True,
                )
            )
    elif not proven_infeasible and wanted:
        runs.append(
            _skipped_run(
                f"lot-level interval model (CP-SAT): not built, its {lot_arcs:,} circuit"
                f" arcs are more than the {MAX_ARCS:,} it solves whole"
                + ("; its share of the time limit went to the searches" if search else ""),
                LOT_MODEL_SHARE * time_limit,
            )
        )
    if (
        search
        and objective not in MONEY_OBJECTIVES
        and best is not None
        and not _closed(instance, objective, best[1], bound)
        and work_left > 0.05
    ):
        better = improve(
            instance,
            objective,
            best[0],
            work=work_left * DETERMINISTIC_PER_SECOND,
            deadline=guard,
            seed=seed,
        )
        if better is not None:
            runs.append(better.run)
            if _better(objective, better.assessment, best[1]):
                best = (better.timetable, better.assessment, "large-neighbourhood search")
            report("large-neighbourhood search")
    seconds = time.perf_counter() - started
    if best is None:
        reasons = tuple(diagnose(instance, found))
        if proven_infeasible and not reasons:
            proof = next((run.model for run in runs if run.status == "infeasible"), "the solver")
            horizon = instance.time_text(instance.horizon)
            reasons = (
                f"horizon: no schedule makes every lot within the {horizon} horizon"
                f" (proved by the {proof})",
            )
        if reasons and instance.roundings:
            reasons += tuple(f"the time grid may cause this: {note}" for note in instance.roundings)
        shown = partial if partial is not None else None
        return Solution(
            objective=objective,
            status="infeasible" if proven_infeasible or reasons else "partial",
            timetable=None if shown is None else shown[0],
            assessment=None if shown is None else shown[1],
            value=None if shown is None else shown[1].objective(objective),
            bound=None,
            source="" if shown is None else shown[2],
            runs=tuple(runs),
            campaign=campaign,
            infeasibility=reasons,
            seconds=seconds,
            time_limit=time_limit,
        )
    timetable, assessment, source = best
    value = assessment.objective(objective)
    if objective == "margin":
        value = rounded_margin(instance, assessment)
    money = objective in MONEY_OBJECTIVES
    assert (bound >= value - 1e-6) if money else (bound <= value + 1e-6), (
        f"bound {bound} is on the wrong side of a schedule worth {value}"
    )
    status = "optimal" if _closed(instance, objective, assessment, bound, value) else "feasible"
    return Solution(
        objective=objective,
        status=status,
        timetable=timetable,
        assessment=assessment,
        value=value,
        bound=bound,
        source=source,
        runs=tuple(runs),
        campaign=campaign,
        infeasibility=(),
        seconds=seconds,
        time_limit=time_limit,
    )


@dataclass(frozen=True)
class _CampaignLevel:
    bound: float
    plan: CampaignPlan | None
    decoded: Timetable | None
    aggregated: Timetable | None
    infeasible: bool
    runs: tuple[SolverRun, ...]
    #: HiGHS's root on the cut model, running in another process beside the next stages
    rooted: Beside[SolverRun] | None = None


def _campaign_level(
    instance: Instance,
    objective: Objective,
    found: list[Stage],
    bound: float,
    hint: Timetable,
    deadline: float,
    seed: int,
    work: float,
    time_limit: float,
    workers: int,
) -> _CampaignLevel:
    """Aggregate bounds (makespan), then the arc-flow model of the busiest stage small enough
    to build, seeded with the best schedule so far; its plan decoded into lots. With two
    ``workers``, HiGHS's root on the cut model runs in another process (``rooted``: its
    result is taken after the order search, which runs beside it)."""
    runs: list[SolverRun] = []
    infeasible = False
    aggregated: Timetable | None = None
    if objective == "makespan":
        # the aggregate decisions count search steps, as many as the campaign level's share
        # of the time limit buys (deterministic seconds back to seconds of time limit)
        steps = int(work / DETERMINISTIC_PER_SECOND * AGGREGATE_STEPS_PER_SECOND)
        for stage in found:
            left = deadline - time.perf_counter()
            share = 0.75 if stage is found[0] else 0.5  # the busiest stage matters most
            aggregate = aggregate_plan(
                instance, stage, time_limit=max(left, 0.05), work=int(steps * share)
            )
            steps -= aggregate.steps
            runs.append(aggregate.run)
            if aggregate.run.status == "infeasible":
                infeasible = True
            elif aggregate.run.bound is not None:
                bound = max(bound, math.ceil(aggregate.run.bound - 1e-9))
            if aggregated is None and aggregate.lots:
                aggregated = decode_aggregate(instance, stage, aggregate)
        if aggregated is not None:
            achieved = assess(instance, aggregated)
            if achieved.feasible and achieved.makespan <= bound:
                # the aggregate plan's schedule meets its own bound: proven, nothing to add
                return _CampaignLevel(bound, None, None, aggregated, infeasible, tuple(runs))
    for stage in found:
        size = flow_arcs(instance, stage)
        if size > MAX_FLOW_ARCS and objective == "lateness":
            until = int(instance.horizon * TRUNCATED_ARCS / size)
            arcs = min(MAX_CUT_ARCS, max(TRUNCATED_ARCS, CUT_ARCS_PER_SECOND * time_limit))
            rooted_until = int(instance.horizon * arcs / size) if time_limit >= HIGHS_FROM else 0
            # HiGHS's root on that cut, its guard counted from when it is made
            root = partial(_highs_root, instance, stage, rooted_until, deadline, time_limit)
            rooted = Beside(root) if rooted_until > 0 and workers >= 2 else None
            if until > 0:
                cut = arc_flow(
                    instance,
                    stage,
                    objective,
                    time_limit=max(deadline - time.perf_counter(), 0.05),
                    work=work,
                    workers=1,
                    seed=seed,
                    until=until,
                )
                unit = instance.time_text(until)
                runs.append(
                    replace(
                        cut.run,
                        model=f"arc-flow lateness bound over the first {unit}, stage"
                        f" '{stage.kind}' (changeovers counted; CP-SAT)",
                        objective=None,
                    )
                )
                if cut.run.bound is not None:
                    bound = _tighter(objective, bound, cut.run.bound)
            if rooted_until > 0 and rooted is None:
                here = root()
                runs.append(here)
                if here.bound is not None:
                    bound = _tighter(objective, bound, here.bound)
            if until > 0 or rooted_until > 0:
                # the busiest stage's cut bound is the campaign level's answer: a later,
                # less busy stage would bound less and take the work the searches need
                return _CampaignLevel(
                    bound, None, None, aggregated, infeasible, tuple(runs), rooted
                )
        if size > MAX_FLOW_ARCS:
            runs.append(
                _skipped_run(
                    f"arc-flow campaign model, stage '{stage.kind}': not built,"
                    f" {size:,} lot arcs (limit {MAX_FLOW_ARCS:,})",
                    0.0,
                )
            )
            continue
        plan = arc_flow(
            instance,
            stage,
            objective,
            time_limit=max(deadline - time.perf_counter(), 0.05),
            work=work,
            lower_bound=int(bound) if objective == "makespan" else 0,
            hint=hint,
            workers=1,
            seed=seed,
        )
        runs.append(plan.run)
        if plan.run.status == "infeasible":
            infeasible = True
        elif plan.run.bound is not None:
            bound = _tighter(objective, bound, plan.run.bound)
        decoded = decode(instance, stage, plan) if plan.sequences else None
        return _CampaignLevel(bound, plan, decoded, aggregated, infeasible, tuple(runs))
    return _CampaignLevel(bound, None, None, aggregated, infeasible, tuple(runs))


def _search_run(
    model: str,
    time_limit: float,
    guarded: bool,
    *,
    status: str = "feasible",
    objective: float | None = None,
    note: str = "",
) -> SolverRun:
    """The run of a search (no bound of its own; its time is the pipeline's)."""
    return SolverRun(
        model=model,
        status=status,
        objective=objective,
        bound=None,
        seconds=0.0,
        time_limit=time_limit,
        guarded=guarded,
        note=note,
    )


def _skipped_run(model: str, time_limit: float, guarded: bool = False) -> SolverRun:
    """The run of a model not built (``model`` says why; ``guarded``: the wall clock, not
    the counted work, left it out)."""
    return SolverRun(
        model=model,
        status="skipped",
        objective=None,
        bound=None,
        seconds=0.0,
        time_limit=time_limit,
        guarded=guarded,
    )


def _highs_root(
    instance: Instance, stage: Stage, until: int, deadline: float, time_limit: float
) -> SolverRun:
    """HiGHS's root on the cut model of ``stage`` up to ``until``, guarded by a share of the
    time limit or the campaign level's ``deadline``, whichever comes first from now."""
    left = min(deadline - time.perf_counter(), HIGHS_GUARD * time_limit)
    return cut_bound(instance, stage, until, nodes=CUT_NODES, time_limit=max(left, 0.05))


def _sequence_search(
    instance: Instance,
    objective: Objective,
    start: Timetable,
    seconds: float,
    deadline: float,
    seed: int,
    shape: Shape,
    chains: int = 1,
) -> SequenceSearch | None:
    """The sequence search from ``start``, its work what ``seconds`` of time limit buy. With
    two ``chains``, a second search from the same start with another seed runs at the same
    time in another process (the same work: deterministic too; here, after the first, when
    that process cannot run it), and the better of the two is kept (the first on a tie, so
    the result is never worse than one chain's)."""
    search = partial(
        search_sequences,
        instance,
        objective,
        start,
        moves=MAX_MOVES,
        work=int(seconds * SEQUENCE_WORK_PER_SECOND),
        deadline=deadline,
        shape=shape,
    )
    if chains < 2:
        return search(seed=seed)
    other = Beside(partial(search, seed=seed + SECOND_CHAIN_SEED))
    first = search(seed=seed)
    second = other.result(deadline)
    kept = first if first is None or second is None or first.score <= second.score else second
    if kept is None or other.fallback is None:
        return kept
    return replace(kept, note=f"second chain {other.fallback}")


def _profit_bound(instance: Instance, objective: Objective, bound: float) -> float:
    """A bound the solvers proved (the campaign level's on the margin, the lot model's on the
    profit), as a bound on the profit. Without shelf lives every made lot serves the due date
    first in, first out, as under margin, so a schedule's profit is its margin less inventory
    costs and unmet-demand penalties (never more), and the lot model's schedules are all the
    schedules; the solvers count each gain, penalty and cost in whole money units, hence
    the slack of the most that rounding can change. With shelf lives a wasted lot can change
    that, and so can a conversion between stages (lots that feed others are never sold, and
    are paired with their own demanded lots): only the plan's own bound is kept."""
    if objective != "profit":
        return bound
    staged = any(lot.feeders for lot in instance.lots)
    if staged or any(product.shelf_life is not None for product in instance.products):
        return _trivial_bound(instance, objective)

    unit = instance.money_unit

    def error(amount: float) -> float:
        return abs(amount - instance.in_money_units(amount) * unit)

    steps = instance.horizon
    slack = sum(
        unit
        + (
            error(lot.penalty_per_step)
            + error(instance.storage_cost_per_step)
            + error(instance.inventory_cost_of(lot.product))
        )
        * steps
        for lot in instance.lots
    )  # value less cost, and the unmet penalty: half a unit each
    # a changeover before each phase at most
    slack += 0.5 * unit * sum(len(instance.products[lot.product].phases) for lot in instance.lots)
    return min(_trivial_bound(instance, objective), bound + slack)


def _fuller(objective: Objective, new: Assessment, old: Assessment) -> bool:
    """More lots made, then the better objective (schedules that leave lots out)."""
    if len(new.completion) != len(old.completion):
        return len(new.completion) > len(old.completion)
    return _better(objective, new, old)


def _better(objective: Objective, new: Assessment, old: Assessment) -> bool:
    if objective in MONEY_OBJECTIVES:
        return new.objective(objective) > old.objective(objective) + 1e-9
    return new.objective(objective) < old.objective(objective)


def _closed(
    instance: Instance,
    objective: Objective,
    assessment: Assessment,
    bound: float,
    value: float | None = None,
) -> bool:
    value = assessment.objective(objective) if value is None else value
    if objective in MONEY_OBJECTIVES:
        return bound - value < 0.5 * instance.money_unit
    return value <= bound + 1e-9


def rounded_margin(instance: Instance, assessment: Assessment) -> float:
    """The margin as the solvers count it: each lot's gain, penalty, changeover and storage
    cost rounded to whole money units (`Instance.money_unit`: whole units of the currency
    unless the plan states smaller amounts)."""
    money = instance.in_money_units
    total = 0
    for lot, demand in assessment.serves.items():
        spec = instance.lots[demand]
        total += money(spec.value - instance.products[instance.lots[lot].product].cost_per_lot)
        total -= money(spec.penalty_per_step) * assessment.lateness[lot]
    total -= sum(money(change.cost) for change in assessment.changeovers)
    if instance.storage_cost_per_step:
        waited = round(assessment.storage_cost / instance.storage_cost_per_step)
        total -= money(instance.storage_cost_per_step) * waited
    return total * instance.money_unit


def _tighter(objective: Objective, bound: float, new: float) -> float:
    if objective in MONEY_OBJECTIVES:
        return min(bound, new)
    return max(bound, math.ceil(new - 1e-6))


def _trivial_bound(instance: Instance, objective: Objective) -> float:
    """Bounds from each product alone, every room able to make it at its service: its k-th
    lot cannot be released before its recipe's head, ⌈(k + 1) ÷ places⌉ phases back to back
    in the phase with the fewest places, and its tail. Margin: every lot's value less cost;
    profit: see :func:`_profit_ceiling`."""
    earliest = _earliest_releases(instance)
    if objective == "profit":
        return _profit_ceiling(instance, earliest)
    if objective == "margin":
        # in the solvers' money units, as the margin reported is (rounded_margin)
        gains = (
            instance.in_money_units(lot.value - instance.products[lot.product].cost_per_lot)
            for lot in instance.lots
        )
        return float(sum(max(0, gain) for gain in gains)) * instance.money_unit
    makespan = float(max(earliest.values(), default=0))
    lateness = float(sum(max(0, earliest[lot.index] - lot.due) for lot in instance.lots))
    return makespan if objective == "makespan" else lateness


def _earliest_releases(instance: Instance) -> dict[int, int]:
    """The earliest each product's k-th lot (first in, first out) can be released, the
    product alone in the plan (see :func:`_trivial_bound`), and no earlier than its feeder's
    earliest release and its own recipe after it (a conversion between stages)."""
    earliest: dict[int, int] = {}
    for p, product in enumerate(instance.products):
        total = sum(phase.duration for phase in product.phases)
        for k, lot in enumerate(instance.lots_of(p)):
            earliest[lot.index] = total + max(
                phase.duration * (math.ceil((k + 1) / max(1, _places(instance, p, j))) - 1)
                for j, phase in enumerate(product.phases)
            )
    for lot in _feeders_before(instance):
        if lot.feeders:
            recipe = sum(phase.duration for phase in instance.products[lot.product].phases)
            fed = max(earliest[feeder] for feeder in lot.feeders) + recipe
            earliest[lot.index] = max(earliest[lot.index], fed)
    return earliest


def _feeders_before(instance: Instance) -> list[LotSpec]:
    """The lots, each after the lot that feeds it (the loader refuses cycles)."""
    depth: dict[int, int] = {}

    def level(index: int) -> int:
        if index not in depth:
            feeders = instance.lots[index].feeders
            depth[index] = max((level(feeder) + 1 for feeder in feeders), default=0)
        return depth[index]

    return sorted(instance.lots, key=lambda lot: (level(lot.index), lot.index))


def _profit_ceiling(instance: Instance, earliest: dict[int, int]) -> float:
    """The most profit the demanded lots can make. The k-th due date of a product is served,
    if at all, by its k-th lot released (earliest due first), which cannot be released
    before ``earliest`` of that lot: served, it earns its value (none for a lot that feeds
    others: consumed or unsold, it is never sold) less its cost and the backlog penalty of
    that least lateness; not served, it pays its unmet penalty. For a conversion between two
    stages (an upstream product whose lots feed n lots each of a downstream one, or k of
    them pooled into one), the m due dates of the downstream product served need at least
    the feeders of m lots made (⌈m ÷ n⌉, or k·m), each at its cost, the others paying their
    unmet penalties: the best m is taken. Other lots count one by one, each the better of
    served and not; a product's lots that feed none count as released as soon as its first
    lots could be (the lots that feed may not be made)."""
    feeders = {feeder for lot in instance.lots for feeder in lot.feeders}
    # the lots of a product that feed others may not be made at all: its other lots may then
    # be released as soon as its first ones could
    soonest = dict(earliest)
    for p in range(len(instance.products)):
        lots = instance.lots_of(p)
        others = [lot for lot in lots if lot.index not in feeders]
        if len(others) < len(lots):
            for lot, place in zip(others, lots, strict=False):
                soonest[lot.index] = min(earliest[lot.index], earliest[place.index])

    def served(lot: LotSpec) -> float:
        value = 0.0 if lot.index in feeders else lot.value
        late = max(0, soonest[lot.index] - lot.due)
        return value - instance.products[lot.product].cost_per_lot - lot.penalty_per_step * late

    counted: set[int] = set()
    total = 0.0
    for upstream, downstream in _two_stage_pairs(instance):
        fed = instance.lots_of(downstream)
        feeding = [lot for lot in instance.lots_of(upstream) if lot.index in feeders]
        unmet = sorted(lot.unmet_penalty for lot in feeding)
        cost = instance.products[upstream].cost_per_lot

        def feeder_side(made: int, unmet: list[float] = unmet, cost: float = cost) -> float:
            return -made * cost - sum(unmet[: len(unmet) - made])

        best = -math.inf
        for m in range(len(fed) + 1):
            side = sum(served(lot) for lot in fed[:m]) - sum(lot.unmet_penalty for lot in fed[m:])
            # the fewest feeders m fed lots draw on: those of the first m (a regular mapping)
            need = len({feeder for lot in fed[:m] for feeder in lot.feeders})
            best = max(best, side + max(feeder_side(f) for f in range(need, len(feeding) + 1)))
        total += best
        counted |= {lot.index for lot in (*fed, *feeding)}
    total += sum(
        max(served(lot), -lot.unmet_penalty) for lot in instance.lots if lot.index not in counted
    )
    return float(total)


def _two_stage_pairs(instance: Instance) -> list[tuple[int, int]]:
    """(upstream, downstream) products of a conversion between two stages that is not part
    of a longer chain: the downstream lots are fed by lots of the upstream product alone,
    which are not fed themselves, and feed none."""
    pairs = []
    feeders = {feeder for lot in instance.lots for feeder in lot.feeders}
    for d in range(len(instance.products)):
        fed = instance.lots_of(d)
        sources = {instance.lots[feeder].product for lot in fed for feeder in lot.feeders}
        if len(sources) != 1 or any(not lot.feeders for lot in fed):
            continue
        (u,) = sources
        upstream = instance.lots_of(u)
        if any(lot.feeders for lot in upstream) or any(lot.index in feeders for lot in fed):
            continue
        pairs.append((u, d))
    return pairs


def _places(instance: Instance, product: int, phase: int) -> int:
    return sum(instance.rooms[g].places for g in instance.rooms_for(product, phase))


def diagnose(instance: Instance, found: list[Stage] | None = None) -> list[str]:
    """Why a plan cannot be met, as far as simple counting shows: a lot longer than the
    horizon, or a product's lots needing more room time than every room able to make it has."""
    reasons: list[str] = []
    unit = instance.step_unit
    scale = instance.unit_steps
    for p, product in enumerate(instance.products):
        lots = instance.lots_of(p)
        if not lots:
            continue
        length = sum(phase.duration for phase in product.phases)
        if length > instance.horizon:
            reasons.append(
                f"products '{product.name}': one lot takes {length / scale:g} {unit}, longer than"
                f" the {instance.horizon / scale:g} {unit} horizon"
            )
            continue
        for j, phase in enumerate(product.phases):
            groups = instance.rooms_for(p, j)
            need = len(lots) * phase.duration
            available = 0
            for g in groups:
                room = instance.rooms[g]
                closed = sum(end - start for start, end in room.shutdowns)
                hold = phase.duration + room.cleaning
                per_room = max(0, instance.horizon - closed + room.cleaning) // hold
                available += per_room * room.places * phase.duration
            if need > available:
                names = ", ".join(instance.rooms[g].name for g in groups)
                reasons.append(
                    f"demands for '{product.name}': {len(lots)} lots need"
                    f" {need / scale:g} {unit} of '{phase.kind}' time ({phase.name}), but even"
                    f" with every room able to make it ({names}) only"
                    f" {available // phase.duration} lots fit in the horizon"
                )
    for stage in found or []:
        places = sum(instance.rooms[g].places for g in stage.groups)
        work = sum(
            instance.hold(instance.rooms[stage.groups[0]], lot.product, stage.phase[lot.product])
            for lot in instance.lots
            if lot.product in stage.phase
        )
        if work > places * instance.horizon:
            reasons.append(
                f"rooms of kind '{stage.kind}': the lots need {work / scale:g} {unit} of room time,"
                f" {places} rooms give {places * instance.horizon / scale:g} {unit}"
            )
    return reasons
