"""A cost line as the engine carries it: what it costs per lot started, per lot released, per
patient treated and per year, so that any breakdown (by category, step, cause or line) is a
sum of the same parts and adds up to the total."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from genofab.engines.arrays import Array

_ZERO = np.zeros(())


@dataclass(frozen=True)
class LineCost:
    """One cost line. ``kind`` says where it comes from (material, qc, labour, fee, capital,
    running, share, overhead); ``step`` the process step it is charged to (its index), else
    ``room`` the room kind whose steps share it by duration, else the site. ``basis`` says
    what it is counted per, from :data:`BASES`; ``basis_per_lot`` how much of that one lot
    uses (litres, product loaded, containers), where it is a quantity."""

    name: str
    category: str
    kind: str
    per_started: Array = field(default_factory=lambda: _ZERO)
    per_released: Array = field(default_factory=lambda: _ZERO)
    per_patient: Array = field(default_factory=lambda: _ZERO)
    fixed: Array = field(default_factory=lambda: _ZERO)
    step: int | None = None
    room: str | None = None
    quality: bool = False
    fte: Array = field(default_factory=lambda: _ZERO)
    hours: LineCost | None = None
    basis: str = ""
    basis_per_lot: Array | None = None

    def annual(self, started: Array, released: Array, patients: Array) -> Array:
        """The line's cost a year."""
        return (
            self.per_started * started
            + self.per_released * released
            + self.per_patient * patients
            + self.fixed
        )

    def added_to(self, total: Array, started: Array, released: Array, patients: Array) -> Array:
        """``total`` + this line's cost a year, for drivers that are all finite: a part that
        is a plain 0 is skipped (0 × a finite number adds exactly nothing), and the sum is
        formed in place where ``total`` is an array of the samples' shape that the caller
        owns. The same numbers as ``total + annual(...)``, in far fewer passes over the
        samples: most lines have one part."""
        term: Array | None = None
        owned = False  # whether ``term`` is a new array (not one of the line's parts)
        for part, driver in (
            (self.per_started, started),
            (self.per_released, released),
            (self.per_patient, patients),
            (self.fixed, None),
        ):
            if np.ndim(part) == 0 and part == 0:
                continue
            value = part if driver is None else np.multiply(part, driver)
            if term is None:
                term, owned = value, driver is not None
            else:
                term, owned = _sum_into(term, value, owned), True
        if term is None:
            return total
        return _sum_into(total, term, owned=True)

    def scaled(self, rate: Array, name: str, category: str, kind: str) -> LineCost:
        """This line's parts × ``rate``, as a new line (a share, an overhead)."""
        return LineCost(
            name=name,
            category=category,
            kind=kind,
            per_started=self.per_started * rate,
            per_released=self.per_released * rate,
            per_patient=self.per_patient * rate,
            fixed=self.fixed * rate,
            step=self.step,
            room=self.room,
            quality=self.quality,
            basis=kind if kind in BASES else "",
        )


def _sum_into(total: Array, term: Array, owned: bool) -> Array:
    """total + term, written over ``total`` when it is an ``owned`` array of the result's
    shape (no new array)."""
    if owned and np.ndim(total) and (np.ndim(term) == 0 or np.shape(term) == np.shape(total)):
        return np.add(total, term, out=total)  # the sum has total's shape
    return np.asarray(total + term)


def summed(lines: list[LineCost], name: str, category: str, kind: str) -> LineCost:
    """The parts of ``lines`` added into one line (no step or room)."""
    return LineCost(
        name=name,
        category=category,
        kind=kind,
        per_started=sum((line.per_started for line in lines), start=_ZERO),
        per_released=sum((line.per_released for line in lines), start=_ZERO),
        per_patient=sum((line.per_patient for line in lines), start=_ZERO),
        fixed=sum((line.fixed for line in lines), start=_ZERO),
    )


#: What a line can be counted per (``LineCost.basis``): a material's basis, QC tests per lot
#: started, staff as FTE, as a post to cover or as hours per lot started, lot released,
#: patient or dose, a fee's driver (a one-off over lots or over years), capital recovery and
#: the running cost of capital a year, a share of other categories, overhead.
BASES = (
    "per_litre",
    "per_litre_processed",
    "per_amount",
    "per_lot",
    "per_vial",
    "qc_per_lot",
    "fte",
    "post",
    "hours_per_lot_started",
    "hours_per_lot_released",
    "hours_per_patient",
    "hours_per_dose",
    "lot_started",
    "lot_released",
    "patient",
    "dose",
    "year",
    "room_day",
    "once_over_lots",
    "once_over_years",
    "capital",
    "running",
    "share",
    "overhead",
)

#: The parts a line's amount can be counted in.
PARTS = ("per_started", "per_released", "per_patient", "fixed")


def driven(
    part: str,
    amount: Array,
    *,
    name: str,
    category: str,
    kind: str,
    step: int | None = None,
    room: str | None = None,
    quality: bool = False,
    hours: LineCost | None = None,
    basis: str = "",
) -> LineCost:
    """A line whose ``amount`` is counted in one part (per lot started, per lot released, per
    patient, or a year)."""
    assert part in PARTS, part
    assert basis in BASES or not basis, basis
    return LineCost(
        name=name,
        category=category,
        kind=kind,
        per_started=amount if part == "per_started" else _ZERO,
        per_released=amount if part == "per_released" else _ZERO,
        per_patient=amount if part == "per_patient" else _ZERO,
        fixed=amount if part == "fixed" else _ZERO,
        step=step,
        room=room,
        quality=quality,
        hours=hours,
        basis=basis,
    )
