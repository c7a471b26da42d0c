"""Results of the batch-record engines: control charts and their signals, capability indices,
fitted distributions, site comparisons and environment excursions."""

from __future__ import annotations

from genofab.results.base import Result


class Signal(Result):
    """A run rule that fired: which rule, at which point (0-based, in chart order) and why."""

    rule: str
    index: int
    lot: str | None = None
    description: str


class ChartLimits(Result):
    """One chart's centre line and control limits (``lower`` None when it has none)."""

    center: float
    lower: float | None
    upper: float


class ControlChart(Result):
    """An I-MR, X̄-R or X̄-S chart: limits from a frozen baseline, the points, the signals of
    the chosen rules, and how far the limits can be trusted."""

    kind: str
    measurement: str
    unit: str
    baseline_points: int
    subgroup_size: int
    sigma_within: float
    location: ChartLimits
    spread: ChartLimits
    points: tuple[float, ...]
    spreads: tuple[float | None, ...]
    lots: tuple[str, ...]
    rules: tuple[str, ...]
    signals: tuple[Signal, ...]
    provisional: bool
    provisional_below: int
    false_alarm_next_20: float
    false_alarm_next_20_known_limits: float
    note: str


class Interval(Result):
    """A point estimate with its two-sided confidence interval (None: not defined)."""

    estimate: float | None
    lower: float | None
    upper: float | None


class GoodnessOfFit(Result):
    """An Anderson-Darling test of one fitted family: A², its p-value (``p_bound``: '' when
    exact, 'at least' or 'at most' when the tables end there) and what it means."""

    test: str
    statistic: float
    p_value: float
    p_bound: str
    method: str
    note: str

    def shown(self) -> str:
        """``p = 0.42``, ``p ≥ 0.15`` or ``p ≤ 0.01``."""
        sign = {"": "=", "at least": "≥", "at most": "≤"}[self.p_bound]
        return f"A² {self.statistic:.3f}, p {sign} {self.p_value:.3g}"


class Capability(Result):
    """Capability of one measurement against its specification (one- or two-sided)."""

    measurement: str
    unit: str
    lots: int
    method: str
    lower_spec: float | None
    upper_spec: float | None
    mean: float
    sigma_within: float | None
    sigma_overall: float
    cp: Interval
    cpk: Interval
    pp: Interval
    ppk: Interval
    confidence: float
    expected_out_of_spec: float
    observed_out_of_spec: int
    normality: GoodnessOfFit | None = None
    note: str
