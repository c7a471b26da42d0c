"""Shewhart control charts from a frozen baseline: individuals and moving range (I-MR) for one
value a lot, X̄-R and X̄-S when lots carry replicates, with the Nelson and Western Electric run
rules, and the false-alarm rate that limits estimated from few lots imply.

Formulas: Montgomery, *Introduction to Statistical Quality Control*, ch. 6 (X̄-R, X̄-S, I-MR);
the bias constants d2, d3 and c4 are computed from their definitions (not typed from tables)
and tested against the published tables. Rules: Nelson (1984), Western Electric (1956).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from genofab.errors import UsageError
from genofab.results.records import ChartLimits, ControlChart, Signal

Array = NDArray[np.float64]

#: Limits from fewer baseline lots than this are provisional (shared/reference
#: anchors-workbench-records.md §2.3 D: with 20 lots the chance of a false alarm in the next
#: 20 is still 16 %, three times the 5.3 % of known limits).
PROVISIONAL_BELOW = 20
#: Points judged after the baseline when the false-alarm rate of the limits is stated.
HORIZON = 20
#: Fewest baseline points that give limits at all.
MIN_BASELINE = 3
#: The most lots (points) one chart takes.
MAX_POINTS = 100_000

#: The run rules, by name: what each looks for.
RULES: dict[str, str] = {
    "nelson1": "one point beyond 3 sigma",
    "nelson2": "nine points in a row on one side of the centre line",
    "nelson3": "six points in a row steadily increasing or decreasing",
    "nelson4": "fourteen points in a row alternating up and down",
    "nelson5": "two of three points beyond 2 sigma on the same side",
    "nelson6": "four of five points beyond 1 sigma on the same side",
    "nelson7": "fifteen points in a row within 1 sigma",
    "nelson8": "eight points in a row beyond 1 sigma, on either side",
    "we1": "one point beyond 3 sigma",
    "we2": "two of three points beyond 2 sigma on the same side",
    "we3": "four of five points beyond 1 sigma on the same side",
    "we4": "eight points in a row on one side of the centre line",
}
#: Named sets of rules.
RULE_SETS: dict[str, tuple[str, ...]] = {
    "nelson": tuple(f"nelson{i}" for i in range(1, 9)),
    "western-electric": ("we1", "we2", "we3", "we4"),
    "none": (),
}


def choose_rules(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Rules from names (``nelson``, ``western-electric``, ``none`` or single rules such as
    ``nelson2``), each once, in the order given."""
    chosen: list[str] = []
    for name in names:
        key = name.strip().lower()
        found = RULE_SETS.get(key, (key,) if key in RULES else None)
        if found is None:
            known = ", ".join([*RULE_SETS, *RULES])
            raise UsageError(f"'{name}' is not a run rule; choose from: {known}")
        chosen += [rule for rule in found if rule not in chosen]
    return tuple(chosen)


# --- bias constants -------------------------------------------------------------------------


_GRID = np.linspace(-9.0, 9.0, 3601)


def _cdf(x: Array) -> Array:
    from scipy import special

    return np.asarray(special.ndtr(x))


@lru_cache(maxsize=64)
def d2(n: int) -> float:
    """Mean range of n standard normal values: ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx."""
    _check_size(n)
    phi = _cdf(_GRID)
    return float(np.trapezoid(1.0 - phi**n - (1.0 - phi) ** n, _GRID))


@lru_cache(maxsize=64)
def d3(n: int) -> float:
    """Standard deviation of the range of n standard normal values:
    E[R²] = 2 ∫∫ 1 − Φ(x + t)ⁿ − (1 − Φ(x))ⁿ + (Φ(x + t) − Φ(x))ⁿ dt dx over t ≥ 0."""
    _check_size(n)
    x = np.linspace(-8.0, 8.0, 641)
    t = np.linspace(0.0, 16.0, 641)
    fx = _cdf(x)[:, None]
    fy = _cdf(x[:, None] + t[None, :])
    inner = 1.0 - fy**n - (1.0 - fx) ** n + (fy - fx) ** n
    second = 2.0 * np.trapezoid(np.trapezoid(inner, t, axis=1), x)
    return float(math.sqrt(second - d2(n) ** 2))


