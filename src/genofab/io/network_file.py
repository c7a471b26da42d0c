"""Load a ``genofab-network/1`` file: parse, validate, load the scenario of each site that
names one, and report every problem at once with file, line, column and field path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genofab.errors import GenofabError, ScenarioError
from genofab.io.references import FileReferenceError, referenced_problem
from genofab.io.validation import issue_at, validate_root
from genofab.io.yaml_source import YamlDocument, read_yaml
from genofab.model.network import FORMAT, Network, network_problems
from genofab.model.scenario import Scenario


@dataclass(frozen=True)
class NetworkFile:
    """A validated network, the file it came from, and the scenarios of its sites by name."""

    path: str
    sha256: str
    network: Network
    scenarios: dict[str, Scenario] = field(default_factory=dict)


def is_network_document(document: YamlDocument) -> bool:
    """Whether parsed YAML declares the network format."""
    return isinstance(document.data, dict) and document.data.get("format") == FORMAT


def load_network(path: str | Path) -> NetworkFile:
    """Read and validate a network file; a :class:`ScenarioError` lists every problem."""
    return validate_network_document(read_yaml(path), Path(path).parent)


def validate_network_document(
    document: YamlDocument,
    folder: Path | None,
    resolve: Callable[[str], Scenario] | None = None,
) -> NetworkFile:
    """Validate parsed YAML as a network; scenario paths are relative to ``folder`` and may
    not leave it, or, with ``resolve``, are names it turns into scenarios (stored ones)."""
    from genofab.io.outlook_file import referenced_scenario

    network, issues = validate_root(document, Network, network_problems, "a network")
    scenarios: dict[str, Scenario] = {}
    if network is not None and not issues:
        for i, site in enumerate(network.sites):
            if site.scenario is None:
                continue
            path = f"sites[{i}].scenario"
            try:
                scenarios[site.name] = referenced_scenario(folder, site.scenario, resolve)
            except FileReferenceError as error:
                issues.append(issue_at(document, path, str(error)))
            except GenofabError as error:
                issues.append(issue_at(document, path, referenced_problem(site.scenario, error)))
    if issues or network is None:
        raise ScenarioError(issues, document.file)
    return NetworkFile(document.file, document.sha256, network, scenarios)
