"""What a plain run leads with when inputs carry distributions: each headline figure's
P50 [P5–P95] over a modest Monte Carlo, where the deterministic value lies in that spread,
and the inputs whose deterministic value sits at a bound of their distribution."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from genofab.results.base import Result


class HeadlineFigure(Result):
    """One headline figure: its spread and where the deterministic value lies in it."""

    name: str
    unit: str
    value: float | None = Field(description="the deterministic run's value")
    p5: float | None
    p50: float | None
    p95: float | None
    base_percentile: float | None = Field(
        description="where the deterministic value lies among the samples, in percent"
        " (share below it plus half the share equal to it)"
    )
    outside_p5_p95: bool = Field(description="the deterministic value lies outside P5–P95")


class BoundInput(Result):
    """An uncertain input whose deterministic value is an end of its distribution's range."""

    stage: str | None = Field(description="the stage of a chain, else null")
    path: str
    value: float = Field(description="the deterministic value (base unit, own currency)")
    unit: str
    bound: Literal["minimum", "maximum"]
    low: float
    high: float
    kind: str


class HeadlineSpread(Result):
    """The spread a plain run leads with (``run --samples 0`` skips it)."""

    samples: int
    seed: int
    figures: tuple[HeadlineFigure, ...]
    bounds: tuple[BoundInput, ...]
    failed_samples: int = Field(
        description="samples that cannot deliver (kept in the statistics as failures)"
    )
