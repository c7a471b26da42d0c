"""The README's first command installs genofab without extras (`pip install -e .`): every
command but `serve` must work without the workbench's libraries. Checked in a fresh
interpreter in which importing them fails, as on a machine that never installed them (a
module-level `from sqlalchemy...` in a service shared with the workbench once broke
`genofab run` there)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.helpers import EXAMPLES, ROOT

#: The `web` extra's libraries (pyproject.toml), as imported.
WEB_ONLY = ("sqlalchemy", "alembic", "fastapi", "uvicorn", "argon2", "multipart", "psycopg")

PROBE = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    BLOCKED = set(sys.argv[1].split(","))

    class NotInstalled(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    from typer.testing import CliRunner
    from genofab.views.cli import app

    result = CliRunner().invoke(app, sys.argv[2:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback
        traceback.print_exception(result.exception)
    print(result.output)
    sys.exit(result.exit_code)
    """
)


@pytest.mark.parametrize(
    "arguments",
    [
        ["run", str(EXAMPLES / "sickle-cell-gene-therapy.yaml"), "--samples", "0"],
        ["run", str(EXAMPLES / "lv-sickle-cell-industrial.yaml"), "--samples", "0"],
        ["run", str(EXAMPLES / "sickle-cell-europe.yaml")],
        ["validate", str(EXAMPLES / "car-t-network.yaml")],
        ["schedule", str(EXAMPLES / "schedule-4-suites.yaml"), "--no-progress"],
        ["records", "check", str(EXAMPLES / "records" / "lots.csv")],
    ],
    ids=["chain", "scenario", "outlook", "network", "schedule", "records"],
)
def test_a_command_works_without_the_workbench_libraries(arguments: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(WEB_ONLY), *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
