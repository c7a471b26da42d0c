"""Rich tables for the uncertainty analyses: Monte Carlo spreads, sensitivity, sweeps and
probabilistic comparisons. Formatting only: every number comes from a result."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from genofab.results.headline_spread import HeadlineSpread
from genofab.results.uncertainty import (
    MonteCarloResult,
    ProbabilisticComparison,
    SensitivityResult,
    SweepResult,
    UncertainInput,
)
from genofab.views.console import number
from genofab.views.headline import KEY_RESULTS
from genofab.views.labels import DisplayUnit, display_unit, label, unit_of
from genofab.views.tables import Grid, print_grid


def describe(item: UncertainInput, shown: DisplayUnit | None = None) -> str:
    """A distribution in one line, in the unit its input is shown in:
    ``pert(low 3, mode 4.5, high 6) d``."""
    shown = shown or display_unit(0.0, item.unit)
    parts = []
    for name, value in item.parameters.items():
        if isinstance(value, tuple):
            text = "[" + ", ".join(number(_scaled(name, v, shown)) for v in value) + "]"
        else:
            text = number(_scaled(name, value, shown))
        parts.append(f"{name} {text}")
    unit = f" {shown.unit}" if shown.unit else ""
    return f"{item.kind}({', '.join(parts)}){unit}"


#: Parameters of a distribution that are not in the input's unit (shape, log-scale spread).
_UNITLESS = {"alpha", "beta", "sigma", "shape", "weights", "gsd", "cv"}


def _scaled(name: str, value: float, shown: DisplayUnit) -> float:
    return value if name in _UNITLESS else value * shown.factor


def render_monte_carlo(
    result: MonteCarloResult, console: Console, units: dict[str, DisplayUnit] | None = None
) -> None:
    """The spread of each result first, then the facility's chances, then how the samples
    were drawn (inputs in the unit their file gave, ``units``)."""
    console.print(Text(result.scenario.name, style="bold"))
    if result.scenario.file:
        console.print(Text(f"{result.scenario.file}  sha256 {result.scenario.sha256}", style="dim"))
    console.print(
        Text(
            f"genofab {result.genofab_version}  {result.samples:,} samples, seed {result.seed}",
            style="dim",
        )
    )
    if result.fixed:
        console.print(
            "set for this run: " + ", ".join(f"{k} = {number(v)}" for k, v in result.fixed.items())
        )
    key = Grid(
        f"Headline: median [P5–P95] over {result.samples:,} samples",
        ("result", "P50 [P5–P95]", "deterministic"),
        labels=1,
    )
    for name in KEY_RESULTS:
        spread = result.results.get(name)
        if spread is not None:
            unit = result.units.get(name, "")
            key.add(
                f"{label(name)} ({unit})" if unit else label(name),
                f"{number(spread.p50)} [{number(spread.p5)}–{number(spread.p95)}]",
                number(spread.value),
            )
    print_grid(console, key)
    if result.probability_of_meeting_demand is not None:
        console.print(
            f"Probability of meeting the yearly demand: {result.probability_of_meeting_demand:.1%}"
        )
    spreads = Grid(
        "Spread of the results",
        ("result", "unit", "deterministic", "mean", "sd", "P5", "P50", "P95"),
        labels=2,
    )
    for name, spread in result.results.items():
        spreads.add(
            label(name),
            result.units.get(name, ""),
            number(spread.value),
            number(spread.mean),
            number(spread.sd),
            number(spread.p5),
            number(spread.p50),
            number(spread.p95),
        )
    print_grid(console, spreads)
    summary = Grid("Facility", ("figure", "value"), show_header=False)
    if result.probability_of_meeting_demand is not None:
        summary.add(
            "probability of meeting the yearly demand",
            f"{result.probability_of_meeting_demand:.1%}",
        )
    for kind, share in result.bottleneck_probability.items():
        if share:
            summary.add(f"bottleneck: {kind}", f"{share:.1%} of feasible samples")
    summary.add("feasible samples", f"{result.feasible_samples:,} of {result.samples:,}")
    for reason, count in result.infeasible.items():
        summary.add(f"infeasible: {reason}", f"{count:,}")
    print_grid(console, summary)
    for example in result.infeasible_examples[:3]:
        drawn = ", ".join(f"{k} = {number(v)}" for k, v in example.inputs.items())
        console.print(Text(f"sample {example.sample}: {example.status} ({drawn})", style="yellow"))

    inputs = Grid("Uncertain inputs", ("parameter", "value", "distribution", "source"), labels=4)
    for item in result.uncertain_inputs:
        shown = unit_of(item.path, item.unit, units)
        inputs.add(
            item.path,
            f"{number(shown.show(item.value))} {shown.unit}".rstrip(),
            describe(item, shown),
            Text(item.source or "no source", style="" if item.source else "red"),
        )
    print_grid(console, inputs)
    if result.correlations:
        correlations = Grid("Rank correlations", ("between", "rank", "source"), labels=3)
        for c in result.correlations:
            correlations.add(" ~ ".join(c.between), number(c.rank), c.source or "no source")
        print_grid(console, correlations)
    console.print(Text(f"quantiles: {result.quantile_method}", style="dim"))


def render_sensitivity(
    result: SensitivityResult, console: Console, units: dict[str, DisplayUnit] | None = None
) -> None:
    """For each result: the tornado, the rank correlations and the Sobol indices; each
    parameter's P10 and P90 in the unit its file gave (``units``)."""
    console.print(Text(result.scenario.name, style="bold"))
    console.print(
        Text(
            f"genofab {result.genofab_version}  seed {result.seed}  rank correlations over"
            f" {result.samples:,} samples  "
            + (
                f"Sobol design of {result.sobol_runs:,} runs (N = {result.sobol_samples})"
                if result.sobol_runs
                else "no Sobol indices"
            ),
            style="dim",
        )
    )
    for name in result.results:
        tornado = result.tornado[name]
        unit = result.units.get(name, "")
        grid = Grid(
            f"{label(name)} ({unit}); all parameters at their medians: {number(tornado.base)}",
            (
                "parameter",
                "P10 → P90",
                "result at P10",
                "at P90",
                "swing",
                "Spearman",
                "Sobol S1",
                "Sobol ST",
            ),
            labels=2,
        )
        indices = {index.path: index for index in result.sobol.get(name) or ()}
        for bar in tornado.bars:
            index = indices.get(bar.path)
            grid.add(
                bar.path,
                input_range(bar.low_input, bar.high_input, unit_of(bar.path, bar.unit, units)),
                number(bar.at_low),
                number(bar.at_high),
                number(bar.swing),
                number(result.spearman[name].get(bar.path)),
                _index(None if index is None else (index.first_order, index.first_order_conf)),
                _index(None if index is None else (index.total, index.total_conf)),
            )
        print_grid(console, grid)
    for note in result.notes:
        console.print(Text(note, style="dim"))


