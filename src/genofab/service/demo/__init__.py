"""``genofab serve --demo``: a working platform at once — two sponsors, a platform manager, a
member per sponsor and a viewer (passwords drawn afresh and printed once), the reference
templates as each sponsor's scenarios, the shipped examples and plans as the platform's, and
the demo platform plan sponsors book against."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from importlib import resources
from pathlib import Path

from genofab.errors import GenofabError
from genofab.io.db import people
from genofab.io.db.session import MANAGER, MEMBER, SYSTEM, VIEWER, Database
from genofab.service import auth, documents
from genofab.service.booking import PLATFORM_PLAN

SPONSORS = ("Helix Therapeutics", "Saclay Cell")
#: (username, display name, role, sponsor index or None, templates saved as its scenarios)
PEOPLE = (
    ("manager", "Platform manager", MANAGER, None, ()),
    ("helix", "Helix member", MEMBER, 0, ("lv-suspension", "lv-adherent", "aav-hek293")),
    ("saclay", "Saclay member", MEMBER, 1, ("car-t-autologous", "hsc-lv-ex-vivo")),
    ("helix-viewer", "Helix viewer", VIEWER, 0, ()),
)


def platform_plan_text(today: dt.date | None = None) -> str:
    """The demo platform plan starting the Monday after ``today``."""
    today = today or dt.date.today()
    start = today + dt.timedelta(days=7 - today.weekday())
    text = resources.files(__name__).joinpath("platform.yaml").read_text("utf-8")
    return text.replace("START_DATE", start.isoformat())


def examples_folder() -> Path | None:
    """The repository's ``examples/`` folder, when genofab runs from a clone."""
    folder = Path(__file__).resolve().parents[4] / "examples"
    return folder if folder.is_dir() else None


def load_demo(database: Database) -> dict[str, str]:
    """Create the demo's sponsors, people and documents; returns {username: password}.
    An already loaded demo is left as it is (returns {})."""
    from genofab.io.templates import template_text

    with database.transaction(SYSTEM) as session:
        if people.user_by_name(session, "manager") is not None:
            return {}
    with database.transaction(SYSTEM, write=True) as session:
        sponsor_ids = [people.create_sponsor(session, SYSTEM, name).id for name in SPONSORS]
    credentials = {}
    for username, display, role, sponsor, _ in PEOPLE:
        password = secrets.token_urlsafe(12)
        auth.create_user(
            database,
            SYSTEM,
            username=username,
            display_name=display,
            password=password,
            role=role,
            sponsor_id=None if sponsor is None else sponsor_ids[sponsor],
        )
        credentials[username] = password
    for _, _, _, sponsor, names in PEOPLE:
        for name in names:
            documents.save(
                database,
                SYSTEM,
                kind="scenario",
                name=name,
                content=template_text(name),
                reason="demo: from the reference template",
                base_version=None,
                owner=sponsor_ids[sponsor] if sponsor is not None else None,
            )
    folder = examples_folder()
    planning = []  # outlooks and networks, stored once the scenarios they name are
    for path in sorted(folder.glob("**/*.yaml")) if folder else []:
        content = path.read_text("utf-8")
        if "format: genofab-outlook/1" in content or "format: genofab-network/1" in content:
            planning.append(path)
            continue
        kind = "plan" if "format: genofab-plan/1" in content else "scenario"
        try:
            documents.save(
                database,
                SYSTEM,
                kind=kind,
                name=path.stem,
                content=content,
                reason="demo: shipped example",
                base_version=None,
            )
        except GenofabError:  # an example that refers to files is skipped, not half-loaded
            continue
    documents.save(
        database,
        SYSTEM,
        kind="plan",
        name=PLATFORM_PLAN,
        content=platform_plan_text(),
        reason="demo: the platform plan",
        base_version=None,
    )
    for path in planning:
        content = stored_references(path.read_text("utf-8"))
        kind = "outlook" if "format: genofab-outlook/1" in content else "network"
        owners = [None] + ([sponsor_ids[1]] if kind == "network" else [])
        for owner in owners:  # the platform's, and the network for the sponsor making CAR-T
            try:
                documents.save(
                    database,
                    SYSTEM,
                    kind=kind,
                    name=path.stem,
                    content=content,
                    reason="demo: shipped example, its scenarios named as stored ones",
                    base_version=None,
                    owner=owner,
                )
            except GenofabError:
                continue
    if folder is not None:
        load_demo_records(database, folder, sponsor_ids[0])
    return credentials


_FILE_REFERENCE = re.compile(r"(\bscenario:\s*)(?:[\w.-]+/)*([\w.-]+)\.ya?ml\b")


def stored_references(text: str) -> str:
    """An example outlook or network with its scenario files named as the stored scenarios
    the demo keeps them as (``scenario: sub/hsc-cell-product.yaml`` → ``hsc-cell-product``)."""
    return _FILE_REFERENCE.sub(r"\1\2", text)


#: The synthetic batch records of ``examples/records`` (docs/records.md), stored under the
#: first demo sponsor with the process they were drawn around and the walk-through's
#: specification of the chromatography step yield.
DEMO_RECORDS_SCENARIO = "lv-sickle-cell-current"
DEMO_SPECIFICATIONS = "chromatography.step_yield=35:70"


def load_demo_records(database: Database, folder: Path, sponsor_id: int) -> None:
    """Store the synthetic demo records (lots and environment monitoring) for ``sponsor_id``
    with the scenario they calibrate, and queue their review (run when the server starts)."""
    from genofab.service.jobs import start_run
    from genofab.service.stored_records import Upload, save_records

    lots = folder / "records" / "lots.csv"
    monitoring = folder / "records" / "monitoring.csv"
    scenario = folder / f"{DEMO_RECORDS_SCENARIO}.yaml"
    if not (lots.is_file() and monitoring.is_file() and scenario.is_file()):
        return
    documents.save(
        database,
        SYSTEM,
        kind="scenario",
        name=DEMO_RECORDS_SCENARIO,
        content=scenario.read_text("utf-8"),
        reason="demo: the process of the synthetic batch records",
        base_version=None,
        owner=sponsor_id,
    )
    saved, _ = save_records(
        database,
        SYSTEM,
        lots_file=Upload(lots.read_bytes(), False),
        monitoring_file=Upload(monitoring.read_bytes(), False),
        specifications=DEMO_SPECIFICATIONS,
        scenario=DEMO_RECORDS_SCENARIO,
        reason="demo: synthetic batch records (examples/records, docs/records.md)",
        owner=sponsor_id,
    )
    start_run(database, SYSTEM, saved.document_id, saved.version, "review")