def c4(n: int) -> float:
    """E[s] ÷ σ for n normal values: √(2 ÷ (n − 1)) Γ(n/2) ÷ Γ((n − 1)/2)."""
    _check_size(n)
    return math.exp(
        0.5 * math.log(2.0 / (n - 1)) + math.lgamma(n / 2.0) - math.lgamma((n - 1) / 2.0)
    )


def _check_size(n: int) -> None:
    if not 2 <= n <= 50:
        raise UsageError(f"a subgroup of {n}: subgroups hold 2 to 50 values")


# --- charts ---------------------------------------------------------------------------------


def individuals_chart(
    values: Array,
    *,
    baseline: int | None = None,
    rules: tuple[str, ...] = RULE_SETS["nelson"],
    measurement: str = "",
    unit: str = "",
    lots: tuple[str, ...] = (),
    provisional_below: int = PROVISIONAL_BELOW,
) -> ControlChart:
    """I-MR chart: limits from the first ``baseline`` points (all, by default), then frozen.
    σ = MR̄ ÷ d2(2); limits x̄ ± 3σ; moving-range limit D4(2)·MR̄."""
    x = _points(values)
    m = _baseline(baseline, x.size)
    base = x[:m]
    ranges = np.abs(np.diff(x))
    mr_bar = float(np.mean(np.abs(np.diff(base))))
    sigma = mr_bar / d2(2)
    center = float(np.mean(base))
    d4 = 1.0 + 3.0 * d3(2) / d2(2)
    return _chart(
        kind="I-MR",
        points=x,
        spreads=(None, *(float(r) for r in ranges)),
        center=center,
        point_sigma=sigma,
        sigma=sigma,
        spread=ChartLimits(center=mr_bar, lower=None, upper=d4 * mr_bar),
        baseline=m,
        subgroup=1,
        rules=rules,
        measurement=measurement,
        unit=unit,
        lots=lots,
        provisional_below=provisional_below,
    )


def subgroup_chart(
    table: Array,
    *,
    spread: str = "auto",
    baseline: int | None = None,
    rules: tuple[str, ...] = RULE_SETS["nelson"],
    measurement: str = "",
    unit: str = "",
    lots: tuple[str, ...] = (),
    provisional_below: int = PROVISIONAL_BELOW,
) -> ControlChart:
    """X̄-R (``spread='range'``) or X̄-S (``'sd'``; ``'auto'``: R up to 10 replicates) chart of
    a lots × replicates table; lots with a missing replicate are left out."""
    data = np.asarray(table, dtype=float)
    if data.ndim != 2 or data.shape[1] < 2:
        raise UsageError("an X̄ chart needs at least 2 replicates a lot")
    complete = ~np.isnan(data).any(axis=1)
    data = data[complete]
    kept_lots = tuple(lot for lot, ok in zip(lots, complete, strict=False) if ok)
    n = data.shape[1]
    _check_size(n)
    means = data.mean(axis=1)
    _points(means)
    m = _baseline(baseline, means.shape[0])
    use_range = spread == "range" or (spread == "auto" and n <= 10)
    if spread not in {"auto", "range", "sd"}:
        raise UsageError(f"spread '{spread}': choose auto, range or sd")
    center = float(np.mean(means[:m]))
    if use_range:
        per_lot = data.max(axis=1) - data.min(axis=1)
        bar = float(np.mean(per_lot[:m]))
        sigma = bar / d2(n)
        factor = 3.0 * d3(n) / d2(n)
        kind = "Xbar-R"
    else:
        per_lot = data.std(axis=1, ddof=1)
        bar = float(np.mean(per_lot[:m]))
        sigma = bar / c4(n)
        factor = 3.0 * math.sqrt(1.0 - c4(n) ** 2) / c4(n)
        kind = "Xbar-S"
    lower = max(0.0, 1.0 - factor) * bar
    chart = _chart(
        kind=kind,
        points=means,
        spreads=tuple(float(v) for v in per_lot),
        center=center,
        point_sigma=sigma / math.sqrt(n),
        sigma=sigma,
        spread=ChartLimits(center=bar, lower=lower, upper=(1.0 + factor) * bar),
        baseline=m,
        subgroup=n,
        rules=rules,
        measurement=measurement,
        unit=unit,
        lots=kept_lots,
        provisional_below=provisional_below,
    )
    outside = float(np.mean(np.abs(means - center) > 3 * sigma / math.sqrt(n)))
    if outside > 0.25:
        note = (
            f"{chart.note}; {outside:.0%} of the lots lie beyond limits set by the spread within"
            " a lot (replicates): lot-to-lot variation dominates, chart the lot means as"
            " individuals to judge the process"
        )
        return chart.model_copy(update={"note": note})
    return chart