def input_range(low: float | None, high: float | None, shown: DisplayUnit) -> str:
    """``P10 → P90`` of an input with its unit: ``1.12e+07 → 1.88e+07 TU/mL``."""
    text = f"{number(shown.show(low))} → {number(shown.show(high))}"
    return f"{text} {shown.unit}".rstrip()


def render_chances(comparison: ProbabilisticComparison, console: Console) -> None:
    """How often B beats A on each result."""
    grid = Grid(
        f"Probability that B beats A ({comparison.samples:,} paired samples, seed"
        f" {comparison.seed})",
        ("result", "better", "B better", "tie", "B worse", "mean A", "mean B"),
        labels=2,
    )
    for chance in comparison.chances:
        grid.add(
            label(chance.result),
            chance.better,
            f"{chance.b_better:.1%}",
            f"{chance.tie:.1%}",
            f"{chance.b_worse:.1%}",
            number(chance.mean_a),
            number(chance.mean_b),
        )
    print_grid(console, grid)
    shared = ", ".join(comparison.common_inputs) or "none"
    console.print(Text(f"common random numbers for: {shared}", style="dim"))


def render_sweep(sweep: SweepResult, console: Console) -> None:
    """One row per point: the swept values, each result's median [P5–P95], and the
    probability of meeting demand."""
    names = list(sweep.result_units)
    header = [
        f"{path} ({sweep.units[path]})" if sweep.units.get(path) else path
        for path in sweep.parameters
    ]
    header += [f"{label(name)}: P50 [P5–P95]" for name in names]
    grid = Grid(
        f"Sweep: {len(sweep.points)} points × {sweep.samples:,} samples (seed {sweep.seed})",
        (*header, "P(demand met)"),
        labels=len(sweep.parameters),
    )
    for point in sweep.points:
        cells = [number(point.values[path]) for path in sweep.parameters]
        for name in names:
            spread = point.results[name]
            cells.append(f"{number(spread.p50)} [{number(spread.p5)}–{number(spread.p95)}]")
        chance = point.probability_of_meeting_demand
        cells.append("–" if chance is None else f"{chance:.1%}")
        grid.add(*cells)
    print_grid(console, grid)


