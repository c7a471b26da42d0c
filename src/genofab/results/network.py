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
    cost_per_therapy: float


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


class NetworkResult(Result):
    """A network's answer for each demand level."""

    genofab_version: str
    name: str
    file: str | None = None
    sha256: str | None = None
    currency: str
    horizon_days: int
    vein_to_vein_max_days: int
    sites: tuple[SiteRow, ...]
    levels: tuple[NetworkLevel, ...]

    def to_json_dict(self) -> dict[str, object]:
        """The JSON of ``genofab run NETWORK --format json``."""
        return self.model_dump(mode="json")
