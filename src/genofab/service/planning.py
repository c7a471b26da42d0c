"""Outlooks (``genofab-outlook/1``: demand over the years and the capacity to meet it) and
networks (``genofab-network/1``: where autologous therapies are made), checked and run as
``genofab run`` runs them, by the command line and by the workbench alike.

A file names its scenarios by path, relative to its folder. In the workbench a reference is
the name of a stored scenario of the same owner (``NAME`` for its newest version, or
``NAME@VERSION``), never a path: :func:`stored_scenarios` turns names into scenarios, and the
validators refuse anything else at its field; a product's ``chain:`` (a file naming further
files) is refused there too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genofab.errors import InfeasibleError, ScenarioError, UsageError
from genofab.io.validation import issue_at
from genofab.io.yaml_source import YamlDocument, parse_yaml
from genofab.model.scenario import Scenario
from genofab.results.network import NetworkResult
from genofab.results.outlook import OutlookResult

if TYPE_CHECKING:  # the workbench's database: not installed with a plain `pip install .`
    from sqlalchemy.orm import Session

    from genofab.io.db.session import Scope

#: The document kinds this module checks and runs, by the format they declare.
FORMATS = {"outlook": "genofab-outlook/1", "network": "genofab-network/1"}

Resolve = Callable[[str], Scenario]


def run_outlook_document(
    document: YamlDocument,
    folder: Path | None,
    samples: int | None,
    seed: int,
    resolve: Resolve | None = None,
) -> OutlookResult:
    """Validate an outlook document and run it; a figure that cannot be computed is reported
    at its field in the file. Scenario references are files in ``folder``, or names that
    ``resolve`` turns into scenarios."""
    from genofab.engines.demand.montecarlo import MAX_SAMPLES
    from genofab.engines.demand.outlook import run_outlook
    from genofab.io.outlook_file import validate_outlook_document

    _check_samples(samples, MAX_SAMPLES, "an outlook")
    loaded = validate_outlook_document(document, folder, resolve)
    with _figures_at_their_fields(document):
        return run_outlook(
            loaded.outlook,
            loaded.scenarios,
            file=loaded.path,
            sha256=loaded.sha256,
            samples=samples,
            seed=seed,
            overrides=loaded.overrides,
        )


def run_network_document(
    document: YamlDocument,
    folder: Path | None,
    samples: int | None = None,
    seed: int = 1,
    resolve: Resolve | None = None,
) -> NetworkResult:
    """Validate a network document and run every demand level (with ``samples``, its Monte
    Carlo too); a site whose scenario cannot give its figures is reported at its field in
    the file. Scenario references as for :func:`run_outlook_document`."""
    from genofab.engines.network_operation import MAX_SAMPLES
    from genofab.engines.network_run import run_network
    from genofab.io.network_file import validate_network_document

    _check_samples(samples, MAX_SAMPLES, "a network")
    loaded = validate_network_document(document, folder, resolve)
    with _figures_at_their_fields(document):
        return run_network(
            loaded.network,
            loaded.scenarios,
            file=loaded.path,
            sha256=loaded.sha256,
            samples=samples,
            seed=seed,
        )


def _check_samples(samples: int | None, most: int, what: str) -> None:
    if samples is not None and not 1 <= samples <= most:
        raise UsageError(f"--samples {samples}: {what} draws 1 to {most:,} samples")


@contextmanager
def _figures_at_their_fields(document: YamlDocument) -> Iterator[None]:
    """A figure the engine cannot compute, reported at its field in the document."""
    try:
        yield
    except InfeasibleError as error:
        raise ScenarioError(
            [issue_at(document, error.path, error.message)], document.file
        ) from None


class StoredScenarios:
    """Turns a reference into the owner's stored scenario (``NAME`` or ``NAME@VERSION``) and
    remembers which versions it used (``used``: reference → ``NAME@VERSION``)."""

    def __init__(self, session: Session, scope: Scope, owner: int | None) -> None:
        self.session, self.scope, self.owner = session, scope, owner
        self.used: dict[str, str] = {}
        self._loaded: dict[str, Scenario] = {}

    def __call__(self, reference: str) -> Scenario:
        from genofab.errors import NotFoundError
        from genofab.io.references import FileReferenceError
        from genofab.service.checks import check_scenario
        from genofab.service.documents import stored_text

        try:
            content, label = stored_text(
                self.session, self.scope, self.owner, "scenario", reference
            )
        except NotFoundError as error:
            if reference.strip().lower().endswith((".yaml", ".yml")):
                raise FileReferenceError(
                    f"'{reference[:100]}' names a file: in the workbench a reference is the name"
                    " of a stored scenario (NAME or NAME@VERSION), never a file path"
                ) from None
            raise FileReferenceError(f"{error}: store it first, or name one stored") from None
        except ScenarioError as error:  # not a name: a file path
            raise FileReferenceError(
                f"'{reference[:100]}' is not the name of a stored scenario: in the workbench a"
                f" reference is NAME or NAME@VERSION, never a file path ({error.issues[0].message})"
            ) from None
        loaded, _ = check_scenario(content, label)
        self.used[reference] = label
        self._loaded[reference] = loaded.scenario
        return loaded.scenario

    def remembered(self, reference: str) -> Scenario:
        """A scenario this resolver has already read (after its transaction is over)."""
        return self._loaded[reference]


def check_format(document: YamlDocument, kind: str) -> None:
    """Refuse a document that does not declare the format of its kind (at ``format``)."""
    from genofab.errors import Issue

    data = document.data
    if isinstance(data, dict) and data.get("format") == FORMATS[kind]:
        return
    message = f"{'an' if kind == 'outlook' else 'a'} {kind} starts with 'format: {FORMATS[kind]}'"
    if isinstance(data, dict) and "format" in data:
        raise ScenarioError([issue_at(document, "format", message)], document.file)
    raise ScenarioError([Issue("format", message, 1, 1)], document.file)


def check_planning(kind: str, text: str, file: str, resolve: Resolve) -> Any:
    """Parse and validate an outlook or network text with the command line's messages (file,
    line, column, field, rule); its scenarios by name through ``resolve``."""
    from genofab.io.network_file import validate_network_document
    from genofab.io.outlook_file import validate_outlook_document

    document = parse_yaml(text.encode("utf-8"), file)
    check_format(document, kind)
    if kind == "outlook":
        return validate_outlook_document(document, None, resolve)
    return validate_network_document(document, None, resolve)


def run_planning(
    kind: str, text: str, file: str, resolve: Resolve, samples: int | None, seed: int
) -> OutlookResult | NetworkResult:
    """Run a stored outlook or network (its scenarios by name through ``resolve``)."""
    document = parse_yaml(text.encode("utf-8"), file)
    check_format(document, kind)
    if kind == "outlook":
        return run_outlook_document(document, None, samples, seed, resolve)
    return run_network_document(document, None, samples, seed, resolve)