def _index(pair: tuple[float | None, float | None] | None) -> str:
    """A Sobol index with its confidence half-width, or a dash."""
    if pair is None or pair[0] is None:
        return "–"
    value, half_width = pair
    return f"{value:.2f}" if half_width is None else f"{value:.2f} ± {half_width:.2f}"


def render_one_way(
    result: SensitivityResult, console: Console, units: dict[str, DisplayUnit] | None = None
) -> None:
    """For each result: every numeric input's low and high (in the unit its file gave), the
    result at each, the swing and the swing as a share of the base value, widest first."""
    console.print(Text(result.scenario.name, style="bold"))
    console.print(Text(f"genofab {result.genofab_version}  one-way sensitivity", style="dim"))
    for name in result.results:
        tornado = result.tornado[name]
        unit = result.units.get(name, "")
        base = tornado.base
        grid = Grid(
            f"{label(name)} ({unit}); every input at its value: {number(base)}",
            ("input", "low → high", "result at low", "at high", "swing", "swing ÷ base"),
            labels=2,
        )
        for bar in tornado.bars:
            share = None if bar.swing is None or not base else f"{bar.swing / abs(base):.1%}"
            grid.add(
                bar.path,
                input_range(bar.low_input, bar.high_input, unit_of(bar.path, bar.unit, units)),
                number(bar.at_low),
                number(bar.at_high),
                number(bar.swing),
                share or "",
            )
        print_grid(console, grid)
    for note in result.notes:
        console.print(Text(note, style="dim"))


def render_headline_spread(spread: HeadlineSpread, console: Console, name: str) -> None:
    """What a plain run of ``name`` leads with when inputs are uncertain: each headline
    figure's median [P5–P95] beside the deterministic value and where that value lies in its
    spread, then the inputs whose deterministic value is an end of their distribution."""
    console.print(Text(name, style="bold"))
    grid = Grid(
        f"Headline: median [P5–P95] over {spread.samples:,} samples of the input distributions"
        f" (seed {spread.seed})",
        ("result", "P50 [P5–P95]", "deterministic", "deterministic lies at"),
        labels=1,
    )
    for figure in spread.figures:
        rank = "–" if figure.base_percentile is None else f"P{figure.base_percentile:.0f}"
        where: str | Text = rank
        if figure.outside_p5_p95:
            where = Text(f"{rank}, outside P5–P95", style="bold yellow")
        unit = f" {figure.unit}" if figure.unit else ""
        grid.add(
            label(figure.name),
            f"{number(figure.p50)} [{number(figure.p5)}–{number(figure.p95)}]{unit}",
            f"{number(figure.value)}{unit}",
            where,
        )
    print_grid(console, grid)
    for bound in spread.bounds:
        stage = f"stage '{bound.stage}': " if bound.stage else ""
        unit = f" {bound.unit}" if bound.unit else ""
        console.print(
            Text(
                f"{stage}{bound.path} = {number(bound.value)}{unit} is the {bound.bound} of its"
                f" range ({bound.kind} {number(bound.low)}–{number(bound.high)}{unit}): the"
                " deterministic run takes an end of this input's uncertainty",
                style="yellow",
            )
        )
    if spread.failed_samples:
        console.print(
            f"{spread.failed_samples:,} of {spread.samples:,} samples cannot deliver (counted as"
            " failures in the spread)"
        )
    console.print(
        Text(
            "The deterministic run below is at the inputs' stated values. --samples N for a"
            " larger Monte Carlo and every figure's spread; --samples 0 for the deterministic"
            " run alone.",
            style="dim",
        )
    )
