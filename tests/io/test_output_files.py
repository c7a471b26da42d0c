"""Output files and folders: written whole or not at all, never over a device or a folder,
one run at a time per folder, and what a killed run leaves is cleaned by the next."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.errors import OutputError
from genofab.io.files import staged_folder, write_text_atomically
from genofab.views.cli import app

runner = CliRunner()


def refused(args: list[str], *expected: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write into, root included (immutable when run as root)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a folder read-only for root")
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("this file system cannot make a folder immutable")
        try:
            yield folder
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


def test_schema_into_a_folder_or_a_device_is_refused(tmp_path: Path) -> None:
    refused(["schema", "-o", str(tmp_path)], str(tmp_path), "is a folder")
    refused(["schema", "-o", "/dev/full"], "/dev/full", "is a character device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # never replaced by a regular file
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    refused(["schema", "-o", str(link)], "is a symbolic link")
    assert not (tmp_path / "target.json").exists() and link.is_symlink()


def test_writing_into_a_read_only_folder_is_a_clear_error(read_only: Path) -> None:
    refused(["schema", "-o", str(read_only / "s.json")], str(read_only / "s.json"))
    refused(["new", str(read_only / "x.yaml"), "-t", "aav-hek293"], "cannot write")
    target = read_only / "report"
    refused(["report", "examples/aav-hek293-200l.yaml", "-o", str(target)], "cannot write")
    assert list(read_only.iterdir()) == []


def test_a_full_disk_is_a_clear_error(tmp_path: Path) -> None:
    """A file-size limit makes writes fail as on a full disk (Python ignores SIGXFSZ)."""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    out = tmp_path / "schema.json"
    done = subprocess.run(
        [sys.executable, "-m", "genofab", "schema", "-o", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert f"cannot write '{out}'" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_write_text_atomically_replaces_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    write_text_atomically(target, "new")
    assert target.read_text() == "new" and list(tmp_path.iterdir()) == [target]


def test_a_folder_is_replaced_whole_keeping_files_it_does_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "figures" / "old.png").write_text("old figure")
    (out / "a.html").mkdir()  # a folder at an output name
    (out / "b.csv").symlink_to("/dev/null")  # a link at an output name
    (out / "c.txt").write_text("old c")
    with staged_folder(out) as staging:
        (staging / "figures").mkdir()
        (staging / "figures" / "new.png").write_text("new figure")
        for name in ("a.html", "b.csv", "c.txt"):
            (staging / name).write_text(f"new {name}")
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["new.png", "old.png"]
    for name in ("a.html", "b.csv", "c.txt"):
        assert (out / name).is_file() and not (out / name).is_symlink()
        assert (out / name).read_text() == f"new {name}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failed_block_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old")

    def write_then_fail() -> None:
        with staged_folder(out) as staging:
            (staging / "a.txt").write_text("new")
            raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert (out / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_current_folder_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for target in (".", ".."):
        with pytest.raises(OutputError, match="current folder"), staged_folder(Path(target)):
            pass


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from genofab.io.files import staged_folder
with staged_folder(Path(sys.argv[1])) as staging:
    (staging / "a.txt").write_text("half of the new run")
    Path(sys.argv[2]).write_text("ready")
    time.sleep(600)
"""


def test_a_killed_run_leaves_the_old_folder_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a")
    (out / "b.txt").write_text("old b")
    ready = tmp_path / "ready"
    writer = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(out), str(ready)])
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the writer never got to its staging folder"
        with (
            pytest.raises(OutputError, match="another genofab run is writing"),
            staged_folder(out),
        ):
            pass
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.txt": "old a", "b.txt": "old b"}
    assert (tmp_path / ".genofab-out" / "new" / "a.txt").exists()  # what the killed run left
    with staged_folder(out) as staging:
        (staging / "a.txt").write_text("new a")
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.txt": "new a", "b.txt": "old b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ready"]


def test_a_run_killed_between_the_two_renames_gets_its_old_folder_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / ".genofab-out" / "old").mkdir(parents=True)  # the state between the renames
    (tmp_path / ".genofab-out" / "old" / "a.txt").write_text("old a")
    (tmp_path / ".genofab-out" / "new").mkdir()
    with pytest.raises(RuntimeError), staged_folder(out):
        raise RuntimeError("this run fails too")
    assert (out / "a.txt").read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
