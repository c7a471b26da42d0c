"""Load a ``genofab-chain/1`` file: parse, validate, load every stage's scenario (confined to
the chain file's folder) and report every problem at once with file, line, column and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from genofab.errors import GenofabError, ScenarioError
from genofab.io.references import confined_reference
from genofab.io.scenario_file import ScenarioFile, load_scenario
from genofab.io.validation import issue_at, validate_root
from genofab.io.yaml_source import YamlDocument, read_yaml
from genofab.model.chain import (
    FORMAT,
    Chain,
    ChainSpec,
    Stage,
    end_problems,
    link_problems,
    shared_problems,
    stage_problems,
    upstream_order,
)
from genofab.model.parameter import describe_value


@dataclass(frozen=True)
class ChainFile:
    """A validated chain, the file it came from and each stage's scenario file."""

    path: str
    sha256: str
    chain: Chain
    stage_files: dict[str, ScenarioFile]


def is_chain_document(document: YamlDocument) -> bool:
    """Whether parsed YAML declares the chain format."""
    return isinstance(document.data, dict) and document.data.get("format") == FORMAT


def load_chain(path: str | Path) -> ChainFile:
    """Read and validate a chain file and its stages; a :class:`ScenarioError` lists every
    problem."""
    return validate_chain_document(read_yaml(path), Path(path).parent)


def validate_chain_document(document: YamlDocument, folder: Path) -> ChainFile:
    """Validate parsed YAML as a chain; stage scenarios are relative to ``folder``."""
    spec, issues = validate_root(
        document,
        ChainSpec,
        lambda spec: link_problems(spec) or end_problems(spec),
        "a chain",
        "format, name, stages",
    )
    if spec is None:
        raise ScenarioError(issues, document.file)
    files: dict[int, ScenarioFile] = {}
    for i, stage in enumerate(spec.stages):
        path = f"stages[{i}].scenario"
        target, why = confined_reference(folder, stage.scenario)
        if target is None:
            issues.append(issue_at(document, path, why or "cannot be read"))
            continue
        try:
            loaded = read_yaml(target)
            if not _is_scenario(loaded):
                issues.append(
                    issue_at(
                        document,
                        path,
                        f"'{stage.scenario}' is not a scenario (its format is"
                        f" {describe_value(_format_of(loaded))}; a stage is a genofab/1 file)",
                    )
                )
                continue
            files[i] = load_scenario(folder / stage.scenario)  # named as written (it is confined)
        except GenofabError as error:
            issues.append(issue_at(document, path, f"'{stage.scenario}': {error}"))
    scenarios = {i: loaded.scenario for i, loaded in files.items()}
    issues += [issue_at(document, p, m) for p, m in stage_problems(spec, scenarios)]
    issues += [issue_at(document, p, m) for p, m in shared_problems(spec, scenarios)]
    if issues:
        raise ScenarioError(issues, document.file)
    stages = tuple(
        Stage(
            name=spec.stages[i].name,
            scenario=scenarios[i],
            consumes=spec.stages[i].consumes,
            site=spec.stages[i].site or spec.stages[i].name,
        )
        for i in upstream_order(spec)
    )
    chain = Chain(
        name=spec.name,
        description=spec.description,
        stages=stages,
        demand=spec.demand,
        shared=spec.uncertainty.shared if spec.uncertainty is not None else (),
    )
    return ChainFile(
        document.file,
        document.sha256,
        chain,
        {spec.stages[i].name: loaded for i, loaded in files.items()},
    )


def _format_of(document: YamlDocument) -> object:
    return document.data.get("format") if isinstance(document.data, dict) else document.data


def _is_scenario(document: YamlDocument) -> bool:
    return _format_of(document) == "genofab/1"
