"""``genofab run OUTLOOK`` (demand over the years and the capacity to meet it) and
``genofab run NETWORK`` (where autologous therapies are made): the checks and runs are
:mod:`genofab.service.planning`'s, shared with the workbench."""

from __future__ import annotations

from pathlib import Path

from genofab.results.network import NetworkResult
from genofab.results.outlook import OutlookResult
from genofab.service.planning import run_network_document, run_outlook_document

__all__ = ["run_network_document", "run_outlook_document", "run_planning_file"]


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
