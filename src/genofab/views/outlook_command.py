"""``genofab run OUTLOOK`` (demand over the years and the capacity to meet it) and
``genofab run NETWORK`` (where autologous therapies are made)."""

from __future__ import annotations

from pathlib import Path

from genofab.errors import InfeasibleError, ScenarioError, UsageError
from genofab.io.outlook_file import validate_outlook_document
from genofab.io.validation import issue_at
from genofab.io.yaml_source import YamlDocument
from genofab.results.network import NetworkResult
from genofab.results.outlook import OutlookResult


def run_outlook_document(
    document: YamlDocument, folder: Path, samples: int | None, seed: int
) -> OutlookResult:
    """Validate an outlook document and run it; a figure that cannot be computed is reported
    at its field in the file."""
    from genofab.engines.demand.montecarlo import MAX_SAMPLES
    from genofab.engines.demand.outlook import run_outlook

    if samples is not None and not 1 <= samples <= MAX_SAMPLES:
        raise UsageError(f"--samples {samples}: an outlook draws 1 to {MAX_SAMPLES:,} samples")
    loaded = validate_outlook_document(document, folder)
    try:
        return run_outlook(
            loaded.outlook,
            loaded.scenarios,
            file=loaded.path,
            sha256=loaded.sha256,
            samples=samples,
            seed=seed,
            overrides=loaded.overrides,
        )
    except InfeasibleError as error:
        raise ScenarioError(
            [issue_at(document, error.path, error.message)], document.file
        ) from None


def run_network_document(
    document: YamlDocument, folder: Path, samples: int | None = None, seed: int = 1
) -> NetworkResult:
    """Validate a network document and run every demand level (with ``samples``, its Monte
    Carlo too); a site whose scenario cannot give its figures is reported at its field in
    the file."""
    from genofab.engines.network_operation import MAX_SAMPLES
    from genofab.engines.network_run import run_network
    from genofab.io.network_file import validate_network_document

    if samples is not None and not 1 <= samples <= MAX_SAMPLES:
        raise UsageError(f"--samples {samples}: a network draws 1 to {MAX_SAMPLES:,} samples")
    loaded = validate_network_document(document, folder)
    try:
        return run_network(
            loaded.network,
            loaded.scenarios,
            file=loaded.path,
            sha256=loaded.sha256,
            samples=samples,
            seed=seed,
        )
    except InfeasibleError as error:
        raise ScenarioError(
            [issue_at(document, error.path, error.message)], document.file
        ) from None


def run_planning_file(
    file: Path, samples: int | None, seed: int
) -> OutlookResult | NetworkResult | None:
    """The result of ``file`` if it is an outlook or a network; None for any other file."""
    from genofab.io.network_file import is_network_document
    from genofab.io.outlook_file import is_outlook_document
    from genofab.io.yaml_source import read_yaml

    document = read_yaml(file)
    if is_outlook_document(document):
        return run_outlook_document(document, file.parent, samples, seed)
    if is_network_document(document):
        return run_network_document(document, file.parent, samples, seed)
    return None
