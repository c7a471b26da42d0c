"""Patients who need a therapy each year, from an indication's epidemiology and adoption.

Addressable patients by the end of year y are the prevalent patients at launch plus the
incident patients of every year since launch, times eligible share × diagnosis rate × access
rate × market share. The adoption curve F says which share of them has sought the therapy
by then: cumulative seekers S(y) = ceiling × F(t_y) × addressable(y), with t_y the years from
launch to the end of year y. Patients needing the therapy in year y are S(y) − S(y − 1):
each seeks it once, so the prevalent pool is drawn down as it adopts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from genofab.engines.arrays import Array
from genofab.engines.demand.adoption import bass_share, logistic_share
from genofab.model.outlook import BassAdoption, Indication

#: Reads an indication's parameter (by its field path below the indication) as floats or
#: sample arrays of shape (n, 1).
Read = Callable[[str], Array]


def years_since_launch(indication: Indication, start_year: int, years: int) -> Array:
    """Years from the launch to the end of each year of the horizon (≤ 0 before launch)."""
    launch = indication.launch_year or start_year
    return np.arange(start_year, start_year + years, dtype=float) + 1.0 - launch


def addressable_share(read: Read) -> Array:
    """Share of an indication's patients who may be treated on the platform."""
    return (
        read("eligible_share") * read("diagnosis_rate") * read("access_rate") * read("market_share")
    )


def cumulative_seekers(indication: Indication, read: Read, start_year: int, years: int) -> Array:
    """Patients who have sought the therapy by the end of each year (cumulative)."""
    t = years_since_launch(indication, start_year, years)
    adoption = indication.adoption
    if isinstance(adoption, BassAdoption):
        share = bass_share(t, read("adoption.innovation"), read("adoption.imitation"))
    else:
        share = logistic_share(t, read("adoption.midpoint"), read("adoption.steepness"))
    incident_years = np.maximum(t, 0.0)
    addressable = (read("prevalent_patients") + read("incidence") * incident_years) * (
        addressable_share(read)
    )
    return np.asarray(read("adoption.ceiling") * share * addressable, dtype=float)


def patients_needing(indication: Indication, read: Read, start_year: int, years: int) -> Array:
    """Patients who start needing the therapy in each year of the horizon."""
    seekers = cumulative_seekers(indication, read, start_year, years)
    before = np.concatenate([np.zeros_like(seekers[..., :1]), seekers[..., :-1]], axis=-1)
    return np.asarray(np.maximum(seekers - before, 0.0), dtype=float)
