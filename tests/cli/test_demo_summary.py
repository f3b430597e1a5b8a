"""The commands the demo suggests at its end."""

from __future__ import annotations

from hypersense.cli.demo_summary import next_commands
from hypersense.config.storage_url import DEFAULT_STORAGE


def test_the_default_storage_is_not_repeated() -> None:
    commands = [command for command, _ in next_commands("demo", DEFAULT_STORAGE)]
    assert commands[0] == "hypersense analyze demo"
    assert not any("--storage" in command for command in commands)


def test_a_password_in_the_storage_url_is_masked() -> None:
    url = "postgresql+psycopg://tuner:s3cret-pw@db.example:5432/studies"
    commands = [command for command, _ in next_commands("demo", url)]
    assert all("s3cret-pw" not in command for command in commands)
    assert commands[0] == (
        "hypersense analyze demo --storage postgresql+psycopg://tuner:***@db.example:5432/studies"
    )


def test_a_url_without_password_is_shown_as_given() -> None:
    url = "sqlite:///runs/studies.db"
    commands = [
        command for command, _ in next_commands("demo", url, demo_options=" --max-epochs 3")
    ]
    assert commands[-1] == f"hypersense demo --n-trials 120 --max-epochs 3 --storage {url}"
