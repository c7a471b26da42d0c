"""Load a ``genofab-outlook/1`` file: parse, validate, load the scenario of each product, and
report every problem at once with file, line, column and field path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic_core import PydanticCustomError

from genofab.errors import GenofabError, Issue, ScenarioError, did_you_mean
from genofab.io.references import FileReferenceError, referenced_path, referenced_problem
from genofab.io.scenario_file import load_scenario
from genofab.io.validation import issue_at, validate_root
from genofab.io.yaml_source import YamlDocument, read_yaml
from genofab.model.outlook import FORMAT, Outlook, Product, Stage, outlook_problems
from genofab.model.scenario import Scenario, iter_parameter_specs


@dataclass(frozen=True)
class OutlookFile:
    """A validated outlook, the file it came from, and each product's stage scenarios."""

    path: str
    sha256: str
    outlook: Outlook
    scenarios: dict[str, tuple[Scenario, ...]] = field(default_factory=dict)
    overrides: dict[str, tuple[dict[str, float], ...]] = field(default_factory=dict)


def is_outlook_document(document: YamlDocument) -> bool:
    """Whether parsed YAML declares the outlook format."""
    return isinstance(document.data, dict) and document.data.get("format") == FORMAT


def load_outlook(path: str | Path) -> OutlookFile:
    """Read and validate an outlook file; a :class:`ScenarioError` lists every problem."""
    return validate_outlook_document(read_yaml(path), Path(path).parent)


def validate_outlook_document(
    document: YamlDocument,
    folder: Path | None,
    resolve: Callable[[str], Scenario] | None = None,
) -> OutlookFile:
    """Validate parsed YAML as an outlook; scenario paths are relative to ``folder`` and may
    not leave it, or, with ``resolve``, are names it turns into scenarios (stored ones: no path
    is read, and a chain file, which names further files, is refused)."""
    outlook, issues = validate_root(document, Outlook, outlook_problems, "an outlook")
    scenarios: dict[str, tuple[Scenario, ...]] = {}
    overrides: dict[str, tuple[dict[str, float], ...]] = {}
    if outlook is not None and not issues:
        products = []
        for i, product in enumerate(outlook.products):
            if product.chain is not None and resolve is not None:
                issues.append(
                    issue_at(
                        document,
                        f"products[{i}].chain",
                        "a chain file is not stored: list the product's stages, each a stored"
                        " scenario (NAME or NAME@VERSION)",
                    )
                )
                continue
            if product.chain is not None:
                assert folder is not None, "an outlook read from a file has a folder"
                chained = chain_stages(document, folder, i, product, issues)
                if chained is None:
                    continue
                product, scenarios[product.name] = chained
                overrides[product.name] = tuple({} for _ in product.stages)
                products.append(product)
                continue
            products.append(product)
            loaded: list[Scenario] = []
            changed: list[dict[str, float]] = []
            for j, stage in enumerate(product.stages):
                path = f"products[{i}].stages[{j}].scenario"
                try:
                    scenario = referenced_scenario(folder, stage.scenario, resolve)
                except FileReferenceError as error:
                    issues.append(issue_at(document, path, str(error)))
                    continue
                except GenofabError as error:
                    issues.append(
                        issue_at(document, path, referenced_problem(stage.scenario, error))
                    )
                    continue
                loaded.append(scenario)
                values, problems = stage_overrides(scenario, stage.set)
                changed.append(values)
                for key, message in problems:
                    issues.append(
                        issue_at(document, f"products[{i}].stages[{j}].set.{key}", message)
                    )
            scenarios[product.name] = tuple(loaded)
            overrides[product.name] = tuple(changed)
        outlook = outlook.model_copy(update={"products": tuple(products)})
    if issues or outlook is None:
        raise ScenarioError(issues, document.file)
    return OutlookFile(document.file, document.sha256, outlook, scenarios, overrides)


def referenced_scenario(
    folder: Path | None, reference: str, resolve: Callable[[str], Scenario] | None
) -> Scenario:
    """The scenario a reference names: a file in ``folder``, or what ``resolve`` makes of it."""
    if resolve is not None:
        return resolve(reference)
    assert folder is not None, "a file read from disk has a folder"
    return load_scenario(referenced_path(folder, reference)).scenario


def chain_stages(
    document: YamlDocument, folder: Path, index: int, product: Product, issues: list[Issue]
) -> tuple[Product, tuple[Scenario, ...]] | None:
    """A product's stages and their scenarios from its chain file (confined to ``folder``),
    upstream first, each counting its cost; a problem is added to ``issues`` (None back)."""
    from genofab.io.chain_file import load_chain

    assert product.chain is not None
    path = f"products[{index}].chain"
    try:
        target = referenced_path(folder, product.chain)
        loaded = load_chain(target)
    except FileReferenceError as error:
        issues.append(issue_at(document, path, str(error)))
        return None
    except GenofabError as error:
        issues.append(issue_at(document, path, referenced_problem(product.chain, error)))
        return None
    stages = []
    for stage in loaded.chain.stages:
        inside = Path(loaded.stage_files[stage.name].path).relative_to(target.parent)
        stages.append(Stage(scenario=str(PurePosixPath(product.chain).parent / inside)))
    scenarios = tuple(stage.scenario for stage in loaded.chain.stages)
    return product.model_copy(update={"stages": tuple(stages)}), scenarios


def stage_overrides(
    scenario: Scenario, wanted: dict[str, float | str | dict[str, float | str]]
) -> tuple[dict[str, float], list[tuple[str, str]]]:
    """A stage's ``set``: each path's value parsed as its field parses it (base units, in the
    scenario's currency for money), and the problems as (path, message)."""
    specs = {path: (parameter, spec) for path, parameter, spec in iter_parameter_specs(scenario)}
    values: dict[str, float] = {}
    problems: list[tuple[str, str]] = []
    for path, raw in wanted.items():
        if path not in specs:
            problems.append(
                (
                    path,
                    f"'{path}' is not a parameter of the scenario{did_you_mean(path, list(specs))}",
                )
            )
            continue
        original, spec = specs[path]
        try:
            parsed = spec.parse(raw) if spec is not None else None
        except PydanticCustomError as error:
            problems.append((path, error.message()))
            continue
        if parsed is None:
            problems.append((path, "this parameter cannot be set"))
            continue
        if parsed.currency != original.currency:
            problems.append(
                (path, f"give it in {original.currency or 'no currency'}, as the scenario does")
            )
            continue
        values[path] = parsed.value
    return values, problems
