"""Runs as jobs: a run is stored as queued, a pool of worker threads computes it, records its
progress and stores its result and artifacts in one transaction. A run a stopped server left
queued or running is queued again when the next one starts (a ``kill -9`` loses no run and
stores no half result)."""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import select

from genofab.errors import GenofabError
from genofab.io.db import documents as store
from genofab.io.db import runs as run_store
from genofab.io.db.session import SYSTEM, Database, Scope
from genofab.io.db.tables import Run
from genofab.service import computations
from genofab.service.checks import check_scenario
from genofab.service.documents import scenario_resolver

log = logging.getLogger("genofab.jobs")
#: Seconds between two progress writes of one job.
PROGRESS_EVERY = 0.5


def start_run(
    database: Database,
    scope: Scope,
    document_id: int,
    version: int | None,
    kind: str,
    *,
    seed: int = 1,
    samples: int | None = None,
    grid: dict[str, list[str]] | None = None,
) -> int:
    """Store a queued run of a document version; returns its id (audited). A sweep's
    ``grid`` (path → values as the field reads them) is checked against the scenario first."""
    from genofab.errors import ForbiddenError, UsageError

    if not scope.can_write:
        raise ForbiddenError("a viewer cannot start a run")
    samples = computations.check_options(kind, seed, samples, grid)
    with database.transaction(scope, write=True) as session:
        document = store.get_document(session, scope, document_id)
        wanted = computations.JOBS_OF[document.kind]
        if kind not in wanted:
            raise UsageError(f"a {document.kind} runs as: {', '.join(wanted)}")
        chosen = store.get_version(session, document, version)
        if grid is not None:
            loaded, _ = check_scenario(chosen.content, f"{document.name}.yaml")
            computations.read_grid(loaded.scenario, grid)
        options = None if grid is None else {"grid": grid}
        return run_store.create_run(
            session, scope, chosen, kind, seed=seed, samples=samples, options=options
        ).id


class JobQueue:
    """Worker threads computing queued runs."""

    def __init__(self, database: Database, workers: int = 2, scheduler: str | None = None) -> None:
        self.database = database
        #: The Dask scheduler's address for Monte Carlo and sweep chunks (None: Dask's
        #: threads in this process).
        self.scheduler = scheduler
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="genofab-job")
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, run_id: int) -> None:
        """Compute run ``run_id`` in a worker."""
        with self._lock:
            self._futures[run_id] = self._pool.submit(self._work, run_id)

    def resume(self) -> list[int]:
        """Queue again the runs a stopped server left queued or running."""
        with self.database.transaction(SYSTEM) as session:
            waiting = list(
                session.scalars(
                    select(Run.id).where(Run.state.in_([run_store.QUEUED, run_store.RUNNING]))
                )
            )
        for run_id in waiting:
            self.submit(run_id)
        return waiting

    def wait(self, run_id: int, timeout: float = 120.0) -> None:
        """Block until run ``run_id`` is finished (for tests and the command line)."""
        with self._lock:
            future = self._futures.get(run_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop taking work; wait for the runs in progress."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _work(self, run_id: int) -> None:
        with self.database.transaction(SYSTEM) as session:
            run = session.get(Run, run_id)
            if run is None or run.state not in (run_store.QUEUED, run_store.RUNNING):
                return
            version = store.get_version_by_id(session, SYSTEM, run.version_id)
            document = store.get_document(session, SYSTEM, version.document_id)
            kind, seed, samples = run.kind, run.seed, run.samples
            grid = json.loads(run.options).get("grid") if run.options else None
            content, file = version.content, f"{document.name}@{version.number}"
        self._progress(run_id)(0.0)
        error = None
        outcome = computations.Outcome({})
        try:
            if kind == "schedule":
                outcome = self._schedule(document.sponsor_id, content, file, seed)
            elif kind == "review":
                outcome = self._review(run_id, file, seed, samples)
            elif kind in ("outlook", "network"):
                outcome = self._planning(kind, document.sponsor_id, content, file, seed, samples)
            else:
                outcome = computations.run_scenario(
                    kind,
                    content,
                    file,
                    seed,
                    samples,
                    self._progress(run_id),
                    grid=grid,
                    scheduler=self.scheduler,
                )
            text = computations.result_text(outcome)
        except GenofabError as problem:
            error, text = str(problem), None
        except Exception:  # a bug must not kill the worker: the run records it
            log.exception("run %s failed", run_id)
            error, text = "internal error: the run failed; the server log has the details", None
        with self.database.transaction(SYSTEM, write=True) as session:
            run = session.get(Run, run_id)
            assert run is not None
            run_store.finish_run(
                session,
                SYSTEM,
                run,
                result=text,
                error=error,
                artifacts={} if error else outcome.artifacts,
            )

    def _schedule(self, owner: int | None, content: str, file: str, seed: int) -> Any:
        from genofab.service.checks import check_plan

        with self.database.transaction(SYSTEM) as session:
            plan_file = check_plan(content, file, scenario_resolver(session, SYSTEM, owner))
        return computations.run_plan(plan_file, seed)

    def _planning(
        self, kind: str, owner: int | None, content: str, file: str, seed: int, samples: int | None
    ) -> Any:
        """Run a stored outlook or network: its scenarios are the owner's stored ones, read
        in one transaction; the result names the versions used."""
        from genofab.service.planning import StoredScenarios, check_planning, run_planning

        with self.database.transaction(SYSTEM) as session:
            stored = StoredScenarios(session, SYSTEM, owner)
            check_planning(kind, content, file, stored)
        result = run_planning(kind, content, file, stored.remembered, samples, seed)
        return computations.Outcome(result.to_json_dict() | {"scenarios_used": stored.used})

    def _review(self, run_id: int, file: str, seed: int, samples: int | None) -> Any:
        """The review of a stored version of batch records (with the stored scenario it names,
        each site's predictions)."""
        from genofab.service.documents import stored_text
        from genofab.service.stored_records import review_stored, stored_files

        with self.database.transaction(SYSTEM) as session:
            run = session.get(Run, run_id)
            assert run is not None
            summary, payload, attachment, owner = stored_files(session, SYSTEM, run.version_id)
            scenario = None
            if summary.get("scenario"):
                scenario = stored_text(session, SYSTEM, owner, "scenario", summary["scenario"])
        result = review_stored(
            summary, payload, attachment, scenario, label=file, samples=samples, seed=seed
        )
        return computations.Outcome(result)

    def _progress(self, run_id: int) -> Any:
        last = [0.0]

        def report(fraction: float) -> None:
            now = time.monotonic()
            if fraction not in (0.0, 1.0) and now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            with self.database.transaction(SYSTEM, write=True) as session:
                run_store.set_progress(session, run_id, min(max(fraction, 0.0), 1.0))

        return report
