"""Two runs side by side: each headline figure in A and in B, and B ÷ A."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result
from genofab.results.run import ScenarioInfo


class ComparisonRow(Result):
    """One figure in both scenarios."""

    metric: str
    unit: str
    a: float | str | None
    b: float | str | None
    ratio: float | None = Field(description="B ÷ A, when both are numbers and A is not 0")


class ComparisonResult(Result):
    """Scenario B measured against scenario A."""

    a: ScenarioInfo
    b: ScenarioInfo
    rows: tuple[ComparisonRow, ...]

    def row(self, metric: str) -> ComparisonRow:
        """The row of one metric."""
        return next(row for row in self.rows if row.metric == metric)
