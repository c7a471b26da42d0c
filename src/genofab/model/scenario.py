"""A scenario: one product, its process, the facility that makes it and the demand.

This is the root of the ``genofab/1`` file format. Checks that span sections (a step's room
must exist in the facility; a titer must count what the product counts) live here, as
functions returning every problem, so the file loader can report them all at once.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, ValidationInfo, model_validator

from genofab.errors import UsageError, did_you_mean
from genofab.model.base import Frozen, Problems, Text, deferred, raise_problems
from genofab.model.correlations import UncertaintySettings, correlation_problems
from genofab.model.demand import Demand
from genofab.model.economics import Economics, currency_problems
from genofab.model.facility import Facility, room_kind_problems
from genofab.model.failures import failure_mode_problems
from genofab.model.parameter import Parameter, QuantitySpec
from genofab.model.process import Process, order_problems
from genofab.model.product import Product, product_problems
from genofab.model.steps import QCReleaseStep

FORMAT = "genofab/1"


class Scenario(Frozen):
    """Product + process + facility (+ demand): everything one run needs."""

    format: Literal["genofab/1"]
    name: Text
    description: Text | None = None
    product: Product
    process: Process
    facility: Facility
    demand: Demand | None = None
    economics: Economics | None = None
    uncertainty: UncertaintySettings | None = None

    @model_validator(mode="after")
    def _sections_agree(self, info: ValidationInfo) -> Scenario:
        if not deferred(info):
            raise_problems(
                cross_section_problems(
                    self.product, self.process, self.facility, self.economics, self.demand
                )
                + self.uncertainty_problems()
            )
        return self

    def uncertainty_problems(self) -> Problems:
        """Correlations that name unknown or certain parameters, or contradict each other."""
        if self.uncertainty is None:
            return []
        distributions = {path: p.uncertainty for path, p in iter_parameters(self)}
        return correlation_problems(self.uncertainty, distributions)

    def parameters(self) -> list[tuple[str, Parameter]]:
        """Every numeric parameter with its path, e.g. ``process.steps[3].step_yield``."""
        return list(iter_parameters(self))

    def specs(self) -> dict[str, QuantitySpec | None]:
        """The :class:`QuantitySpec` of every numeric parameter, keyed by path."""
        return {path: spec for path, _, spec in iter_parameter_specs(self)}

    def parameter(self, path: str) -> tuple[Parameter, QuantitySpec | None]:
        """The parameter at ``path`` and its spec; an unknown path raises :class:`UsageError`
        with the closest path suggested."""
        for found, parameter, spec in iter_parameter_specs(self):
            if found == path:
                return parameter, spec
        paths = [found for found, _ in iter_parameters(self)]
        raise UsageError(
            f"'{path}' is not a numeric parameter of this scenario{did_you_mean(path, paths)}"
        )

    def check_values(self, path: str, values: Iterable[float]) -> Parameter:
        """The parameter at ``path``, after checking that each of ``values`` (its base unit)
        obeys its field's rules (a sweep point, a scale point); a :class:`UsageError` names
        the value and the rule broken (or suggests the closest path)."""
        from pydantic_core import PydanticCustomError

        parameter, spec = self.parameter(path)
        for value in values:
            try:
                if spec is not None:
                    spec.check(float(value), parameter.unit)
            except PydanticCustomError as error:
                raise UsageError(f"{path}: {error.message()}") from None
        return parameter

    def values(self) -> dict[str, float]:
        """Every numeric parameter's value in its base unit, keyed by path: what engines read.
        Money is converted to the scenario's currency."""
        rate = self.economics.rate if self.economics else _no_conversion
        return {path: p.value * rate(p.currency) for path, p in iter_parameters(self)}


def scenario_problems(
    product: Product | None,
    process: Process | None,
    facility: Facility | None,
    economics: Economics | None = None,
    demand: Demand | None = None,
) -> Problems:
    """Every check that spans items or sections, as (path, message), for the sections that
    validated (a failed one is None): what validation defers to the file loader."""
    problems: Problems = []
    if product is not None:
        problems += product_problems(product)
    if process is not None:
        problems += order_problems(process.steps)
        problems += failure_mode_problems(
            process.failure_modes, [step.name for step in process.steps]
        )
    if facility is not None:
        problems += room_kind_problems(facility.rooms)
    return problems + cross_section_problems(product, process, facility, economics, demand)


def _no_conversion(currency: str | None) -> float:
    return 1.0


def cross_section_problems(
    product: Product | None,
    process: Process | None,
    facility: Facility | None,
    economics: Economics | None = None,
    demand: Demand | None = None,
) -> list[tuple[str, str]]:
    """Problems between validated sections, as (path, message); a failed section is None."""
    problems: list[tuple[str, str]] = []
    if economics is not None:
        problems += economics_problems(economics, process, facility, demand)
    if process is not None and facility is not None:
        problems += room_problems(
            [step.room for step in process.steps], [room.kind for room in facility.rooms]
        )
    if product is not None and process is not None:
        counted_items = list(iter_parameters(process, "process"))
        if economics is not None:
            counted_items += iter_parameters(economics, "economics")
        for path, parameter in counted_items:
            counted = parameter.counts
            if counted is not None and counted != product.unit:
                problems.append(
                    (
                        path,
                        f"'{parameter.given}' counts {counted} but the product is counted in"
                        f" {product.unit}",
                    )
                )
    return problems


