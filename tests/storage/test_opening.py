"""Opening a storage changes nothing; reads work read-only; bad URLs name the URL."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

import hypersense as hs
from hypersense import StorageError, StudyDirection
from hypersense.storage.sql import SQLStorage
from tests.postgres_server import PostgresServer

MIN = (StudyDirection.MINIMIZE,)


def _foreign_db(path: Path) -> None:
    """Another program's SQLite database, in rollback-journal mode."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('ada')")
        conn.commit()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables_and_mode(path: Path) -> tuple[list[str], str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    return sorted(names), mode


def _hypersense(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hypersense.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_reading_another_programs_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    _foreign_db(path)
    before = _digest(path)
    url = f"sqlite:///{path}"
    for command in (["studies"], ["trials", "x"], ["best", "x"], ["show", "x"]):
        done = _hypersense(*command, "--storage", url, cwd=tmp_path)
        assert "Traceback" not in done.stderr
    assert _hypersense("studies", "--storage", url, cwd=tmp_path).stdout.startswith("no studies")
    with pytest.raises(hs.StudyNotFoundError, match="holds no hypersense studies"):
        hs.load_study("x", url)
    assert _digest(path) == before
    assert _tables_and_mode(path) == (["customers"], "delete")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]  # no -wal, no -shm


def test_writing_a_study_into_another_programs_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    _foreign_db(path)
    before = _digest(path)
    with pytest.raises(StorageError, match=r"database of another program \(tables: customers\)"):
        hs.create_study("mine", f"sqlite:///{path}")
    assert _digest(path) == before and _tables_and_mode(path) == (["customers"], "delete")


def test_an_empty_file_or_a_new_one_is_fine_for_writing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (empty, tmp_path / "new.db"):
        hs.create_study("s", f"sqlite:///{path}")
        tables, mode = _tables_and_mode(path)
        assert "hs_studies" in tables and mode == "wal"


def test_a_read_only_file_system_can_be_read(tmp_path: Path) -> None:
    data = tmp_path / "ro"
    data.mkdir()
    url = f"sqlite:///{data / 'study.db'}"
    study = hs.create_study("s", url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    # A real read-only bind mount of the directory, in a mount namespace of its own.
    command = (
        f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
        f"touch {data}/probe 2>/dev/null && echo WRITABLE; "
        f"{sys.executable} -m hypersense.cli trials s --storage {url} --json"
    )
    done = subprocess.run(
        ["unshare", "--mount", "--fork", "sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "WRITABLE" not in done.stdout  # the mount really was read-only
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"state": "COMPLETE"') == 3


@pytest.mark.parametrize(
    ("make_url", "expected"),
    [
        (lambda tmp: f"sqlite:///{tmp}", "is a directory, not a database file"),
        (lambda tmp: f"sqlite:///{tmp}/missing/x.db", "does not exist"),
        (lambda tmp: "sqlite://", "in-memory SQLite database"),
        (lambda tmp: "sqlite:///:memory:", "in-memory SQLite database"),
    ],
)
def test_urls_that_cannot_hold_a_study_are_refused_by_name(
    tmp_path: Path, make_url: object, expected: str
) -> None:
    url = make_url(tmp_path)  # type: ignore[operator]
    with pytest.raises(StorageError, match=expected) as info:
        hs.create_study("s", url)
    assert url.split("///")[-1] in str(info.value) or url in str(info.value)


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100)
    before = _digest(path)
    for open_study in (
        lambda: hs.create_study("s", f"sqlite:///{path}"),
        lambda: hs.load_study("s", f"sqlite:///{path}"),
    ):
        with pytest.raises(StorageError, match=rf"'{path}' is not an SQLite database"):
            open_study()
    assert _digest(path) == before


def test_a_missing_postgres_database_is_named(postgres_server: PostgresServer) -> None:
    url = postgres_server.url("no_such_db")
    with pytest.raises(StorageError) as info:
        hs.create_study("s", url)
    assert "no_such_db" in str(info.value) and "does not exist" in str(info.value)


def test_a_read_only_storage_refuses_writes(sqlite_url: str) -> None:
    hs.create_study("s", sqlite_url)
    reader = SQLStorage(sqlite_url, read_only=True)
    assert reader.get_study("s").name == "s"
    with pytest.raises(StorageError, match="read-only"):
        reader.create_trial(reader.get_study("s").study_id)
    reader.close()


def test_a_huge_study_name_is_not_echoed_whole(sqlite_url: str) -> None:
    with pytest.raises(ValueError, match="study_name") as info:
        hs.create_study("x" * 100_000, sqlite_url)
    assert len(str(info.value)) < 300 and "100,000 characters" in str(info.value)