def _points(values: Array) -> Array:
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise UsageError("a chart takes one value a lot")
    if x.size > MAX_POINTS:
        raise UsageError(f"{x.size:,} points; a chart takes at most {MAX_POINTS:,}")
    if not np.isfinite(x).all():
        raise UsageError("a chart's values must be finite numbers")
    return x


def _baseline(baseline: int | None, size: int) -> int:
    m = size if baseline is None else baseline
    if not MIN_BASELINE <= m <= size:
        raise UsageError(
            f"a baseline of {m} lots: it needs at least {MIN_BASELINE} lots and at most the"
            f" {size} charted"
        )
    return m


def _chart(
    *,
    kind: str,
    points: Array,
    spreads: tuple[float | None, ...],
    center: float,
    point_sigma: float,
    sigma: float,
    spread: ChartLimits,
    baseline: int,
    subgroup: int,
    rules: tuple[str, ...],
    measurement: str,
    unit: str,
    lots: tuple[str, ...],
    provisional_below: int,
) -> ControlChart:
    labels = lots if len(lots) == points.size else tuple(str(i + 1) for i in range(points.size))
    if point_sigma > 0:
        z = (points - center) / point_sigma
        signals = run_rules(z, rules)
    else:
        signals = []
    provisional = baseline < provisional_below
    rate = false_alarm_rate(baseline, subgroup)
    known = 1.0 - (1.0 - 2.0 * float(_cdf(np.array(-3.0)))) ** HORIZON
    note = f"limits from {baseline} lots, frozen; " + (
        f"PROVISIONAL (fewer than {provisional_below} lots): a {rate:.0%} chance of at least"
        f" one false point beyond the limits in the next {HORIZON} in-control lots"
        f" ({known:.1%} with known limits)"
        if provisional
        else f"a {rate:.0%} chance of a false point beyond the limits in the next {HORIZON}"
        f" in-control lots ({known:.1%} with known limits)"
    )
    return ControlChart(
        kind=kind,
        measurement=measurement,
        unit=unit,
        baseline_points=baseline,
        subgroup_size=subgroup,
        sigma_within=sigma,
        location=ChartLimits(
            center=center, lower=center - 3 * point_sigma, upper=center + 3 * point_sigma
        ),
        spread=spread,
        points=tuple(float(p) for p in points),
        spreads=spreads,
        lots=labels,
        rules=rules,
        signals=tuple(
            Signal(rule=rule, index=i, lot=labels[i], description=RULES[rule])
            for rule, i in signals
        ),
        provisional=provisional,
        provisional_below=provisional_below,
        false_alarm_next_20=rate,
        false_alarm_next_20_known_limits=known,
        note=note,
    )


# --- run rules ------------------------------------------------------------------------------


