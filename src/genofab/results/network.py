"""Where autologous therapies are made: sites opened, patients allocated, cost and
turnaround, for each demand level."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result


class SiteRow(Result):
    """A site's figures as the network used them (written out or from its scenario)."""

    name: str
    existing: bool
    capacity: int = Field(description="lots in manufacture at once")
    manufacturing_days: int
    qc_days: int
    fixed_per_year: float
    opening_cost: float
    cost_per_therapy: float = Field(description="a therapy given, failed lots included")
    lot_failure: float = Field(default=0.0, description="probability that a lot fails")


class RouteRow(Result):
    """Patients of one centre made at one site, travelling by the modes named."""

    centre: str
    site: str
    mode_there: str
    mode_back: str
    patients: int
    turnaround_days: int = Field(description="collection to the therapy's return, with both legs")
    cost_per_patient: float = Field(description="the therapy at its site and both legs")


class Turnaround(Result):
    """Vein-to-vein times over the patients served."""

    mean_days: float
    p5_days: float
    p50_days: float
    p95_days: float
    max_days: int
    patients_by_days: dict[str, int]


class NetworkOperation(Result):
    """The plan operated day by day at the planned times: each patient to the first of its
    centre's routes with a free place, queueing when the network says so."""

    patients: int
    patients_served: int
    patients_within_limit: int
    patients_unserved: int = Field(description="found no place, or lost waiting")
    patients_lost_waiting: int = Field(
        description="queued patients whose therapy could not return within the limit"
    )
    patients_waited: int = Field(description="patients served whose cells waited for a place")
    mean_wait_days: float | None = Field(description="over the patients served")
    max_wait_days: int
    cost_per_therapy: float | None


#: P5, P50 and P95 of a figure over the samples (None: no sample has it, e.g. nobody served).
Spread = dict[str, float | None]


class NetworkSpread(Result):
    """What the plan gives over a Monte Carlo of each lot's times, lot failures and demand:
    P5, P50 and P95 over the samples of each figure (``turnaround_days``: over every
    patient served in every sample)."""

    samples: int
    seed: int
    patients: Spread
    patients_served: Spread
    share_within_limit: Spread = Field(
        description="patients given their therapy within the limit ÷ patients who came"
    )
    patients_lost_waiting: Spread
    lots_failed: Spread
    mean_wait_days: Spread
    turnaround_mean_days: Spread
    turnaround_days: Spread
    cost_per_therapy: Spread
    method: str


class NetworkLevel(Result):
    """One demand level (or the listed arrivals) allocated."""

    patients_per_year: float | None
    patients: int
    status: str
    solve_cpu_seconds: float
    sites_opened: tuple[str, ...]
    patients_served: int
    patients_unserved: int
    unserved_without_route: int = Field(
        description="patients of centres from which no site is within the vein-to-vein limit"
    )
    cost: float = Field(description="sites (over the horizon), manufacturing and transport")
    cost_by_part: dict[str, float]
    cost_per_therapy: float | None
    turnaround: Turnaround | None
    routes: tuple[RouteRow, ...]
    peak_lots_at_once: dict[str, int]
    utilisation: dict[str, float] = Field(description="mean lots in manufacture ÷ places")
    operation: NetworkOperation | None = None
    spread: NetworkSpread | None = None


class NetworkResult(Result):
    """A network's answer for each demand level."""

    genofab_version: str
    name: str
    file: str | None = None
    sha256: str | None = None
    currency: str
    horizon_days: int
    vein_to_vein_max_days: int
    when_full: str = "unserved"
    sites: tuple[SiteRow, ...]
    levels: tuple[NetworkLevel, ...]

    def to_json_dict(self) -> dict[str, object]:
        """The JSON of ``genofab run NETWORK --format json``."""
        return self.model_dump(mode="json")
