"""Rich tables for the uncertainty analyses: Monte Carlo spreads, sensitivity, sweeps and
probabilistic comparisons. Formatting only: every number comes from a result."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genofab.results.uncertainty import (
    MonteCarloResult,
    ProbabilisticComparison,
    SensitivityResult,
    SweepResult,
    UncertainInput,
)
from genofab.views.console import number


def describe(item: UncertainInput) -> str:
    """A distribution in one line: ``pert(low 3, mode 4.5, high 6) d``."""
    parts = []
    for name, value in item.parameters.items():
        shown = (
            "[" + ", ".join(number(v) for v in value) + "]"
            if isinstance(value, tuple)
            else number(value)
        )
        parts.append(f"{name} {shown}")
    unit = f" {item.unit}" if item.unit else ""
    return f"{item.kind}({', '.join(parts)}){unit}"


def render_monte_carlo(result: MonteCarloResult, console: Console) -> None:
    """How the samples were drawn, then the spread of each headline result."""
    console.print(Text(result.scenario.name, style="bold"))
    where = (
        f"{result.scenario.file}  sha256 {result.scenario.sha256}  " if result.scenario.file else ""
    )
    console.print(
        Text(
            f"{where}genofab {result.genofab_version}  {result.samples:,} samples, seed"
            f" {result.seed}",
            style="dim",
        )
    )
    if result.fixed:
        console.print(
            "set for this run: " + ", ".join(f"{k} = {number(v)}" for k, v in result.fixed.items())
        )
    inputs = Table(title="Uncertain inputs", title_justify="left")
    for column in ("parameter", "value", "distribution (base unit)", "source"):
        inputs.add_column(column, overflow="fold")
    for item in result.uncertain_inputs:
        inputs.add_row(
            item.path,
            number(item.value),
            describe(item),
            Text(item.source or "no source", style="" if item.source else "red"),
        )
    console.print(inputs)
    if result.correlations:
        correlations = Table(title="Rank correlations", title_justify="left")
        for column in ("between", "rank", "source"):
            correlations.add_column(column, overflow="fold")
        for c in result.correlations:
            correlations.add_row(" ~ ".join(c.between), number(c.rank), c.source or "no source")
        console.print(correlations)

    spreads = Table(title="Spread of the results", title_justify="left")
    for column in ("result", "unit", "deterministic", "mean", "sd", "P5", "P50", "P95"):
        spreads.add_column(column, justify="left" if column in {"result", "unit"} else "right")
    for name, spread in result.results.items():
        spreads.add_row(
            name,
            result.units.get(name, ""),
            number(spread.value),
            number(spread.mean),
            number(spread.sd),
            number(spread.p5),
            number(spread.p50),
            number(spread.p95),
        )
    console.print(spreads)
    summary = Table(show_header=False, title="Facility", title_justify="left")
    summary.add_column("figure")
    summary.add_column("value", justify="right")
    if result.probability_of_meeting_demand is not None:
        summary.add_row(
            "probability of meeting the yearly demand",
            f"{result.probability_of_meeting_demand:.1%}",
        )
    for kind, share in result.bottleneck_probability.items():
        if share:
            summary.add_row(f"bottleneck: {kind}", f"{share:.1%} of feasible samples")
    summary.add_row("feasible samples", f"{result.feasible_samples:,} of {result.samples:,}")
    for reason, count in result.infeasible.items():
        summary.add_row(f"infeasible: {reason}", f"{count:,}")
    console.print(summary)
    for example in result.infeasible_examples[:3]:
        drawn = ", ".join(f"{k} = {number(v)}" for k, v in example.inputs.items())
        console.print(Text(f"sample {example.sample}: {example.status} ({drawn})", style="yellow"))
    console.print(Text(f"quantiles: {result.quantile_method}", style="dim"))


def render_sensitivity(result: SensitivityResult, console: Console) -> None:
    """For each result: the tornado, the rank correlations and the Sobol indices."""
    console.print(Text(result.scenario.name, style="bold"))
    console.print(
        Text(
            f"genofab {result.genofab_version}  seed {result.seed}  rank correlations over"
            f" {result.samples:,} samples  Sobol design of {result.sobol_runs:,} runs"
            f" (N = {result.sobol_samples})",
            style="dim",
        )
    )
    for name in result.results:
        tornado = result.tornado[name]
        unit = result.units.get(name, "")
        table = Table(
            title=f"{name} ({unit}); all parameters at their medians: {number(tornado.base)}",
            title_justify="left",
        )
        for column in (
            "parameter",
            "P10 → P90",
            "result at P10",
            "at P90",
            "swing",
            "Spearman",
            "Sobol S1",
            "Sobol ST",
        ):
            table.add_column(column, justify="left" if column == "parameter" else "right")
        indices = {index.path: index for index in result.sobol.get(name) or ()}
        for bar in tornado.bars:
            index = indices.get(bar.path)
            table.add_row(
                bar.path,
                f"{number(bar.low_input)} → {number(bar.high_input)} {bar.unit}".strip(),
                number(bar.at_low),
                number(bar.at_high),
                number(bar.swing),
                number(result.spearman[name].get(bar.path)),
                _index(None if index is None else (index.first_order, index.first_order_conf)),
                _index(None if index is None else (index.total, index.total_conf)),
            )
        console.print(table)
    for note in result.notes:
        console.print(Text(note, style="dim"))


def render_chances(comparison: ProbabilisticComparison, console: Console) -> None:
    """How often B beats A on each result."""
    table = Table(
        title=f"Probability that B beats A ({comparison.samples:,} paired samples, seed"
        f" {comparison.seed})",
        title_justify="left",
    )
    for column in ("result", "better", "B better", "tie", "B worse", "mean A", "mean B"):
        table.add_column(column, justify="left" if column in {"result", "better"} else "right")
    for chance in comparison.chances:
        table.add_row(
            chance.result,
            chance.better,
            f"{chance.b_better:.1%}",
            f"{chance.tie:.1%}",
            f"{chance.b_worse:.1%}",
            number(chance.mean_a),
            number(chance.mean_b),
        )
    console.print(table)
    shared = ", ".join(comparison.common_inputs) or "none"
    console.print(Text(f"common random numbers for: {shared}", style="dim"))


def render_sweep(sweep: SweepResult, console: Console) -> None:
    """One row per point: the swept values, each result's median [P5–P95], and the
    probability of meeting demand."""
    table = Table(
        title=f"Sweep: {len(sweep.points)} points × {sweep.samples:,} samples (seed {sweep.seed})",
        title_justify="left",
    )
    for path in sweep.parameters:
        unit = sweep.units.get(path, "")
        table.add_column(f"{path} ({unit})" if unit else path, justify="right")
    names = list(sweep.result_units)
    for name in names:
        table.add_column(f"{name}: P50 [P5–P95]", justify="right")
    table.add_column("P(demand met)", justify="right")
    for point in sweep.points:
        cells = [number(point.values[path]) for path in sweep.parameters]
        for name in names:
            spread = point.results[name]
            cells.append(f"{number(spread.p50)} [{number(spread.p5)}–{number(spread.p95)}]")
        chance = point.probability_of_meeting_demand
        cells.append("–" if chance is None else f"{chance:.1%}")
        table.add_row(*cells)
    console.print(table)


def _index(pair: tuple[float | None, float | None] | None) -> str:
    """A Sobol index with its confidence half-width, or a dash."""
    if pair is None or pair[0] is None:
        return "–"
    value, half_width = pair
    return f"{value:.2f}" if half_width is None else f"{value:.2f} ± {half_width:.2f}"