def _windows(flags: NDArray[np.bool_], size: int, need: int) -> NDArray[np.bool_]:
    """At each point: whether at least ``need`` of the last ``size`` points are flagged."""
    out = np.zeros(flags.size, dtype=bool)
    if flags.size < size:
        return out
    counts = np.convolve(flags.astype(int), np.ones(size, dtype=int), mode="valid")
    out[size - 1 :] = counts >= need
    return out


def _runs(flags: NDArray[np.bool_], length: int) -> NDArray[np.bool_]:
    return _windows(flags, length, length)


def run_rules(z: Array, rules: tuple[str, ...]) -> list[tuple[str, int]]:
    """(rule, point) for each point where a rule fires, on standardised points
    z = (x − centre) ÷ σ of the point. A rule fires at the last point of its pattern, once a
    run: a longer run does not fire again until the pattern has broken."""
    z = np.asarray(z, dtype=float)
    above, below = z > 0, z < 0
    step = np.diff(z)
    up = np.concatenate([[False], step > 0])
    down = np.concatenate([[False], step < 0])
    alternate = np.concatenate([[False, False], (step[1:] * step[:-1]) < 0])
    patterns = {
        "nelson1": np.abs(z) > 3,
        "we1": np.abs(z) > 3,
        "nelson2": _runs(above, 9) | _runs(below, 9),
        "we4": _runs(above, 8) | _runs(below, 8),
        "nelson3": _runs(up, 5) | _runs(down, 5),  # 6 points: 5 steps the same way
        "nelson4": _runs(alternate, 12),  # 14 points: 13 steps, 12 sign changes
        "nelson5": _windows(z > 2, 3, 2) | _windows(z < -2, 3, 2),
        "we2": _windows(z > 2, 3, 2) | _windows(z < -2, 3, 2),
        "nelson6": _windows(z > 1, 5, 4) | _windows(z < -1, 5, 4),
        "we3": _windows(z > 1, 5, 4) | _windows(z < -1, 5, 4),
        "nelson7": _runs(np.abs(z) < 1, 15),
        "nelson8": _runs(np.abs(z) > 1, 8),
    }
    found: list[tuple[str, int]] = []
    for rule in rules:
        flags = patterns[rule]
        starts = (
            flags & ~np.concatenate([[False], flags[:-1]])
            if rule not in {"nelson1", "we1"}
            else flags
        )
        found += [(rule, int(i)) for i in np.flatnonzero(starts)]
    found.sort(key=lambda item: (item[1], item[0]))
    return found


# --- how far limits from few lots can be trusted --------------------------------------------


@lru_cache(maxsize=256)
def false_alarm_rate(
    baseline: int, subgroup: int = 1, horizon: int = HORIZON, replicates: int = 20_000
) -> float:
    """Chance that at least one of the next ``horizon`` in-control points falls beyond 3-sigma
    limits estimated from ``baseline`` points (moving ranges for single values, ranges for
    subgroups): the limits are drawn from their sampling distribution by simulation (fixed
    seed), the next points are then independent given them."""
    rng = np.random.default_rng(20_261_207 + baseline * 101 + subgroup)
    if subgroup == 1:
        base = rng.standard_normal((replicates, baseline))
        center = base.mean(axis=1)
        sigma = np.abs(np.diff(base, axis=1)).mean(axis=1) / d2(2)
        half = 3.0 * sigma
    else:
        base = rng.standard_normal((replicates, baseline, subgroup))
        center = base.mean(axis=(1, 2))
        ranges = base.max(axis=2) - base.min(axis=2)
        sigma = ranges.mean(axis=1) / d2(subgroup)
        half = 3.0 * sigma
    scale = 1.0 / math.sqrt(subgroup)
    inside = _cdf((center + half * scale) / scale) - _cdf((center - half * scale) / scale)
    return float(np.mean(1.0 - inside**horizon))