def room_problems(step_rooms: list[object], kinds: list[str]) -> list[tuple[str, str]]:
    """Steps whose room is not a room kind of the facility (non-text rooms are skipped:
    they are reported by validation)."""
    return [
        (
            f"process.steps[{i}].room",
            f"'{room}' is not a room kind of the facility (it has: {', '.join(kinds)})"
            + did_you_mean(room, kinds).replace(" (", "; ").rstrip(")"),
        )
        for i, room in enumerate(step_rooms)
        if isinstance(room, str) and room not in kinds
    ]


def iter_parameters(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
    """Walk a model and yield (path, parameter) for every numeric parameter, in file order."""
    for path, parameter, _ in iter_parameter_specs(model, prefix):
        yield path, parameter


def iter_parameter_specs(
    model: BaseModel, prefix: str = ""
) -> Iterator[tuple[str, Parameter, QuantitySpec | None]]:
    """Like :func:`iter_parameters`, with the :class:`QuantitySpec` that validated each value
    (its units and bounds), so a value set later (a sweep point, a sample) can be checked."""
    for name, field in type(model).model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        yield from _walk(getattr(model, name), path, _spec_of(field.metadata, field.annotation))


def _walk(
    value: object, path: str, spec: QuantitySpec | None
) -> Iterator[tuple[str, Parameter, QuantitySpec | None]]:
    if isinstance(value, Parameter):
        yield path, value, spec
    elif isinstance(value, BaseModel):
        yield from iter_parameter_specs(value, path)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", spec)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}", spec)


def _spec_of(metadata: list[Any], annotation: Any) -> QuantitySpec | None:
    """The QuantitySpec behind a field: in its metadata, or inside Optional/Annotated/dict."""
    for item in metadata:
        owner = getattr(getattr(item, "func", None), "__self__", None)
        if isinstance(owner, QuantitySpec):
            return owner
    if typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        return _spec_of(list(args[1:]), args[0])
    for arg in typing.get_args(annotation):
        found = _spec_of([], arg)
        if found is not None:
            return found
    return None


def economics_problems(
    economics: Economics, process: Process | None, facility: Facility | None, demand: Demand | None
) -> list[tuple[str, str]]:
    """Economics items that point at steps or rooms that do not exist, money without an
    exchange rate, and a QC panel that does not fit the QC release step."""
    problems = currency_problems(economics, list(iter_parameters(economics, "economics")))
    if process is not None:
        names = [step.name for step in process.steps]
        named_steps = [
            *(("materials", i, "step", m.step) for i, m in enumerate(economics.materials)),
            *(("staff", i, "step", s.step) for i, s in enumerate(economics.staff)),
            *(("fees", i, "step", f.step) for i, f in enumerate(economics.fees)),
            *(
                ("equipment", i, "size_from_step", e.size_from_step)
                for i, e in enumerate(economics.equipment)
            ),
        ]
        production = process.production_index
        for i, item in enumerate(economics.equipment):
            if item.size_from_step in names and names.index(item.size_from_step) < production:
                problems.append(
                    (
                        f"economics.equipment[{i}].size_from_step",
                        f"'{item.size_from_step}' comes before the production step: it has no"
                        " volume of product to size by",
                    )
                )
        for section, i, field, step_name in named_steps:
            if step_name is not None and step_name not in names:
                problems.append(
                    (
                        f"economics.{section}[{i}].{field}",
                        f"'{step_name}' is not a step of the process"
                        + did_you_mean(step_name, names),
                    )
                )
        release = [step for step in process.steps if isinstance(step, QCReleaseStep)]
        if economics.qc_tests and release:
            step = release[0]
            for i, test in enumerate(economics.qc_tests):
                if test.duration is not None and test.duration.value > step.duration.value:
                    problems.append(
                        (
                            f"economics.qc_tests[{i}].duration",
                            f"{test.duration.given} is longer than the QC release step"
                            f" '{step.name}' ({step.duration.given})",
                        )
                    )
            needed = sum(test.sample_vials.value for test in economics.qc_tests)
            if needed > step.sample_vials.value:
                problems.append(
                    (
                        "economics.qc_tests",
                        f"the tests take {needed:g} containers but the QC release step takes"
                        f" {step.sample_vials.value:g} (process sample_vials)",
                    )
                )
    if facility is not None:
        kinds = [room.kind for room in facility.rooms]
        for section in ("areas", "equipment", "staff", "fees"):
            for i, item in enumerate(getattr(economics, section)):
                for field in ("per_room", "room"):
                    kind = getattr(item, field, None)
                    if kind is not None and kind not in kinds:
                        problems.append(
                            (
                                f"economics.{section}[{i}].{field}",
                                f"'{kind}' is not a room kind of the facility"
                                f"{did_you_mean(kind, kinds)}",
                            )
                        )
    if economics.facility_sizing == "to_demand" and (
        demand is None or demand.patients_per_year is None
    ):
        problems.append(
            (
                "economics.facility_sizing",
                "to_demand sizes the rooms to demand.patients_per_year, which is not given",
            )
        )
    return problems
